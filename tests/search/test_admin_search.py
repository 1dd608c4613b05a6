"""Facilitators' searches in the Wagtail admin find Chinese words inside titles and texts."""

import pytest

from heritage.models import Narrator, RecipePage
from search.admin_spread import spread_query

from .. import factories as f

pytestmark = pytest.mark.django_db


def test_queries_become_the_bigrams_the_index_holds():
    assert spread_query("辣子雞 外婆 Taobao 鸡") == "辣子 子鸡 外婆 taobao 鸡"


def test_snippets_are_found_by_a_word_inside_their_text():
    Narrator.objects.create(name="王秀英", biography="十六岁跟外婆学做阳朗辣子鸡。")
    Narrator.objects.create(name="张德明", biography="年轻时在阳朗赶场卖菜籽油。")
    assert [n.name for n in Narrator.objects.search("王秀")] == ["王秀英"]
    assert {n.name for n in Narrator.objects.search("阳朗")} == {"王秀英", "张德明"}


def test_the_admin_page_search_finds_a_word_inside_a_title(client, django_user_model):
    _, index = f.site_tree()
    f.item(index, RecipePage, [f.full_consent()], title="王家阳朗辣子鸡")
    f.item(index, RecipePage, [f.full_consent()], title="过年大锅菜")
    client.force_login(django_user_model.objects.create_superuser("admin", password="pw"))
    html = client.get("/admin/pages/search/", {"q": "辣子雞"}).content.decode()
    assert "王家阳朗辣子鸡" in html and "过年大锅菜" not in html
