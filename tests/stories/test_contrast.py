import pytest
from hypothesis import given
from hypothesis import strategies as st

from stories.contrast import best_text_colour, contrast_ratio, parse_hex, readable

colours = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06X}")


def test_known_ratios():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic near-miss grey
    assert not readable("#777777", "#FFFFFF")
    assert readable("#767676", "#FFFFFF")
    assert not readable("#F5E6C8", "#FFFFFF")  # cream on white: the unreadable label tagline


@given(colours, colours)
def test_ratio_is_symmetric_and_bounded(a, b):
    ratio = contrast_ratio(a, b)
    assert ratio == pytest.approx(contrast_ratio(b, a))
    assert 1.0 <= ratio <= 21.0 + 1e-9


@given(colours)
def test_best_text_colour_is_always_readable(background):
    assert contrast_ratio(best_text_colour(background), background) >= 4.5


def test_bad_colour_named():
    with pytest.raises(ValueError, match="#12"):
        parse_hex("#12")
