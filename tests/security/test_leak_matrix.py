"""No byte of an item reaches a person who may not see it: every URL pattern × role × consent state.

The narrator's items each carry canary strings (tests/security/canaries.py); every
pattern of ``config.urls`` is called as every role (tests/security/matrix.py) and each
response, headers and body, read to the end, is searched for the canaries of the items
that role may not see. A pattern without a case fails the test, so a new view joins
the matrix. Leaks the current code still has are listed in :data:`KNOWN_LEAKS`, each
with its finding; they are strict: a listed cell that stops leaking fails the test
until it is taken off the list.
"""

import logging
import time
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from .canaries import apply_state, build, request_time
from .matrix import (
    CASES,
    DEBUG_ONLY,
    IGNORED,
    ROLES,
    STATES,
    allowed,
    body_of,
    coverage,
    exempt,
    ignored,
    patterns,
    seen,
)

pytestmark = pytest.mark.django_db

OUTSIDERS = tuple(role for role in ROLES if role != "facilitator")
BOARD = ("stories:board", "stories:board_comment", "stories:board_submit", "stories:board_vote")
SEARCH = ("search:page", "search:api", "search:suggest")


def _cells(patterns: tuple[str, ...] | str, roles, *states) -> set[tuple[str, str, str]]:
    patterns = (patterns,) if isinstance(patterns, str) else patterns
    return {(pattern, role, state) for pattern in patterns for role in roles for state in states}


# (pattern, role, state) cells that leak on the current code, by the finding of issue 10
# they belong to. The engineers fixing those findings take the cells off as they land.
KNOWN_LEAKS: set[tuple[str, str, str]] = set()

# Server errors the current code has (printed with their cause on every run).
EXPECTED_ERRORS = {
    # Wagtail's deliberate error (admin/failwhale/), for checking error reporting.
    "wagtailadmin_error_test",
}

# (pattern, role, state, item): cells where the role must see the item, so the matrix
# cannot pass by every view answering 404.
MUST_SEE = {
    ("wagtail_serve", "anonymous", "active", "oral_history"),
    ("wagtail_serve", "community", "active", "recipe"),
    ("wagtail_serve", "anonymous", "active", "memory"),
    ("wagtail_serve", "facilitator", "withdrawn_now", "oral_history"),
    ("heritage:oral_history_transcript", "anonymous", "active", "transcript"),
    ("heritage:oral_history_audio", "seller", "active", "recording"),
    ("search:api", "anonymous", "active", "oral_history"),
    ("search:page", "community", "active", "recipe"),
    ("stories:kit_story", "anonymous", "active", "kit"),
    ("stories:kit_download", "seller", "active", "snippet"),
    ("stories:board", "participant", "active", "snippet"),
    ("stories:board", "participant", "withdrawn_now", "kit"),
    ("station:recording", "recorder", "withdrawn_now", "transcript"),
    ("station:recording_audio", "recorder", "dated_ahead", "recording"),
    ("media_transcript_editor", "facilitator", "withdrawn_now", "transcript"),
    ("wagtailadmin_pages:view_draft", "facilitator", "active", "oral_history"),
    ("wagtailadmin_pages:view_draft", "facilitator", "withdrawn_now", "memory"),
    ("media_transcript_editor", "facilitator", "active", "transcript"),
    ("media_transcript_export", "facilitator", "dated_ahead", "transcript"),
    ("wagtailsnippets_stories_storysnippet:list", "facilitator", "archive_only", "snippet"),
    ("wagtaildocs_serve", "facilitator", "archive_only", "consent_form"),
    # The gated admin lists still list what facilitators may see.
    ("wagtailadmin_explore", "facilitator", "withdrawn_now", "oral_history"),
    ("wagtailadmin_pages:search", "facilitator", "active", "recipe"),
    ("wagtailadmin_choose_page_search", "facilitator", "dated_ahead", "memory"),
    ("wagtailadmin_api:pages:listing", "facilitator", "active", "oral_history"),
    ("wagtailadmin_api:images:listing", "facilitator", "withdrawn_now", "page_photo"),
    # The image library and chooser are the facilitators' (heritage/roles.py), past the gate.
    ("wagtailimages:index", "facilitator", "active", "portrait"),
    ("wagtailimages_chooser:chosen", "facilitator", "withdrawn_now", "page_photo"),
}


def _clients(archive) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if archive.users[role] is not None:
            client.force_login(archive.users[role])
        clients[role] = client
    return clients


def _roles_for(key: str, n: int, admin_keys: set[str]) -> list[str]:
    """Every role, except at Wagtail's own admin views: only facilitators get past the
    admin's door (one check for all of them), so each of those views is asked by the
    facilitator with every generated request and by one other role in turn (a sample
    that still sends every role to about thirty admin views per state)."""
    if key in admin_keys and not key.startswith(OUR_ADMIN_VIEWS):
        return [OUTSIDERS[n % len(OUTSIDERS)], "facilitator"]
    return list(ROLES)


# Admin views of our apps (wagtail_hooks.py): every role asks them every request.
OUR_ADMIN_VIEWS = ("media_transcript_", "heritage_glossary_")


def _call(client: Client, request):
    return client.generic(request.method, request.url, request.body or b"", content_type=request.content_type)


