"""What a workshop participant may see and send, and what keeps a kit off the shelf."""

import json
import re

import pytest
from django.utils import timezone

from stories import board, snippets
from stories.consent import consent_problems
from stories.models import BrandKit, Workshop
from stories.shelf import kits_on_shelf

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_snippet(archive, people, make_kit):
    """A kit, and a snippet a facilitator made from 张德明 (archive consent only) in its workshop."""
    kit = make_kit(publish=False)
    first = archive["zhang"].segments.first()
    snippet = snippets.from_segments(archive["zhang"].pk, first.pk, first.pk, people["facilitator"])
    snippet.workshop = kit.workshop
    snippet.save()
    return kit, snippet


def test_the_board_never_shows_a_participant_words_they_may_not_see(hidden_snippet, people, client):
    kit, snippet = hidden_snippet
    client.force_login(people["participant"])
    state = board_state_of(client.get(f"/kits/{kit.slug}/board/"))
    assert snippet.text not in state and "张德明" not in state and "王秀英" in state
    client.force_login(people["facilitator"])
    state = board_state_of(client.get(f"/kits/{kit.slug}/board/"))
    assert snippet.text in state and "张德明" in state


def board_state_of(response) -> str:
    """The board's data as the page's script reads it (json_script escapes non-ASCII)."""
    html = response.content.decode()
    raw = re.search(r'<script id="board-state" type="application/json">(.*?)</script>', html).group(1)
    return json.dumps(json.loads(raw), ensure_ascii=False)


def test_a_participant_cannot_pull_a_snippet_in_by_its_id(hidden_snippet, people, client):
    kit, snippet = hidden_snippet
    client.force_login(people["participant"])
    ids = [link.snippet_id for link in kit.kit_snippets.all()]
    body = {"revision": kit.latest_revision_id, "snippets": [*ids, snippet.pk]}
    response = client.post(f"/kits/{kit.slug}/board/save/", body, content_type="application/json")
    assert response.status_code == 200 and snippet.text not in response.content.decode()
    draft = board.draft_of(BrandKit.objects.get(pk=kit.pk))
    assert [link.snippet_id for link in draft.kit_snippets.all()] == ids


def test_words_from_a_page_that_is_not_public_keep_the_kit_off_the_shelf(archive, people, make_kit):
    kit = make_kit()
    assert kits_on_shelf() == [kit]
    recipe = archive["recipe"]
    recipe.access_level = "community"
    recipe.save_revision().publish()
    assert any("王家阳朗辣子鸡" in p.zh for p in consent_problems(kit))
    assert kits_on_shelf() == []


def test_unpublishing_a_source_page_withdraws_the_kit(archive, make_kit, django_capture_on_commit_callbacks):
    kit = make_kit()
    with django_capture_on_commit_callbacks(execute=True):
        archive["memory"].unpublish()
    kit.refresh_from_db()
    assert not kit.live and "舂辣椒" in kit.withdrawn_reason


def test_a_board_save_keeps_the_approval_request_and_the_withdrawal_reason(make_kit, people):
    kit = make_kit(publish=False)
    board.request_approval(kit, people["participant"])
    BrandKit.objects.filter(pk=kit.pk).update(withdrawn_reason="讲述人撤回了同意")
    kit.refresh_from_db()
    board.save_draft(kit.pk, {"tagline": "新"}, people["participant"], kit.latest_revision_id)
    kit.refresh_from_db()
    assert kit.approval_requested_at is not None and kit.withdrawn_reason == "讲述人撤回了同意"
    assert kit.approval_requested_at <= timezone.now()


BAD_BODIES = [
    ("save/", {"revision": "abc"}),
    ("save/", {"snippets": ["x"]}),
    ("save/", {"snippets": "12"}),
    ("save/", {"photos": [{"image": "x"}]}),
    ("save/", {"photos": [{"role": "main"}]}),
    ("save/", {"photos": [{"image": 1, "role": "hero"}]}),
    ("save/", {"tagline": 5}),
    ("vote/", {"snippet": "x"}),
    ("vote/", {"snippet": [1]}),
    ("comment/", {"text": 5}),
    ("comment/", {"text": "好", "snippet": "x"}),
    ("comment/", {"text": "好", "snippet": 999999}),
    ("palette/", {"images": 5}),
]


@pytest.mark.parametrize(("path", "body"), BAD_BODIES)
def test_malformed_board_requests_get_a_clear_400(path, body, make_kit, people, client):
    kit = make_kit(publish=False)
    client.force_login(people["participant"])
    if path == "save/" and "revision" not in body:
        body = {**body, "revision": kit.latest_revision_id}
    response = client.post(f"/kits/{kit.slug}/board/{path}", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]


def test_snippets_go_only_to_ones_own_workshops(archive, people, client):
    other = Workshop.objects.create(title="别的工作坊", facilitator=people["facilitator"])
    first = archive["wang"].segments.first()
    client.force_login(people["participant"])
    body = {"source": "segments", "page": archive["wang"].pk, "first": first.pk, "last": first.pk}
    for workshop in (other.pk, "x"):
        response = client.post("/kits/snippets/", {**body, "workshop": workshop}, content_type="application/json")
        assert response.status_code == 403


def test_a_kit_outside_any_workshop_is_for_facilitators_only(people, client):
    kit = BrandKit.objects.create(slug="loose", title="散装", product_name="辣子鸡", live=False)
    kit.save_revision()
    assert not board.may_edit(kit, people["participant"]) and board.may_edit(kit, people["facilitator"])
    client.force_login(people["participant"])
    response = client.post("/kits/", {"title": "我的罐子", "product_name": "辣子鸡"})
    assert response.status_code == 200 and not BrandKit.objects.filter(title="我的罐子").exists()


def test_a_new_consent_record_makes_a_new_zip(make_kit, archive, tmp_path):
    from stories.exporting import export_kit

    kit = make_kit()
    first = export_kit(kit)
    assert export_kit(kit) == first  # the same revision and consent: reused
    record = archive["王秀英"].consents.get(scope="commercial")
    record.pk = None
    record.given_at = timezone.now()
    record.save()
    assert export_kit(BrandKit.objects.get(pk=kit.pk)) != first
    f.villager()  # factories stay importable here


def test_a_portrait_of_someone_without_consent_is_neither_offered_nor_sold(
    make_kit, archive, people, client, django_capture_on_commit_callbacks
):
    from stories.models import KitPhoto

    from .conftest import photo

    kit = make_kit()
    face = photo("张德明像")
    zhang = archive["张德明"]
    zhang.portrait = face
    zhang.save()
    client.force_login(people["participant"])
    state = client.get(f"/kits/{kit.slug}/board/").context["state"]
    assert face.pk not in {image["id"] for image in state["images"]}
    with django_capture_on_commit_callbacks(execute=True):
        link = KitPhoto.objects.create(kit=kit, image=face, sort_order=9)
        assert any("张德明像" in p.zh for p in consent_problems(BrandKit.objects.get(pk=kit.pk)))
        zhang.save()  # a change to his record re-checks the kits that show his face
    kit.refresh_from_db()
    assert not kit.live and "张德明" in kit.withdrawn_reason
    link.delete()
