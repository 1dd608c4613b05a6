"""Roles × views: each role can do what it should and nothing more.

Every cell says the outcome it expects, written by hand from the README's table: the
status AND a marker (a piece of the page, or where a redirect goes), so a 400, a 302
to an error or a 500 in an allowed cell fails, and so does a refusal of the wrong kind.
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from PIL import Image

from heritage.models import Consent
from heritage.roles import Role, grant, has_role
from media.models import AudioRecording

from .. import factories as f

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
WHO = [ANONYMOUS, Role.COMMUNITY, Role.RECORDER, Role.PARTICIPANT, Role.SELLER, Role.FACILITATOR]
EVERYONE = set(WHO)
RECORDING = {Role.RECORDER, Role.FACILITATOR}
COMMUNITY = {Role.COMMUNITY, Role.RECORDER, Role.PARTICIPANT, Role.FACILITATOR}


@dataclass(frozen=True)
class Outcome:
    """What a cell must answer: a status and a marker — text in the body, or in the
    ``Location`` of a redirect, or in the ``Content-Type`` of a streamed file."""

    status: int
    marker: object  # a string, or a function of the cell's objects giving one
    absent: str = ""  # text that must not be there (a redirect back with an error)


SIGN_IN = Outcome(302, "/accounts/login/?next=")
ADMIN_SIGN_IN = Outcome(302, "/admin/login/?next=")
FORBIDDEN = Outcome(403, "forbidden")  # the refusal code, on the page and in JSON (heritage/errors.py)
NOT_FOUND = Outcome(404, "没有找到")


def _upload_body(o) -> dict:
    return {"sha256": o["upload"]["sha256"], "size": o["upload"]["size"], "chunks": 1, "meta": o["upload"]["meta"]}


# (view, method, address, request body, roles allowed, outcome: allowed, signed out, signed in without the role)
VIEWS = [
    (
        "public archive page",
        "get",
        lambda o: o["public page"].url,
        None,
        EVERYONE,
        Outcome(200, "公开的辣子鸡故事"),
        None,
        None,
    ),
    ("search", "get", lambda o: o.search_url("辣子鸡"), None, EVERYONE, Outcome(200, "公开的辣子鸡故事"), None, None),
    (
        "community item",
        "get",
        lambda o: o["community page"].url,
        None,
        COMMUNITY,
        Outcome(200, "寨子里的辣子鸡"),
        NOT_FOUND,
        NOT_FOUND,
    ),
    (
        "community item in search",
        "get",
        lambda o: o.search_url("寨子里"),
        None,
        COMMUNITY,
        Outcome(200, "寨子里的辣子鸡"),
        Outcome(200, "", absent="寨子里的辣子鸡"),
        Outcome(200, "", absent="寨子里的辣子鸡"),
    ),
    ("recording page", "get", lambda o: "/station/", None, RECORDING, Outcome(200, "录音站"), SIGN_IN, FORBIDDEN),
    (
        "recording page, a narrator",
        "get",
        lambda o: f"/station/?narrator={o['narrator'].pk}",
        None,
        RECORDING,
        Outcome(200, "王秀英"),
        SIGN_IN,
        FORBIDDEN,
    ),
    (
        "add a narrator",
        "post",
        lambda o: "/station/start/",
        lambda o: {"go": "new", "name": "李桂芬", "village": "立碑村"},
        RECORDING,
        Outcome(302, "/station/?narrator=", absent="error"),
        SIGN_IN,
        FORBIDDEN,
    ),
    (
        "signed consent form",
        "post",
        lambda o: f"/station/narrators/{o['narrator'].pk}/consent-form",
        lambda o: {"scope": ["archive", "public"], "photo": o["form photo"]},
        RECORDING,
        Outcome(302, lambda o: f"/station/?narrator={o['narrator'].pk}", absent="error"),
        SIGN_IN,
        FORBIDDEN,
    ),
    (
        "upload status",
        "get",
        lambda o: f"/station/uploads/{o['upload']['id']}/",
        None,
        RECORDING,
        Outcome(200, '"received": 0'),
        FORBIDDEN,
        FORBIDDEN,
    ),
    (
        "upload a chunk",
        "put",
        lambda o: f"/station/uploads/{o['upload']['id']}/chunks/0?offset=0",
        lambda o: b"abc",
        RECORDING,
        Outcome(200, '"received": 3'),
        FORBIDDEN,
        FORBIDDEN,
    ),
    (
        "commit an upload",
        "post",
        lambda o: f"/station/uploads/{o['ready upload']['id']}/commit",
        lambda o: json.dumps(_upload_body({"upload": o["ready upload"]})),
        RECORDING,
        Outcome(200, '"state": "done"'),
        FORBIDDEN,
        FORBIDDEN,
    ),
    (
        "own recordings list",
        "get",
        lambda o: "/station/mine/",
        None,
        RECORDING,
        Outcome(200, lambda o: o["own"].title),
        SIGN_IN,
        FORBIDDEN,
    ),
    (
        "own recording",
        "get",
        lambda o: f"/station/recordings/{o['own'].pk}/",
        None,
        RECORDING,
        Outcome(200, lambda o: f'"sha256": "{o["own"].sha256}"'),
        FORBIDDEN,
        NOT_FOUND,
    ),
    (
        "own recording audio",
        "get",
        lambda o: f"/station/recordings/{o['own'].pk}/audio",
        None,
        RECORDING,
        Outcome(200, "audio/webm"),
        FORBIDDEN,
        NOT_FOUND,
    ),
    (
        "other's recording",
        "get",
        lambda o: f"/station/recordings/{o['other'].pk}/",
        None,
        {Role.FACILITATOR},
        Outcome(200, lambda o: f'"sha256": "{o["other"].sha256}"'),
        FORBIDDEN,
        NOT_FOUND,
    ),
    (
        "other's recording audio",
        "get",
        lambda o: f"/station/recordings/{o['other'].pk}/audio",
        None,
        {Role.FACILITATOR},
        Outcome(200, "audio/webm"),
        FORBIDDEN,
        NOT_FOUND,
    ),
    (
        "admin",
        "get",
        lambda o: "/admin/",
        None,
        {Role.FACILITATOR},
        Outcome(200, "控制面板"),
        ADMIN_SIGN_IN,
        ADMIN_SIGN_IN,
    ),
    (
        "admin recordings",
        "get",
        lambda o: "/admin/snippets/media/audiorecording/",
        None,
        {Role.FACILITATOR},
        Outcome(200, lambda o: o["other"].title),
        ADMIN_SIGN_IN,
        ADMIN_SIGN_IN,
    ),
]


@pytest.fixture(scope="module")
def takes(tmp_path_factory) -> dict[str, bytes]:
    """Three different webm takes, encoded once for the module (cells only read them)."""
    from ..audio import write_audio

    folder = tmp_path_factory.mktemp("takes")
    return {
        name: write_audio(folder / f"{name}.webm", "webm", seconds=1.0, amplitude=amplitude).read_bytes()
        for name, amplitude in (("own", 0.1), ("other", 0.2), ("upload", 0.3))
    }


def recording_of(user, data: bytes, title) -> AudioRecording:
    from media.ingest import ingest

    stream = BytesIO(data)
    stream.size = len(data)
    return ingest(stream, "take.webm", title, uploaded_by=user)


def jpeg() -> BytesIO:
    photo = BytesIO()
    Image.new("RGB", (120, 160), "white").save(photo, "JPEG")
    photo.seek(0)
    photo.name = "form.jpg"
    return photo


class Objects(dict):
    """What the addresses need, made on first use (recordings take a moment to ingest)."""

    def __init__(self, takes, user):
        super().__init__()
        self.takes, self.user = takes, user

    def __missing__(self, key):
        self[key] = value = getattr(self, "_" + key.replace(" ", "_").replace("'", ""))()
        return value

    def _narrator(self):
        return f.narrator("王秀英", scopes=("archive",))

    def _index(self):
        return f.site_tree()[1]

    def _public_page(self):
        return f.item(self["index"], narrators=[f.full_consent()], title="公开的辣子鸡故事")

    def search_url(self, text: str) -> str:
        from search import service

        self["public page"], self["community page"]  # noqa: B018 (both exist before the index is built)
        service.rebuild()
        return f"/search/?q={text}"

    def _community_page(self):
        return f.item(self["index"], narrators=[f.full_consent()], access_level="community", title="寨子里的辣子鸡")

    def _form_photo(self):
        return jpeg()

    def _own(self):
        return recording_of(self.user, self.takes["own"], "自己录的一段")

    def _other(self):
        someone = f.villager()
        grant(someone, Role.RECORDER)
        return recording_of(someone, self.takes["other"], "别人录的一段")

    def _upload(self):
        return {"id": uuid.uuid4()}

    def _ready_upload(self):
        """An upload whose one chunk has arrived (put there by the service, whoever the user)."""
        from media import uploads

        upload_id = uuid.uuid4()
        data = self.takes["upload"]
        if self.user is not None:
            session = uploads.open_session(upload_id, self.user)
            uploads.write_chunk(session, 0, 0, BytesIO(data), len(data))
        meta = {"narrator": self["narrator"].pk, "kind": "story"}
        return {"id": upload_id, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "meta": meta}


def shown(response) -> str:
    """Where a cell's marker is looked for."""
    if response.status_code in (301, 302):
        return response["Location"]
    if getattr(response, "streaming", False):
        return response["Content-Type"]
    # As a person reads it: search highlights split a title with <mark> tags.
    return re.sub(r"</?mark>", "", response.content.decode())


