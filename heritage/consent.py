"""The one answer to "may this item be used for this purpose by this person?".

Every part of the product asks here: page serving, listings, the sitemap, the audio
view, search and exports. The rules (DOMAIN.md, "Heritage ethics"):

* Facilitators (anyone who may use the Wagtail admin) may see every item whose
  narrators all keep at least *archive* consent, whatever its access level.
* Signed-in villagers may see *public* and *community* items; anonymous visitors
  only *public* ones. For both, every narrator of the item must keep *public
  display* consent: an archive-only or withdrawn narrator makes the item private.
* Commercial brand use needs everything viewing needs, plus *commercial* consent
  from every narrator.

Withdrawal acts from the moment it is recorded; items without narrators depend on
their access level alone.
"""

from enum import StrEnum

from django.db.models import QuerySet

from .models.people import AccessLevel, Consent, ConsentScope, Narrator


class Purpose(StrEnum):
    VIEW = "view"
    COMMERCIAL = "commercial"


def is_facilitator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin"))


def _rule(purpose: Purpose, user) -> tuple[list[str] | None, list[str]]:
    """Access levels allowed (None: any) and the consent scopes every narrator must hold."""
    if is_facilitator(user):
        levels, scopes = None, [ConsentScope.ARCHIVE]
    elif user is not None and user.is_authenticated and user.is_active:
        levels, scopes = [AccessLevel.PUBLIC, AccessLevel.COMMUNITY], [ConsentScope.PUBLIC]
    else:
        levels, scopes = [AccessLevel.PUBLIC], [ConsentScope.PUBLIC]
    if purpose == Purpose.COMMERCIAL:
        scopes = [*scopes, ConsentScope.COMMERCIAL]
    return levels, scopes


def permitted(queryset: QuerySet, purpose: Purpose, user) -> QuerySet:
    """Narrow ``queryset`` (of heritage items with ``access_level`` and ``narrator_links``)."""
    levels, scopes = _rule(Purpose(purpose), user)
    if levels is not None:
        queryset = queryset.filter(access_level__in=levels)
    for scope in scopes:
        queryset = queryset.exclude(narrator_links__narrator__in=Narrator.objects.lacking_consent(scope))
    return queryset


def may(item, purpose: Purpose, user) -> bool:
    """May ``item`` be used for ``purpose`` by ``user`` (``None`` or anonymous for visitors)?

    The same rule as :func:`permitted`, checked for one item with a single query:
    it runs on every page view and audio request.
    """
    levels, scopes = _rule(Purpose(purpose), user)
    if levels is not None and item.access_level not in levels:
        return False
    narrator_ids = set(item.narrator_links.values_list("narrator_id", flat=True))
    if not narrator_ids:
        return True
    held = set(
        Consent.objects.active()
        .filter(narrator_id__in=narrator_ids, scope__in=scopes)
        .values_list("narrator_id", "scope")
    )
    return all((narrator, scope) in held for narrator in narrator_ids for scope in scopes)
