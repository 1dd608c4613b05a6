"""The page cache for visitors (heritage/page_cache.py): fast for a crowd, never behind consent.

Every test first shows the page really comes from the cache (``X-Page-Cache: hit``), then
changes consent the way it changes in the archive and asks again: through the models (their
signals write a new generation), and in the tables alone (``QuerySet.update()``, no signal:
only the key's fingerprint of the tables sees it) or by the clock passing a dated withdrawal.
"""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.utils import timezone
from wagtail.models import Page

from heritage import page_cache
from heritage.models import Consent, OralHistoryPage
from ledger.models import QrScan
from stories.export.content import QR_SOURCE_PREFIX
from stories.exporting import approved_revision
from stories.models import BrandKit

pytestmark = pytest.mark.django_db

QUOTE = "外婆说，辣子鸡全看糍粑辣椒。"


def test_the_page_cache_is_on_by_default(make_kit, client, settings):
    assert settings.PAGE_CACHE_SECONDS > 0  # config/settings/base.py, unless the environment says 0
    kit = make_kit()
    cached(client, f"/kits/{kit.slug}/")


def test_the_page_cache_is_off_when_set_to_zero(make_kit, client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    kit = make_kit()
    client.get(f"/kits/{kit.slug}/")
    assert client.get(f"/kits/{kit.slug}/").headers.get(page_cache.HIT_HEADER) != "hit"


def cached(client, url):
    """Open ``url`` twice as a visitor; the second answer must come from the cache."""
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.headers.get(page_cache.HIT_HEADER) == "miss"
    assert second.headers.get(page_cache.HIT_HEADER) == "hit"
    assert second.content == first.content
    return second.content.decode()


def commercial_consent(narrator) -> Consent:
    return narrator.consents.get(scope="commercial", withdrawn_at__isnull=True)


def test_a_dated_withdrawal_closes_the_cached_kit_page_the_moment_it_passes(make_kit, archive, client, clock):
    kit = make_kit()
    consent = commercial_consent(archive["王秀英"])
    # Minutes, not hours: the cache's own time limit (PAGE_CACHE_SECONDS) runs on the same clock.
    consent.withdrawn_at = timezone.now() + timedelta(minutes=3)
    consent.save()
    assert QUOTE in cached(client, f"/kits/{kit.slug}/")
    clock.shift(timedelta(minutes=2))
    assert client.get(f"/kits/{kit.slug}/").headers.get(page_cache.HIT_HEADER) == "hit"
    clock.shift(timedelta(minutes=2))
    assert client.get(f"/kits/{kit.slug}/").status_code == 404


def test_a_withdrawal_closes_the_cached_kit_page_on_the_next_request(make_kit, archive, client):
    kit = make_kit()
    assert QUOTE in cached(client, f"/kits/{kit.slug}/")
    consent = commercial_consent(archive["王秀英"])
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert client.get(f"/kits/{kit.slug}/").status_code == 404


def test_a_deleted_consent_record_closes_the_cached_kit_page(make_kit, archive, client):
    kit = make_kit()
    cached(client, f"/kits/{kit.slug}/")
    commercial_consent(archive["王秀英"]).delete()
    assert client.get(f"/kits/{kit.slug}/").status_code == 404


def test_the_home_page_drops_a_withdrawn_story_on_the_next_request(archive, client):
    home = archive["index"].get_parent()
    title = archive["wang"].title
    assert title in cached(client, home.url)
    for consent in archive["王秀英"].consents.filter(scope="public"):
        consent.withdrawn_at = timezone.now()
        consent.save()
    page = client.get(home.url)
    assert page.status_code == 200 and title not in page.content.decode()


def test_a_cached_oral_history_page_is_closed_by_a_withdrawal(archive, client):
    url = archive["wang"].url
    cached(client, url)
    for consent in archive["王秀英"].consents.filter(scope="archive"):
        consent.withdrawn_at = timezone.now()
        consent.save()
    assert client.get(url).status_code == 404


def test_signed_in_people_never_get_or_fill_the_cache(make_kit, people, client):
    kit = make_kit()
    client.force_login(people["facilitator"])
    for _ in range(2):
        answer = client.get(f"/kits/{kit.slug}/")
        assert answer.status_code == 200 and page_cache.HIT_HEADER not in answer.headers
    client.logout()
    assert client.get(f"/kits/{kit.slug}/").headers.get(page_cache.HIT_HEADER) == "miss"


def test_a_refused_page_is_never_cached(make_kit, client):
    draft = make_kit(slug="draft", publish=False)
    for _ in range(2):
        answer = client.get(f"/kits/{draft.slug}/")
        assert answer.status_code == 404 and page_cache.HIT_HEADER not in answer.headers


def test_label_scans_are_counted_when_the_page_comes_from_the_cache(make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/?src={QR_SOURCE_PREFIX}{approved_revision(kit).pk}"
    cached(client, url)
    assert QrScan.objects.get(kit=kit).count == 2


def test_the_generation_is_shared_through_the_data_folder(settings):
    before = page_cache.generation()
    page_cache.bump()
    after = page_cache.generation()
    assert after != before
    assert (settings.DATA_DIR / page_cache.GENERATION_FILE).read_text() == after


def unsignalled(update):
    """Run ``update`` (a QuerySet.update()) and show that no signal told the cache about it."""
    before = page_cache.generation()
    assert update() >= 1
    assert page_cache.generation() == before


def test_a_withdrawal_written_by_a_bulk_update_closes_the_cached_kit_page(make_kit, archive, client):
    kit = make_kit()
    assert QUOTE in cached(client, f"/kits/{kit.slug}/")
    consent = commercial_consent(archive["王秀英"])
    unsignalled(lambda: Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now()))
    assert client.get(f"/kits/{kit.slug}/").status_code == 404


def test_a_dated_withdrawal_written_by_a_bulk_update_takes_effect_when_its_time_comes(make_kit, archive, client, clock):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    consent = commercial_consent(archive["王秀英"])
    unsignalled(
        lambda: Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now() + timedelta(minutes=3))
    )
    assert QUOTE in cached(client, url)
    clock.shift(timedelta(minutes=2))
    assert client.get(url).headers.get(page_cache.HIT_HEADER) == "hit"
    clock.shift(timedelta(minutes=2))
    assert client.get(url).status_code == 404


