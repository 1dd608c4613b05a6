"""Roles × views: each role can do what it should and nothing more.

One row per view: the method, how to build its address, and the roles allowed. Other
apps add their rows to ``VIEWS`` (the kit board and the sellers' shelf do).
"""

import uuid
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from PIL import Image

from heritage.models import Consent
from heritage.roles import GROUP_NAMES, PERMISSIONS, Role, grant, has_role
from media.models import AudioRecording

from .. import factories as f

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
WHO = [ANONYMOUS, Role.COMMUNITY, Role.RECORDER, Role.PARTICIPANT, Role.SELLER, Role.FACILITATOR]
RECORDING = {Role.RECORDER, Role.FACILITATOR}

# (view, method, address from the fixture's objects, roles allowed)
VIEWS = [
    ("recording page", "get", lambda o: "/recorder/", RECORDING),
    ("recording page, a narrator", "get", lambda o: f"/recorder/?narrator={o['narrator'].pk}", RECORDING),
    ("add a narrator", "post", lambda o: "/recorder/narrators/", RECORDING),
    ("signed consent form", "post", lambda o: f"/recorder/narrators/{o['narrator'].pk}/consent-form", RECORDING),
    ("upload status", "get", lambda o: f"/recorder/uploads/{uuid.uuid4()}/", RECORDING),
    ("upload a chunk", "put", lambda o: f"/recorder/uploads/{uuid.uuid4()}/chunks/0?offset=0", RECORDING),
    ("commit an upload", "post", lambda o: f"/recorder/uploads/{uuid.uuid4()}/commit", RECORDING),
    ("own recordings list", "get", lambda o: "/recorder/mine/", RECORDING),
    ("own recording", "get", lambda o: f"/recorder/recordings/{o['own'].pk}/", RECORDING),
    ("other's recording", "get", lambda o: f"/recorder/recordings/{o['other'].pk}/", {Role.FACILITATOR}),
    ("other's recording audio", "get", lambda o: f"/recorder/recordings/{o['other'].pk}/audio", {Role.FACILITATOR}),
    ("admin", "get", lambda o: "/admin/", {Role.FACILITATOR}),
    ("admin recordings", "get", lambda o: "/admin/snippets/media/audiorecording/", {Role.FACILITATOR}),
]


def recording_of(user, make_audio) -> AudioRecording:
    from media.ingest import ingest

    with make_audio("webm", seconds=1.0, amplitude=0.1 + 0.01 * (user.pk if user else 0)).open("rb") as stream:
        return ingest(stream, "take.webm", "录音", uploaded_by=user)


class Objects(dict):
    """What the addresses need, made on first use (recordings take a moment to ingest)."""

    def __init__(self, make_audio, user):
        super().__init__()
        self.make_audio, self.user = make_audio, user

    def __missing__(self, key):
        if key == "narrator":
            value = f.narrator("王秀英", scopes=("archive",))
        elif key == "own":
            value = recording_of(self.user, self.make_audio)
        else:
            someone = f.villager()
            grant(someone, Role.RECORDER)
            value = recording_of(someone, self.make_audio)
        self[key] = value
        return value


def allowed(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return False
    return not (response.status_code == 302 and "login" in response["Location"])


@pytest.mark.parametrize("who", WHO, ids=str)
@pytest.mark.parametrize(("view", "method", "address", "roles"), VIEWS, ids=[row[0] for row in VIEWS])
def test_each_role_can_use_exactly_its_views(who, view, method, address, roles, client, make_audio):
    user = None
    if who != ANONYMOUS:
        user = f.villager()
        user.groups.clear()  # only the role under test
        grant(user, who)
        client.force_login(user)
    response = getattr(client, method)(address(Objects(make_audio, user)))
    assert allowed(response) == (who in roles), (view, who, response.status_code)


def test_every_role_is_a_group_with_the_permissions_of_the_table():
    for role, names in PERMISSIONS.items():
        group = Group.objects.get(name=GROUP_NAMES[role])
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(names), role


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
        f"/recorder/narrators/{elder.pk}/consent-form", {"scope": ["archive", "commercial"], "photo": photo}
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
    response = client.post(f"/recorder/narrators/{elder.pk}/consent-form", {"scope": ["archive"], "photo": fake})
    assert response.status_code == 302 and "error" in response["Location"]
    assert not Consent.objects.filter(narrator=elder).exists()


def test_facilitators_edit_the_topic_prompts_in_the_admin(client):
    client.force_login(f.facilitator())
    response = client.get("/admin/snippets/heritage/topicprompt/")
    assert response.status_code == 200 and "你第一次做辣子鸡是什么时候？" in response.content.decode()
