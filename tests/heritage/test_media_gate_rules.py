"""The image gate's own rules, fast: which stored names can be images, which ids a page's blocks hold.

No database here: a name the gate refuses must be refused before any query (PostgreSQL
rejects a NUL byte in a query outright), and the block walk reads stored JSON alone.
"""

import pytest
from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

from heritage.media_gate import _images_in, image_of

STREAM = blocks.StreamBlock(
    [
        ("photo", ImageChooserBlock()),
        ("figure", ImageBlock()),
        ("step", blocks.StructBlock([("text", blocks.CharBlock()), ("image", ImageChooserBlock())])),
        ("gallery", blocks.ListBlock(ImageChooserBlock())),
        ("text", blocks.CharBlock()),
    ]
)


@pytest.mark.parametrize(
    "name",
    [
        "original_images/a\x00.jpg",  # a NUL byte
        "original_images/a\\b.jpg",  # a Windows separator
        "original_images/../secret_key",  # climbing out
        "images/../../etc/passwd",
        "original_images",  # a folder, no file
        "/original_images/a.jpg",  # absolute
        "documents/a.pdf",  # stored, but no image
    ],
)
def test_a_name_that_cannot_be_an_image_file_is_refused_before_any_query(name):
    assert image_of(name) is None


@pytest.mark.django_db
def test_a_rendition_name_with_no_rendition_is_no_image():
    assert image_of("images/nothing.fill-10x10.jpg") is None
    assert image_of("original_images/nothing.jpg") is None


def test_every_stored_shape_of_a_stream_gives_its_image_ids_in_order():
    raw = [
        {"type": "photo", "value": 1},
        {"type": "figure", "value": 2},  # stored before ImageBlock had alt text: just the id
        {"type": "figure", "value": {"image": 3, "alt_text": "外婆的石臼", "decorative": False}},
        {"type": "step", "value": {"text": "舂辣椒", "image": 4}},
        {"type": "gallery", "value": [{"type": "item", "value": 5, "id": "a"}, 6]},
        {"type": "text", "value": "7"},
    ]
    assert list(_images_in(STREAM, raw)) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {"type": "photo", "value": 1},  # a stream stored as one block, not a list
        [{"type": "gone", "value": 8}],  # a block type the code no longer has
        ["junk", 9],
        [{"type": "photo", "value": None}, {"type": "photo", "value": "10"}],
        [{"type": "step", "value": 11}],  # a struct stored as a bare id
        [{"type": "step", "value": {"text": "12"}}],  # a struct with no image
        [{"type": "gallery", "value": 13}],  # a list stored as a bare id
        [{"type": "gallery", "value": [{"type": "other", "value": 14}]}],  # not a list item
        [{"value": 15}],  # no type
    ],
)
def test_what_is_not_an_image_id_where_an_image_is_expected_gives_none(raw):
    assert list(_images_in(STREAM, raw)) == []


def test_a_struct_reads_each_of_its_children_by_name():
    nested = blocks.StructBlock(
        [("front", ImageChooserBlock()), ("back", ImageChooserBlock()), ("steps", blocks.ListBlock(ImageBlock()))]
    )
    raw = {"front": 21, "back": 22, "steps": [{"type": "item", "value": {"image": 23}}, 24], "extra": 25}
    assert list(_images_in(nested, raw)) == [21, 22, 23, 24]
