"""The one answer to "may this item be used for this purpose by this person?".

Every part of the product asks here: page serving, listings, the sitemap, the audio
view, search and exports. The rules (DOMAIN.md, "Heritage ethics"):

* Facilitators (anyone who may use the Wagtail admin) may see every item whose
  narrators all keep at least *archive* consent, whatever its access level.
* Community members (and recorders and workshop participants) may see *public* and
  *community* items; anonymous visitors
  only *public* ones. For both, every narrator of the item must keep *archive* and
  *public display* consent: an archive-only or withdrawn narrator makes the item private.
* Commercial brand use needs everything viewing needs, plus *commercial* consent
  from every narrator.

Scopes cascade: public display and commercial use rest on the archive consent, so a
narrator who withdraws only *archive* consent disappears for everyone (issue 10,
finding 9). Consent is a function of *now*: a withdrawal dated ahead takes effect at
its time, and a pending re-grant (heritage.consent_log) never counts until a
facilitator confirms it. Items without narrators depend on their access level alone.
"""

from enum import StrEnum

from django.db.models import Count, QuerySet

from .models.people import AccessLevel, Consent, ConsentScope, Narrator
from .roles import Role, has_role


class Purpose(StrEnum):
    VIEW = "view"
    COMMERCIAL = "commercial"


class Audience(StrEnum):
    """Who is looking: every user falls in exactly one."""

    PUBLIC = "public"
    COMMUNITY = "community"
    FACILITATOR = "facilitator"


def is_facilitator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin"))


# Villagers who record or build kits are community members too; a seller is not, and
# sees only what the public sees.
COMMUNITY_ROLES = (Role.COMMUNITY, Role.RECORDER, Role.PARTICIPANT)


def audience_of(user) -> Audience:
    if is_facilitator(user):
        return Audience.FACILITATOR
    if any(has_role(user, role) for role in COMMUNITY_ROLES):
        return Audience.COMMUNITY
    return Audience.PUBLIC


_LEVELS = {
    Audience.PUBLIC: [AccessLevel.PUBLIC],
    Audience.COMMUNITY: [AccessLevel.PUBLIC, AccessLevel.COMMUNITY],
    Audience.FACILITATOR: None,
}
# Archive first everywhere: public display and brand use are uses *of the archive*.
_SCOPES = {
    Audience.PUBLIC: [ConsentScope.ARCHIVE, ConsentScope.PUBLIC],
    Audience.COMMUNITY: [ConsentScope.ARCHIVE, ConsentScope.PUBLIC],
    Audience.FACILITATOR: [ConsentScope.ARCHIVE],
}


def _rule(purpose: Purpose, audience: Audience) -> tuple[list[str] | None, list[str]]:
    """Access levels allowed (None: any) and the consent scopes every narrator must hold."""
    scopes = _SCOPES[audience]
    if purpose == Purpose.COMMERCIAL:
        scopes = [*scopes, ConsentScope.COMMERCIAL]
    return _LEVELS[audience], scopes


def permitted(queryset: QuerySet, purpose: Purpose, user) -> QuerySet:
    """Narrow ``queryset`` (of heritage items with ``access_level`` and ``narrator_links``)."""
    levels, scopes = _rule(Purpose(purpose), audience_of(user))
    if levels is not None:
        queryset = queryset.filter(access_level__in=levels)
    for scope in scopes:
        queryset = queryset.exclude(narrator_links__narrator__in=Narrator.objects.lacking_consent(scope))
    return queryset


def may(item, purpose: Purpose, user) -> bool:
    """May ``item`` be used for ``purpose`` by ``user`` (``None`` or anonymous for visitors)?"""
    return may_audience(item, purpose, audience_of(user))


def may_audience(item, purpose: Purpose, audience: Audience) -> bool:
    """The same rule as :func:`permitted`, checked for one item with one query per call.

    It runs on every page view and audio request, and for every audience when the
    search index records who may find an item.
    """
    levels, _scopes = _rule(Purpose(purpose), Audience(audience))
    if levels is not None and item.access_level not in levels:
        return False
    narrator_ids = set(item.narrator_links.values_list("narrator_id", flat=True))
    return not narrator_ids or not missing_consent(narrator_ids, purpose, audience)


def audiences(item, purpose: Purpose = Purpose.VIEW) -> list[str]:
    """Every audience that may use ``item`` for ``purpose`` (what the search index stores)."""
    return [audience.value for audience in Audience if may_audience(item, purpose, audience)]


def missing_consent(narrator_ids, purpose: Purpose, audience: Audience = Audience.PUBLIC) -> list[tuple[int, str]]:
    """(narrator id, scope) pairs the rule needs and the narrators do not hold now.

    Brand kits ask with ``Purpose.COMMERCIAL`` for the public (a label is seen by anyone
    who buys the jar): every quoted narrator must hold public display and commercial consent.
    """
    _levels, scopes = _rule(Purpose(purpose), Audience(audience))
    narrator_ids = set(narrator_ids)
    held = set(
        Consent.objects.active()
        .filter(narrator_id__in=narrator_ids, scope__in=scopes)
        .values_list("narrator_id", "scope")
    )
    return [(n, s) for n in sorted(narrator_ids) for s in scopes if (n, s) not in held]


def excluded_search_subjects(audience: str) -> set[str]:
    """Narrator ids (as text) lacking, *now*, a scope ``audience`` needs to view their items.

    Search asks this on every request (settings.SEARCH_EXCLUDED_SUBJECTS) and leaves out
    every document naming one of them: a withdrawal shows in the very next search, with
    the worker stopped or the withdrawal dated ahead (issue 10, findings 3 and 4). One
    query; the set is the few narrators who withdrew or never gave these scopes.
    """
    _levels, scopes = _rule(Purpose.VIEW, Audience(audience))
    holding_all = (
        Consent.objects.active()
        .filter(scope__in=scopes)
        .values("narrator_id")
        .annotate(scopes=Count("scope", distinct=True))
        .filter(scopes=len(scopes))
        .values("narrator_id")
    )
    return {str(pk) for pk in Narrator.objects.exclude(pk__in=holding_all).values_list("pk", flat=True)}


def consent_records(narrator_ids, purpose: Purpose, audience: Audience = Audience.PUBLIC) -> list[Consent]:
    """The active consent records the rule relies on for these narrators (for an export's manifest)."""
    _levels, scopes = _rule(Purpose(purpose), Audience(audience))
    return list(
        Consent.objects.active()
        .filter(narrator_id__in=set(narrator_ids), scope__in=scopes)
        .select_related("narrator")
        .order_by("narrator_id", "scope", "-given_at")
    )
