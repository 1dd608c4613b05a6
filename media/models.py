"""Recordings and their transcripts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .timecode import clock


class AudioRecording(index.Indexed, models.Model):
    """An uploaded recording: the original byte for byte, its checksum and what was probed."""

    title = models.CharField(_("标题"), max_length=255)
    notes = models.TextField(_("备注"), blank=True)
    original = models.FileField(_("原始文件"), max_length=255, editable=False)
    original_filename = models.CharField(_("上传时的文件名"), max_length=255, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    size_bytes = models.BigIntegerField(_("大小（字节）"), editable=False)
    container = models.CharField(_("格式"), max_length=64, editable=False)
    codec = models.CharField(_("编码"), max_length=64, editable=False)
    channels = models.PositiveSmallIntegerField(_("声道"), editable=False)
    sample_rate = models.PositiveIntegerField(_("采样率"), editable=False)
    duration = models.FloatField(_("时长（秒）"), editable=False)
    peak_dbfs = models.FloatField(_("峰值电平（dBFS）"), editable=False)
    derivative = models.FileField(_("16 kHz 单声道副本"), max_length=255, editable=False)
    # Recorded when the derivative is saved (media/fixity.py), so fixity audits can check it too.
    derivative_sha256 = models.CharField(_("副本 SHA-256"), max_length=64, blank=True, editable=False)
    waveform = models.JSONField(_("波形"), default=list, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("录音")
        verbose_name_plural = _("录音")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title

    @property
    def duration_label(self) -> str:
        return clock(self.duration)

    @property
    def transcription_status(self) -> str:
        job = self.transcription_jobs.first()
        return job.summary if job else "—"


class Transcript(models.Model):
    """The timestamped text of one recording."""

    recording = models.OneToOneField(AudioRecording, on_delete=models.CASCADE, related_name="transcript")
    language = models.CharField(_("语言"), max_length=16, default="zh")
    engine = models.CharField(_("引擎"), max_length=64, blank=True)
    model_name = models.CharField(_("模型"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("转写稿")
        verbose_name_plural = _("转写稿")

    def __str__(self):
        return str(self.recording)


class TranscriptSegment(models.Model):
    """One sentence or phrase: where it is in the audio, what was said, how sure the machine was."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField()
    start = models.FloatField(_("开始（秒）"))
    end = models.FloatField(_("结束（秒）"))
    text = models.TextField(_("文字"))
    speaker = models.CharField(_("说话人"), max_length=100, blank=True)
    avg_logprob = models.FloatField(null=True, blank=True)
    no_speech_prob = models.FloatField(null=True, blank=True)
    reviewed = models.BooleanField(_("已校对"), default=False)
    low_confidence = models.BooleanField(_("需要核对"), default=False)
    # Each word as the engine heard it: text, at (its offset in ``text``), start, end, probability
    # and, for unsure words, alternatives ({text, at, end}: what could replace text[at:end]).
    # Filled by the transcription job (transcription/word_marks.py); the editor marks unsure words.
    words = models.JSONField(_("逐词信息"), default=list, blank=True, editable=False)

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "position"], name="segment_position_unique"),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="segment_end_after_start"),
        ]

    def __str__(self):
        return f"{self.start:.1f}–{self.end:.1f} {self.text[:30]}"


class TranscriptRevision(models.Model):
    """A snapshot of every segment, kept at each save by a person or the machine."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=20, choices=[("machine", _("机器")), ("person", _("人工"))])
    segments = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-pk"]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("转写中")
    DONE = "done", _("完成")
    FAILED = "failed", _("失败")


class TranscriptionJob(models.Model):
    """One run of Whisper over one recording: its state, progress and the error a person can act on."""

    recording = models.ForeignKey(AudioRecording, on_delete=models.CASCADE, related_name="transcription_jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0.0)
    engine = models.CharField(max_length=32)
    model_name = models.CharField(max_length=255, default="base")
    language = models.CharField(max_length=8, default="zh")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    audio_seconds = models.FloatField(null=True, blank=True)
    elapsed_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.recording} · {self.get_status_display()} {self.progress:.0f}%"

    @property
    def summary(self) -> str:
        """What a list shows: "转写中 42%" while it runs, then "完成" or "失败"."""
        if self.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return f"{self.get_status_display()} {self.progress:.0f}%"
        return self.get_status_display()


class Correction(models.Model):
    """A word facilitators fixed in machine text; fixed again and again, it belongs in the glossary."""

    wrong = models.CharField(max_length=50)
    right = models.CharField(max_length=50)
    count = models.PositiveIntegerField(default=0)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wrong", "right"], name="correction_pair_unique")]

    def __str__(self):
        return f"{self.wrong} → {self.right} ×{self.count}"


class UploadState(models.TextChoices):
    OPEN = "open", _("上传中")
    COMMITTING = "committing", _("正在入库")
    DONE = "done", _("已入库")
    FAILED = "failed", _("被拒绝")
    DISCARDED = "discarded", _("已重录")


class UploadSession(models.Model):
    """A recording arriving in chunks from the recording station (see media/uploads.py).

    The id is made by the phone, so chunks can be sent before the server has heard of
    the recording (the network may be down when recording starts). The chunks live in
    ``DATA_DIR/partial-uploads/<id>/`` until the commit.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_sessions")
    state = models.CharField(max_length=12, choices=UploadState.choices, default=UploadState.OPEN)
    recording = models.ForeignKey(AudioRecording, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    meta = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.pk} · {self.get_state_display()}"


class FixityProblemKind(models.TextChoices):
    MISSING = "missing", _("文件缺失")
    CHANGED = "changed", _("内容被改动")
    UNREADABLE = "unreadable", _("无法读取")


class FixityAudit(models.Model):
    """One run of ``manage.py fixity``: what was re-hashed, and each file found missing or changed."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    files_checked = models.PositiveIntegerField(_("核对的文件数"), default=0)
    bytes_checked = models.BigIntegerField(_("核对的字节数"), default=0)
    problem_count = models.PositiveIntegerField(_("问题数"), default=0)
    # Derivatives made before checksums were recorded get theirs on their first audit.
    newly_recorded = models.PositiveIntegerField(_("新记录校验值的文件数"), default=0)
    # Files with no recorded checksum to compare against (e.g. images added by code):
    # counted so that nothing goes unchecked silently.
    unhashed = models.PositiveIntegerField(_("没有校验值的文件数"), default=0)

    class Meta:
        verbose_name = _("完整性核查")
        verbose_name_plural = _("完整性核查")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} · {self.problem_count}"

    @property
    def ok(self) -> bool:
        return self.finished_at is not None and self.problem_count == 0


class FixityProblem(models.Model):
    """A file an audit found missing, changed or unreadable."""

    audit = models.ForeignKey(FixityAudit, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(_("问题"), max_length=12, choices=FixityProblemKind.choices)
    subject = models.CharField(_("对象"), max_length=255)
    path = models.CharField(_("文件"), max_length=500)
    algorithm = models.CharField(_("算法"), max_length=10)
    expected = models.CharField(_("记录的校验值"), max_length=128)
    found = models.CharField(_("实际校验值"), max_length=128, blank=True)
    detail = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("完整性问题")
        verbose_name_plural = _("完整性问题")
        ordering = ["audit", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.path}"
