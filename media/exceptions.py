"""Why a recording was refused, in words a facilitator can act on (Chinese, then English)."""


class RecordingRejected(Exception):
    """Base class: the upload was refused and nothing was stored."""

    code = "rejected"

    def __init__(self, zh: str, en: str, **details):
        self.zh = zh
        self.en = en
        self.details = details
        super().__init__(f"{zh} / {en}")

    @property
    def message(self) -> str:
        return f"{self.zh}（{self.en}）"


class NotAudio(RecordingRejected):
    code = "not_audio"


class CorruptAudio(RecordingRejected):
    code = "corrupt"


class EmptyAudio(RecordingRejected):
    code = "empty"


class SilentAudio(RecordingRejected):
    code = "silent"


class TooLarge(RecordingRejected):
    code = "too_large"


class TooLong(RecordingRejected):
    code = "too_long"


class DuplicateRecording(RecordingRejected):
    code = "duplicate"

    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            f"这段录音已经上传过了：《{existing.title}》",
            f"this recording was already uploaded as “{existing.title}”",
        )
