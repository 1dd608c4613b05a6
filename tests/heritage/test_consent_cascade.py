"""Scopes cascade (issue 10, finding 9): public display and brand use rest on archive consent.

A narrator who withdraws only *archive* consent, keeping public display and commercial
consent on paper, disappears for everyone: visitors, villagers and facilitators.
"""

import pytest

from heritage.consent import Audience, Purpose, may, missing_consent, permitted
from heritage.listing import archive_items
from heritage.models import OralHistoryPage

from .. import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive_withdrawn():
    _, index = f.site_tree()
    person = f.narrator("李桂芬", scopes=("public", "commercial"), withdrawn=("archive",))
    page = f.item(index, narrators=[person], access_level="public", title="李桂芬讲腊肉")
    return person, page


@pytest.mark.parametrize("kind", ["anonymous", "villager", "facilitator"])
def test_archive_withdrawal_closes_the_item_for_everyone(archive_withdrawn, kind, client):
    person, page = archive_withdrawn
    user = {"anonymous": lambda: None, "villager": f.villager, "facilitator": f.facilitator}[kind]()
    assert not may(page, Purpose.VIEW, user)
    assert not may(page, Purpose.COMMERCIAL, user)
    assert page not in permitted(OralHistoryPage.objects.all(), Purpose.VIEW, user)
    assert page not in archive_items(user)
    if user is not None:
        client.force_login(user)
    assert client.get(page.url).status_code == 404


def test_public_and_commercial_use_name_the_missing_archive_consent(archive_withdrawn):
    person, _page = archive_withdrawn
    assert (person.pk, "archive") in missing_consent([person.pk], Purpose.VIEW, Audience.PUBLIC)
    assert (person.pk, "archive") in missing_consent([person.pk], Purpose.COMMERCIAL, Audience.PUBLIC)
    assert (person.pk, "archive") in missing_consent([person.pk], Purpose.VIEW, Audience.COMMUNITY)


def test_the_narrators_own_record_stays_open_to_facilitators_in_the_admin(archive_withdrawn, client):
    person, _page = archive_withdrawn
    client.force_login(f.facilitator())
    response = client.get(f"/admin/snippets/heritage/narrator/edit/{person.pk}/")
    assert response.status_code == 200
    assert "李桂芬" in response.content.decode()
