"""From one approved kit revision to the zip a seller downloads.

The kit is flattened to :class:`~stories.export.content.KitContent` (everything the
files need, nothing else), checked for consent at the moment of export, and written
once per revision: the same revision always gives the same files.
"""

import hashlib
import json
import time
from pathlib import Path

from django.conf import settings

from heritage.consent import Purpose, consent_records
from heritage.models import HeritageImage, OralHistoryPage

from .consent import check_kit_consent, kit_snippets
from .exceptions import KitNotApproved, LabelNotPrintable
from .export.content import Credit, KitContent, Photo, Snippet, human_date
from .export.exceptions import LabelContrastError
from .models import BrandKit, SnippetSource


def approved_revision(kit: BrandKit):
    if not kit.live or kit.live_revision_id is None:
        raise KitNotApproved(kit)
    return kit.live_revision


def approved_kit(kit: BrandKit, revision=None) -> BrandKit:
    """The approved revision as a kit, read only: what the page shows, the shelf offers and the
    zip holds (the board edits the rows after it). Wagtail's ``as_object()`` checks every foreign
    key of every child row with a query of its own (a dozen on the demo kit); readers drop what
    is gone instead."""
    revision = revision or approved_revision(kit)
    approved = type(kit).from_serializable_data(revision.content, check_fks=False)
    approved.pk = kit.pk
    return approved


def export_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def zip_name(kit: BrandKit, content: KitContent) -> str:
    """Named by revision and by whose words under which consent: a zip made before a
    consent record or a credited name changed is never served again."""
    basis = [[s.narrator_names, [c["consent_id"] for c in s.consent]] for s in content.snippets]
    fingerprint = hashlib.sha256(json.dumps(basis, ensure_ascii=False).encode()).hexdigest()[:10]
    return f"{kit.slug}-r{content.revision_id}-{fingerprint}.zip"


# A part is only ever written under a name no one serves (stories/export/bundle.py). One left
# by a process killed mid-export (a restart, gunicorn's timeout) is removed once it is surely
# no other export's work in progress: no export takes an hour.
STALE_PART_SECONDS = 3600


def remove_stale_parts(target: Path) -> list[Path]:
    """Remove the parts of ``target`` that killed exports left behind; returns them."""
    cutoff = time.time() - STALE_PART_SECONDS
    stale = [part for part in target.parent.glob(f".{target.name}.*.part") if part.stat().st_mtime < cutoff]
    for part in stale:
        part.unlink(missing_ok=True)
    return stale


def _consent_dict(c) -> dict:
    return {
        "narrator": c.narrator.credited_as,
        "narrator_id": c.narrator_id,
        "scope": c.scope,
        "given_at": c.given_at.isoformat(),
        "method": c.method,
        "evidence_document_id": c.evidence_document_id,
        "evidence_recording_id": c.evidence_recording_id,
        "witnessed_by": str(c.witnessed_by) if c.witnessed_by_id else None,
        "consent_id": c.pk,
    }


def _recordings_by_narrator(snippets) -> dict[int, list[str]]:
    """The recordings each narrator is quoted from, with their dates (credits name recordings)."""
    page_ids = {s.page_id for s in snippets if s.source == SnippetSource.SEGMENTS}
    recorded = dict(OralHistoryPage.objects.filter(pk__in=page_ids).values_list("pk", "recorded_date"))
    sources: dict[int, list[str]] = {}
    for snippet in snippets:
        if snippet.source != SnippetSource.SEGMENTS:
            continue
        when = recorded.get(snippet.page_id)
        # Readable dates for people, the ISO date beside it for scripts (issue 13).
        day = when or snippet.recording.uploaded_at.date()
        verb = "录于" if when else "上传于"
        label = f"{snippet.recording.title}（{verb} {human_date(day)}，{day:%Y-%m-%d}）"
        for narrator in snippet.narrators.all():
            if label not in sources.setdefault(narrator.pk, []):
                sources[narrator.pk].append(label)
    return sources


def _photos(kit_object) -> tuple[Photo, ...]:
    links = list(kit_object.kit_photos.all())
    images = HeritageImage.objects.in_bulk([link.image_id for link in links])
    photos = []
    for link in links:
        image = images[link.image_id]
        focal = image.get_focal_point()
        box = (int(focal.left), int(focal.top), int(focal.right), int(focal.bottom)) if focal else None
        photos.append(Photo(path=Path(image.file.path), title=image.title, focal_box=box, role=link.role))
    return tuple(photos)


def kit_content(kit: BrandKit, revision=None, kit_object=None) -> KitContent:
    """Everything the export's files need, read from one revision in a handful of queries."""
    revision = revision or approved_revision(kit)
    kit_object = kit_object or revision.as_object()
    snippets = kit_snippets(kit_object)
    notes = {link.snippet_id: link.note for link in kit_object.kit_snippets.all()}
    narrators = {n.pk: n for s in snippets for n in s.narrators.all()}
    consents: dict[int, list[dict]] = {}
    for record in consent_records(narrators, Purpose.COMMERCIAL):
        consents.setdefault(record.narrator_id, []).append(_consent_dict(record))
    recordings = _recordings_by_narrator(snippets)
    published_at = kit.last_published_at or revision.created_at
    return KitContent(
        slug=kit.slug,
        product_name=kit_object.product_name,
        tagline=kit_object.tagline,
        short_story=kit_object.short_story,
        long_story=kit_object.long_story,
        selling_points=tuple(kit_object.selling_point_list),
        snippets=tuple(
            Snippet(
                text=s.text,
                narrator_names=tuple(n.credited_as for n in s.narrators.all()),
                source=s.pointer() | {"snippet_id": s.pk, "where": s.where},
                consent=[c for n in s.narrators.all() for c in consents.get(n.pk, [])],
                note=notes.get(s.pk, ""),
            )
            for s in snippets
        ),
        photos=_photos(kit_object),
        palette=tuple(kit_object.colours),
        label=kit_object.label,
        story_url=settings.WAGTAILADMIN_BASE_URL.rstrip("/") + kit.get_absolute_url(),
        credits=tuple(Credit(n.credited_as, n.village, tuple(recordings.get(pk, ()))) for pk, n in narrators.items()),
        revision_id=revision.pk,
        approved_at=published_at.isoformat(),
        approved_by=str(kit.approved_by or revision.user or ""),
        workshop=str(kit_object.workshop) if kit_object.workshop_id else "",
        keywords=tuple(kit_object.keyword_list),
        title=kit_object.title,
    )


def export_kit(kit: BrandKit, out_dir: Path | None = None, *, rebuild: bool = False) -> Path:
    """Build (or reuse) the zip of the kit's approved revision; refuse without consent."""
    from .export.bundle import write_bundle  # imports WeasyPrint: about a second, so only when exporting

    revision = approved_revision(kit)
    kit_object = revision.as_object()
    check_kit_consent(kit_object)
    content = kit_content(kit, revision, kit_object)
    target = Path(out_dir or export_dir()) / zip_name(kit, content)
    if rebuild or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(target)
        try:
            write_bundle(content, target)
        except LabelContrastError as error:
            raise LabelNotPrintable(error.problems) from error
    return target