def test_the_home_page_drops_a_story_withdrawn_by_a_bulk_update(archive, client):
    home = archive["index"].get_parent()
    title = archive["wang"].title
    assert title in cached(client, home.url)
    unsignalled(
        lambda: Consent.objects.filter(narrator=archive["王秀英"], scope="public").update(withdrawn_at=timezone.now())
    )
    page = client.get(home.url)
    assert page.status_code == 200 and title not in page.content.decode()


def test_a_story_made_community_only_by_a_bulk_update_is_closed_to_visitors(archive, client):
    url = archive["wang"].url
    cached(client, url)
    unsignalled(lambda: OralHistoryPage.objects.filter(pk=archive["wang"].pk).update(access_level="community"))
    assert client.get(url).status_code == 404


def test_a_story_unpublished_by_a_bulk_update_is_gone_from_the_cache(archive, client):
    url = archive["wang"].url
    cached(client, url)
    unsignalled(lambda: Page.objects.filter(pk=archive["wang"].pk).update(live=False))
    assert client.get(url).status_code == 404


def test_a_kit_taken_off_the_shelf_by_a_bulk_update_is_gone_from_the_cache(make_kit, client):
    kit = make_kit()
    cached(client, f"/kits/{kit.slug}/")
    unsignalled(lambda: BrandKit.objects.filter(pk=kit.pk).update(live=False))
    assert client.get(f"/kits/{kit.slug}/").status_code == 404


def test_the_fingerprint_is_one_query(django_assert_num_queries):
    from heritage.page_fingerprint import fingerprint

    fingerprint()  # PostgreSQL: the first on a connection prepares the statement
    with django_assert_num_queries(1):
        fingerprint()


