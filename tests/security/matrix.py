"""The leak matrix: every URL pattern of ``config.urls``, how to call it, and who may see what.

* :func:`patterns` walks the resolver (Wagtail's admin and its page-serving catch-all
  included) and names each pattern by its namespaced name, or by its route when it has none.
* :data:`CASES` says, for each pattern of ours, which requests to make with the canary
  archive's ids, slugs and paths; :func:`admin_requests` generates them for Wagtail's admin
  from each pattern's parameters (a canary object's pk wherever one fits).
* :data:`IGNORED` lists, with the reason, the patterns no canary can reach.
* :func:`allowed` is the expected answer, written here from DOMAIN.md and issue 10, not
  asked of the product's gate: a test that asked the gate would agree with any bug in it.
"""

import itertools
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .canaries import CANARIES, SEARCH_WORD, Archive

ROLES = (
    "anonymous",
    "no_role",
    "seller",
    "community",
    "recorder",
    "other_recorder",
    "participant",
    "other_participant",
    "facilitator",
)
STATES = ("active", "withdrawn_now", "dated_ahead", "archive_only", "regrant_pending")

# Who is looking, in the archive's terms (heritage/consent.py's docstring; DOMAIN.md).
AUDIENCE = {
    "anonymous": "public",
    "no_role": "public",
    "seller": "public",
    "community": "community",
    "recorder": "community",
    "other_recorder": "community",
    "participant": "community",
    "other_participant": "community",
    "facilitator": "facilitator",
}
# The access level each item (or the item it belongs to) is published at.
ACCESS = {"oral_history": "public", "recipe": "community", "memory": "public", "portrait": "public"}
BELONGS_TO = {
    "transcript": "oral_history",
    "recording": "oral_history",
    "snippet": "oral_history",
    "page_photo": "memory",
}


def consent_held(state: str) -> set[str]:
    """The narrator's scopes that count in ``state``. Public display and commercial use
    need archive consent too (issue 10, finding 9): without it nothing counts."""
    held = {
        "active": {"archive", "public", "commercial"},
        "withdrawn_now": {"archive"},
        "dated_ahead": {"archive"},
        "archive_only": {"public", "commercial"},
        # Re-granted by a recorder, not yet confirmed: the withdrawal still stands.
        "regrant_pending": {"archive"},
    }[state]
    return held if "archive" in held else set()


def allowed(item: str, role: str, state: str) -> bool:
    """May ``role`` see ``item`` (any of its canaries) while the narrator's consent is ``state``?"""
    held = consent_held(state)
    if item == "consent_form":
        # The signed form is evidence facilitators keep whatever the narrator decides later.
        return role == "facilitator"
    if item == "kit":
        # The kit is the workshop's own work: its members and facilitators keep seeing
        # it on the board and in the admin; everyone else only while it may be sold.
        return role in ("facilitator", "participant") or {"public", "commercial"} <= held
    if item in ("recording", "transcript") and role == "recorder" and "archive" in held:
        return True  # the recorder's own recording, kept in the archive
    if AUDIENCE[role] == "facilitator":
        return "archive" in held
    level = ACCESS[BELONGS_TO.get(item, item)]
    if "public" not in held:
        return False
    return level == "public" or (level == "community" and AUDIENCE[role] == "community")


# In the admin a facilitator carries out a withdrawal: finds the record in a listing or
# chooser, opens its form, edits, copies, reverts or deletes it. Those views show the
# record whatever its consent. Every other admin view that shows an item (previews,
# drafts, revisions, the transcript editor, exports, audio, the admin API) serves its
# content, and the consent rule holds there as everywhere. Titles are shown everywhere
# in the admin (a facilitator must find what to act on).
MANAGES = (":edit", ":copy", ":delete", ":revisions_revert", ":list", ":list_results", ":index", ":index_results")
# Except where the admin lists or searches the archive's pages and images to pick one (the
# explorer, the choosers, the admin page search, the admin API behind them): an item the
# rule hides is not listed there, title and alt text included (issue 10, the one gate).
GATED_LISTS = (
    "wagtailadmin_explore",
    "wagtailadmin_pages:search",
    "wagtailadmin_choose_page",
    "wagtailadmin_api:pages:",
    "wagtailadmin_api:images:",
    "wagtailimages_chooser:choose",
)


