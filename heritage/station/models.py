"""What the recording station adds to a recording: whose voice, about what, and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from ..models.people import Narrator


class TopicPrompt(models.Model):
    """A question that helps an elder start talking; the facilitator picks some per session."""

    text = models.CharField(_("提问"), max_length=200, help_text=_("例如：你第一次做辣子鸡是什么时候？"))
    sort_order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    panels = [FieldPanel("text"), FieldPanel("sort_order"), FieldPanel("active")]

    class Meta:
        verbose_name = _("话题提示")
        verbose_name_plural = _("话题提示")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text


class StationRecordingKind(models.TextChoices):
    STORY = "story", _("讲述")
    CONSENT = "consent", _("口头同意")


class StationRecording(models.Model):
    """A recording made at the recording station, tied to its narrator."""

    recording = models.OneToOneField("media.AudioRecording", on_delete=models.CASCADE, related_name="station")
    narrator = models.ForeignKey(Narrator, on_delete=models.PROTECT, related_name="station_recordings")
    kind = models.CharField(max_length=10, choices=StationRecordingKind.choices, default=StationRecordingKind.STORY)
    prompt = models.CharField(_("话题"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("录音站录音")
        verbose_name_plural = _("录音站录音")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.narrator} · {self.get_kind_display()}"
