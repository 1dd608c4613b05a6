"""Suggestions as a visitor types on a phone: the search box's list, filled by suggest.js."""

import pytest

from heritage.models import FamilyMemoryPage

from .. import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offered(page, typed: str) -> list[str]:
    """What the search box's suggestion list holds once the visitor has typed ``typed``."""
    page.fill("#q", "")
    page.fill("#q", typed)
    page.wait_for_timeout(600)  # suggest.js waits 150 ms after the last key, then asks
    return page.eval_on_selector_all("#suggestions option", "options => options.map(o => o.value)")


def test_pinyin_typed_on_a_phone_offers_the_titles_a_visitor_may_see(phone, live_server):
    _, index = f.site_tree()
    elder = f.full_consent("李桂芬")
    f.item(index, FamilyMemoryPage, narrators=[elder], title="开网店的那一年", body="<p>打糍粑，做辣子鸡。</p>")
    f.item(index, FamilyMemoryPage, narrators=[elder], title="赶场", body="<p>开网店以前，我们赶场卖辣椒。</p>")
    withdrawn = f.narrator("张德明", scopes=("archive",), withdrawn=("public",))
    f.item(index, FamilyMemoryPage, narrators=[withdrawn], title="开油坊的人", body="<p>榨菜籽油。</p>")

    phone.goto(f"{live_server.url}/search/")
    for typed in ("kaiwang", "kai wang", "KAI-W", "开网"):
        assert offered(phone, typed) == ["开网店的那一年"], typed
    assert offered(phone, "ganch") == ["赶场"]
    assert offered(phone, "la") == []  # 辣 is only in the stories' bodies
    assert offered(phone, "kaiyou") == []  # a withdrawn narrator's story is not offered
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