def exempt(facet: str, role: str, key: str, admin: bool) -> bool:
    if role != "facilitator" or not admin or key.startswith(GATED_LISTS):
        return False
    return facet == "title" or key.endswith(MANAGES)


@dataclass(frozen=True)
class Pattern:
    key: str  # the namespaced name, or the route for an unnamed pattern
    route: str
    name: str | None
    params: tuple[str, ...]
    positional: int  # unnamed regex groups (wagtaildocs_serve)


def patterns() -> list[Pattern]:
    def walk(entries, prefix, namespace, params, positional):
        for entry in entries:
            regex = entry.pattern.regex
            names = params + tuple(regex.groupindex)
            unnamed = positional + regex.groups - len(regex.groupindex)
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = entry.namespace and (f"{namespace}:{entry.namespace}" if namespace else entry.namespace)
                yield from walk(entry.url_patterns, route, ns or namespace, names, unnamed)
            elif isinstance(entry, URLPattern):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                yield Pattern(name or route, route, name, names, unnamed)

    found = list(walk(get_resolver().url_patterns, "", None, (), 0))
    unique = {}
    for pattern in found:
        # Two patterns share a name where Wagtail offers a view with and without an id
        # ("wagtailsettings:edit", "wagtailadmin_workflows:remove"): one key, both routes.
        key = pattern.key if pattern.key not in unique else f"{pattern.key} {pattern.route}"
        unique[key] = Pattern(key, pattern.route, pattern.name, pattern.params, pattern.positional)
    return list(unique.values())


@dataclass(frozen=True)
class Req:
    method: str
    url: str
    body: bytes | None = None
    content_type: str = "application/json"
    serves: str | None = None  # the item whose bytes this URL is: a 2xx for a role that may not see it is a leak
    signs_out: bool = False  # the client is signed in again after it


def _json(method, url, data, **kw) -> Req:
    return Req(method, url, json.dumps(data).encode(), **kw)


def _get(url, **kw) -> Req:
    return Req("GET", url, **kw)


def _originals(a):
    return [
        _get(f"/media/{image.file.name}", serves=name)
        for image, name in zip(a.images, ("portrait", "page_photo"), strict=True)
    ]


def _renditions(a):
    item = {a.portrait.pk: "portrait", a.page_photo.pk: "page_photo"}
    return [_get(f"/media/{r.file.name}", serves=item[r.image_id]) for r in a.renditions]


def _searches(view):
    def make(a):
        url = reverse(view)
        return [
            _get(f"{url}?q={SEARCH_WORD}"),
            _get(f"{url}?q={SEARCH_WORD}&narrator=李桂芬"),
            _get(f"{url}?q=糍粑辣椒"),
        ]

    return make


def _board(view, body):
    return lambda a: [_json("POST", reverse(f"stories:{view}", args=[a.kit.slug]), body(a))]


def _snippet_bodies(a):
    first, last = a.segments
    bodies = [
        {"source": "segments", "page": a.oral_history.pk, "first": first.pk, "last": last.pk},
        {"source": "recipe_step", "page": a.recipe.pk, "position": 1},
        {"source": "memory_paragraph", "page": a.memory.pk, "position": 1},
    ]
    return [_json("POST", reverse("stories:snippet_create"), body) for body in bodies]


UPLOAD_ID = "0" * 32
SIGN_OUT = ("logout", "wagtailadmin_logout")