@pytest.mark.parametrize("who", WHO, ids=str)
@pytest.mark.parametrize(
    ("view", "method", "address", "body", "roles", "ok", "signed_out", "refused"), VIEWS, ids=[row[0] for row in VIEWS]
)
def test_each_role_gets_exactly_its_outcome(
    who, view, method, address, body, roles, ok, signed_out, refused, client, takes
):
    user = None
    if who != ANONYMOUS:
        user = f.villager()
        user.groups.clear()  # only the role under test
        grant(user, who)
        client.force_login(user)
    objects = Objects(takes, user)
    expected = ok if who in roles else signed_out if who == ANONYMOUS else refused
    url = address(objects)
    marker = expected.marker(objects) if callable(expected.marker) else expected.marker  # objects made first
    data = body(objects) if body else None
    if method == "get":
        response = client.get(url)
    elif method == "put":
        response = client.put(url, data, content_type="application/octet-stream")
    elif isinstance(data, str):
        response = client.post(url, data, content_type="application/json")
    else:
        response = client.post(url, data or {})
    text = shown(response)
    assert response.status_code == expected.status, (view, who, response.status_code, text[:300])
    assert marker in text, (view, who, marker, text[:300])
    assert not expected.absent or expected.absent not in text, (view, who, text[:300])


