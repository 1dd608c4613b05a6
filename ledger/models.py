"""The ledger: who gave words, who used them, and what was promised in return.

Nothing here stores anything about visitors: a QR scan is a count per kit per day.
Rows that account for a use (downloads, acceptances) protect the kit they name, so the
history cannot be deleted by deleting a kit.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from heritage.models.evidence import evidence_fields

from .money import yuan_in_words


class Household(ClusterableModel):
    """A family (户) in the village. Heritage's people have no household, so the ledger
    keeps it: narrators and villager accounts are members, each of at most one household."""

    name = models.CharField(_("户名"), max_length=100, help_text=_("例如：王家（王秀英户）"))
    village = models.CharField(_("村寨"), max_length=100, default="立碑村")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("village")]),
        FieldPanel("note"),
        InlinePanel("members", heading=_("成员"), label=_("成员")),
    ]

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["name"]

    def __str__(self):
        return self.name


class HouseholdMember(Orderable):
    """One person of a household: a narrator, a villager's account, or both."""

    household = ParentalKey(Household, on_delete=models.CASCADE, related_name="members")
    narrator = models.OneToOneField(
        "heritage.Narrator",
        verbose_name=_("讲述人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="household_membership",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("村民账号"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="household_membership",
    )

    panels = [FieldRowPanel([FieldPanel("narrator"), FieldPanel("user")])]

    class Meta(Orderable.Meta):
        verbose_name = _("农户成员")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(narrator__isnull=False) | models.Q(user__isnull=False),
                name="household_member_is_someone",
            )
        ]

    def clean(self):
        if not self.narrator_id and not self.user_id:
            raise ValidationError(_("请选择讲述人或村民账号。"))


class Beneficiary(models.TextChoices):
    NARRATOR = "narrator", _("讲述人本人")
    FAMILY = "family", _("讲述人的家庭")
    VILLAGE_FUND = "village_fund", _("村集体基金")


class ReturnKind(models.TextChoices):
    PER_JAR = "per_jar", _("每卖一罐")
    PER_DOWNLOAD = "per_download", _("每下载一次")
    LUMP_SUM = "lump_sum", _("一次性")


class BenefitAgreementQuerySet(models.QuerySet):
    def current_for(self, kit_id: int):
        """The agreement in force for a kit: the latest one agreed."""
        return self.filter(kit_id=kit_id).order_by("-agreed_on", "-pk").first()


class BenefitAgreement(ClusterableModel, evidence_fields(_("签字约定书扫描件"), _("口头约定录音"))):
    """What comes back to the narrators, their families and the village for one kit,
    agreed on a date, by named people, with evidence (like a consent record)."""

    kit = models.ForeignKey(
        "stories.BrandKit", verbose_name=_("品牌包"), on_delete=models.PROTECT, related_name="benefit_agreements"
    )
    agreed_on = models.DateField(_("约定日期"), default=timezone.localdate)
    agreed_by = models.CharField(
        _("约定人"), max_length=300, help_text=_("谁同意了这份约定，例如：王秀英、王建国（儿子）、村委会主任李明")
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    objects = BenefitAgreementQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kit"), FieldPanel("agreed_on")]),
                FieldPanel("agreed_by"),
                FieldRowPanel([FieldPanel("method"), FieldPanel("witnessed_by")]),
                FieldRowPanel([FieldPanel("evidence_document"), FieldPanel("evidence_recording")]),
            ],
            heading=_("约定"),
        ),
        HelpPanel(
            content=_(
                "每一项回馈写清楚给谁、怎么算、多少钱。大写金额留空会自动填写。"
                "卖家下载品牌包之前要看到并接受这份约定；改了约定请新建一份，旧的留作历史。"
            )
        ),
        InlinePanel("terms", heading=_("回馈"), label=_("回馈"), min_num=1),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("利益分享约定")
        verbose_name_plural = _("利益分享约定")
        ordering = ["-agreed_on", "-pk"]

    def __str__(self):
        return f"《{self.kit}》利益分享约定（{self.agreed_on:%Y-%m-%d}）"

    def clean(self):
        self.require_evidence(_("签字约定需要上传签字约定书扫描件。"), _("口头约定需要选择约定时的录音。"))


