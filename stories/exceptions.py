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
        # No title: a seller who asks for a withdrawn kit may no longer see what it was called.
        super().__init__(
            "这个品牌包还没有经协作者审核发布（或已下架），不能导出。",
            "this kit has no approved (published) revision to export (or it was withdrawn)",
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


class UnknownSnippetSource(SnippetSourceError):
    """A request naming a kind of source the board does not make snippets from."""

    code = "unknown_source"


class SnippetSourceNotFound(SnippetSourceError):
    """No such source, or one this person may not see: one answer for both."""

    code = "source_not_found"
    status = 404


class PhotoNotFound(BilingualError):
    """A photo id the board does not know, or one this person may not see: the same answer,
    so the board never tells whether a hidden photo exists."""

    code = "photo_not_found"
    status = 404

    def __init__(self):
        super().__init__("没有找到这张照片", "no such photo")


class PhotoNotForKits(BilingualError):
    """A photo this person may see, which may not be used on a product."""

    code = "photo_not_for_kits"
    status = 403

    def __init__(self):
        super().__init__(
            "这张照片不能用在商品上（讲述人没有同意，或照片所在的条目不公开）",
            "this photo may not be used on a product (consent or the item's access does not allow it)",
        )


class ExportRefused(BilingualError):
    """What the person downloading hears when consent stops an export: how many quotes
    (and photos), never which, since they may not see them; the facilitators get the rest."""

    code = "consent"

    def __init__(self, problems):
        quotes = len({p.snippet_id for p in problems if hasattr(p, "snippet_id")})
        photos = len({p.image_id for p in problems if hasattr(p, "image_id")})
        photo_zh, photo_en = (f"和 {photos} 张照片", f" and {photos} photo(s)") if photos else ("", "")
        super().__init__(
            f"这个品牌包里有 {quotes} 条引用{photo_zh}现在不能使用，暂时不能下载；已通知协作者。",
            f"{quotes} quote(s){photo_en} in this kit may not be used now, so it cannot be downloaded; "
            "a facilitator has been told.",
        )


class LabelNotPrintable(BilingualError):
    """The label's text would print below 4.5:1 on its background: the export is refused."""

    code = "label_contrast"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "标签文字对比度不够，不能导出：" + "；".join(problems) + "。请在色板里换一个更深的颜色。",
            "label text would print below 4.5:1 contrast; choose a darker palette colour",
        )
