"""The one boundary between the archive's database and the preservation exports.

Builds the plain records of ``heritage/preservation/records.py``; consent is decided by
``heritage.consent`` alone. A bag is the archive keeping its own copy, so an item goes in
when every narrator keeps *archive* consent (the facilitators' rule); an OHMS index
leaves the archive for other tools, so it asks the rule of the audience it is meant for.
"""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from media.transcription.exports import to_json, to_webvtt

from .consent import Audience, Purpose, may_audience, missing_consent
from .items import item_models
from .models import (
    Consent,
    ConsentScope,
    GlossaryTerm,
    Narrator,
    OralHistoryPage,
)
from .preservation.records import ArchiveExport, Item, NarratorRecord, PayloadFile, Person, Segment, Withheld

ORGANISATION = "立碑村味道记忆档案（贵州省息烽县永阳街道立碑村）"
SCOPE_LABELS = {scope: str(label) for scope, label in ConsentScope.choices}
CONTENT_FIELDS = ("family", "recipe_yield", "prep_minutes", "cook_minutes", "variations", "body", "other_people")
STREAM_FIELDS = ("ingredients", "steps", "photos")


class ExportRefused(Exception):
    """An export the consent rules do not allow; ``zh`` first, then ``en``."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en
        super().__init__(f"{zh}（{en}）")


def _media(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _reasons(narrator_ids, audience: Audience) -> tuple[str, ...]:
    missing = missing_consent(narrator_ids, Purpose.VIEW, audience)
    return tuple(f"讲述人 #{narrator_id} 没有“{SCOPE_LABELS.get(scope, scope)}”同意" for narrator_id, scope in missing)


def _rights(page, narrator_ids: list[int]) -> str:
    held = set(Consent.objects.active().filter(narrator_id__in=narrator_ids).values_list("narrator_id", "scope"))
    common = [str(label) for scope, label in ConsentScope.choices if all((n, scope) in held for n in narrator_ids)]
    return f"访问级别：{page.get_access_level_display()}；讲述人现有同意：{'、'.join(common) or '无'}"


def _item(page) -> Item:
    narrators = [link.narrator for link in page.narrator_links.select_related("narrator")]
    date = getattr(page, "recorded_date", None) or page.first_published_at or page.latest_revision_created_at
    date = date or timezone.now()
    item = Item(
        id=page.pk,
        slug=page.slug,
        kind=page.kind,
        kind_label=str(page.kind_label),
        title=page.title,
        summary=page.summary,
        url=page.full_url or "",
        live=page.live,
        access_level=page.access_level,
        date=(date.date() if hasattr(date, "date") else date).isoformat(),
        language="zh-Hans",
        place=page.place,
        decade=page.decade,
        narrators=[Person(n.pk, n.credited_as) for n in narrators],
        themes=[theme.name for theme in page.themes.all()],
        tags=sorted(tag.name for tag in page.tags.all()),
        rights=_rights(page, [n.pk for n in narrators]),
    )
    if isinstance(page, OralHistoryPage):
        recording = page.recording
        if recording is not None:
            suffix = Path(recording.original.name).suffix
            item.files.append(PayloadFile(_media(recording.original.name), f"original{suffix}", recording.sha256))
            item.duration = recording.duration
            item.media_type = f"audio/{recording.container}" if recording.container else ""
            transcript = getattr(recording, "transcript", None)
            if transcript is not None:
                item.texts["transcript.vtt"] = to_webvtt(transcript)
                item.texts["transcript.json"] = to_json(transcript) + "\n"
                item.segments = [
                    Segment(start, end, text, speaker)
                    for start, end, text, speaker in transcript.segments.order_by("position").values_list(
                        "start", "end", "text", "speaker"
                    )
                ]
    else:
        content = {name: getattr(page, name) for name in CONTENT_FIELDS if hasattr(page, name)}
        content |= {name: getattr(page, name).get_prep_value() for name in STREAM_FIELDS if hasattr(page, name)}
        item.texts["content.json"] = json.dumps(content, ensure_ascii=False, indent=2, default=str) + "\n"
        item.media_type = "text/html"
        photo = getattr(page, "photo", None)
        if photo is not None and photo.file.name:
            item.files.append(PayloadFile(_media(photo.file.name), f"photo{Path(photo.file.name).suffix.lower()}"))
    return item


def _narrator_record(narrator: Narrator) -> NarratorRecord:
    record = NarratorRecord(
        person=Person(narrator.pk, narrator.credited_as),
        village=narrator.village,
        birth_year=narrator.birth_year,
        dialect=narrator.dialect,
        consents=[],
    )
    # The whole history, withdrawn records too: what was agreed, when, and when it ended.
    for n, consent in enumerate(narrator.consents.order_by("given_at", "pk"), start=1):
        evidence = ""
        if consent.evidence_document_id and consent.evidence_document.file.name:
            name = consent.evidence_document.file.name
            evidence = f"evidence/{n}-form{Path(name).suffix.lower()}"
            record.files.append(PayloadFile(_media(name), evidence))
        elif consent.evidence_recording_id:
            recording = consent.evidence_recording
            evidence = f"evidence/{n}-spoken{Path(recording.original.name).suffix}"
            record.files.append(PayloadFile(_media(recording.original.name), evidence, recording.sha256))
        record.consents.append(
            {
                "scope": consent.scope,
                "scope_label": SCOPE_LABELS.get(consent.scope, consent.scope),
                "given_at": consent.given_at.isoformat(),
                "method": consent.get_method_display(),
                "witnessed_by": str(consent.witnessed_by) if consent.witnessed_by_id else "",
                "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
                "withdrawal_note": consent.withdrawal_note,
                "evidence": evidence,
            }
        )
    return record


def archive_export(narrator_id: int | None = None) -> ArchiveExport:
    """Every archive item (of one narrator, if given) whose narrators keep archive consent, and what was left out."""
    if narrator_id is not None and not Narrator.objects.filter(pk=narrator_id).exists():
        raise ExportRefused(f"没有编号为 {narrator_id} 的讲述人", f"no narrator with id {narrator_id}")
    items: list[Item] = []
    withheld: list[Withheld] = []
    narrator_ids: set[int] = set()
    for model in item_models():
        pages = model.objects.order_by("path")
        if narrator_id is not None:
            pages = pages.filter(narrator_links__narrator_id=narrator_id).distinct()
        for page in pages:
            ids = list(page.narrator_links.values_list("narrator_id", flat=True))
            reasons = _reasons(ids, Audience.FACILITATOR)
            if reasons:
                withheld.append(Withheld(page.pk, page.slug, page.title, reasons))
                continue
            items.append(_item(page))
            narrator_ids.update(ids)
    narrators = [_narrator_record(n) for n in Narrator.objects.filter(pk__in=narrator_ids).order_by("pk")]
    return ArchiveExport(
        title="立碑村味道记忆档案 · 存档包" + (f"（讲述人 #{narrator_id}）" if narrator_id is not None else ""),
        organisation=ORGANISATION,
        items=items,
        narrators=narrators,
        withheld=withheld,
        created=timezone.now().isoformat(timespec="seconds"),
        keywords=list(GlossaryTerm.objects.values_list("term", flat=True)),
    )


def oral_history(page_id: int, audience: Audience = Audience.PUBLIC) -> tuple[Item, list[str]]:
    """One oral history for an OHMS index, if ``audience`` may see it; else :class:`ExportRefused`."""
    page = OralHistoryPage.objects.filter(pk=page_id).first()
    if page is None:
        raise ExportRefused(f"没有编号为 {page_id} 的口述历史", f"no oral history with id {page_id}")
    ids = list(page.narrator_links.values_list("narrator_id", flat=True))
    if not may_audience(page, Purpose.VIEW, audience):
        why = "；".join(_reasons(ids, audience)) or f"访问级别是“{page.get_access_level_display()}”"
        raise ExportRefused(f"《{page.title}》不能导出：{why}", f"“{page.title}” may not be exported for {audience}")
    return _item(page), list(GlossaryTerm.objects.values_list("term", flat=True))
