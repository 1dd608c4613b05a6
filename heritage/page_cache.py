"""A page cache for anonymous visitors that can never outlive a consent decision.

The kit story page (what every QR scan on a jar opens) and the home page are the same for
every visitor who is not signed in, and they are what a crowd hits (issue 12). They are
cached whole, under a key that changes the moment the answer could change:

* a **generation** token, shared by every process on the machine through a small file in
  ``DATA_DIR``: any save or delete of the archive's data (a consent given, withdrawn or
  re-granted, a page or kit published, a transcript saved) writes a new token, right away
  and again when the transaction commits (so a request that rendered the old state between
  the two cannot store it under the new token);
* the **fingerprint** of the tables that decide visibility (heritage/page_fingerprint.py),
  read in one query on every cacheable request and compared with now: a change no signal
  saw (a ``QuerySet.update()``, a restore) or a dated withdrawal whose time has come makes
  a new key, and the page is rendered (and the gate asked) afresh on the next request.

Views say which answers may be kept (``cached_for_visitors``); a middleware near the top of
the stack (``PageCacheMiddleware``) keeps and serves them. Only anonymous requests without a
session cookie use it (a signed-in user always has one), and only a 200 that wrote no
cookie, no CSRF token, no CSP nonce and no message is stored. A refused page (404) is never
stored, so the gate runs for it on every request. Entries live in the default cache (one per
process by default) for at most ``PAGE_CACHE_SECONDS``.
"""

import functools
import hashlib
import os
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.translation import get_language

from .page_fingerprint import fingerprint

GENERATION_FILE = "page-cache-generation"
# A bound on memory; correctness comes from the key (the generation and the fingerprint).
DEFAULT_SECONDS = 300  # config/settings/base.py reads PAGE_CACHE_SECONDS (0 turns the cache off)
# Writes that never change what a visitor sees: counting them would empty the cache on
# every scan, sign-in attempt or worker heartbeat.
IGNORED_APPS = {"sessions", "axes", "django_tasks_database", "admin"}
# Renditions are made by the first render of a page that shows the image: the page itself
# has not changed, and counting them would throw away the page that was just rendered.
IGNORED_MODELS = {
    "ledger.qrscan",
    "media.transcriptionjob",
    "media.uploadsession",
    "media.fixityaudit",
    "heritage.heritagerendition",
    "wagtailimages.rendition",
}

HIT_HEADER = "X-Page-Cache"


def _generation_path():
    return settings.DATA_DIR / GENERATION_FILE


def generation() -> str:
    """The current token (read on every cacheable request: one small file, no database)."""
    try:
        with open(_generation_path(), encoding="ascii") as handle:
            return handle.read().strip() or "0"
    except FileNotFoundError:
        return "0"


def bump() -> None:
    """Make every cached page stale, in every process (a new token, written atomically)."""
    path = _generation_path()
    temporary = path.with_name(f".{GENERATION_FILE}.{uuid.uuid4().hex}")
    temporary.write_text(uuid.uuid4().hex, encoding="ascii")
    os.replace(temporary, path)


def _on_change(sender, **kwargs) -> None:
    # Fixture loads (raw=True) change data too: they count like any save.
    meta = getattr(sender, "_meta", None)
    if meta is not None and (meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED_MODELS):
        return
    bump()
    transaction.on_commit(bump)