# Written out by hand from the README's table, not read from heritage.roles (which the
# group sync reads): changing what a role may do must change this list as well.
EXPECTED_GROUPS = {
    "协作者 facilitator": {
        "wagtailadmin.access_admin",
        "heritage.add_narrator",
        "heritage.change_narrator",
        "heritage.view_narrator",
        "heritage.add_consent",
        "heritage.change_consent",
        "heritage.view_consent",
        "heritage.add_topicprompt",
        "heritage.change_topicprompt",
        "heritage.delete_topicprompt",
        "heritage.add_theme",
        "heritage.change_theme",
        "heritage.add_glossaryterm",
        "heritage.change_glossaryterm",
        "heritage.delete_glossaryterm",
        "media.add_audiorecording",
        "media.change_audiorecording",
        "media.view_audiorecording",
        "media.change_transcript",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "stories.add_workshop",
        "stories.change_workshop",
        "stories.view_workshop",
        "stories.add_storysnippet",
        "stories.change_storysnippet",
        "stories.delete_storysnippet",
        "stories.add_brandkit",
        "stories.change_brandkit",
        "stories.publish_brandkit",
        "stories.lock_brandkit",
        "stories.unlock_brandkit",
        "stories.approve_brandkit",
        # Benefit agreements and households (the ledger): recorded by facilitators.
        "ledger.add_benefitagreement",
        "ledger.change_benefitagreement",
        "ledger.view_benefitagreement",
        "ledger.add_household",
        "ledger.change_household",
        "ledger.view_household",
    },
    "录音员 recorder": {
        "media.add_audiorecording",
        "heritage.add_narrator",
        "heritage.view_narrator",
        "heritage.add_consent",
    },
    "工作坊成员 workshop participant": {
        "stories.add_storysnippet",
        "stories.add_brandkit",
        "stories.change_brandkit",
    },
    "电商卖家 seller": set(),
    "社区成员 community member": set(),
}


