"""The consent rule's own functions, driven directly with real rows (fast: the mutation run of heritage/consent.py).

test_consent.py checks the outcome per scope and user; these pin what each function answers:
who falls in which audience, the exact (narrator, scope) pairs missing, the subjects search
leaves out, the records an export cites, and a purpose nobody defined.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from heritage.consent import (
    Audience,
    Purpose,
    audience_of,
    audiences,
    consent_records,
    excluded_search_subjects,
    is_facilitator,
    may,
    may_audience,
    missing_consent,
    permitted,
)
from heritage.models import OralHistoryPage
from heritage.roles import Role

from .. import factories as f

pytestmark = pytest.mark.django_db

ALL = ("archive", "public", "commercial")


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ((), Audience.PUBLIC),
        ((Role.SELLER,), Audience.PUBLIC),
        ((Role.COMMUNITY,), Audience.COMMUNITY),
        ((Role.RECORDER,), Audience.COMMUNITY),
        ((Role.PARTICIPANT,), Audience.COMMUNITY),
        ((Role.SELLER, Role.PARTICIPANT), Audience.COMMUNITY),
        ((Role.FACILITATOR,), Audience.FACILITATOR),
        ((Role.RECORDER, Role.FACILITATOR), Audience.FACILITATOR),
    ],
)
def test_every_role_falls_in_one_audience(roles, expected):
    assert audience_of(f.person(*roles)) == expected


def test_visitors_and_inactive_accounts_are_the_public():
    assert audience_of(None) == Audience.PUBLIC
    assert audience_of(AnonymousUser()) == Audience.PUBLIC
    assert not is_facilitator(None)
    assert not is_facilitator(AnonymousUser())
    user = f.facilitator()
    assert is_facilitator(user)
    user.is_active = False
    assert not is_facilitator(user)


def test_missing_consent_names_each_pair_in_order():
    archive_only = f.narrator(scopes=("archive",))
    nothing = f.narrator(withdrawn=ALL)
    full = f.full_consent()
    ids = [full.pk, nothing.pk, archive_only.pk]
    assert missing_consent(ids, Purpose.VIEW) == [
        (archive_only.pk, "public"),
        (nothing.pk, "archive"),
        (nothing.pk, "public"),
    ]
    assert missing_consent(ids, Purpose.COMMERCIAL) == [
        (archive_only.pk, "public"),
        (archive_only.pk, "commercial"),
        (nothing.pk, "archive"),
        (nothing.pk, "public"),
        (nothing.pk, "commercial"),
    ]
    assert missing_consent(ids, Purpose.VIEW, Audience.FACILITATOR) == [(nothing.pk, "archive")]
    assert missing_consent(ids, Purpose.COMMERCIAL, Audience.FACILITATOR) == [
        (archive_only.pk, "commercial"),
        (nothing.pk, "archive"),
        (nothing.pk, "commercial"),
    ]
    assert missing_consent([full.pk], Purpose.COMMERCIAL) == []


def test_a_consent_dated_ahead_or_withdrawn_is_missing_now():
    later = f.full_consent()
    later.consents.filter(scope="public").update(given_at=timezone.now() + timedelta(hours=1))
    left = f.full_consent()
    left.consents.filter(scope="archive").update(withdrawn_at=timezone.now() - timedelta(minutes=1))
    leaving = f.full_consent()
    leaving.consents.filter(scope="archive").update(withdrawn_at=timezone.now() + timedelta(days=1))
    assert missing_consent([later.pk, left.pk, leaving.pk], Purpose.VIEW) == [
        (later.pk, "public"),
        (left.pk, "archive"),
    ]


def test_search_leaves_out_the_subjects_each_audience_may_not_see():
    full = f.full_consent()
    archive_only = f.narrator(scopes=("archive",))
    public_only = f.narrator(scopes=("public", "commercial"))
    nothing = f.narrator()
    assert excluded_search_subjects("public") == {str(archive_only.pk), str(public_only.pk), str(nothing.pk)}
    assert excluded_search_subjects("community") == {str(archive_only.pk), str(public_only.pk), str(nothing.pk)}
    assert excluded_search_subjects("facilitator") == {str(public_only.pk), str(nothing.pk)}
    assert str(full.pk) not in excluded_search_subjects("public")


def test_archive_consent_given_twice_does_not_stand_for_public_display():
    """Two records of one scope count once: the audience needs each of its scopes."""
    twice = f.narrator(scopes=("archive", "archive"))
    assert str(twice.pk) in excluded_search_subjects("public")
    assert str(twice.pk) not in excluded_search_subjects("facilitator")


def test_an_export_cites_the_records_the_rule_relies_on():
    first = f.full_consent()
    second = f.narrator(scopes=("archive", "public"))
    stranger = f.full_consent()
    older = second.consents.get(scope="public")
    newer = type(older).objects.create(
        narrator=second, scope="public", method="written", given_at=older.given_at + timedelta(days=1)
    )
    records = consent_records([second.pk, first.pk], Purpose.VIEW)
    assert [(r.narrator_id, r.scope, r.pk) for r in records] == [
        (first.pk, "archive", first.consents.get(scope="archive").pk),
        (first.pk, "public", first.consents.get(scope="public").pk),
        (second.pk, "archive", second.consents.get(scope="archive").pk),
        (second.pk, "public", newer.pk),
        (second.pk, "public", older.pk),
    ]
    commercial = consent_records([first.pk], Purpose.COMMERCIAL)
    assert [r.scope for r in commercial] == ["archive", "commercial", "public"]
    assert [r.scope for r in consent_records([first.pk], Purpose.VIEW, Audience.FACILITATOR)] == ["archive"]
    assert stranger.pk not in {r.narrator_id for r in records}


def test_each_audience_is_stored_with_the_item():
    _, index = f.site_tree()
    shared = f.item(index, narrators=[f.full_consent()], access_level="public")
    village = f.item(index, narrators=[f.full_consent()], access_level="community")
    kept = f.item(index, narrators=[f.narrator(scopes=("archive",))], access_level="public")
    display = f.item(index, narrators=[f.narrator(scopes=("archive", "public"))], access_level="public")
    assert audiences(shared) == ["public", "community", "facilitator"]
    assert audiences(village) == ["community", "facilitator"]
    assert audiences(kept) == ["facilitator"]
    assert audiences(shared, Purpose.COMMERCIAL) == ["public", "community", "facilitator"]
    assert audiences(display, Purpose.COMMERCIAL) == []


def test_the_narrator_and_not_the_link_is_checked():
    """Link rows and narrators are numbered apart here, so a rule reading link ids would ask the wrong person."""
    _, index = f.site_tree()
    for _ in range(3):
        f.full_consent()
    withdrawn = f.narrator(withdrawn=ALL)
    page = f.item(index, narrators=[withdrawn])
    link = page.narrator_links.get()
    assert link.pk != withdrawn.pk
    assert not may_audience(page, Purpose.VIEW, Audience.PUBLIC)
    assert not may_audience(page, Purpose.VIEW, Audience.FACILITATOR)


def test_brand_use_lists_only_items_with_commercial_consent():
    _, index = f.site_tree()
    brand = f.item(index, narrators=[f.full_consent()])
    display = f.item(index, narrators=[f.narrator(scopes=("archive", "public"))])
    for user in (None, f.villager(), f.facilitator()):
        assert set(permitted(OralHistoryPage.objects.all(), Purpose.COMMERCIAL, user)) == {brand}
        assert set(permitted(OralHistoryPage.objects.all(), Purpose.VIEW, user)) == {brand, display}
        assert may(brand, Purpose.COMMERCIAL, user) and not may(display, Purpose.COMMERCIAL, user)


def test_a_purpose_nobody_defined_is_refused_loudly():
    _, index = f.site_tree()
    page = f.item(index)
    with pytest.raises(ValueError):
        may_audience(page, "sell", Audience.PUBLIC)
    with pytest.raises(ValueError):
        permitted(OralHistoryPage.objects.all(), "sell", None)
    with pytest.raises(ValueError):
        missing_consent([], "sell")
    with pytest.raises(ValueError):
        may_audience(page, Purpose.VIEW, "everyone")


def test_may_and_the_listing_ask_for_the_person_asking():
    _, index = f.site_tree()
    village = f.item(index, narrators=[f.full_consent()], access_level="community")
    kept = f.item(index, narrators=[f.full_consent()], access_level="restricted")
    villager, facilitator = f.villager(), f.facilitator()
    assert [may(village, Purpose.VIEW, u) for u in (None, villager, facilitator)] == [False, True, True]
    assert [may(kept, Purpose.VIEW, u) for u in (None, villager, facilitator)] == [False, False, True]
    listed = [set(permitted(OralHistoryPage.objects.all(), Purpose.VIEW, u)) for u in (None, villager, facilitator)]
    assert listed == [set(), {village}, {village, kept}]


def test_an_exports_consent_records_come_with_their_narrators_in_one_query(django_assert_num_queries):
    people = [f.full_consent() for _ in range(3)]
    with django_assert_num_queries(1):
        names = {r.narrator.name for r in consent_records([p.pk for p in people], Purpose.COMMERCIAL)}
    assert names == {p.name for p in people}
