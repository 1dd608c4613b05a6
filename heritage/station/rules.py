"""The recording station's rules: a narrator is recorded only after consenting to the archive.

Consent comes before the first recording (Oral History Association: informed consent
before recording), either spoken on tape at the station or as a photographed signed
form. Each chosen scope becomes one :class:`Consent` row, witnessed by the signed-in
user. The upload machinery (``media/uploads.py``) calls :class:`StationHooks` (named in
settings.RECORDING_STATION_HOOKS) to check what a recording is for and to file it under
its narrator.
"""

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from media.exceptions import BilingualError

from .. import consent_log
from ..models import (
    Consent,
    ConsentMethod,
    ConsentScope,
    Narrator,
    OralHistoryPage,
    StationRecording,
    StationRecordingKind,
    TopicPrompt,
)
from ..roles import GROUP_NAMES, Role

FORM_MAX_BYTES = 15 * 1024 * 1024
CONSENT_COLLECTION = "同意书 consent forms"


class ConsentMissing(BilingualError):
    """A story was sent for a narrator who has not consented to the archive."""

    code = "consent_missing"
    status = 403


class StationError(BilingualError):
    code = "station"
    status = 400


def needs_consent(narrator: Narrator) -> bool:
    return not Consent.objects.active().filter(narrator=narrator, scope=ConsentScope.ARCHIVE).exists()


def prompts(ids) -> list[TopicPrompt]:
    wanted = [int(i) for i in ids if str(i).isdigit()]
    return list(TopicPrompt.objects.filter(active=True, pk__in=wanted))


def create_narrator(name: str, village: str = "") -> Narrator:
    name = name.strip()
    if not name:
        raise StationError("请填写讲述人的姓名", "the narrator's name is required")
    return Narrator.objects.create(name=name[:100], village=(village.strip() or "立碑村")[:100])


def chosen_narrator(value) -> Narrator:
    try:
        return Narrator.objects.get(pk=int(value))
    except (TypeError, ValueError, Narrator.DoesNotExist) as error:
        raise StationError("请先选择讲述人", "choose the narrator first") from error


# What each use means, in the words the consent text reads to the elder (page.html).
SCOPE_MEANINGS = {
    ConsentScope.ARCHIVE: "录音保存在村里的档案里",
    ConsentScope.PUBLIC: "所有人可以看和听",
    ConsentScope.COMMERCIAL: "您的话可以用在出售的产品包装和介绍上",
}


def agreement(narrator: Narrator) -> list[dict]:
    """What the narrator has agreed to now, scope by scope, for the recorder to read back
    before recording starts (Oral History Association: informed consent, confirmed)."""
    held = set(Consent.objects.active().filter(narrator=narrator).values_list("scope", flat=True))
    pending = set(narrator.pending_consents().values_list("scope", flat=True))
    return [
        {
            "scope": scope.value,
            "label": scope.label,
            "meaning": SCOPE_MEANINGS[scope],
            "agreed": scope.value in held,
            "pending": scope.value in pending and scope.value not in held,
        }
        for scope in ConsentScope
    ]


def clean_scopes(scopes) -> list[str]:
    chosen = [s for s in ConsentScope.values if s in set(scopes or ())]
    if ConsentScope.ARCHIVE not in chosen:
        raise StationError("至少要同意“存档”，才能录音", "consent to the archive is needed before recording")
    return chosen


@transaction.atomic
def record_consent(narrator: Narrator, scopes, method: str, witness, recording=None, document=None) -> list[Consent]:
    """One consent per scope; a scope already held (or already waiting) is not given twice.

    A scope the narrator once withdrew comes back *pending* (heritage.consent_log): the
    station cannot undo a withdrawal, a facilitator confirms the evidence in the admin.
    """
    given = timezone.now()
    held = set(Consent.objects.active().filter(narrator=narrator).values_list("scope", flat=True))
    held |= set(narrator.pending_consents().values_list("scope", flat=True))
    return [
        consent_log.grant(
            narrator,
            scope,
            method=method,
            by=witness,
            source="station",
            given_at=given,
            witnessed_by=witness,
            evidence_recording=recording,
            evidence_document=document,
        )
        for scope in clean_scopes(scopes)
        if scope not in held
    ]