def test_a_hit_is_the_answer_the_stack_gave_headers_and_all(make_kit, client):
    kit = make_kit()
    url = f"/kits/{kit.slug}/"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert second.headers.get(page_cache.HIT_HEADER) == "hit"
    assert second.headers["Content-Encoding"] == "gzip" and second.content == first.content
    # Every header the stack below the cache wrote comes back on a hit (the security policy too).
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Vary"):
        assert name in first.headers and second.headers[name] == first.headers[name]
    # A phone that does not take gzip never gets the gzip answer kept for the others.
    plain = client.get(url)
    assert plain.headers.get(page_cache.HIT_HEADER) == "miss" and "Content-Encoding" not in plain.headers
    assert QUOTE in plain.content.decode()


def test_a_hit_asks_the_database_one_question_and_renders_nothing(archive, client, django_assert_num_queries):
    home = archive["index"].get_parent()
    cached(client, home.url)
    # The fingerprint of the consent tables, read at the moment of the request: nothing else.
    with django_assert_num_queries(1):
        answer = client.get(home.url)
    assert answer.headers.get(page_cache.HIT_HEADER) == "hit"


def test_the_archive_index_drops_a_withdrawn_story_on_the_next_request(archive, client):
    url = archive["index"].url + "?kind=oral_history"
    title = archive["wang"].title
    assert title in cached(client, url)
    for consent in archive["王秀英"].consents.filter(scope="archive"):
        consent.withdrawn_at = timezone.now()
        consent.save()
    page = client.get(url)
    assert page.status_code == 200 and title not in page.content.decode()


@pytest.mark.parametrize(
    "personal",
    [
        lambda request, response: response.set_cookie("csrftoken", "one-visitor"),
        lambda request, response: request.META.update(CSRF_COOKIE_NEEDS_UPDATE=True),
        lambda request, response: setattr(request, "_csp_nonce", "n0nce"),
        lambda request, response: response.__setitem__("Vary", "Accept-Language"),
        lambda request, response: setattr(response, "status_code", 203),
    ],
    ids=["cookie", "csrf-token", "csp-nonce", "varies-on-more", "not-200"],
)
def test_an_answer_holding_something_of_one_visitor_is_never_kept(personal, rf, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    rendered = []

    @page_cache.cached_for_visitors
    def view(request):
        response = HttpResponse(f"第{len(rendered)}次")
        rendered.append(response)
        personal(request, response)
        return response

    middleware = page_cache.PageCacheMiddleware(view)
    for _ in range(2):
        answer = middleware(rf.get("/a-marked-page/"))
        assert page_cache.HIT_HEADER not in answer
    assert len(rendered) == 2


def test_a_marked_answer_is_kept_by_the_middleware_alone(rf, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    rendered = []

    @page_cache.cached_for_visitors
    def view(request):
        rendered.append(1)
        return HttpResponse("同一页")

    middleware = page_cache.PageCacheMiddleware(view)
    answers = [middleware(rf.get("/a-marked-page/")) for _ in range(3)]
    assert [a[page_cache.HIT_HEADER] for a in answers] == ["miss", "hit", "hit"] and len(rendered) == 1
    # A signed-in visitor's request (a session cookie) neither reads nor fills it.
    signed_in = rf.get("/a-marked-page/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc")
    assert page_cache.HIT_HEADER not in middleware(signed_in) and len(rendered) == 2


def installed_trigger_tables() -> set[str]:
    """The tables that carry a page cache trigger now, as the database itself lists them."""
    from django.db import connection

    from heritage.page_fingerprint import TRIGGER_PREFIX

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE %s",
                [f"{TRIGGER_PREFIX}%"],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{TRIGGER_PREFIX}%"],
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_watched_table_carries_the_trigger_after_migrate():
    from heritage.page_fingerprint import watched

    tables = {entry.model._meta.db_table for entry in watched()}
    assert {"heritage_consent", "heritage_narrator", "wagtailcore_page", "stories_brandkit"} <= tables
    assert installed_trigger_tables() == tables


def test_a_sentence_taken_out_of_a_transcript_in_the_table_alone_is_gone_on_the_next_request(archive, client):
    from media.models import TranscriptSegment

    url = archive["wang"].url
    sentence = "外婆说，辣子鸡全看糍粑辣椒。"
    assert sentence in cached(client, url)
    unsignalled(lambda: TranscriptSegment.objects.filter(text=sentence).update(text="（此句应讲述人要求删去）"))
    page = client.get(url).content.decode()
    assert sentence not in page and "此句应讲述人要求删去" in page