# The requests for every pattern that is not Wagtail's admin (and a few admin ones whose
# parameters are not a pk). Write endpoints get a POST with a minimal body that does not
# destroy the canary data for the next role.
CASES: dict[str, Callable[[Archive], list[Req]]] = {
    "wagtail_serve": lambda a: (
        [_get(a.home.url), _get(a.index.url), _get(f"{a.index.url}?narrator=李桂芬")]
        + [
            _get(page.url, serves=kind)
            for page, kind in zip(a.pages, ("oral_history", "recipe", "memory"), strict=True)
        ]
    ),
    "sitemap.xml": lambda a: [_get("/sitemap.xml")],
    "login": lambda a: [_get(reverse("login"))],
    "logout": lambda a: [_get(reverse("logout"), signs_out=True)],
    "wagtailadmin_logout": lambda a: [_get(reverse("wagtailadmin_logout"), signs_out=True)],
    "wagtailcore_login": lambda a: [_get(reverse("wagtailcore_login"))],
    "wagtaildocs_serve": lambda a: [
        _get(reverse("wagtaildocs_serve", args=[a.consent_form.pk, a.consent_form.filename]), serves="consent_form")
    ],
    "wagtaildocs_authenticate_with_password": lambda a: [
        _get(
            reverse(
                "wagtaildocs_authenticate_with_password", args=[a.consent_form.collection.get_view_restrictions()[0].pk]
            )
        )
    ],
    "heritage:oral_history_transcript": lambda a: [
        _get(reverse("heritage:oral_history_transcript", args=[a.oral_history.pk, fmt]), serves="transcript")
        for fmt in ("vtt", "srt", "txt", "json")
    ],
    "heritage:oral_history_audio": lambda a: [
        _get(reverse("heritage:oral_history_audio", args=[a.oral_history.pk, variant]), serves="recording")
        for variant in ("original", "derivative")
    ],
    "search:page": _searches("search:page"),
    "search:api": _searches("search:api"),
    "search:suggest": lambda a: [
        _get(f"{reverse('search:suggest')}?q={q}") for q in ("李桂", "辣子", "zqk", "liguif", "li jia")
    ],
    "stories:kit_list": lambda a: [_get(reverse("stories:kit_list"))],
    "stories:shelf": lambda a: [_get(reverse("stories:shelf"))],
    "stories:snippet_create": _snippet_bodies,
    "stories:kit_story": lambda a: [_get(reverse("stories:kit_story", args=[a.kit.slug]), serves="kit")],
    "stories:kit_download": lambda a: [_get(reverse("stories:kit_download", args=[a.kit.slug]))],
    "stories:kit_label_preview": lambda a: [
        _get(reverse("stories:kit_label_preview", args=[a.kit.slug, side]), serves="kit") for side in ("front", "back")
    ],
    "stories:board": lambda a: [_get(reverse("stories:board", args=[a.kit.slug]))],
    # No revision: the save is refused as a conflict, after the view has decided who may ask.
    "stories:board_save": _board("board_save", lambda a: {}),
    "stories:board_comment": _board("board_comment", lambda a: {"text": "好"}),
    "stories:board_vote": _board("board_vote", lambda a: {"snippet": a.snippet.pk}),
    "stories:board_submit": _board("board_submit", lambda a: {}),
    "stories:board_palette": _board("board_palette", lambda a: {"images": [i.pk for i in a.images]}),
    "station:page": lambda a: [
        _get(reverse("station:page")),
        _get(f"{reverse('station:page')}?narrator={a.narrator.pk}"),
    ],
    "station:start": lambda a: [
        Req("POST", reverse("station:start"), b"go=new&name=", "application/x-www-form-urlencoded"),
        Req(
            "POST", reverse("station:start"), f"narrator={a.narrator.pk}".encode(), "application/x-www-form-urlencoded"
        ),
    ],
    # No photo: refused, after the view has decided who may ask.
    "station:consent_form": lambda a: [
        Req(
            "POST",
            reverse("station:consent_form", args=[a.narrator.pk]),
            b"scope=public",
            "application/x-www-form-urlencoded",
        )
    ],
    "station:upload": lambda a: [_get(reverse("station:upload", args=[UPLOAD_ID]))],
    "station:upload_chunk": lambda a: [_get(reverse("station:upload_chunk", args=[UPLOAD_ID, 0]))],
    "station:upload_commit": lambda a: [_json("POST", reverse("station:upload_commit", args=[UPLOAD_ID]), {})],
    "station:mine": lambda a: [_get(reverse("station:mine"))],
    "station:recording": lambda a: [_get(reverse("station:recording", args=[a.recording.pk]))],
    "station:recording_audio": lambda a: [
        _get(reverse("station:recording_audio", args=[a.recording.pk]), serves="recording")
    ],
    # Live transcription progress (the station's lists, the admin's recording list): asked
    # for the canary recording and an id that does not exist.
    "station:progress": lambda a: [_get(f"{reverse('station:progress')}?id={a.recording.pk}&id=999999")],
    "media_transcription_progress": lambda a: [
        _get(f"{reverse('media_transcription_progress')}?id={a.recording.pk}&id=999999")
    ],
    # The station's old address: a redirect, whatever follows it.
    "station_moved": lambda a: [_get("/recorder/")],
    "station_moved_path": lambda a: [
        _get(f"/recorder/recordings/{a.recording.pk}/"),
        _get(f"/recorder/?narrator={a.narrator.pk}"),
    ],
    # Every file under /media/ passes one checked view (heritage/media_gate.py): image
    # originals and renditions of the canary portrait and page photo.
    "media_file": lambda a: _originals(a) + _renditions(a),
    # Wagtail's admin preview makes a rendition on the fly: its bytes carry no canary (the
    # JPEG comment is not copied), so a 2xx for a role that may not see the image is the leak.
    "wagtailimages:preview": lambda a: [
        _get(reverse("wagtailimages:preview", args=[image.pk, "max-165x165"]), serves=item)
        for image, item in zip(a.images, ("portrait", "page_photo"), strict=True)
    ],
    "profile": lambda a: [_get(reverse("profile"))],
    # The seller accepts a kit's benefit agreement (the canary kit has none: refused after
    # the view has decided who may ask).
    "ledger:accept": lambda a: [
        Req("POST", reverse("ledger:accept", args=[a.kit.slug]), b"", "application/x-www-form-urlencoded")
    ],
    # A facilitator confirms a pending re-grant: asked for each of the narrator's records.
    "heritage_consent_confirm": lambda a: [
        _get(reverse("heritage_consent_confirm", args=[consent.pk])) for consent in a.narrator.consents.all()
    ],
    # The admin's own 404 pages.
    "admin/test404/": lambda a: [_get("/admin/test404/")],
    "admin/^.*/$": lambda a: [_get("/admin/no-such-view/")],
    # A malformed body: the editor refuses it without touching the canary transcript.
    "media_transcript_save": lambda a: [
        Req("POST", reverse("media_transcript_save", args=[a.recording.pk]), b"not json"),
    ],
}

