"""Each label page rendered to PNG and compared with a golden image, so a layout regression is seen.

Refresh the goldens after a deliberate layout change, then look at them before committing:
``LABEL_GOLDEN_UPDATE=1 .venv/bin/pytest tests/stories/export/test_label_golden.py``.
"""

import os
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

GOLDEN = Path(__file__).with_name("golden")
DPI = 100
# Font hinting and JPEG decoding may differ by a shade between library builds; a moved
# block, a lost field or a new colour changes far more than this.
MEAN_TOLERANCE = 2.0  # mean absolute difference per channel, 0–255
CHANGED_SHARE = 0.005  # share of pixels allowed to differ by more than 48
UPDATE = os.environ.get("LABEL_GOLDEN_UPDATE") == "1"


def render(pdf_bytes: bytes, index: int) -> Image.Image:
    return pdfium.PdfDocument(pdf_bytes)[index].render(scale=DPI / 72).to_pil().convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    delta = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16))
    return float(delta.mean()), float((delta.max(axis=2) > 48).mean())


@pytest.mark.parametrize(("index", "name"), [(0, "label-front.png"), (1, "label-back.png")])
def test_each_label_page_matches_its_golden_image(bundle, index, name):
    compare(render(bundle[1]["packaging/label.pdf"], index), GOLDEN / name)


def compare(page: Image.Image, golden: Path) -> None:
    name = golden.name
    if UPDATE:
        page.save(golden, optimize=True)
        pytest.skip(f"golden image written: {golden}")
    assert golden.exists(), f"no golden image {golden}: write it with LABEL_GOLDEN_UPDATE=1 and look at it"
    expected = Image.open(golden).convert("RGB")
    assert page.size == expected.size
    mean, changed = difference(page, expected)
    if mean > MEAN_TOLERANCE or changed > CHANGED_SHARE:
        page.save(golden.with_suffix(".actual.png"))
    assert mean <= MEAN_TOLERANCE and changed <= CHANGED_SHARE, (name, mean, changed)


@pytest.fixture(scope="module")
def sparse_label(tmp_path_factory):
    """A kit with no photo and few label facts: the front's designed fallback, the back's text grown."""
    from stories.export.label import render_label_pdf

    from .kit import make_kit

    label = {"food_name": "香辣鸡块", "net_content": "350 g", "ingredients": "鸡肉、菜籽油、糍粑辣椒、花椒、食用盐"}
    path = tmp_path_factory.mktemp("sparse") / "label.pdf"
    render_label_pdf(make_kit((), label=label), path)
    return path.read_bytes()


@pytest.mark.parametrize(("index", "name"), [(0, "label-front-no-photo.png"), (1, "label-back-few-fields.png")])
def test_a_sparse_label_matches_its_golden_image(sparse_label, index, name):
    compare(render(sparse_label, index), GOLDEN / name)


def test_the_comparison_sees_a_moved_block(bundle):
    page = render(bundle[1]["packaging/label.pdf"], 1)
    moved = Image.new("RGB", page.size, "white")
    moved.paste(page.crop((0, 0, page.width, page.height - 12)), (0, 12))  # everything 3 mm lower
    mean, changed = difference(page, moved)
    assert mean > MEAN_TOLERANCE or changed > CHANGED_SHARE