def test_every_role_is_a_group_with_the_permissions_of_the_readme():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(EXPECTED_GROUPS) <= set(groups)
    for name, expected in EXPECTED_GROUPS.items():
        held = {f"{p.content_type.app_label}.{p.codename}" for p in groups[name].permissions.all()}
        assert held == expected, name
    # Only facilitators hold page rights, and only they may publish.
    page_rights = {
        name: set(groups[name].page_permissions.values_list("permission__codename", flat=True))
        for name in EXPECTED_GROUPS
    }
    assert page_rights.pop("协作者 facilitator") >= {"add_page", "change_page", "publish_page"}
    assert not any(page_rights.values()), page_rights


def test_roles_do_not_leak_into_one_another():
    recorder = f.villager()
    grant(recorder, Role.RECORDER)
    assert has_role(recorder, Role.RECORDER) and not has_role(recorder, Role.FACILITATOR)
    assert recorder.has_perm("media.add_audiorecording") and not recorder.has_perm("media.view_audiorecording")
    assert not recorder.has_perm("wagtailadmin.access_admin")


def test_a_photographed_signed_form_becomes_consent_witnessed_by_the_recorder(client):
    recorder = f.villager()
    grant(recorder, Role.RECORDER)
    client.force_login(recorder)
    elder = f.narrator("张德明")
    photo = BytesIO()
    Image.new("RGB", (120, 160), "white").save(photo, "JPEG")
    photo.seek(0)
    photo.name = "form.jpg"
    response = client.post(
        f"/station/narrators/{elder.pk}/consent-form", {"scope": ["archive", "commercial"], "photo": photo}
    )
    assert response.status_code == 302 and "error" not in response["Location"]
    consents = Consent.objects.filter(narrator=elder)
    assert sorted(c.scope for c in consents) == ["archive", "commercial"]
    document = consents[0].evidence_document
    assert all(c.method == "signed_form" and c.witnessed_by == recorder for c in consents)
    assert document is not None and document.collection.get_view_restrictions().exists()
    # The form is not public: a visitor cannot download it.
    client.logout()
    assert client.get(document.url).status_code in (302, 403)


def test_a_file_that_is_not_a_photo_is_refused_and_records_nothing(client):
    recorder = f.villager()
    grant(recorder, Role.RECORDER)
    client.force_login(recorder)
    elder = f.narrator("张德明")
    fake = BytesIO(b"not an image")
    fake.name = "form.jpg"
    response = client.post(f"/station/narrators/{elder.pk}/consent-form", {"scope": ["archive"], "photo": fake})
    assert response.status_code == 302 and "error" in response["Location"]
    assert not Consent.objects.filter(narrator=elder).exists()


def test_facilitators_edit_the_topic_prompts_in_the_admin(client):
    client.force_login(f.facilitator())
    response = client.get("/admin/snippets/heritage/topicprompt/")
    assert response.status_code == 200 and "你第一次做辣子鸡是什么时候？" in response.content.decode()
