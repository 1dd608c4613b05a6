from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import AudioRecordingForm
from .models import AudioRecording


class AudioRecordingViewSet(SnippetViewSet):
    model = AudioRecording
    icon = "media"
    menu_label = _("录音")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "duration_label", "codec", "uploaded_at"]
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