class BenefitTerm(Orderable):
    """One return: to whom, how it is counted, and how much (in figures and in words)."""

    agreement = ParentalKey(BenefitAgreement, on_delete=models.CASCADE, related_name="terms")
    beneficiary = models.CharField(_("给谁"), max_length=20, choices=Beneficiary.choices)
    narrator = models.ForeignKey(
        "heritage.Narrator",
        verbose_name=_("讲述人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefit_terms",
        help_text=_("给讲述人或其家庭时必填。"),
    )
    kind = models.CharField(_("怎么算"), max_length=20, choices=ReturnKind.choices)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    amount_words = models.CharField(_("大写金额"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("例如：每季度结算一次，由村委会转交"))

    panels = [
        FieldRowPanel([FieldPanel("beneficiary"), FieldPanel("narrator")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("amount"), FieldPanel("amount_words")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("回馈")
        verbose_name_plural = _("回馈")

    def clean(self):
        if self.beneficiary != Beneficiary.VILLAGE_FUND and not self.narrator_id:
            raise ValidationError({"narrator": _("给讲述人或其家庭的回馈要写明是哪位讲述人。")})

    def save(self, *args, **kwargs):
        if not self.amount_words and self.amount is not None:
            self.amount_words = yuan_in_words(self.amount)
        super().save(*args, **kwargs)

    @property
    def who(self) -> str:
        if self.beneficiary == Beneficiary.VILLAGE_FUND:
            return str(Beneficiary.VILLAGE_FUND.label)
        name = self.narrator.credited_as if self.narrator_id else ""
        return f"{name}本人" if self.beneficiary == Beneficiary.NARRATOR else f"{name}的家庭"

    def __str__(self):
        return f"{self.who}：{self.get_kind_display()} {self.amount} 元（{self.amount_words}）"


class AgreementAcceptance(models.Model):
    """A seller read the agreement and accepted it, for one approved revision of the kit."""

    agreement = models.ForeignKey(BenefitAgreement, on_delete=models.PROTECT, related_name="acceptances")
    kit = models.ForeignKey("stories.BrandKit", on_delete=models.PROTECT, related_name="+")
    revision_id = models.PositiveIntegerField(_("品牌包版本"))
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("约定接受记录")
        verbose_name_plural = _("约定接受记录")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "revision_id", "seller"], name="accept_once_per_revision")
        ]


class KitDownload(models.Model):
    """One zip handed to one person: which kit, which approved revision, which platforms' files."""

    kit = models.ForeignKey("stories.BrandKit", verbose_name=_("品牌包"), on_delete=models.PROTECT, related_name="+")
    revision_id = models.PositiveIntegerField(_("品牌包版本"))
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下载人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement = models.ForeignKey(
        BenefitAgreement, verbose_name=_("当时的约定"), null=True, on_delete=models.PROTECT, related_name="downloads"
    )
    platforms = models.JSONField(_("平台文件"), default=list, help_text=_("压缩包里有图片的平台"))
    downloaded_at = models.DateTimeField(_("下载时间"), default=timezone.now, db_index=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        verbose_name = _("品牌包下载")
        verbose_name_plural = _("品牌包下载")
        ordering = ["-downloaded_at"]


class QrScan(models.Model):
    """How many times the kit's story page was opened from the label's QR on one day.
    Only the count: no address, browser or account is stored."""

    kit = models.ForeignKey("stories.BrandKit", verbose_name=_("品牌包"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    count = models.PositiveIntegerField(_("次数"), default=0)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    class Meta:
        verbose_name = _("扫码次数")
        verbose_name_plural = _("扫码次数")
        constraints = [models.UniqueConstraint(fields=["kit", "day"], name="one_scan_count_per_kit_day")]