@dataclass
class Outcome:
    leaks: dict = field(default_factory=lambda: defaultdict(list))  # (pattern, role, state) → what leaked where
    visible: set = field(default_factory=set)  # (pattern, role, item) seen at all
    cells: set = field(default_factory=set)  # (pattern, role) asked
    errors: list = field(default_factory=list)
    calls: int = 0


def _run(archive, state: str, cases: dict, clients: dict, admin_keys: set[str]) -> Outcome:
    outcome = Outcome()
    for n, (key, requests) in enumerate(cases.items()):
        for role in _roles_for(key, n, admin_keys):
            outcome.cells.add((key, role))
            asked = requests[:1] if key in admin_keys and role != "facilitator" else requests
            for request in asked:
                response = _call(clients[role], request)
                outcome.calls += 1
                # Messages travel to the next page: they are read with the response that
                # left them (body_of), then dropped, so each cell answers for itself.
                clients[role].cookies.pop("messages", None)
                if request.signs_out and archive.users[role] is not None:
                    clients[role].force_login(archive.users[role])
                _judge(outcome, key, role, state, request, response, key in admin_keys)
    return outcome


def _judge(outcome: Outcome, key, role, state, request, response, admin: bool) -> None:
    where = f"{request.method} {request.url}"
    if response.status_code >= 500:
        cause = getattr(response, "exc_info", None) or (None, "")
        print("SERVER ERROR", key, where, role, repr(cause[1])[:300])
        if key not in EXPECTED_ERRORS:
            outcome.errors.append(f"{response.status_code} {where} as {role}")
    for item, facet in seen(body_of(response)):
        outcome.visible.add((key, role, item))
        if not allowed(item, role, state) and not exempt(facet, role, key, admin):
            outcome.leaks[(key, role, state)].append(f"{where}: {item}.{facet}")
    if request.serves and 200 <= response.status_code < 300 and not allowed(request.serves, role, state):
        outcome.leaks[(key, role, state)].append(f"{where}: {request.serves} served")


def test_every_url_pattern_is_in_the_matrix(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        archive = build("active")
    all_patterns = patterns()
    cases, missing = coverage(all_patterns, archive)
    assert not missing, f"URL patterns without a case in tests/security/matrix.py (add one): {missing}"
    assert all(cases.values()), [key for key, requests in cases.items() if not requests]
    # Each ignore entry still names something, so the list cannot rot into a blanket.
    keys = [p.key for p in all_patterns]
    assert [e for e in IGNORED if not any(k == e or (e.endswith(":") and k.startswith(e)) for k in keys)] == []
    assert {"wagtail_serve", "wagtailadmin_pages:edit", "stories:board"} <= set(cases)
    # Each case still has its pattern, so a renamed view cannot leave its case behind.
    assert [key for key in CASES if key not in keys and key not in DEBUG_ONLY] == []
    assert ignored("stories:board") is None and ignored("heritage:oral_history_audio") is None


@pytest.mark.parametrize("state", STATES)
def test_no_role_sees_what_it_may_not(state, django_capture_on_commit_callbacks):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        archive = build(state)
    with django_capture_on_commit_callbacks(execute=True):
        apply_state(archive, timezone.now())
    all_patterns = patterns()
    cases, missing = coverage(all_patterns, archive)
    assert not missing
    clients = _clients(archive)
    built = time.monotonic()

    admin_keys = {p.key for p in all_patterns if p.route.startswith("admin/")}
    when = request_time(archive, timezone.now())
    logging.disable(logging.CRITICAL)  # 403s and 404s by the thousand; failures are collected
    try:
        with time_machine.travel(when, tick=True) if when else nullcontext():
            outcome = _run(archive, state, cases, clients, admin_keys)
    finally:
        logging.disable(logging.NOTSET)
    signed_out = [role for role in ROLES if archive.users[role] and "_auth_user_id" not in clients[role].session]
    assert not signed_out, f"these roles lost their session during the loop: {signed_out}"
    leaks, visible, errors = outcome.leaks, outcome.visible, outcome.errors
    print(
        f"\nleak matrix [{state}]: {len(all_patterns)} patterns ({len(cases)} with cases) × {len(ROLES)} roles "
        f"= {len(all_patterns) * len(ROLES)} cells in this state, "
        f"{len(all_patterns) * len(ROLES) * len(STATES)} over {len(STATES)} states; {len(outcome.cells)} cells asked "
        f"with {outcome.calls} requests; data {built - started:.1f} s, requests {time.monotonic() - built:.1f} s"
    )
    for cell, where in sorted(leaks.items()):
        print("LEAK", cell, where[:3])

    known = {cell for cell in KNOWN_LEAKS if cell[2] == state}
    new = {cell: where for cell, where in leaks.items() if cell not in known}
    assert not new, f"new leaks: {new}"
    stopped = known - set(leaks)
    assert not stopped, f"these known leaks no longer leak: take them off KNOWN_LEAKS: {sorted(stopped)}"
    unseen = [cell for cell in MUST_SEE if cell[2] == state and (cell[0], cell[1], cell[3]) not in visible]
    assert not unseen, f"roles that must see these items do not: {unseen}"
    assert not errors, f"server errors hide what a view would show: {errors}"
