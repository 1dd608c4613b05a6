"""Attacks on the visitors' page cache (heritage/page_cache.py, heritage/page_fingerprint.py).

Who counts as a visitor, what may be stored, and changes made where no signal sees them (a
bulk update, ``bulk_create``, a console, a restore). Four of these once got through: a
pseudonym and a sign-in restriction written in the tables alone, two changes that cancelled
out in the old linear checksum, and an odd ``Accept-Encoding`` filing a plain page under the
gzip key. The fingerprint now reads a version row that database triggers rewrite on every
change to a watched table.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from heritage import page_cache
from heritage.models import Consent, Narrator, OralHistoryPage
from ledger.models import QrScan
from stories import views as story_views
from stories.export.content import QR_SOURCE_PREFIX
from stories.exporting import approved_revision
from stories.models import BrandKit

from .. import factories as f

pytestmark = pytest.mark.django_db

QUOTE = "外婆说，辣子鸡全看糍粑辣椒。"
HIT = page_cache.HIT_HEADER


def cached(client, url, **extra):
    """Open ``url`` twice as a visitor; the second answer must come from the cache."""
    first, second = client.get(url, **extra), client.get(url, **extra)
    assert first.status_code == second.status_code == 200
    assert (first.headers.get(HIT), second.headers.get(HIT)) == ("miss", "hit")
    return second


def truth(url, settings):
    """What the stack answers a visitor now, the cache bypassed: a session cookie naming no
    session makes the cache step aside, and the stack still sees an anonymous visitor."""
    fresh = Client()
    fresh.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    answer = fresh.get(url)
    assert HIT not in answer.headers
    return answer


def commercial_consent(narrator) -> Consent:
    return narrator.consents.get(scope="commercial", withdrawn_at__isnull=True)


# --- Refused: who counts as a visitor -------------------------------------------------------


@pytest.mark.parametrize(
    "cookie",
    [("SESSION", "forged-or-expired"), ("SESSION", ""), ("messages", "x")],
    ids=["forged-or-expired-session", "empty-session", "messages"],
)
def test_a_request_with_a_session_or_messages_cookie_neither_reads_nor_fills(cookie, make_kit, client, settings):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    cached(client, url)
    name, value = cookie
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME if name == "SESSION" else name] = value
    for _ in range(2):
        answer = other.get(url)
        assert answer.status_code == 200 and HIT not in answer.headers


def test_head_requests_neither_read_nor_fill(make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    for _ in range(2):
        assert HIT not in client.head(url).headers
    assert client.get(url).headers.get(HIT) == "miss"  # HEAD stored nothing
    assert client.get(url).headers.get(HIT) == "hit"
    assert HIT not in client.head(url).headers


# --- Refused: poisoning through the request ---------------------------------------------------


def test_host_headers_cannot_poison_the_cache(make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    # A host the site does not serve: 400 from the stack, nothing read or stored.
    for _ in range(2):
        answer = client.get(url, HTTP_HOST="evil.example")
        assert answer.status_code == 400 and HIT not in answer.headers
    # X-Forwarded-Host is not believed (USE_X_FORWARDED_HOST is off) and never reaches the page.
    poisoned = client.get(url, HTTP_X_FORWARDED_HOST="evil.example")
    assert "evil.example" not in poisoned.content.decode()
    assert client.get(url).headers.get(HIT) == "hit"
    # Another host the site serves has entries of its own.
    assert client.get(url, HTTP_HOST="localhost").headers.get(HIT) == "miss"


@pytest.mark.parametrize("suffix", ["?src=%00", "%00/", "?page=%00"])
def test_a_nul_byte_is_refused_and_never_stored(suffix, make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    cached(client, url)
    for _ in range(2):
        answer = client.get(url.rstrip("/") + suffix if suffix.endswith("/") else url + suffix)
        assert answer.status_code in (400, 404) and HIT not in answer.headers


def test_a_phone_without_gzip_never_gets_the_gzip_answer(make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    cached(client, url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    for accept in ("", "identity", "GZIP", "deflate, br"):
        answer = client.get(url, HTTP_ACCEPT_ENCODING=accept)
        assert "Content-Encoding" not in answer.headers and QUOTE in answer.content.decode(), accept


def test_an_odd_accept_encoding_cannot_make_gzip_phones_get_the_page_uncompressed(make_kit, client):
    """The key asks what gzip_page asks (the word gzip): "xgzip" once filed the plain page under
    the gzip key, and every phone that takes gzip got it uncompressed (each KB ~6 ms on 3G)."""
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    attacker = client.get(url, HTTP_ACCEPT_ENCODING="xgzip")
    assert attacker.headers.get(HIT) == "miss" and "Content-Encoding" not in attacker.headers
    phone = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert phone.headers.get("Content-Encoding") == "gzip"


# --- Refused: what is stored ----------------------------------------------------------------


def test_a_session_written_by_the_view_is_never_kept(rf, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.contrib.sessions.middleware import SessionMiddleware

    rendered = []

    @page_cache.cached_for_visitors
    def view(request):
        request.session["seen"] = True  # e.g. a view that remembers the visitor
        rendered.append(1)
        return HttpResponse("你好")

    middleware = page_cache.PageCacheMiddleware(SessionMiddleware(view))
    for _ in range(2):
        answer = middleware(rf.get("/a-marked-page/"))
        assert HIT not in answer and settings.SESSION_COOKIE_NAME in answer.cookies
    assert len(rendered) == 2


def test_the_remembered_unmarked_paths_are_bounded(rf, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["testserver"]
    middleware = page_cache.PageCacheMiddleware(lambda request: HttpResponse("未标记"))
    monkeypatch.setattr(middleware, "MAX_PATHS", 50)
    for n in range(500):
        middleware(rf.get(f"/unmarked/{n}/"))
    assert len(middleware.unmarked) <= 50


# --- Refused: consent changes made in the tables alone ----------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda c: Consent.objects.filter(pk=c.pk).update(status="pending"),
        lambda c: Consent.objects.filter(pk=c.pk).update(given_at=timezone.now() + timedelta(days=1)),
        lambda c: Consent.objects.filter(pk=c.pk).update(scope="archive"),
        lambda c: Consent.objects.filter(pk=c.pk).update(narrator=Narrator.objects.exclude(pk=c.narrator_id).first()),
    ],
    ids=["left-pending", "given-date-moved-ahead", "scope-changed", "moved-to-another-narrator"],
)
def test_other_bulk_consent_changes_close_the_cached_kit_page(change, make_kit, archive, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    cached(client, url)
    before = page_cache.generation()
    assert change(commercial_consent(archive["王秀英"])) == 1
    assert page_cache.generation() == before  # no signal: only the fingerprint can see it
    assert client.get(url).status_code == 404


def test_a_narrator_link_moved_by_a_bulk_update_closes_the_cached_story(archive, client):
    url = archive["wang"].url
    cached(client, url)
    link_model = OralHistoryPage.narrator_links.rel.related_model
    link_model.objects.filter(page=archive["wang"]).update(narrator=archive["张德明"])  # archive-only narrator
    assert client.get(url).status_code == 404


def test_a_withdrawal_landing_while_the_page_renders_is_not_hidden(make_kit, archive, client, monkeypatch):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    consent = commercial_consent(archive["王秀英"])
    real = story_views.story_page

    def racing(kit):
        page = real(kit)  # the gate said yes; now the withdrawal commits before the answer is kept
        Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
        return page

    monkeypatch.setattr(story_views, "story_page", racing)
    assert client.get(url).headers.get(HIT) == "miss"
    monkeypatch.setattr(story_views, "story_page", real)
    assert client.get(url).status_code == 404


def test_the_database_down_answers_503_never_the_cached_page(make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    cached(client, url)
    visitor = Client(raise_request_exception=False)
    with mock.patch("heritage.page_cache.fingerprint", side_effect=OperationalError("database is gone")):
        answer = visitor.get(url)
    assert answer.status_code == 503 and answer["Retry-After"] and HIT not in answer.headers
    assert QUOTE not in answer.content.decode()


def test_no_label_scan_is_counted_through_the_cache_for_a_kit_off_the_shelf(make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/?src={QR_SOURCE_PREFIX}{approved_revision(kit).pk}"
    cached(client, url)
    assert QrScan.objects.get(kit=kit).count == 2
    BrandKit.objects.filter(pk=kit.pk).update(live=False)
    assert client.get(url).status_code == 404
    assert QrScan.objects.get(kit=kit).count == 2


# --- Changes no signal sees ---------------------------------------------------------------


def test_a_pseudonym_set_by_a_bulk_update_shows_on_the_next_request(make_kit, archive, client, settings):
    """A narrator who asks to be credited under another name (Narrator.credit_name) is never
    shown under the old one once the table says so, however it was written."""
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    cached(client, url)
    Narrator.objects.filter(pk=archive["王秀英"].pk).update(credit_name="王阿婆")
    assert "王阿婆" in truth(url, settings).content.decode()  # what the stack shows now
    assert "王阿婆" in client.get(url).content.decode()


def test_a_view_restriction_added_without_a_signal_closes_the_cached_page(archive, client, settings):
    """A page restricted to signed-in people (Wagtail PageViewRestriction, asked by a
    before_serve_page hook that a hit skips) is closed to visitors on the next request, even
    when the restriction is written without a model save (bulk_create, a restore, SQL)."""
    url = archive["wang"].url
    cached(client, url)
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=archive["wang"], restriction_type=PageViewRestriction.LOGIN)]
    )
    assert truth(url, settings).status_code == 302  # the stack sends visitors to sign in
    assert client.get(url).status_code == 302


def test_changes_that_would_cancel_out_in_a_checksum_still_change_the_fingerprint(archive, client, settings):
    """Unpublishing pages R and M and publishing a draft whose id is R + M, in the table alone,
    kept every term of the old linear checksum equal, and the two unpublished pages stayed
    served from the cache. The version row moves on any write."""
    index = archive["index"]
    recipe, memory = archive["recipe"], archive["memory"]
    target = recipe.pk + memory.pk
    draft = None
    while draft is None or draft.pk < target:
        draft = f.item(index, publish=False)
    assert draft.pk == target, "page ids are not consecutive here"
    url = recipe.url
    cached(client, url)
    from heritage.page_fingerprint import fingerprint

    before = fingerprint()
    Page.objects.filter(pk__in=[recipe.pk, memory.pk]).update(live=False)
    Page.objects.filter(pk=draft.pk).update(live=True)
    assert fingerprint() != before
    assert truth(url, settings).status_code == 404  # unpublished: the stack refuses it
    assert client.get(url).status_code == 404


# --- A page made uncacheable for good ----------------------------------------------------------


def test_a_page_once_behind_a_password_is_cached_again_once_it_is_lifted(archive, client):
    """The password form Wagtail answers for a restricted page is a 200 the view did not mark,
    so its path is remembered as not cacheable; lifting the restriction (a write) forgets it."""
    page = archive["wang"]
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="村里的口令"
    )
    form = client.get(page.url)
    assert form.status_code == 200 and HIT not in form.headers
    restriction.delete()
    cached(client, page.url)
