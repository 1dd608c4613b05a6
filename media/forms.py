from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import ingest
from .exceptions import RecordingRejected
from .tasks import start_transcription
from .widgets import FilePick


class AudioRecordingForm(WagtailAdminModelForm):
    """Admin form: a new recording needs a file; an existing one keeps its original forever."""

    upload = forms.FileField(
        label=_("录音文件"),
        required=False,
        widget=FilePick(button=_("选择录音文件")),
        help_text=_("wav、flac、mp3、m4a、ogg、webm 等格式。原始文件会原样保存并计算校验值。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = None
        if self.instance.pk:
            self.fields["upload"].disabled = True
            self.fields["upload"].help_text = _("原始文件不可替换；如需新版本，请新建一条录音。")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if self.instance.pk:
            return None
        if not upload:
            raise forms.ValidationError(_("请选择要上传的录音文件。"))
        try:
            self.prepared = ingest.prepare(upload, upload.name, declared_size=upload.size)
            ingest.refuse_duplicate(self.prepared)
        except RecordingRejected as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return upload

    def save(self, commit=True):
        if self.prepared is None:
            return super().save(commit=commit)
        user = getattr(self, "for_user", None)
        self.instance.uploaded_by = user if getattr(user, "is_authenticated", False) else None
        recording = ingest.commit(self.prepared, self.instance)
        if settings.TRANSCRIBE_ON_UPLOAD:
            start_transcription(recording, user=user)
        return recording