def pending_notice(narrator: Narrator) -> str:
    """What the station tells the recorder when a grant waits for a facilitator (Chinese first)."""
    pending = [ConsentScope(scope).label for scope in narrator.pending_consents().values_list("scope", flat=True)]
    if not pending:
        return ""
    scopes = "、".join(f"“{label}”" for label in dict.fromkeys(pending))
    return (
        f"{narrator.name}以前撤回过{scopes}的同意。这次的同意已经记下，但要等协作者核实证据后才生效。"
        " (Consent once withdrawn waits for a facilitator to confirm it.)"
    )


def consent_collection() -> Collection:
    """A collection only facilitators may open: signed forms carry names and signatures."""
    existing = Collection.objects.filter(name=CONSENT_COLLECTION).first()
    if existing:
        return existing
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.add_child(name=CONSENT_COLLECTION)
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name=GROUP_NAMES[Role.FACILITATOR]))
    return collection


def consent_from_form(narrator: Narrator, scopes, photo: UploadedFile, witness) -> list[Consent]:
    """Keep the photo of a signed consent form and record the scopes it grants."""
    clean_scopes(scopes)
    if photo.size > FORM_MAX_BYTES:
        raise StationError("照片太大了（上限 15 MB）", "the photo is too large (15 MB at most)")
    try:
        with Image.open(photo) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError) as error:
        raise StationError("这不是一张照片", "the file is not a photo") from error
    if kind not in {"JPEG", "PNG"}:
        raise StationError("请上传 JPG 或 PNG 照片", "please send a JPG or PNG photo")
    photo.seek(0)
    photo.name = f"consent-{narrator.pk}.{'png' if kind == 'PNG' else 'jpg'}"
    document = get_document_model().objects.create(
        title=f"{narrator.name} 同意书 {timezone.localdate():%Y-%m-%d}",
        file=photo,
        collection=consent_collection(),
        uploaded_by_user=witness,
    )
    return record_consent(narrator, scopes, ConsentMethod.SIGNED_FORM, witness, document=document)


class StationHooks:
    """Called by media/uploads.py around the commit of a station upload."""

    @staticmethod
    def clean(meta: dict, user) -> dict:
        narrator = chosen_narrator(meta.get("narrator"))
        kind = meta.get("kind") or StationRecordingKind.STORY
        if kind not in StationRecordingKind.values:
            raise StationError("录音类型不正确", "unknown recording kind")
        clean = {"narrator": narrator.pk, "kind": kind, "prompt": str(meta.get("prompt") or "")[:200]}
        if kind == StationRecordingKind.CONSENT:
            clean["scopes"] = clean_scopes(meta.get("scopes"))
            clean["title"] = f"{narrator.name} 口头同意 {timezone.localdate():%Y-%m-%d}"
        elif needs_consent(narrator):
            raise ConsentMissing(
                f"{narrator.name}还没有同意存档，请先完成同意步骤", "the narrator has not consented to the archive yet"
            )
        else:
            topic = f"：{clean['prompt']}" if clean["prompt"] else ""
            clean["title"] = f"{narrator.name}{topic} {timezone.localtime():%Y-%m-%d %H:%M}"
        return clean

    @staticmethod
    def withheld(recording_ids) -> set[int]:
        """Recordings nobody may use now: a narrator in them (filed by the station, or
        linked through an oral history) lacks archive consent. A spoken-consent recording
        stays usable: it is the narrator's consent record, which facilitators check."""
        lacking = Narrator.objects.lacking_consent(ConsentScope.ARCHIVE)
        station = StationRecording.objects.filter(recording_id__in=recording_ids, narrator__in=lacking).exclude(
            kind=StationRecordingKind.CONSENT
        )
        pages = OralHistoryPage.objects.filter(recording_id__in=recording_ids, narrator_links__narrator__in=lacking)
        return set(station.values_list("recording_id", flat=True)) | set(pages.values_list("recording_id", flat=True))

    @staticmethod
    def attach(recording, meta: dict, user) -> None:
        narrator = Narrator.objects.get(pk=meta["narrator"])
        StationRecording.objects.create(
            recording=recording, narrator=narrator, kind=meta["kind"], prompt=meta["prompt"], recorded_by=user
        )
        if meta["kind"] == StationRecordingKind.CONSENT:
            record_consent(narrator, meta["scopes"], ConsentMethod.SPOKEN, user, recording=recording)
