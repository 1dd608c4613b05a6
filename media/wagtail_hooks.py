from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .forms import AudioRecordingForm
from .models import AudioRecording


class AudioRecordingViewSet(SnippetViewSet):
    model = AudioRecording
    icon = "media"
    menu_label = _("录音")
    menu_order = 210
    add_to_admin_menu = True
    # Codec and upload time are hidden on a phone (media/admin.css): the list must fit 360 px.
    list_display = [
        "title",
        Column("duration_label", label=_("时长")),
        Column("codec", label=_("编码"), classname="media-wide-only"),
        Column("transcription_status", label=_("转写状态"), classname="media-status"),
        Column("uploaded_at", label=_("上传时间"), classname="media-wide-only"),
    ]
    search_fields = ["title"]
    panels = [
        FieldPanel("title"),
        FieldPanel("upload"),
        FieldPanel("notes"),
        HelpPanel(
            content=_(
                "上传后系统会保存原始文件、计算 SHA-256 校验值、读取时长和编码，"
                "并生成 16 kHz 单声道副本和波形，供转写和播放使用。"
            )
        ),
    ]


AudioRecording.base_form_class = AudioRecordingForm
register_snippet(AudioRecordingViewSet)


@hooks.register("insert_global_admin_css")
def media_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("media/admin.css"))


@hooks.register("register_admin_urls")
def transcript_editor_urls():
    return [
        path("transcripts/<int:recording_id>/", admin_views.editor, name="media_transcript_editor"),
        path("transcripts/<int:recording_id>/save/", admin_views.save, name="media_transcript_save"),
        path("transcripts/<int:recording_id>/transcribe/", admin_views.transcribe, name="media_transcript_transcribe"),
        path("transcripts/<int:recording_id>/status/", admin_views.status, name="media_transcript_status"),
        path("transcripts/progress/", admin_views.live_progress, name="media_transcription_progress"),
        path("transcripts/<int:recording_id>/audio/", admin_views.audio, name="media_transcript_audio"),
        path("transcripts/<int:recording_id>/export/<str:fmt>/", admin_views.export, name="media_transcript_export"),
    ]


@hooks.register("insert_global_admin_js")
def live_progress_js():
    """The recording list shows transcription progress as it happens (media/static/media/progress.js)."""
    return format_html(
        '<script src="{}" data-url="{}" defer></script>',
        static("media/progress.js"),
        reverse("media_transcription_progress"),
    )


@hooks.register("register_snippet_listing_buttons")
def transcript_editor_button(snippet, user, next_url=None):
    if isinstance(snippet, AudioRecording) and user.has_perm(admin_views.PERMISSION):
        yield ListingButton(
            _("校对文字稿"),
            reverse("media_transcript_editor", args=[snippet.pk]),
            icon_name="doc-full",
            priority=5,
        )
