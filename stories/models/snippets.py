"""Story snippets: the exact words a kit quotes, and exactly where they came from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from media.timecode import clock


class SnippetSource(models.TextChoices):
    SEGMENTS = "segments", _("录音片段")
    RECIPE_STEP = "recipe_step", _("菜谱步骤")
    MEMORY_PARAGRAPH = "memory_paragraph", _("回忆段落")


class StorySnippet(models.Model):
    """An excerpt with a pointer to its source: transcript segments (with the audio clip's
    start and end), a recipe step, or a memory paragraph, and the narrators it quotes.

    The text is kept as it was when the snippet was made, so a later correction of the
    transcript never changes a kit that is already on a jar; the pointer says where to
    listen again.
    """

    text = models.TextField(_("引文"))
    source = models.CharField(_("来源类型"), max_length=20, choices=SnippetSource.choices)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("出处"), on_delete=models.PROTECT, related_name="story_snippets"
    )
    recording = models.ForeignKey(
        "media.AudioRecording", null=True, blank=True, on_delete=models.PROTECT, related_name="story_snippets"
    )
    first_segment = models.ForeignKey(
        "media.TranscriptSegment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_segment = models.ForeignKey(
        "media.TranscriptSegment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start = models.FloatField(_("开始（秒）"), null=True, blank=True)
    end = models.FloatField(_("结束（秒）"), null=True, blank=True)
    position = models.PositiveIntegerField(
        _("第几步/段"), null=True, blank=True, help_text=_("菜谱步骤或回忆段落的序号，从 1 开始")
    )
    narrators = models.ManyToManyField("heritage.Narrator", verbose_name=_("讲述人"), related_name="story_snippets")
    workshop = models.ForeignKey(
        "stories.Workshop",
        verbose_name=_("工作坊"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="snippets",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("text", read_only=True),
        FieldRowPanel([FieldPanel("source", read_only=True), FieldPanel("page", read_only=True)]),
        FieldPanel("workshop"),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("故事片段")
        verbose_name_plural = _("故事片段")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True) | models.Q(end__gte=models.F("start")),
                name="snippet_end_after_start",
            )
        ]

    def __str__(self):
        return self.text[:40]

    @property
    def where(self) -> str:
        """Where the words are, for a person: "2:05–2:31", "第 3 步", "第 2 段"."""
        if self.source == SnippetSource.SEGMENTS and self.start is not None:
            return f"{clock(self.start)}–{clock(self.end)}"
        if self.source == SnippetSource.RECIPE_STEP:
            return f"第 {self.position} 步"
        return f"第 {self.position} 段"

    def pointer(self) -> dict:
        """The exact source, as the manifest records it."""
        pointer = {"kind": self.source, "page_id": self.page_id, "page_title": self.page.title}
        if self.source == SnippetSource.SEGMENTS:
            pointer |= {
                "recording_id": self.recording_id,
                "recording_sha256": self.recording.sha256 if self.recording_id else None,
                "first_segment_id": self.first_segment_id,
                "last_segment_id": self.last_segment_id,
                "start": self.start,
                "end": self.end,
            }
        else:
            pointer["position"] = self.position
        return pointer
