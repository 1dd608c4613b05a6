"""Every JSON refusal of stories/, media/ and search/ has the one shape of heritage/errors.py:
``{"error": code, "zh": …, "en": …}``, Chinese first, with the status the error's type carries."""

import json

import pytest
from django.utils import timezone

from heritage.models import Consent

pytestmark = pytest.mark.django_db

SHAPE = {"error", "zh", "en"}


def _refusal(response, status: int, code: str) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == SHAPE and body["error"] == code and body["zh"] and body["en"], body
    return body


def test_a_snippet_from_a_source_that_is_not_there_is_a_typed_404(archive, people, client):
    # The status comes from the error's type (SnippetSourceNotFound), not from its wording.
    client.force_login(people["participant"])
    body = {"source": "recipe_step", "page": 999999, "position": 1}
    response = client.post("/kits/snippets/", json.dumps(body), content_type="application/json")
    _refusal(response, 404, "source_not_found")
    step = {"source": "recipe_step", "page": archive["recipe"].pk, "position": 99}
    _refusal(client.post("/kits/snippets/", json.dumps(step), content_type="application/json"), 404, "source_not_found")
    other = {"source": "fax", "page": archive["recipe"].pk}
    _refusal(client.post("/kits/snippets/", json.dumps(other), content_type="application/json"), 400, "unknown_source")


def test_a_malformed_board_request_is_refused_in_the_one_shape(make_kit, people, client):
    kit = make_kit(publish=False)
    client.force_login(people["participant"])
    response = client.post(
        f"/kits/{kit.slug}/board/vote/", json.dumps({"snippet": "x"}), content_type="application/json"
    )
    _refusal(response, 400, "invalid")


def test_a_refused_download_asked_by_a_script_is_refused_in_the_one_shape(make_kit, archive, people, client):
    kit = make_kit()
    # A withdrawal the signal handlers have not seen yet: the download itself must refuse.
    Consent.objects.filter(narrator=archive["王秀英"]).update(withdrawn_at=timezone.now())
    client.force_login(people["seller"])
    response = client.get(f"/kits/{kit.slug}/download/", HTTP_ACCEPT="application/json")
    assert response.status_code in (403, 404, 409), response.status_code
    body = response.json()
    assert set(body) == SHAPE and body["zh"] and body["en"], body
    assert "外婆" not in json.dumps(body, ensure_ascii=False)  # names nothing the seller may not see


def test_a_transcript_edit_that_cannot_be_read_is_refused_in_the_one_shape(archive, people, client):
    client.force_login(people["facilitator"])
    recording_id = archive["wang"].recording_id
    response = client.post(f"/admin/transcripts/{recording_id}/save/", "not json", content_type="application/json")
    _refusal(response, 400, "bad_request")


def test_search_that_cannot_run_answers_scripts_in_the_one_shape(client, monkeypatch):
    from search import service
    from search.exceptions import SearchUnavailable

    def unavailable(*args, **kwargs):
        raise SearchUnavailable("检索需要配置", "search needs configuring")

    monkeypatch.setattr(service, "search", unavailable)
    body = _refusal(client.get("/search/api/", {"q": "辣椒"}), 503, "search_unavailable")
    assert body["zh"] == "检索需要配置"