DEBUG_ONLY: tuple[str, ...] = ()

# Patterns no canary reaches, each with why. Keys are exact; an entry ending in ":" covers
# a Wagtail namespace. A new view of ours is never covered here: it must get a case.
IGNORED = {
    "wagtailcore_authenticate_with_password": "page password form: no page of the archive has a password restriction",
    "wagtailadmin_api:pages:action": "page actions API: POST only and every action writes (copy, move, delete)",
    "wagtailadmin_pages:workflow_action": "workflow task state ids: the archive runs no workflow",
    "wagtailadmin_pages:collect_workflow_action_data": "workflow task state ids: the archive runs no workflow",
    "wagtailadmin_pages:workflow_preview": "workflow task ids: no workflow runs (previews: view_draft, revisions)",
    "wagtailadmin_pages:workflow_history_detail": "workflow state ids: the archive runs no workflow",
    "wagtailadmin_workflows:": "workflows and their tasks: none exist, they hold no archive content",
    "wagtailadmin_editing_sessions:": "editing-session pings: session ids, they answer who else is editing",
    "wagtailredirects:": "redirects: none exist; they hold URLs, not content",
    "wagtailsettings:": "site settings: no settings model is registered",
    "wagtailsites:": "sites: hostnames only",
    "wagtailusers_users:": "accounts: no archive content",
    "wagtailusers_groups:": "groups: no archive content",
    "wagtailadmin_password_reset_confirm": "password reset tokens",
    "wagtailimages:create_multiple_from_uploaded_image": "upload ids of an unfinished multiple upload",
    "wagtailimages:delete_upload_multiple": "upload ids of an unfinished multiple upload",
    "wagtaildocs:create_multiple_from_uploaded_document": "upload ids of an unfinished multiple upload",
    "wagtaildocs:delete_upload_multiple": "upload ids of an unfinished multiple upload",
    "wagtailsnippets_ledger_benefitagreement:": "benefit agreements: admin records; the canary kit has none",
    "wagtailsnippetchoosers_ledger_benefitagreement:": "benefit agreements: admin records; the canary kit has none",
    "wagtailsnippets_ledger_household:": "households: admin records; the canary narrator is in none",
    "wagtailsnippetchoosers_ledger_household:": "households: admin records; the canary narrator is in none",
    "wagtailsnippets_heritage_topicprompt:": "topic prompts: questions for elders, no narrator's content",
    "wagtailsnippetchoosers_heritage_topicprompt:": "topic prompts: questions for elders, no narrator's content",
    "wagtailsnippets_heritage_theme:": "themes: shared vocabulary, no narrator's content",
    "wagtailsnippetchoosers_heritage_theme:": "themes: shared vocabulary, no narrator's content",
    "wagtailsnippets_heritage_glossaryterm:": "glossary terms: shared vocabulary, no narrator's content",
    "wagtailsnippetchoosers_heritage_glossaryterm:": "glossary terms: shared vocabulary, no narrator's content",
}


