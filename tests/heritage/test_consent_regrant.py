"""A recorder cannot undo a withdrawal (issue 10, finding 2), and every consent change is logged.

李桂芬 withdrew public display and brand use. A signed form photographed at the station
with every scope ticked records her new grants as *pending*: her story stays closed
until a facilitator confirms the evidence in the admin.
"""

from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from heritage import consent_log
from heritage.models import Consent, ConsentChange, ConsentStatus
from heritage.roles import Role, grant

from .. import factories as f

pytestmark = pytest.mark.django_db
ALL = ["archive", "public", "commercial"]


def _photo():
    photo = BytesIO()
    Image.new("RGB", (120, 160), "white").save(photo, "JPEG")
    photo.seek(0)
    photo.name = "form.jpg"
    return photo


@pytest.fixture
def recorder():
    person = f.villager()
    grant(person, Role.RECORDER)
    return person


@pytest.fixture
def li():
    _, index = f.site_tree()
    person = f.narrator("李桂芬", scopes=("archive",), withdrawn=("public", "commercial"))
    page = f.item(index, narrators=[person], access_level="public", title="李桂芬讲腊肉")
    return person, page


def test_a_recorder_regranting_a_withdrawn_scope_leaves_it_pending(li, recorder, client):
    person, page = li
    assert client.get(page.url).status_code == 404
    client.force_login(recorder)
    response = client.post(f"/station/narrators/{person.pk}/consent-form", {"scope": ALL, "photo": _photo()})
    assert response.status_code == 302 and "error" not in response["Location"]
    new = Consent.objects.filter(narrator=person, withdrawn_at=None).exclude(scope="archive")
    assert sorted(c.scope for c in new) == ["commercial", "public"]
    assert all(c.status == ConsentStatus.PENDING for c in new)
    # The recorder is told, in Chinese, that a facilitator must confirm it.
    station = client.get(response["Location"]).content.decode()
    assert "要等协作者核实证据后才生效" in station and "公开展示" in station
    client.logout()
    assert client.get(page.url).status_code == 404
    # A second attempt adds nothing more: the grant is already waiting.
    client.force_login(recorder)
    client.post(f"/station/narrators/{person.pk}/consent-form", {"scope": ALL, "photo": _photo()})
    assert Consent.objects.filter(narrator=person, status=ConsentStatus.PENDING).count() == 2


def test_a_scope_never_withdrawn_is_granted_at_once_and_logged(recorder, client):
    _, index = f.site_tree()
    client.force_login(recorder)
    response = client.post("/station/start/", {"go": "new", "name": "周永福"})
    narrator_id = int(response["Location"].split("narrator=")[1].split("&")[0])
    client.post(f"/station/narrators/{narrator_id}/consent-form", {"scope": ALL, "photo": _photo()})
    consents = Consent.objects.filter(narrator_id=narrator_id)
    assert sorted(c.scope for c in consents) == sorted(ALL)
    assert all(c.status == ConsentStatus.CONFIRMED and c.is_active() for c in consents)
    log = ConsentChange.objects.filter(narrator_id=narrator_id)
    assert sorted(change.scope for change in log) == sorted(ALL)
    assert all(
        c.action == "create" and c.changed_by == recorder and c.source == "station" and c.before is None for c in log
    )
    assert all(c.after["status"] == "confirmed" and c.after["evidence_document_id"] for c in log)


def test_a_facilitator_confirms_the_pending_grant_in_the_admin(li, recorder, client):
    person, page = li
    client.force_login(recorder)
    client.post(f"/station/narrators/{person.pk}/consent-form", {"scope": ALL, "photo": _photo()})
    facilitator = f.facilitator()
    client.force_login(facilitator)
    edit = client.get(f"/admin/snippets/heritage/narrator/edit/{person.pk}/").content.decode()
    assert "前不生效" in edit and "/admin/consents/" in edit
    for consent in person.pending_consents():
        assert client.get(f"/admin/consents/{consent.pk}/confirm/").status_code == 200
        assert client.post(f"/admin/consents/{consent.pk}/confirm/").status_code == 302
    assert not person.pending_consents().exists()
    client.logout()
    assert client.get(page.url).status_code == 200
    confirmations = ConsentChange.objects.filter(narrator=person, action="confirm")
    assert {c.scope for c in confirmations} == {"public", "commercial"}
    assert all(c.changed_by == facilitator and c.before["status"] == "pending" for c in confirmations)


