"""Absolute terms: found with their context, warned about, never silently rewritten."""

from stories.export.lint import find_absolute_terms, lint_content, strip_terms


def test_absolute_terms_are_found_with_the_text_around_them():
    found = find_absolute_terms("这是立碑村最地道的辣子鸡，销量第一，国家级手艺。", field="tagline")
    assert [w.word for w in found] == ["最", "第一", "国家级"]
    assert all(w.field == "tagline" and not w.needs_judgement for w in found)
    assert found[0].context == "这是立碑村【最】地道的辣子鸡，销量第一，…"
    assert "【第一】" in found[1].context and "销量" in found[1].context
    assert "广告法" in found[2].explanation and "Advertising Law" in found[2].explanation


def test_the_longest_term_wins_and_full_width_or_case_do_not_hide_a_term():
    assert [w.word for w in find_absolute_terms("史上最低价，最佳口感")] == ["史上最低价", "最佳"]
    assert [w.word for w in find_absolute_terms("销量ＮＯ．１，Top1 好评")] == ["ＮＯ．１", "Top1"]


def test_consumption_tips_are_warned_about_but_flagged_for_judgement():
    (warning,) = find_absolute_terms("最佳食用期为开罐后7天内")
    assert warning.word == "最佳" and warning.needs_judgement
    assert "最佳食用期" in warning.exemption and "exempt" in warning.exemption


def test_heritage_and_label_claims_are_explained():
    words = {w.word: w for w in find_absolute_terms("祖传贡品，零添加，可治疗胃病")}
    assert set(words) == {"贡品", "零添加", "治疗"}
    assert "GB 7718-2025" in words["零添加"].explanation
    assert "第十七条" in words["治疗"].explanation


def test_clean_copy_has_no_warnings():
    assert find_absolute_terms("外婆的石臼，慢火炒出的山里味道") == []


def test_strip_terms_takes_flagged_words_out_and_says_which():
    assert strip_terms("国家级非遗 最地道 辣子鸡") == ("非遗 地道 辣子鸡", ["国家级", "最"])


def test_the_whole_kit_is_linted_field_by_field(kit):
    found = {(w.field, w.word) for w in lint_content(kit)}
    assert found == {
        ("long_story", "最好"),
        ("selling_points[4]", "最佳"),
        ("keywords[5]", "国家级"),
        ("snippets[4]", "第一"),
    }
