"""The Elasticsearch backend's mappings and requests, checked without a cluster.

The shared contract suite (test_contract.py) runs the same backend against a real
cluster whenever ELASTICSEARCH_URL is set.
"""

import pytest

from search.backends.elasticsearch import ArchiveDocument, ElasticsearchBackend, build_search, index_body
from search.documents import Query, SearchDocument


def test_the_mapping_analyses_chinese_with_what_ships_in_elasticsearch():
    body = index_body()
    analysis = body["settings"]["analysis"]
    assert analysis["filter"]["libei_cjk_bigram"] == {"type": "cjk_bigram", "output_unigrams": True}
    assert analysis["analyzer"]["libei_chinese"]["filter"] == ["cjk_width", "lowercase", "libei_cjk_bigram"]
    fields = body["mappings"]["properties"]
    assert fields["body"]["analyzer"] == "libei_chinese" and fields["body"]["term_vector"] == "with_positions_offsets"
    assert {fields[name]["type"] for name in ("audiences", "narrators", "themes", "tags", "kind")} == {"keyword"}
    assert fields["suggest"]["contexts"] == [{"name": "audience", "type": "category", "path": "audiences"}]
    assert "smart" not in fields["title"].get("fields", {})
    assert index_body(smartcn=True)["mappings"]["properties"]["body"]["fields"]["smart"]["analyzer"] == "smartcn"


def test_documents_are_simplified_and_carry_pinyin():
    document = SearchDocument("page:1/", "memory", "開網店", "辣子雞裝進玻璃瓶", "/x/", ["public"], themes=["电商"])
    prepared = ArchiveDocument.prepare(document).to_dict(include_meta=True)
    source = prepared["_source"]
    assert prepared["_id"] == "page:1/"
    assert source["title"] == "开网店" and source["body"] == "辣子鸡装进玻璃瓶"
    assert source["title_display"] == "開網店"
    assert source["pinyin"].startswith("kai wang dian _ la zi ji")
    assert source["suggest"]["input"] == ["开网店", "kaiwangdian", "kai wang dian"]


def test_a_query_filters_by_audience_counts_facets_and_highlights_safely():
    body = build_search(Query("辣子雞 lazij", "community", {"theme": "电商", "bogus": "x"}), "libei").to_dict()
    bool_query = body["query"]["bool"]
    assert bool_query["must"][0] == {
        "multi_match": {"query": "辣子鸡", "fields": ["title^3", "body"], "type": "phrase"}
    }
    pinyin = bool_query["must"][1]["bool"]["should"][1]
    assert pinyin == {"match_phrase_prefix": {"pinyin": "la zi j"}}
    assert {"term": {"audiences": "community"}} in bool_query["filter"]
    assert {"term": {"themes": "电商"}} in bool_query["filter"] and len(bool_query["filter"]) == 2
    assert set(body["aggs"]) == {"kind", "narrator", "village", "theme", "tag", "decade"}
    assert body["highlight"]["fields"]["body"]["encoder"] == "html"
    assert (body["from"], body["size"]) == (0, 20)


@pytest.mark.parametrize("query", ["", "   ", "***", "😀"])
def test_a_query_with_nothing_to_find_sends_no_request(query):
    assert build_search(Query(query, "public"), "libei") is None


def test_initials_are_searched_when_the_letters_are_not_pinyin():
    body = build_search(Query("lzj", "public"), "libei").to_dict()
    assert {"match_phrase": {"initials": "l z j"}} in body["query"]["bool"]["must"][0]["bool"]["should"]


def test_the_backend_needs_an_address():
    with pytest.raises(ValueError, match="ELASTICSEARCH_URL"):
        ElasticsearchBackend(url="")
