"""Properties of search tokenisation (search/text.py) over generated text: what holds for
every string, not only for the handful in the contract suite."""

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

from search.text import CJK, MAX_TERMS, fts_phrase, index_text, normalise, parse_query, split_pinyin, suggestion_words

# Pairs checked by hand: Traditional → Simplified.
PAIRS = [("辣子雞", "辣子鸡"), ("裝進玻璃瓶", "装进玻璃瓶"), ("廣東", "广东"), ("麵條", "面条"), ("燒雞", "烧鸡")]
# Characters whose only reading pypinyin gives in isolation is the one written beside them.
READINGS = {
    "辣": "la",
    "子": "zi",
    "鸡": "ji",
    "外": "wai",
    "婆": "po",
    "糍": "ci",
    "粑": "ba",
    "椒": "jiao",
    "碑": "bei",
    "村": "cun",
    "阳": "yang",
    "朗": "lang",
    "油": "you",
    "坊": "fang",
    "菜": "cai",
}

hanzi = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
latin = st.sampled_from("abcxyzABC0129 ，。、！-_.")
anything = st.text(st.one_of(hanzi, latin, st.characters()), max_size=60)
plain = st.text(latin, max_size=12)


@given(anything)
def test_normalising_twice_is_normalising_once(text):
    assert normalise(normalise(text)) == normalise(text)


@given(st.sampled_from(PAIRS), plain, plain)
def test_traditional_and_simplified_index_the_same_wherever_they_stand(pair, before, after):
    traditional, simplified = pair
    assert index_text(before + traditional + after) == index_text(before + simplified + after)


@given(st.text(hanzi, min_size=1, max_size=30))
@example("辣子鸡")
@example("鸡")
def test_each_character_is_indexed_alone_and_with_its_right_neighbour(text):
    text = normalise(text)
    # Found here: a few Traditional characters (鮯) fold into Simplified ones outside the BMP
    # (𫚗, U+2B697), which search/text.py's CJK ranges do not index. Reported; kept out of
    # this property until search/ decides.
    assume(all(CJK.match(c) for c in text))
    indexed = index_text(text)
    assert indexed.unigrams.split() == list(text)
    pairs = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
    assert indexed.bigrams.split() == [*pairs, "_"]


@given(st.lists(st.text(hanzi, min_size=1, max_size=5), min_size=2, max_size=5))
def test_no_bigram_runs_across_punctuation(runs):
    indexed = index_text("，".join(runs))
    for pair in indexed.bigrams.split():
        assert pair == "_" or any(pair in normalise(run) for run in runs)


@given(st.text(st.sampled_from(sorted(READINGS)), min_size=1, max_size=12))
def test_every_character_gets_its_pinyin_and_initial(text):
    indexed = index_text(text)
    assert indexed.pinyin.split() == [READINGS[c] for c in text]
    assert indexed.initials.split() == [READINGS[c][0] for c in text]


@given(st.text(st.sampled_from(sorted(READINGS)), min_size=1, max_size=8))
@example("辣子鸡")
def test_pinyin_typed_without_spaces_splits_back_into_its_syllables(text):
    word = "".join(lazy_pinyin(text, style=Style.NORMAL))
    syllables, partial = split_pinyin(word)
    assert "".join(syllables) == word and not partial


@given(anything)
@example('"辣子鸡')
@example("NEAR(辣椒 外婆)")
def test_any_query_parses_into_at_most_the_term_limit_of_plain_words(query):
    parsed = parse_query(query)
    assert len(parsed.terms) <= MAX_TERMS
    for term in parsed.terms:
        assert term.text and term.text == term.text.strip()
        assert all(CJK.match(c) or c.isascii() and (c.isalnum() or c == " ") for c in term.text), term.text


@given(st.lists(st.text(max_size=10), min_size=1, max_size=5), st.booleans())
def test_a_phrase_always_quotes_every_word(words, prefix):
    phrase = fts_phrase(words, prefix)
    body = phrase.removesuffix(" *")
    assert body.count('"') % 2 == 0
    assert body.count('" + "') == len(words) - 1 or any('"' in w for w in words)


@given(st.text(st.sampled_from(list(READINGS)), min_size=1, max_size=6), st.sampled_from(["", " ", "-", "  "]))
def test_a_suggestion_reads_pinyin_typed_whole_or_a_syllable_at_a_time(text, between):
    readings = [READINGS[c] for c in text]
    assert suggestion_words(between.join(readings)) == ((readings if between else ["".join(readings)]), readings)
    # Typing stopped inside the last syllable: the syllables so far and the unfinished start.
    cut = between.join(readings)[:-1]
    assume(cut and cut[-1] not in " -")
    assert suggestion_words(cut)[1][:-1] == readings[:-1]


@given(anything)
@example("kaiw ang")
@example("阳朗a")
def test_a_suggestion_reads_only_latin_letters_and_digits_and_no_unfinished_syllable_inside(prefix):
    read = suggestion_words(prefix)
    if read is None:
        assert not prefix.isascii() or not any(c.isalnum() for c in prefix)
        return
    words, syllables = read
    assert words and all(w.isascii() and w.isalnum() and w == w.lower() for w in words)
    if syllables is not None:
        assert "".join(syllables) == "".join(words)
        for word in words[:-1]:
            assert split_pinyin(word) is not None and not split_pinyin(word)[1]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("dena", ["de", "na"]),  # not "den a": a syllable starting with a vowel is the rarer reading
        ("kaiwangdiandenayinian", ["kai", "wang", "dian", "de", "na", "yi", "nian"]),
        ("xian", ["xian"]),  # fewest syllables first: not "xi an"
        ("pinan", ["pi", "nan"]),
        ("fangan", ["fan", "gan"]),
        ("tiananmen", ["tian", "an", "men"]),
    ],
)
def test_between_readings_of_as_many_syllables_the_one_a_pinyin_keyboard_offers_wins(word, expected):
    assert split_pinyin(word) == (expected, False)