def test_confirming_needs_evidence_and_a_facilitator(li, recorder):
    person, _page = li
    bare = consent_log.grant(person, "public", method="spoken", by=recorder, source="test")
    assert bare.status == ConsentStatus.PENDING
    with pytest.raises(consent_log.ConsentNotConfirmable):
        consent_log.confirm(bare, by=recorder)
    with pytest.raises(consent_log.ConsentNotConfirmable) as refused:
        consent_log.confirm(bare, by=f.facilitator())
    assert "同意书" in refused.value.message
    bare.refresh_from_db()
    assert bare.status == ConsentStatus.PENDING and not bare.is_active()


def _narrator_form(person, consents, override=None):
    rows = []
    for consent in consents:
        row = {
            "id": consent.pk or "",
            "scope": consent.scope,
            "method": consent.method,
            "given_at": timezone.localtime(consent.given_at).strftime("%Y-%m-%d %H:%M"),
            "evidence_document": consent.evidence_document_id or "",
            "evidence_recording": "",
            "witnessed_by": "",
            "withdrawn_at": timezone.localtime(consent.withdrawn_at).strftime("%Y-%m-%d %H:%M")
            if consent.withdrawn_at
            else "",
            "withdrawal_note": consent.withdrawal_note,
        }
        row.update((override or {}).get(consent.pk, {}))
        rows.append(row)
    return nested_form_data(
        {
            "name": person.name,
            "credit_name": "",
            "village": person.village,
            "birth_year": "",
            "dialect": "",
            "portrait": "",
            "biography": "",
            "consents": inline_formset(rows, initial=sum(1 for c in consents if c.pk)),
        }
    )


def test_the_admin_form_holds_a_regrant_pending_and_logs_who_did_it(li, client):
    person, page = li
    facilitator = f.facilitator()
    client.force_login(facilitator)
    existing = list(person.consents.order_by("pk"))
    fresh = Consent(scope="public", method="spoken", given_at=timezone.now())
    response = client.post(
        f"/admin/snippets/heritage/narrator/edit/{person.pk}/", _narrator_form(person, [*existing, fresh])
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Consent.objects.get(narrator=person, scope="public", withdrawn_at=None)
    assert added.status == ConsentStatus.PENDING
    client.logout()
    assert client.get(page.url).status_code == 404
    change = ConsentChange.objects.get(narrator=person, consent=added)
    assert change.action == "create" and change.changed_by == facilitator and change.source == "admin"
    # The log is on the narrator's record, read-only.
    client.force_login(facilitator)
    edit = client.get(f"/admin/snippets/heritage/narrator/edit/{person.pk}/").content.decode()
    assert "同意变更记录" in edit and "新增" in edit


def test_a_withdrawal_in_effect_cannot_be_cleared_in_the_admin(li, client):
    person, page = li
    client.force_login(f.facilitator())
    existing = list(person.consents.order_by("pk"))
    withdrawn = next(c for c in existing if c.scope == "public")
    data = _narrator_form(person, existing, {withdrawn.pk: {"withdrawn_at": ""}})
    response = client.post(f"/admin/snippets/heritage/narrator/edit/{person.pk}/", data)
    assert response.status_code == 200 and "撤回已经生效" in response.content.decode()
    withdrawn.refresh_from_db()
    assert withdrawn.withdrawn_at is not None
    assert not ConsentChange.objects.filter(narrator=person).exists()
    client.logout()
    assert client.get(page.url).status_code == 404


def test_a_withdrawal_through_the_admin_is_logged_with_its_dates(client):
    person = f.full_consent("王秀英")
    facilitator = f.facilitator()
    client.force_login(facilitator)
    existing = list(person.consents.order_by("pk"))
    public = next(c for c in existing if c.scope == "public")
    when = (timezone.localtime() + timezone.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    data = _narrator_form(person, existing, {public.pk: {"withdrawn_at": when, "withdrawal_note": "本人要求"}})
    assert client.post(f"/admin/snippets/heritage/narrator/edit/{person.pk}/", data).status_code == 302
    change = ConsentChange.objects.get(narrator=person, consent=public)
    assert change.action == "withdraw" and change.scope == "public" and change.changed_by == facilitator
    assert change.before["withdrawn_at"] is None and change.after["withdrawn_at"]
