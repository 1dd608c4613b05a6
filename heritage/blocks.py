"""StreamField blocks for recipes and memories."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class IngredientBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("食材"))
    amount = blocks.CharBlock(label=_("用量"), required=False, help_text=_("例如：1、半、适量"))
    unit = blocks.CharBlock(label=_("单位"), required=False, help_text=_("例如：只、斤、克、勺"))
    note = blocks.CharBlock(label=_("备注"), required=False, help_text=_("例如：自家养的土鸡"))

    class Meta:
        icon = "list-ul"
        label = _("食材")

    def as_text(self, value) -> str:
        quantity = f"{value['amount'] or ''}{value['unit'] or ''}"
        text = f"{value['name']} {quantity}".strip()
        return f"{text}（{value['note']}）" if value["note"] else text


class StepBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("做法"))
    photo = ImageBlock(label=_("照片"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("步骤")
        template = "heritage/blocks/step.html"


class PhotoBlock(blocks.StructBlock):
    image = ImageBlock(label=_("照片"))
    caption = blocks.CharBlock(label=_("说明"), required=False)

    class Meta:
        icon = "image"
        label = _("照片")
        template = "heritage/blocks/photo.html"
