"""Archive pages: the home page, the archive index and the three kinds of item."""

import json
import logging
import math

from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from media.formats import audio_type
from media.timecode import clock, fragment
from search.exceptions import SearchUnavailable
from search.service import related

from ..blocks import IngredientBlock, PhotoBlock, StepBlock
from ..consent import Purpose, may
from ..listing import ArchiveFilters, archive_items, filter_choices, page_of
from ..page_cache import cached_for_visitors
from ..pictures import attach_thumbnails, portraits
from ..pictures import photo as permitted_photo
from ..search_documents import page_key
from .people import AccessLevel

logger = logging.getLogger(__name__)


class NarratorLink(Orderable):
    """Who speaks in, or is the source of, an archive item (one concrete model per page type)."""

    narrator = models.ForeignKey(
        "heritage.Narrator", verbose_name=_("讲述人"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=100, blank=True, help_text=_("例如：讲述人、做菜的人、照片中的人"))

    panels = [FieldPanel("narrator"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        abstract = True


class HeritageItem(Page):
    """What oral histories, recipes and memories share: access, themes, tags, place, decade."""

    access_level = models.CharField(
        _("访问级别"),
        max_length=20,
        choices=AccessLevel.choices,
        default=AccessLevel.RESTRICTED,
        help_text=_("讲述人的同意也会限制可见范围：撤回“公开展示”同意后，条目不再公开。"),
    )
    summary = models.TextField(_("摘要"), blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    decade = models.PositiveSmallIntegerField(
        _("年代"), null=True, blank=True, help_text=_("所讲的事情发生的年代，例如 1970 表示七十年代。")
    )
    themes = ParentalManyToManyField("heritage.Theme", verbose_name=_("主题"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    kind = ""
    kind_label = ""
    parent_page_types = ["heritage.HeritageIndexPage"]
    subpage_types: list[str] = []

    access_panels = [
        MultiFieldPanel(
            [FieldPanel("access_level"), FieldPanel("themes"), FieldPanel("tags")],
            heading=_("访问与分类"),
        )
    ]

    class Meta:
        abstract = True

    def is_visible_to(self, user) -> bool:
        return may(self, Purpose.VIEW, user)

    @cached_for_visitors
    def serve(self, request, *args, **kwargs):
        if not self.is_visible_to(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def serve_preview(self, request, mode_name):
        # Previews render the template without serve(): the gate is asked here too, so an
        # archive withdrawal closes the preview for facilitators (issue 10, finding 8).
        if not self.is_visible_to(request.user):
            raise Http404("讲述人已撤回同意，不能预览")
        return super().serve_preview(request, mode_name)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["portraits"] = portraits(self, request.user)
        try:
            context["related"] = related(page_key(self), request.user)
        except SearchUnavailable:
            context["related"] = []
        except Exception:
            # Related stories are a courtesy: a search outage must not take the story down.
            logger.exception("related stories for page %s failed", self.pk)
            context["related"] = []
        return context

    def get_sitemap_urls(self, request=None):
        if not self.is_visible_to(None):
            return []
        return super().get_sitemap_urls(request)

    @property
    def narrators(self):
        return [link.narrator for link in self.narrator_links.select_related("narrator")]


class HomePage(Page):
    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["heritage.HeritageIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    @cached_for_visitors
    def serve(self, request, *args, **kwargs):
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = archive_items(request.user)[:6]
        attach_thumbnails(context["latest"], request.user)
        context["archive"] = HeritageIndexPage.objects.live().first()
        return context


class HeritageIndexPage(Page):
    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["heritage.OralHistoryPage", "heritage.RecipePage", "heritage.FamilyMemoryPage"]

    class Meta:
        verbose_name = _("档案目录")

    @cached_for_visitors
    def serve(self, request, *args, **kwargs):
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = ArchiveFilters.from_query(request.GET)
        context["filters"] = filters
        listing = page_of(archive_items(request.user, filters, parent=self), filters, request.GET.get("page", ""))
        context["listing"] = listing
        context["items"] = listing.items
        attach_thumbnails(context["items"], request.user)
        context["choices"] = filter_choices(request.user, parent=self)
        return context


class OralHistoryTag(TaggedItemBase):
    content_object = ParentalKey("heritage.OralHistoryPage", on_delete=models.CASCADE, related_name="tagged_items")


class OralHistoryPage(HeritageItem):
    """An elder's recording with its transcript."""

    recording = models.ForeignKey(
        "media.AudioRecording",
        verbose_name=_("录音"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_date = models.DateField(_("录音日期"), null=True, blank=True)
    language = models.CharField(_("语言/方言"), max_length=100, default="普通话")
    tags = ClusterTaggableManager(through=OralHistoryTag, blank=True, verbose_name=_("标签"))

    kind = "oral_history"
    kind_label = _("口述")

    content_panels = Page.content_panels + [
        InlinePanel("narrator_links", label=_("讲述人"), min_num=1),
        FieldPanel("recording"),
        FieldRowPanel([FieldPanel("recorded_date"), FieldPanel("place"), FieldPanel("language")]),
        FieldPanel("decade"),
        FieldPanel("summary"),
        HelpPanel(content=_("转写稿随录音保存，在“录音”里校对。")),
    ]
    settings_panels = HeritageItem.access_panels + Page.settings_panels

    class Meta:
        verbose_name = _("口述历史")
        verbose_name_plural = _("口述历史")

    @property
    def segments(self):
        from media.models import TranscriptSegment

        if self.recording_id is None:
            return TranscriptSegment.objects.none()
        return TranscriptSegment.objects.filter(transcript__recording_id=self.recording_id).order_by("position")

    def transcript_rows(self) -> list[dict]:
        """Segments ready to print: a 200-sentence transcript renders in a few milliseconds."""
        return [
            {
                "id": pk,
                "start": f"{start:.2f}",
                "end": f"{end:.2f}",
                "t": fragment(start),
                "clock": clock(start),
                "text": text,
                "speaker": speaker,
                "machine": not reviewed,
            }
            for pk, start, end, text, speaker, reviewed in self.segments.values_list(
                "pk", "start", "end", "text", "speaker", "reviewed"
            )
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["segments"] = rows = self.transcript_rows()
        context["has_machine_text"] = any(row["machine"] for row in rows)
        if self.recording_id:
            context["audio_type"] = audio_type(self.recording.container)
        try:
            start_at = float(request.GET.get("t", 0))
        except ValueError:
            start_at = 0.0
        # ?t=5.68 exactly (media-fragment seconds); nan and inf are not a place in a recording.
        context["start_at"] = start_at if math.isfinite(start_at) and start_at > 0 else 0.0
        return context


class OralHistoryNarrator(NarratorLink):
    page = ParentalKey(OralHistoryPage, on_delete=models.CASCADE, related_name="narrator_links")


class RecipeTag(TaggedItemBase):
    content_object = ParentalKey("heritage.RecipePage", on_delete=models.CASCADE, related_name="tagged_items")


class RecipePage(HeritageItem):
    """A family recipe: structured ingredients and ordered steps, published with schema.org JSON-LD."""

    photo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("成品照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    family = models.CharField(
        _("来自哪一家"), max_length=100, blank=True, help_text=_("例如：王家（王秀英外婆传下来）")
    )
    recipe_yield = models.CharField(_("份量"), max_length=100, blank=True, help_text=_("例如：一大锅，约 6 人份"))
    prep_minutes = models.PositiveIntegerField(_("准备时间（分钟）"), null=True, blank=True)
    cook_minutes = models.PositiveIntegerField(_("烹饪时间（分钟）"), null=True, blank=True)
    ingredients = StreamField([("ingredient", IngredientBlock())], verbose_name=_("食材"), blank=True)
    steps = StreamField([("step", StepBlock())], verbose_name=_("步骤"), blank=True)
    variations = RichTextField(_("变化与讲究"), blank=True, features=["bold", "italic", "ol", "ul"])
    tags = ClusterTaggableManager(through=RecipeTag, blank=True, verbose_name=_("标签"))

    kind = "recipe"
    kind_label = _("菜谱")

    content_panels = Page.content_panels + [
        InlinePanel("narrator_links", label=_("传承人")),
        FieldPanel("photo"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("family"), FieldPanel("recipe_yield")]),
        FieldRowPanel([FieldPanel("prep_minutes"), FieldPanel("cook_minutes"), FieldPanel("decade")]),
        FieldPanel("ingredients"),
        FieldPanel("steps"),
        FieldPanel("variations"),
        FieldPanel("place"),
    ]
    settings_panels = HeritageItem.access_panels + Page.settings_panels

    class Meta:
        verbose_name = _("菜谱")
        verbose_name_plural = _("菜谱")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["photo"] = permitted_photo(self, request.user)
        context["json_ld"] = self.json_ld(request, context["photo"])
        return context

    def json_ld(self, request=None, photo=None) -> str:
        """schema.org Recipe, as search engines read it; ``photo`` only as the image gate gave it
        (heritage.pictures.photo), never the page's own field."""
        data = {
            "@context": "https://schema.org",
            "@type": "Recipe",
            "name": self.title,
            "description": self.summary,
            "recipeCuisine": "贵州菜",
            "recipeIngredient": [block.block.as_text(block.value) for block in self.ingredients],
            "recipeInstructions": [
                {"@type": "HowToStep", "position": n, "text": block.value["text"]}
                for n, block in enumerate(self.steps, start=1)
            ],
            "author": [{"@type": "Person", "name": n.credited_as} for n in self.narrators] or None,
            "recipeYield": self.recipe_yield or None,
            "prepTime": f"PT{self.prep_minutes}M" if self.prep_minutes else None,
            "cookTime": f"PT{self.cook_minutes}M" if self.cook_minutes else None,
            "keywords": ", ".join(tag.name for tag in self.tags.all()) or None,
            "url": self.get_full_url(request),
        }
        if photo is not None:
            data["image"] = photo.get_rendition("fill-800x800").full_url
        text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)
        # Inside <script>, "</" would end the element early.
        return text.replace("</", "<\\/")


class RecipeNarrator(NarratorLink):
    page = ParentalKey(RecipePage, on_delete=models.CASCADE, related_name="narrator_links")


class MemoryTag(TaggedItemBase):
    content_object = ParentalKey("heritage.FamilyMemoryPage", on_delete=models.CASCADE, related_name="tagged_items")


class FamilyMemoryPage(HeritageItem):
    """A family memory in words and photos."""

    body = RichTextField(_("正文"), features=["bold", "italic", "ol", "ul", "link"])
    photos = StreamField([("photo", PhotoBlock())], verbose_name=_("照片"), blank=True)
    other_people = models.CharField(
        _("其他相关的人"), max_length=255, blank=True, help_text=_("不在讲述人名单里的人，例如：外婆、二叔")
    )
    tags = ClusterTaggableManager(through=MemoryTag, blank=True, verbose_name=_("标签"))

    kind = "memory"
    kind_label = _("家族记忆")

    content_panels = Page.content_panels + [
        InlinePanel("narrator_links", label=_("相关的人")),
        FieldPanel("other_people"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("decade"), FieldPanel("place")]),
        FieldPanel("body"),
        FieldPanel("photos"),
    ]
    settings_panels = HeritageItem.access_panels + Page.settings_panels

    class Meta:
        verbose_name = _("家族记忆")
        verbose_name_plural = _("家族记忆")


class MemoryNarrator(NarratorLink):
    page = ParentalKey(FamilyMemoryPage, on_delete=models.CASCADE, related_name="narrator_links")
