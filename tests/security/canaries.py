"""The leak matrix's data: one narrator whose every item carries canary strings.

Each item has two canaries: ``title`` (its title, the first words a listing shows) and
``body`` (what it holds: transcript text, summary, steps, alt text, and the file's own
bytes — a Vorbis comment in the audio, a JPEG comment in the images). A response that
contains a canary has shown that item. Canaries are lower-case ASCII letters and digits,
so HTML escaping, JSON's ``\\u`` escapes, URL quoting and slugs leave them findable.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

import av
import numpy as np
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from heritage.models import Consent, ConsentScope, FamilyMemoryPage, HeritageImage, RecipePage
from heritage.roles import Role
from heritage.station import rules as station
from media.ingest import ingest
from stories.models import BrandKit, KitPhoto, KitSnippet, StorySnippet, Workshop

from .. import factories as f

# item → code in its canaries. "consent_form" is the scan of the narrator's signed form.
ITEMS = {
    "oral_history": "oh",
    "transcript": "tr",
    "recording": "rec",
    "recipe": "rcp",
    "memory": "mem",
    "portrait": "por",
    "page_photo": "pho",
    "snippet": "snp",
    "kit": "kit",
    "consent_form": "cf",
}
FACETS = ("title", "body")


def canary(item: str, facet: str) -> str:
    return f"zqk{ITEMS[item]}{facet[0]}7731"


CANARIES = {(item, facet): canary(item, facet) for item in ITEMS for facet in FACETS}
SNIPPET_WORDS = "外婆说辣子鸡全看糍粑辣椒，鸡要选自家养的土鸡，慢火炒，以前过年家家户户都做一大锅。"
SEARCH_WORD = "辣子鸡"  # in every item's title: search, listings and suggestions find them all

# Role → the people (factories.person roles) who hold it.
ROLE_GRANTS = {
    "anonymous": None,
    "no_role": (),
    "seller": (Role.SELLER,),
    "community": (Role.COMMUNITY,),
    "recorder": (Role.RECORDER,),
    "other_recorder": (Role.RECORDER,),
    "participant": (Role.PARTICIPANT,),
    "other_participant": (Role.PARTICIPANT,),
    "facilitator": (Role.FACILITATOR,),
}


@dataclass
class Archive:
    """What one state's requests are made against."""

    state: str
    users: dict = field(default_factory=dict)
    home: object = None
    index: object = None
    narrator: object = None
    oral_history: object = None
    recording: object = None
    segments: list = field(default_factory=list)
    recipe: object = None
    memory: object = None
    portrait: object = None
    page_photo: object = None
    snippet: object = None
    kit: object = None
    workshop: object = None
    consent_form: object = None
    renditions: list = field(default_factory=list)

    @property
    def pages(self):
        return [self.oral_history, self.recipe, self.memory]

    @property
    def images(self):
        return [self.portrait, self.page_photo]


def _audio(comment: str) -> io.BytesIO:
    """Two seconds of Opus in Ogg whose Vorbis comment carries ``comment``."""
    buffer = io.BytesIO()
    rate = 48_000
    tone = (0.3 * np.sin(2 * np.pi * 330 * np.arange(2 * rate) / rate) * 32767).astype(np.int16)[None, :]
    with av.open(buffer, "w", format="ogg") as out:
        out.metadata["comment"] = comment
        stream = out.add_stream("libopus", rate=rate, layout="mono")
        size = stream.codec_context.frame_size or 960
        for start in range(0, tone.shape[1], size):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(tone[:, start : start + size]), format="s16")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    buffer.seek(0)
    buffer.name = "canary.ogg"
    return buffer


