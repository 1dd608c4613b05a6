"""What a person's save of the transcript editor does: validate, replace, keep a revision, learn."""

import difflib
import re

from django.db import transaction
from django.db.models import F

from ..exceptions import BilingualError
from ..models import Correction, Transcript, TranscriptRevision, TranscriptSegment
from .store import snapshot
from .word_marks import kept_words

MAX_SPEAKER = 100
# A correction of a word, not a rewritten sentence: short replacements only.
MAX_CORRECTION = 8
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


class EditRejected(BilingualError):
    """The edit cannot be saved; the message says why."""

    status = 400


class EditConflict(EditRejected):
    status = 409


def latest_revision(transcript: Transcript) -> TranscriptRevision | None:
    return transcript.revisions.order_by("-created_at", "-pk").first()


def _validated(rows: list, duration: float) -> list[dict]:
    if not isinstance(rows, list) or not rows:
        raise EditRejected("文字稿不能为空", "the transcript cannot be empty")
    clean, previous_start = [], -1.0
    for n, row in enumerate(rows, start=1):
        try:
            start, end = float(row["start"]), float(row["end"])
            text = str(row["text"]).strip()
            speaker = str(row.get("speaker", "")).strip()[:MAX_SPEAKER]
            reviewed = bool(row.get("reviewed", False))
        except (KeyError, TypeError, ValueError) as error:
            raise EditRejected(f"第 {n} 句的数据不完整", f"segment {n} is incomplete") from error
        if not text:
            raise EditRejected(f"第 {n} 句是空的，请删除或合并它", f"segment {n} is empty; delete or merge it")
        if not (0 <= start <= end <= duration + 0.5):
            raise EditRejected(f"第 {n} 句的时间不对", f"segment {n} has impossible times ({start}–{end})")
        if start < previous_start:
            raise EditRejected(f"第 {n} 句的开始时间早于上一句", f"segment {n} starts before the one above it")
        previous_start = start
        clean.append(
            {
                "start": start,
                "end": end,
                "text": text,
                "speaker": speaker,
                "reviewed": reviewed,
                # Still unsure until a person says otherwise.
                "low_confidence": bool(row.get("low_confidence")) and not reviewed,
                # Kept after review too (their times stay useful); the editor shows no marks on a reviewed sentence.
                "words": kept_words(row.get("words"), text),
            }
        )
    return clean


def _corrections(before: list[dict], after: list[dict]) -> list[tuple[str, str]]:
    """Words replaced in machine text, matched by time: (what the machine wrote, what a person wrote)."""
    found = []
    for new in after:
        old = next((o for o in before if abs(o["start"] - new["start"]) < 0.05 and not o["reviewed"]), None)
        if old is None or old["text"] == new["text"]:
            continue
        matcher = difflib.SequenceMatcher(a=old["text"], b=new["text"], autojunk=False)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            wrong, right = old["text"][a1:a2], new["text"][b1:b2]
            if (
                tag == "replace"
                and 1 <= len(right) <= MAX_CORRECTION
                and _CJK_RUN.fullmatch(right)
                and _CJK_RUN.fullmatch(wrong)
            ):
                found.append((wrong, right))
    return found


@transaction.atomic
def save_edit(transcript: Transcript, rows: list, base_revision: int | None, user) -> TranscriptRevision:
    """Replace every segment with ``rows`` unless someone saved since ``base_revision`` was read."""
    Transcript.objects.select_for_update().filter(pk=transcript.pk).get()
    latest = latest_revision(transcript)
    if latest is not None and latest.pk != base_revision:
        who = str(latest.user) if latest.user else "转写程序 / the transcriber"
        raise EditConflict(
            f"{who} 在 {latest.created_at:%H:%M} 保存了新版本，请重新打开后再改，以免覆盖",
            f"{who} saved a newer version at {latest.created_at:%H:%M}; reopen the editor so nothing is overwritten",
        )
    clean = _validated(rows, transcript.recording.duration)
    before = snapshot(transcript)
    transcript.segments.all().delete()
    TranscriptSegment.objects.bulk_create(
        TranscriptSegment(transcript=transcript, position=n, **row) for n, row in enumerate(clean)
    )
    for wrong, right in _corrections(before, clean):
        correction, _ = Correction.objects.get_or_create(wrong=wrong, right=right)
        Correction.objects.filter(pk=correction.pk).update(count=F("count") + 1)
    transcript.save(update_fields=["updated_at"])
    return TranscriptRevision.objects.create(
        transcript=transcript, user=user, source="person", segments=snapshot(transcript)
    )