def register() -> None:
    """Connect to every model's saves and deletes (called from HeritageConfig.ready)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_change, dispatch_uid=f"page_cache_{id(signal)}")


def _anonymous(request: HttpRequest) -> bool:
    # No session cookie, no signed-in user: deciding this reads no session from the database.
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(request, "_csp_nonce", None)
        # Reading the (empty) session is fine: the menu asks who is signed in; writing is not.
        and not (session is not None and (session.modified or not session.is_empty()))
        and not (messages is not None and messages.used)
        # The key knows whether gzip is accepted, and only requests without the cookies that
        # matter (session, messages) come here; an answer that varies on more is not kept.
        and set(_vary(response)) <= {"accept-encoding", "cookie"}
    )


def _vary(response: HttpResponse) -> list[str]:
    return [name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()]


def _seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_SECONDS)


def page_key(request: HttpRequest, current_generation: str | None = None) -> str:
    # The same test gzip_page makes: "xgzip" must not file a plain page under the gzip key.
    gzip = "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""
    current_generation = generation() if current_generation is None else current_generation
    parts = [current_generation, fingerprint(), get_language() or "", request.get_host(), gzip]
    path = request.get_full_path()
    return "page:" + hashlib.sha256("\n".join([*parts, path]).encode()).hexdigest()


def cached_for_visitors(view=None, *, on_hit=None):
    """Mark a view (or a Wagtail page's ``serve``) whose answer is the same for every visitor.

    :class:`PageCacheMiddleware` keeps what such a view answers an anonymous visitor and gives
    it to the next one before any other middleware, routing or view runs. ``on_hit``, if given,
    is a module-level function called with the request and the view's keyword arguments when
    the page comes from the cache: for what the view does besides rendering (the kit page
    counts label scans).
    """
    if view is None:
        return functools.partial(cached_for_visitors, on_hit=on_hit)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        # Kept by reference: a cache that pickles its entries stores the function's name.
        response.page_cache_on_hit = (on_hit, kwargs)
        return response

    return wrapper


def _key_or_none(request: HttpRequest, current_generation: str) -> str | None:
    try:
        return page_key(request, current_generation)
    except DisallowedHost:
        return None


def _where(request: HttpRequest) -> tuple[str, str]:
    return request.META.get("HTTP_HOST", ""), request.path


class PageCacheMiddleware:
    """The visitors' page cache, outside everything but the security headers and static files.

    A hit costs one small file read (the generation), one query (the fingerprint) and a cache
    read: no session, routing, Wagtail site lookup, template or consent question, which is
    what lets one worker answer a crowd scanning jars (bench/load.py). A miss goes through the
    whole stack, where the gate decides; only an answer its view marked (``cached_for_visitors``)
    and that holds nothing of one visitor's is kept, headers and all, so a hit is byte for byte
    the answer the stack gave. The key is read *before* the answer is made: a change that lands
    while the page renders gives the next request a key this answer was never stored under.

    A path that answered 200 without the mark (search, audio, the admin's sign-in page) is
    remembered, and its requests skip the key: the rest of the site pays nothing for the cache.
    What is remembered is forgotten when the generation moves (a page behind a password, once
    the password is lifted, is cached again).
    """

    MAX_PATHS = 20_000

    def __init__(self, get_response):
        self.get_response = get_response
        self.unmarked: set[tuple[str, str]] = set()
        self.unmarked_generation = ""

    def _remembered_unmarked(self, request: HttpRequest, current_generation: str) -> bool:
        if current_generation != self.unmarked_generation:
            self.unmarked.clear()
            self.unmarked_generation = current_generation
        return _where(request) in self.unmarked

    def __call__(self, request: HttpRequest):
        if _seconds() <= 0 or not _anonymous(request):
            return self.get_response(request)
        current_generation = generation()  # one read of the file per request
        if self._remembered_unmarked(request, current_generation):
            return self.get_response(request)
        key = _key_or_none(request, current_generation)
        if key is None:
            return self.get_response(request)  # the stack answers 400 for a host it does not serve
        stored = cache.get(key)
        if stored is not None:
            return self._hit(request, stored)
        response = self.get_response(request)
        marked = getattr(response, "page_cache_on_hit", None)
        if marked is None:
            if response.status_code == 200:
                if len(self.unmarked) >= self.MAX_PATHS:
                    self.unmarked.clear()
                self.unmarked.add(_where(request))
            return response
        if _storable(request, response):
            headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
            cache.set(key, (response.status_code, headers, response.content, marked), _seconds())
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def _hit(request: HttpRequest, stored) -> HttpResponse:
        status, headers, content, (on_hit, kwargs) = stored
        if on_hit is not None:
            on_hit(request, **kwargs)
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HIT_HEADER] = "hit"
        return response