def _jpeg(comment: str, colour=(180, 30, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(buffer, "JPEG", comment=comment)
    return buffer.getvalue()


def _image(item: str, colour) -> HeritageImage:
    image = HeritageImage(
        title=f"{canary(item, 'title')} 辣子鸡照片", description=f"{canary(item, 'body')} 外婆炒辣子鸡"
    )
    image.file = ImageFile(io.BytesIO(_jpeg(canary(item, "body"), colour)), name=f"{ITEMS[item]}.jpg")
    image.save()
    return image


def build(state: str) -> Archive:
    """Every canary item, with the narrator's consent fully given (the state is applied after)."""
    archive = Archive(state=state)
    users = archive.users
    for role, grants in ROLE_GRANTS.items():
        users[role] = None if grants is None else f.person(*grants)
    facilitator = users["facilitator"]
    archive.home, archive.index = f.site_tree()

    narrator = f.narrator("李桂芬")
    archive.portrait = _image("portrait", (90, 60, 40))
    narrator.portrait = archive.portrait
    narrator.save()
    archive.narrator = narrator
    # The signed form, kept the way the station keeps it (a facilitators-only collection).
    form = SimpleUploadedFile("form.jpg", _jpeg(canary("consent_form", "body")), content_type="image/jpeg")
    station.consent_from_form(narrator, [ConsentScope.ARCHIVE], form, facilitator)
    archive.consent_form = narrator.consents.get().evidence_document
    archive.consent_form.title = f"{canary('consent_form', 'title')} 李桂芬 同意书"
    archive.consent_form.save()
    for scope in (ConsentScope.PUBLIC, ConsentScope.COMMERCIAL):
        Consent.objects.create(narrator=narrator, scope=scope, method="spoken", witnessed_by=facilitator)

    archive.recording = ingest(
        _audio(canary("recording", "body")),
        "canary.ogg",
        f"{canary('recording', 'title')} 李桂芬讲辣子鸡",
        uploaded_by=users["recorder"],
    )
    transcript = f.transcript(
        archive.recording,
        [f"{canary('transcript', 'body')} 外婆说辣子鸡全看糍粑辣椒。", f"{canary('transcript', 'body')} 鸡要选土鸡。"],
    )
    archive.segments = list(transcript.segments.order_by("position"))
    archive.oral_history = f.item(
        archive.index,
        narrators=[narrator],
        recording=archive.recording,
        title=f"{canary('oral_history', 'title')} 李桂芬讲阳朗辣子鸡",
        summary=f"{canary('oral_history', 'body')} 糍粑辣椒慢火炒。",
    )
    archive.recipe = f.item(
        archive.index,
        RecipePage,
        narrators=[narrator],
        access_level="community",
        title=f"{canary('recipe', 'title')} 李家辣子鸡",
        summary=f"{canary('recipe', 'body')} 过年的大锅菜。",
        steps=[("step", {"text": f"{canary('recipe', 'body')} 干辣椒用温水泡软。"})],
    )
    archive.page_photo = _image("page_photo", (200, 160, 40))
    archive.memory = f.item(
        archive.index,
        FamilyMemoryPage,
        narrators=[narrator],
        title=f"{canary('memory', 'title')} 舂辣椒做辣子鸡",
        body=f"<p>{canary('memory', 'body')} 腊月里舂辣椒。</p><p>{canary('memory', 'body')} 满屋子香。</p>",
        photos=[("photo", {"image": archive.page_photo, "caption": ""})],
    )
    # Renditions the public templates and the kit board ask for, so their files exist.
    archive.renditions = [image.get_rendition(spec) for image in archive.images for spec in ("fill-160x160",)]

    archive.workshop = Workshop.objects.create(title="共创", facilitator=facilitator)
    archive.workshop.participants.add(users["participant"])
    Workshop.objects.create(title="另一个工作坊", facilitator=facilitator).participants.add(users["other_participant"])
    first, last = archive.segments
    # Made directly (not from_segments) so the snippet carries canaries of its own; the
    # title canary comes first and the body's after the 40 characters listings show.
    archive.snippet = StorySnippet.objects.create(
        text=f"{canary('snippet', 'title')} {SNIPPET_WORDS}{canary('snippet', 'body')}",
        source="segments",
        page=archive.oral_history,
        recording=archive.recording,
        first_segment=first,
        last_segment=last,
        start=first.start,
        end=last.end,
        workshop=archive.workshop,
        created_by=facilitator,
    )
    archive.snippet.narrators.set([narrator])
    kit = BrandKit(
        slug="canary-kit",
        title=f"{canary('kit', 'title')} 阳朗辣子鸡 350 g",
        product_name="阳朗辣子鸡",
        tagline="外婆的糍粑辣椒",
        short_story="外婆说，辣子鸡全看糍粑辣椒。",
        long_story=f"{canary('kit', 'body')} 李桂芬外婆的辣子鸡。",
        workshop=archive.workshop,
        food_name="阳朗辣子鸡",
        net_content="350 g",
        live=False,
    )
    kit.kit_snippets = [KitSnippet(snippet=archive.snippet, sort_order=0)]
    kit.kit_photos = [KitPhoto(image=archive.page_photo, role="main", sort_order=0)]
    kit.save()
    kit.save_revision(user=facilitator).publish(user=facilitator)
    kit.refresh_from_db()
    archive.kit = kit
    return archive


def apply_state(archive: Archive, now) -> None:
    """Change the narrator's consent the way a facilitator does (saving each record, so
    every signal the product hangs on consent runs)."""
    if archive.state == "regrant_pending":
        pending_regrant(archive, now)
        return
    consents = {c.scope: c for c in archive.narrator.consents.all()}
    withdraw = {
        "active": {},
        "withdrawn_now": {ConsentScope.PUBLIC: now, ConsentScope.COMMERCIAL: now},
        # Dated a minute ahead; the requests are made after the clock has passed it.
        "dated_ahead": {
            ConsentScope.PUBLIC: now + timedelta(minutes=1),
            ConsentScope.COMMERCIAL: now + timedelta(minutes=1),
        },
        "archive_only": {ConsentScope.ARCHIVE: now},
    }[archive.state]
    for scope, when in withdraw.items():
        consent = consents[scope]
        consent.withdrawn_at = when
        consent.withdrawal_note = "讲述人撤回"
        consent.save()


def request_time(archive: Archive, now):
    """When the state's requests are made: after a dated withdrawal has begun."""
    return now + timedelta(minutes=3) if archive.state == "dated_ahead" else None


def pending_regrant(archive: Archive, now) -> None:
    """Re-grant pending: the narrator withdrew public display and commercial use, a
    recorder granted both again at the station, and no facilitator has confirmed them:
    the new grants count for nothing, so the state must look like "withdrawn now"."""
    from heritage import consent_log
    from heritage.models import ConsentMethod

    consents = {c.scope: c for c in archive.narrator.consents.all()}
    recorder = archive.users["recorder"]
    for scope in (ConsentScope.PUBLIC, ConsentScope.COMMERCIAL):
        consent_log.withdraw(consents[scope], by=None, source="admin", at=now, note="讲述人撤回")
        consent_log.grant(
            archive.narrator, scope, method=ConsentMethod.SPOKEN, by=recorder, source="station", given_at=now
        )