def ignored(key: str) -> str | None:
    for entry, reason in IGNORED.items():
        if key == entry or (entry.endswith(":") and key.startswith(entry)):
            return reason
    return None


# Admin views that list or search: asked with and without a search word.
LISTINGS = ("index", "results", "list", "search", "choose", "explore", "api", "usage", "reports", "autocomplete")

# Admin views that render a page's content: asked for every canary page.
SHOWS_CONTENT = ("view_draft", "preview", "revisions_view", "revisions_compare", ":edit", "api")


class Unfillable(Exception):
    pass


_SNIPPET_OBJECTS = {
    "heritage_narrator": "narrator",
    "media_audiorecording": "recording",
    "stories_brandkit": "kit",
    "stories_storysnippet": "snippet",
    "stories_workshop": "workshop",
}


def _admin_objects(name: str, a: Archive) -> list:
    """The canary objects a parameterised admin pattern is about."""
    family = name.split(":")[0]
    if family.startswith(("wagtailsnippets_", "wagtailsnippetchoosers_")):
        model = family.split("_", 1)[1]
        if model not in _SNIPPET_OBJECTS:
            raise Unfillable(name)
        return [getattr(a, _SNIPPET_OBJECTS[model])]
    if family.startswith("wagtailimages") or name == "wagtailadmin_api:images:detail":
        return a.images
    if family.startswith("wagtaildocs") or name == "wagtailadmin_api:documents:detail":
        return [a.consent_form]
    if family.startswith("media_transcript_"):
        return [a.recording]
    if family == "wagtailadmin_collections":
        return [a.consent_form.collection]
    return a.pages


