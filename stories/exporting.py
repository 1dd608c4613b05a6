"""From one approved kit revision to the zip a seller downloads.

The kit is flattened to :class:`~stories.export.content.KitContent` (everything the
files need, nothing else), checked for consent at the moment of export, and written
once per revision: the same revision always gives the same files.
"""

import re
from pathlib import Path

from django.conf import settings

from heritage.consent import Purpose, consent_records
from heritage.models import OralHistoryPage

from .consent import check_kit_consent, kit_snippets, narrators_quoted
from .exceptions import KitNotApproved
from .export.content import Credit, KitContent, Photo, Snippet
from .models import BrandKit, SnippetSource


def approved_revision(kit: BrandKit):
    if not kit.live or kit.live_revision_id is None:
        raise KitNotApproved(kit)
    return kit.live_revision


def export_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def zip_name(kit: BrandKit, revision) -> str:
    return f"{kit.slug}-r{revision.pk}.zip"


def _consent_dicts(narrator_ids) -> list[dict]:
    return [
        {
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
        for c in consent_records(narrator_ids, Purpose.COMMERCIAL)
    ]


def _recorded_label(snippet) -> str | None:
    """The recording a quote comes from, with its date (credits name recordings, not pages)."""
    if snippet.source != SnippetSource.SEGMENTS:
        return None
    page = OralHistoryPage.objects.filter(pk=snippet.page_id).first()
    if page and page.recorded_date:
        return f"{snippet.recording.title}（录于 {page.recorded_date:%Y-%m-%d}）"
    return f"{snippet.recording.title}（上传于 {snippet.recording.uploaded_at:%Y-%m-%d}）"


def _credits(kit_object) -> tuple[Credit, ...]:
    sources: dict[int, list[str]] = {}
    for snippet in kit_snippets(kit_object):
        label = _recorded_label(snippet)
        for narrator in snippet.narrators.all():
            if label and label not in sources.setdefault(narrator.pk, []):
                sources[narrator.pk].append(label)
    return tuple(
        Credit(narrator.credited_as, narrator.village, tuple(sources.get(narrator.pk, ())))
        for narrator in narrators_quoted(kit_object)
    )


def _photo(link) -> Photo:
    image = link.image
    focal = image.get_focal_point()
    box = (int(focal.left), int(focal.top), int(focal.right), int(focal.bottom)) if focal else None
    return Photo(path=Path(image.file.path), title=image.title, focal_box=box, role=link.role)


def kit_content(kit: BrandKit, revision=None) -> KitContent:
    revision = revision or approved_revision(kit)
    kit_object = revision.as_object()
    snippets = []
    for link in kit_object.kit_snippets.all():
        snippet = link.snippet
        narrator_ids = [n.pk for n in snippet.narrators.all()]
        snippets.append(
            Snippet(
                text=snippet.text,
                narrator_names=tuple(n.credited_as for n in snippet.narrators.all()),
                source=snippet.pointer() | {"snippet_id": snippet.pk, "where": snippet.where},
                consent=_consent_dicts(narrator_ids),
                note=link.note,
            )
        )
    published_at = kit.last_published_at or revision.created_at
    return KitContent(
        slug=kit.slug,
        product_name=kit_object.product_name,
        tagline=kit_object.tagline,
        short_story=kit_object.short_story,
        long_story=kit_object.long_story,
        selling_points=tuple(kit_object.selling_point_list),
        snippets=tuple(snippets),
        photos=tuple(_photo(link) for link in kit_object.kit_photos.all()),
        palette=tuple(kit_object.colours),
        label=kit_object.label,
        story_url=settings.WAGTAILADMIN_BASE_URL.rstrip("/") + kit.get_absolute_url(),
        credits=_credits(kit_object),
        revision_id=revision.pk,
        approved_at=published_at.isoformat(),
        approved_by=str(kit.approved_by or revision.user or ""),
        workshop=str(kit_object.workshop) if kit_object.workshop_id else "",
        keywords=tuple(kit_object.keyword_list),
    )


def export_kit(kit: BrandKit, out_dir: Path | None = None, *, rebuild: bool = False) -> Path:
    """Build (or reuse) the zip of the kit's approved revision; refuse without consent."""
    from .export.bundle import write_bundle  # imports WeasyPrint: about a second, so only when exporting

    revision = approved_revision(kit)
    check_kit_consent(revision.as_object())
    target = Path(out_dir or export_dir()) / zip_name(kit, revision)
    if rebuild or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bundle(kit_content(kit, revision), target)
    return target


def safe_slug(value: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:80] or "kit"
