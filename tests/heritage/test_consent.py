"""The consent function: every scope, given or withdrawn, for every kind of user."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from heritage.consent import Purpose, may, permitted
from heritage.models import OralHistoryPage

from .. import factories as f

pytestmark = pytest.mark.django_db

ALL = ("archive", "public", "commercial")

# (active scopes, withdrawn scopes, access level, user) -> (may view, may use commercially)
CASES = [
    # Full consent: access level decides who sees it.
    (ALL, (), "public", "anonymous", (True, True)),
    (ALL, (), "community", "anonymous", (False, False)),
    (ALL, (), "community", "villager", (True, True)),
    (ALL, (), "restricted", "villager", (False, False)),
    (ALL, (), "restricted", "facilitator", (True, True)),
    # Archive only: facilitators listen, nobody else sees it, whatever its access level.
    (("archive",), (), "public", "anonymous", (False, False)),
    (("archive",), (), "community", "villager", (False, False)),
    (("archive",), (), "public", "facilitator", (True, False)),
    # Public display without brand use.
    (("archive", "public"), (), "public", "anonymous", (True, False)),
    (("archive", "public"), (), "public", "facilitator", (True, False)),
    # Each scope withdrawn in turn.
    (("public", "commercial"), ("archive",), "public", "facilitator", (False, False)),
    (("public", "commercial"), ("archive",), "public", "anonymous", (False, False)),
    (("archive", "commercial"), ("public",), "public", "anonymous", (False, False)),
    (("archive", "commercial"), ("public",), "community", "villager", (False, False)),
    (("archive", "commercial"), ("public",), "public", "facilitator", (True, True)),
    (("archive", "public"), ("commercial",), "public", "anonymous", (True, False)),
    (("archive", "public"), ("commercial",), "restricted", "facilitator", (True, False)),
    # Nothing given, or everything withdrawn.
    ((), (), "public", "anonymous", (False, False)),
    ((), ALL, "public", "facilitator", (False, False)),
]


def _user(kind):
    return {"anonymous": AnonymousUser, "villager": f.villager, "facilitator": f.facilitator}[kind]()


@pytest.mark.parametrize(("active", "withdrawn", "access", "user_kind", "expected"), CASES)
def test_consent_decides_use(active, withdrawn, access, user_kind, expected):
    _, index = f.site_tree()
    page = f.item(index, narrators=[f.narrator(scopes=active, withdrawn=withdrawn)], access_level=access)
    user = _user(user_kind)
    assert (may(page, Purpose.VIEW, user), may(page, Purpose.COMMERCIAL, user)) == expected
    listed = set(permitted(OralHistoryPage.objects.all(), Purpose.VIEW, user))
    assert (page in listed) == expected[0]


def test_one_narrator_without_consent_closes_a_shared_item():
    _, index = f.site_tree()
    page = f.item(index, narrators=[f.full_consent(), f.narrator(scopes=("archive",))])
    assert not may(page, Purpose.VIEW, None)


def test_withdrawal_acts_from_the_moment_it_is_recorded():
    _, index = f.site_tree()
    person = f.full_consent()
    page = f.item(index, narrators=[person])
    assert may(page, Purpose.VIEW, None)
    person.consents.filter(scope="public").update(withdrawn_at=timezone.now())
    assert not may(page, Purpose.VIEW, None)


def test_consent_given_in_the_future_is_not_yet_active():
    _, index = f.site_tree()
    person = f.full_consent()
    person.consents.update(given_at=timezone.now() + timezone.timedelta(days=1))
    assert not may(f.item(index, narrators=[person]), Purpose.VIEW, None)


def test_an_item_without_narrators_follows_its_access_level():
    _, index = f.site_tree()
    assert may(f.item(index, access_level="public"), Purpose.VIEW, None)
    assert not may(f.item(index, access_level="community"), Purpose.VIEW, None)


def test_an_inactive_account_is_treated_as_a_visitor():
    _, index = f.site_tree()
    user = f.facilitator()
    user.is_active = False
    page = f.item(index, narrators=[f.full_consent()], access_level="restricted")
    assert not may(page, Purpose.VIEW, user)


def test_a_withdrawal_before_consent_was_given_is_refused():
    from django.core.exceptions import ValidationError

    person = f.full_consent()
    consent = person.consents.first()
    consent.withdrawn_at = consent.given_at - timezone.timedelta(days=1)
    with pytest.raises(ValidationError):
        consent.clean()
