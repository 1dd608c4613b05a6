"""People in the archive: accounts, narrators and their consent history."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from ..panels import ConsentInlinePanel, ConsentLogPanel
from .evidence import evidence_fields


class User(AbstractUser):
    """An account: facilitator, villager, seller; roles are groups and permissions."""

    display_name = models.CharField(_("称呼"), max_length=100, blank=True)

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("公开：所有人可见")
    COMMUNITY = "community", _("社区：登录的村民可见")
    RESTRICTED = "restricted", _("受限：仅协作者可见")


class ConsentScope(models.TextChoices):
    """What a narrator agreed to; each is given, and withdrawn, separately."""

    ARCHIVE = "archive", _("仅存档（协作者可听）")
    PUBLIC = "public", _("公开展示")
    COMMERCIAL = "commercial", _("商业品牌使用")


class ConsentStatus(models.TextChoices):
    """A grant counts only once confirmed: a re-grant after a withdrawal waits for a facilitator."""

    CONFIRMED = "confirmed", _("已生效")
    PENDING = "pending", _("待协作者核实")


class NarratorQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def with_consent(self, scope: str, at=None):
        return self.filter(Exists(Consent.objects.active(at).filter(narrator=OuterRef("pk"), scope=scope)))

    def lacking_consent(self, scope: str, at=None):
        return self.exclude(Exists(Consent.objects.active(at).filter(narrator=OuterRef("pk"), scope=scope)))


class Narrator(index.Indexed, ClusterableModel):
    """An elder (or anyone) whose words, recipes or memories are in the archive."""

    name = models.CharField(_("姓名"), max_length=100)
    credit_name = models.CharField(
        _("署名用名"),
        max_length=100,
        blank=True,
        help_text=_("引用时显示的名字；讲述人选择化名时填写，否则留空使用姓名。"),
    )
    village = models.CharField(_("村寨"), max_length=100, default="立碑村")
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    dialect = models.CharField(_("方言"), max_length=100, blank=True, help_text=_("例如：贵州话（西南官话）"))
    portrait = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    biography = models.TextField(_("简介"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    objects = NarratorQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("credit_name")]),
                FieldRowPanel([FieldPanel("village"), FieldPanel("birth_year"), FieldPanel("dialect")]),
                FieldPanel("portrait"),
                FieldPanel("biography"),
            ],
            heading=_("讲述人"),
        ),
        HelpPanel(
            content=_(
                "每一种用途都需要单独的同意：仅存档、公开展示、商业品牌使用。"
                "讲述人撤回同意时，填写“撤回时间”，不要删除记录：同意的历史要完整保留。"
            )
        ),
        ConsentInlinePanel("consents", heading=_("同意记录"), label=_("同意记录")),
        ConsentLogPanel(heading=_("同意变更记录（只读）")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("village"),
        index.SearchField("biography"),
        index.SearchField("dialect"),
    ]

    class Meta:
        verbose_name = _("讲述人")
        verbose_name_plural = _("讲述人")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def credited_as(self) -> str:
        return self.credit_name or self.name

    def has_consent(self, scope: str, at=None) -> bool:
        return any(c.scope == scope and c.is_active(at) for c in self.consents.all())

    def consent_history(self):
        """The consent log, newest first (written by heritage.consent_log only)."""
        return ConsentChange.objects.filter(narrator=self).select_related("changed_by")[:500]

    def pending_consents(self):
        return Consent.objects.filter(narrator=self).pending()


class ConsentQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(status=ConsentStatus.CONFIRMED, given_at__lte=at).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at)
        )

    def pending(self):
        return self.filter(status=ConsentStatus.PENDING, withdrawn_at__isnull=True)


class Consent(Orderable, evidence_fields(_("同意书扫描件"), _("口头同意录音"))):
    """One consent a narrator gave, with its evidence and witness, and when it was withdrawn."""

    narrator = ParentalKey(Narrator, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("范围"), max_length=20, choices=ConsentScope.choices)
    given_at = models.DateTimeField(_("同意时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_note = models.CharField(_("撤回说明"), max_length=255, blank=True)
    # Set by heritage.consent_log only: a grant for a scope the narrator once withdrew
    # waits here until a facilitator confirms it with evidence (issue 10, finding 2).
    status = models.CharField(
        _("状态"), max_length=20, choices=ConsentStatus.choices, default=ConsentStatus.CONFIRMED, editable=False
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实协作者"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("核实时间"), null=True, blank=True, editable=False)

    objects = ConsentQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("scope"), FieldPanel("method"), FieldPanel("given_at")]),
        FieldRowPanel([FieldPanel("evidence_document"), FieldPanel("evidence_recording")]),
        FieldPanel("witnessed_by"),
        FieldRowPanel([FieldPanel("withdrawn_at"), FieldPanel("withdrawal_note")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")

    def __str__(self):
        pending = f" · {self.get_status_display()}" if self.status == ConsentStatus.PENDING else ""
        return f"{self.get_scope_display()} · {self.given_at:%Y-%m-%d}{pending}"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        confirmed = self.status == ConsentStatus.CONFIRMED
        return confirmed and self.given_at <= at and (self.withdrawn_at is None or self.withdrawn_at > at)

    def clean(self):
        if self.withdrawn_at and self.given_at and self.withdrawn_at < self.given_at:
            raise ValidationError({"withdrawn_at": _("撤回时间不能早于同意时间。")})
        # A withdrawal in effect stands: clearing or postponing it would re-grant without
        # the narrator (issue 10, finding 2). A new consent record, confirmed, is the way back.
        stored = Consent.objects.filter(pk=self.pk).values_list("withdrawn_at", flat=True).first() if self.pk else None
        if stored and stored <= timezone.now() and (self.withdrawn_at is None or self.withdrawn_at > stored):
            raise ValidationError(
                {
                    "withdrawn_at": _(
                        "撤回已经生效，不能取消或推迟。讲述人重新同意时，请新增一条同意记录，由协作者核实证据后生效。"
                    )
                }
            )


class ConsentChangeAction(models.TextChoices):
    CREATE = "create", _("新增")
    WITHDRAW = "withdraw", _("撤回")
    CONFIRM = "confirm", _("核实生效")
    EDIT = "edit", _("修改")
    DELETE = "delete", _("删除")


class ConsentChange(models.Model):
    """One change to a narrator's consent, as it was made: the log is never edited.

    Written only by heritage.consent_log (the admin form, the recording station and the
    demo loader all go through it); shown read-only in the narrator's record.
    """

    narrator = models.ForeignKey(Narrator, verbose_name=_("讲述人"), on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(
        Consent, verbose_name=_("同意记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    scope = models.CharField(_("范围"), max_length=20, choices=ConsentScope.choices)
    action = models.CharField(_("操作"), max_length=20, choices=ConsentChangeAction.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    source = models.CharField(_("来源"), max_length=20)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    class Meta:
        verbose_name = _("同意变更记录")
        verbose_name_plural = _("同意变更记录")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        when = f"{self.changed_at:%Y-%m-%d %H:%M}"
        return f"{self.narrator_id} · {self.get_scope_display()} · {self.get_action_display()} · {when}"


class ConsentSweep(models.Model):
    """One run of the periodic consent sweep (``manage.py consent_sweep``): when, and what it did."""

    ran_at = models.DateTimeField(_("运行时间"), default=timezone.now, db_index=True)
    lapsed = models.PositiveIntegerField(_("开始生效的撤回"), default=0)
    kits_withdrawn = models.PositiveIntegerField(_("下架的品牌包"), default=0)

    class Meta:
        verbose_name = _("同意巡检")
        verbose_name_plural = _("同意巡检")
        ordering = ["-ran_at"]
