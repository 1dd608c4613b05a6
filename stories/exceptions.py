from media.exceptions import BilingualError


class KitConsentError(BilingualError):
    """The kit quotes someone who has not (or no longer) agreed to commercial use."""

    code = "consent"

    def __init__(self, problems):
        self.problems = problems
        super().__init__(
            "不能发布或导出：" + "；".join(p.zh for p in problems) + "。请换掉这些片段，或先补充同意记录。",
            "cannot publish or export: " + "; ".join(p.en for p in problems) + ". Replace these snippets first.",
        )


class KitNotApproved(BilingualError):
    code = "not_approved"

    def __init__(self, kit):
        super().__init__(
            f"品牌包《{kit}》还没有经协作者审核发布，不能导出。",
            f"the kit “{kit}” has no approved (published) revision to export yet",
        )


class EditConflict(BilingualError):
    """Someone saved the kit after this person loaded it."""

    code = "conflict"

    def __init__(self, other: str):
        super().__init__(
            f"{other}刚刚也保存了这个品牌包。为了不覆盖对方的修改，这次没有保存：请刷新后再改。",
            f"{other} saved this kit after you opened it; nothing was overwritten. Reload and edit again.",
        )


class SnippetSourceError(BilingualError):
    code = "bad_source"
