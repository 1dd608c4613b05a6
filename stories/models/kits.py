"""Brand kits: the story, label and listing copy a workshop makes for one product."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin

from ..export.content import LABEL_FIELDS

SHORT_STORY_MAX = 100

palette_validator = RegexValidator(
    r"^(#[0-9A-Fa-f]{6})(\s*,\s*#[0-9A-Fa-f]{6})*$",
    _("颜色写成 #RRGGBB，用逗号隔开，例如 #8B1A1A, #F2C14E。"),
)


def _label_field(spec):
    return models.TextField(spec.label, blank=True, help_text=f"{spec.english} · {spec.since}")


class BrandKit(DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """One product's kit. Drafts are revisions; a facilitator publishes (approves) one,
    and every export is built from that approved revision."""

    title = models.CharField(_("商品"), max_length=200, help_text=_("例如：阳朗辣子鸡 350 g 罐装"))
    slug = models.SlugField(_("网址名"), max_length=80, unique=True, allow_unicode=False)
    product_name = models.CharField(_("产品名"), max_length=60, help_text=_("例如：阳朗辣子鸡"))
    workshop = models.ForeignKey(
        "stories.Workshop", verbose_name=_("工作坊"), null=True, blank=True, on_delete=models.SET_NULL
    )
    tagline = models.CharField(_("一句话"), max_length=40, blank=True)
    short_story = models.CharField(
        _("短故事"), max_length=SHORT_STORY_MAX, blank=True, help_text=_("不超过 100 个字，印在标签上。")
    )
    long_story = models.TextField(_("长故事"), blank=True, help_text=_("网店详情页和故事页用。"))
    selling_points = models.TextField(_("卖点"), blank=True, help_text=_("每行一个。"))
    keywords = models.CharField(
        _("搜索词"), max_length=200, blank=True, help_text=_("网店标题可用的词，用逗号或空格隔开，例如：贵州特产 息烽")
    )
    palette = models.CharField(
        _("品牌色"),
        max_length=200,
        blank=True,
        validators=[palette_validator],
        help_text=_("从所选照片提取，可修改。"),
    )
    approval_requested_at = models.DateTimeField(_("申请审核时间"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    withdrawn_reason = models.TextField(_("下架原因"), blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("title"), FieldPanel("slug")]),
                FieldRowPanel([FieldPanel("product_name"), FieldPanel("workshop")]),
            ],
            heading=_("商品"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("tagline"),
                FieldPanel("short_story"),
                FieldPanel("long_story"),
                FieldPanel("selling_points"),
                FieldPanel("keywords"),
                FieldPanel("palette"),
            ],
            heading=_("故事"),
        ),
        InlinePanel("kit_snippets", heading=_("引用的片段（按故事顺序）"), label=_("片段")),
        InlinePanel("kit_photos", heading=_("照片"), label=_("照片")),
        MultiFieldPanel(
            [
                HelpPanel(
                    content=_(
                        "这些是预包装食品标签的必填项（GB 7718）。由生产者提供；"
                        "空着的项目导出时会列为“待填写”，不会编造。"
                    )
                ),
                *[FieldPanel(spec.key) for spec in LABEL_FIELDS],
            ],
            heading=_("标签信息"),
            classname="collapsed",
        ),
    ]

    class Meta:
        verbose_name = _("品牌包")
        verbose_name_plural = _("品牌包")
        ordering = ["title"]
        permissions = [("approve_brandkit", "Can approve brand kits for sellers")]

    def __str__(self):
        return self.title

    # What every publish must pass, added by stories/apps.py (the consent check: stories/consent.py
    # reads these models, so they may not import it). Empty means misconfigured, never "no check".
    publish_checks: list = []

    def publish(self, revision, user=None, **kwargs):
        """Publishing is the facilitator's approval; no path publishes a kit lacking consent."""
        if not self.publish_checks:
            raise ImproperlyConfigured("BrandKit.publish_checks is empty: the consent check is not registered")
        for check in self.publish_checks:
            check(revision.as_object())
        result = super().publish(revision, user=user, **kwargs)
        type(self).objects.filter(pk=self.pk).update(approved_by=user, withdrawn_reason="")
        return result

    @property
    def label(self) -> dict[str, str]:
        return {spec.key: getattr(self, spec.key) for spec in LABEL_FIELDS}

    @property
    def selling_point_list(self) -> list[str]:
        return [line.strip() for line in self.selling_points.splitlines() if line.strip()]

    @property
    def keyword_list(self) -> list[str]:
        return [word for word in self.keywords.replace("，", ",").replace(",", " ").split() if word]

    @property
    def colours(self) -> list[str]:
        return [c.strip().upper() for c in self.palette.split(",") if c.strip()]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stories:kit_story", args=[self.slug])


# The label items are one list (export/content.py); the kit gets one field for each.
for _spec in LABEL_FIELDS:
    BrandKit.add_to_class(_spec.key, _label_field(_spec))


class KitSnippet(Orderable):
    kit = ParentalKey(BrandKit, on_delete=models.CASCADE, related_name="kit_snippets")
    snippet = models.ForeignKey(
        "stories.StorySnippet", verbose_name=_("片段"), on_delete=models.PROTECT, related_name="kit_uses"
    )
    note = models.CharField(_("在故事里的作用"), max_length=100, blank=True, help_text=_("例如：开头、做法、结尾"))

    panels = [FieldPanel("snippet"), FieldPanel("note")]


class PhotoRole(models.TextChoices):
    MAIN = "main", _("主图")
    DETAIL = "detail", _("详情图")


class KitPhoto(Orderable):
    kit = ParentalKey(BrandKit, on_delete=models.CASCADE, related_name="kit_photos")
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL, verbose_name=_("照片"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("用途"), max_length=10, choices=PhotoRole.choices, default=PhotoRole.DETAIL)

    panels = [FieldPanel("image"), FieldPanel("role")]


class KitComment(models.Model):
    """What the group said about a candidate snippet (or the kit as a whole)."""

    kit = models.ForeignKey(BrandKit, on_delete=models.CASCADE, related_name="comments")
    snippet = models.ForeignKey(
        "stories.StorySnippet", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("评论"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class KitVote(models.Model):
    """One person's vote for a candidate snippet in a kit."""

    kit = models.ForeignKey(BrandKit, on_delete=models.CASCADE, related_name="votes")
    snippet = models.ForeignKey("stories.StorySnippet", on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kit", "snippet", "voter"], name="one_vote_per_person")]
