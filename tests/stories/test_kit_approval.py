"""Approval is one visible action on the kit, beside what changed since the approved revision."""

import io
import zipfile

import pytest

from stories.models import BrandKit

pytestmark = pytest.mark.django_db


def _edit(kit, user, **changes):
    draft = kit.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save_revision(user=user)
    BrandKit.objects.filter(pk=kit.pk).update(approval_requested_at="2026-11-30T10:00:00Z")


def test_the_dashboard_lists_a_kit_waiting_and_its_page_shows_the_diff_and_one_button(make_kit, people, client):
    kit = make_kit()
    _edit(kit, people["participant"], tagline="外婆的糍粑辣椒最香")
    client.force_login(people["facilitator"])
    home = client.get("/admin/").content.decode()
    url = f"/admin/snippets/stories/brandkit/approve/{kit.pk}/"
    assert "等待批准的品牌包" in home and url in home

    page = client.get(url).content.decode()
    assert "批准发布" in page and "<ins>最香</ins>" in page and "一句话" in page
    assert client.get(f"/admin/snippets/stories/brandkit/edit/{kit.pk}/").content.decode().count(url) >= 1

    response = client.post(url)
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.live and kit.live_revision_id == kit.latest_revision_id and kit.tagline == "外婆的糍粑辣椒最香"
    assert url not in client.get("/admin/").content.decode()


def test_a_kit_quoting_a_narrator_without_commercial_consent_cannot_be_approved(make_kit, people, client):
    kit = make_kit(with_zhang=True, publish=False)
    BrandKit.objects.filter(pk=kit.pk).update(approval_requested_at="2026-11-30T10:00:00Z")
    client.force_login(people["facilitator"])
    url = f"/admin/snippets/stories/brandkit/approve/{kit.pk}/"
    page = client.get(url).content.decode()
    assert "还不能批准" in page and "张德明" in page and 'type="submit"' not in page
    client.post(url)
    kit.refresh_from_db()
    assert not kit.live


def test_the_approved_zip_downloads_from_the_admin(make_kit, people, client):
    kit = make_kit()
    client.force_login(people["facilitator"])
    response = client.get(f"/admin/snippets/stories/brandkit/export/{kit.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    assert any(name.endswith(".json") for name in zipfile.ZipFile(io.BytesIO(body)).namelist())


def test_a_participant_cannot_approve(make_kit, people, client):
    kit = make_kit(publish=False)
    client.force_login(people["participant"])
    client.post(f"/admin/snippets/stories/brandkit/approve/{kit.pk}/")
    kit.refresh_from_db()
    assert not kit.live
