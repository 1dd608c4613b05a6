"""Errors in words a facilitator can act on, Chinese first, then English."""


class BilingualError(Exception):
    """An error whose message a person reads: ``zh`` and ``en`` say the same thing."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")

    @property
    def message(self) -> str:
        return f"{self.zh}（{self.en}）"


class RecordingRejected(BilingualError):
    """Base class: the upload was refused and nothing was stored."""

    code = "rejected"


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
        # ``existing`` is for code that may look (the archive's own checks); the message
        # names nothing, since the uploader may not be allowed to see that recording.
        self.existing = existing
        super().__init__(
            "这段录音已经在档案里了（同样的文件上传过），不用再传",
            "this recording is already in the archive (the same file was uploaded before)",
        )
