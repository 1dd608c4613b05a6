"""Consent at a glance: badges per scope in the narrator list; records titled, never deleted."""

import pytest
from django.utils import timezone

from heritage import consent_log
from heritage.models import Consent

from .. import factories as f

pytestmark = pytest.mark.django_db
LIST = "/admin/snippets/heritage/narrator/"


@pytest.fixture
def facilitator_client(client):
    client.force_login(f.facilitator())
    return client


def _row(html: str, name: str) -> str:
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


def test_the_list_shows_each_scope_with_withdrawn_in_red_and_pending_regrants(facilitator_client):
    f.full_consent("王秀英")
    zhang = f.narrator("张德明", scopes=("archive",), withdrawn=("public",))
    consent_log.grant(zhang, "public", method="spoken", by=None, source="admin", given_at=timezone.now())
    html = facilitator_client.get(LIST).content.decode()
    wang = _row(html, "王秀英")
    assert wang.count("libei-badge--active") == 3 and "libei-badge--withdrawn" not in wang
    assert ">存档</span>" in wang and ">商用</span>" in wang
    row = _row(html, "张德明")
    assert 'libei-badge--active">存档</span>' in row
    assert 'libei-badge--pending">公开 待核实</span>' in row
    assert 'libei-badge--absent">商用 未同意</span>' in row


def test_a_withdrawal_shows_in_red(facilitator_client):
    f.narrator("李桂兰", scopes=("public",), withdrawn=("archive",))
    row = _row(facilitator_client.get(LIST).content.decode(), "李桂兰")
    assert 'libei-badge--withdrawn">存档 已撤回</span>' in row


def _form_data(narrator, **consent_fields):
    consent = narrator.consents.get()
    data = {
        "name": narrator.name,
        "credit_name": "",
        "village": narrator.village,
        "birth_year": "",
        "dialect": "",
        "biography": "",
        "consents-TOTAL_FORMS": "1",
        "consents-INITIAL_FORMS": "1",
        "consents-MIN_NUM_FORMS": "0",
        "consents-MAX_NUM_FORMS": "1000",
        "consents-0-id": str(consent.pk),
        "consents-0-scope": consent.scope,
        "consents-0-method": consent.method,
        "consents-0-given_at": f"{consent.given_at:%Y-%m-%d %H:%M}",
        "consents-0-withdrawn_at": "",
        "consents-0-withdrawal_note": "",
        "consents-0-ORDER": "1",
        "consents-0-DELETE": "",
    }
    return data | {f"consents-0-{k}": v for k, v in consent_fields.items()}


def test_a_consent_record_is_titled_by_scope_and_date_and_cannot_be_deleted(facilitator_client):
    narrator = f.narrator("王秀英", scopes=("public",))
    consent = narrator.consents.get()
    url = f"/admin/snippets/heritage/narrator/edit/{narrator.pk}/"
    html = facilitator_client.get(url).content.decode()
    assert f"公开展示 · {consent.given_at:%Y-%m-%d}" in html
    assert "libei-hidden" in html  # the saved record's delete button

    response = facilitator_client.post(url, _form_data(narrator, DELETE="on"))
    assert response.status_code == 200 and "同意记录不能删除" in response.content.decode()
    assert Consent.objects.filter(pk=consent.pk).exists()

    response = facilitator_client.post(url, _form_data(narrator, withdrawn_at=f"{timezone.now():%Y-%m-%d %H:%M}"))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
