from media.exceptions import BilingualError


class AgreementNotAccepted(BilingualError):
    """A seller asked for a kit's zip before accepting its benefit agreement."""

    code = "agreement_not_accepted"

    def __init__(self, kit):
        self.kit = kit
        super().__init__(
            f"下载《{kit}》之前，请先在下载架上阅读这个品牌包的利益分享约定，并点“我接受这份约定”。"
            "约定写明了卖出商品后给老人、家庭和村集体的回馈。",
            f"before downloading “{kit}”, read and accept its benefit agreement on the shelf",
        )


class NoAgreementToAccept(BilingualError):
    code = "no_agreement"

    def __init__(self, kit):
        super().__init__(
            f"《{kit}》还没有利益分享约定，不需要接受。", f"the kit “{kit}” has no benefit agreement to accept"
        )


class UnknownNarrator(BilingualError):
    code = "unknown_narrator"

    def __init__(self, name):
        super().__init__(f"找不到讲述人“{name}”。", f"no narrator called “{name}”")