def _values(param: str, obj, a: Archive) -> list:
    if param in ("pk", "page_id", "image_id", "document_id", "doc_id", "recording_id", "page_to_move_id"):
        return [obj.pk]
    if param == "collection_id":
        return [obj.pk]
    if param in ("parent_page_id", "destination_id"):
        return [a.index.pk]
    if param == "revision_id":
        return [obj.latest_revision_id]
    if param == "revision_id_a":
        return ["earliest"]
    if param == "revision_id_b":
        return ["latest"]
    if param == "filter_spec":
        return ["fill-160x160"]
    if param == "fmt":
        return ["txt", "vtt", "json"]
    if param in ("content_type_app_name", "app_name"):
        return ["heritage"]
    if param in ("content_type_model_name", "model_name"):
        return [type(obj.specific).__name__.lower() if hasattr(obj, "specific") else "oralhistorypage"]
    if param in ("app_label",):
        return ["heritage"]
    raise Unfillable(param)


def admin_requests(pattern: Pattern, a: Archive) -> list[Req]:
    """Generated requests for a Wagtail admin pattern: listings are asked with and without
    a search word; views of one object are asked for every canary object they fit."""
    if not pattern.params:
        url = reverse(pattern.name)
        if any(word in pattern.name for word in LISTINGS):
            return [_get(url), _get(f"{url}?q={SEARCH_WORD}")]
        return [_get(url)]
    if pattern.name == "wagtail_bulk_action":
        url = reverse(pattern.name, args=["wagtailcore", "page", "unpublish"])
        return [_get(f"{url}?{'&'.join(f'id={p.pk}' for p in a.pages)}")]
    requests = []
    objects = _admin_objects(pattern.name, a)
    if objects == a.pages and not any(word in pattern.name for word in SHOWS_CONTENT):
        objects = objects[:1]  # the page-tree chrome (move, copy, lock, history) is the same for each page
    for obj in objects:
        for combo in itertools.product(*(_values(param, obj, a) for param in pattern.params)):
            requests.append(_get(reverse(pattern.name, kwargs=dict(zip(pattern.params, combo, strict=True)))))
    return requests


def requests_for(pattern: Pattern, a: Archive) -> list[Req]:
    """Every request the matrix makes for ``pattern``; :class:`Unfillable` if it has no case."""
    if pattern.key in CASES:
        extra = CASES[pattern.key](a)
        if pattern.route.startswith("admin/") and pattern.name and pattern.key not in SIGN_OUT:
            try:
                return admin_requests(pattern, a) + extra
            except Unfillable:
                return extra
        return extra
    if pattern.route.startswith("admin/") and pattern.name and not pattern.positional:
        return admin_requests(pattern, a)
    raise Unfillable(pattern.key)


def coverage(all_patterns: list[Pattern], a: Archive) -> tuple[dict, list[str]]:
    """(requests per pattern key, keys with neither a case nor a reason to be ignored)."""
    cases, missing = {}, []
    for pattern in all_patterns:
        if ignored(pattern.key):
            continue
        try:
            cases[pattern.key] = requests_for(pattern, a)
        except Unfillable:
            missing.append(pattern.key)
    return cases, missing


def body_of(response) -> bytes:
    """Everything a response says: headers and body, file responses read to the end, zips
    opened, and the messages it leaves for the next page (a refusal's words are shown there)."""
    head = "\n".join(f"{k}: {v}" for k, v in response.items()).encode()
    if "messages" in response.cookies:
        stored = CookieStorage(HttpRequest())._decode(response.cookies["messages"].value) or []
        head += "\n".join(str(message) for message in stored).encode()
    if getattr(response, "streaming", False):
        # Read to the end; not closed here: the test client has closed it, and a second close
        # fires request_finished, whose close_old_connections ends PostgreSQL's connection
        # inside the test's transaction ("the connection is closed").
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(BytesIO(content)) as archive:
            content += b"".join(archive.read(name) for name in archive.namelist())
    return head + b"\n" + content


def seen(text: bytes) -> set[tuple[str, str]]:
    """The (item, facet) canaries in ``text``."""
    lowered = text.lower()
    return {key for key, value in CANARIES.items() if value.encode() in lowered}
