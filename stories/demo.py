"""The demo's workshop and its approved kit for 阳朗辣子鸡, built from consented snippets.

Runs after ``heritage``'s ``load_demo``; safe to run again. The photos are drawn by this
module (plain shapes, marked as demo illustrations): the demo holds no real photograph.
"""

import io
import random
from datetime import date

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image, ImageDraw

from heritage.models import FamilyMemoryPage, HeritageImage, OralHistoryPage, RecipePage, User

from . import snippets
from .models import BrandKit, KitPhoto, KitSnippet, Workshop

KIT_SLUG = "yanglang-spicy-chicken-350g"

PHOTOS = [
    ("演示插图：一罐阳朗辣子鸡", "jar", "main"),
    ("演示插图：糍粑辣椒", "chillies", "detail"),
    ("演示插图：过年的一大锅", "pot", "detail"),
]

STORY = {
    "title": "阳朗辣子鸡 350 g 罐装",
    "product_name": "阳朗辣子鸡",
    "tagline": "外婆的糍粑辣椒，过年的味道",
    "short_story": (
        "王秀英十六岁那年第一次做阳朗辣子鸡。外婆说，好不好吃全看糍粑辣椒：当天舂，小火慢炒到油红。"
        "这一罐，照的是老人家的做法。"
    ),
    "long_story": (
        "在息烽县立碑村，腊月里家家户户都能听到舂辣椒的声音。王秀英老人记得，外婆坐在石臼边一下一下地舂，"
        "她在旁边添辣椒和姜蒜。\n\n干辣椒用温水泡软，和生姜、大蒜一起舂成糍粑辣椒；自家的土鸡砍成小块，"
        "菜籽油烧热先炒干水分，再放糍粑辣椒，小火慢慢炒，炒到油变红。\n\n"
        "老人说：现在年轻人在网上卖辣子鸡，她很高兴，但是味道不能变。"
    ),
    "selling_points": "糍粑辣椒当天现舂\n菜籽油小火慢炒\n立碑村老人口述的家传做法",
    "keywords": "贵州特产 息烽 糍粑辣椒",
    # Only what a producer really told us; the rest is listed as missing in the export.
    "food_name": "阳朗辣子鸡",
    "ingredients": "鸡肉、菜籽油、干辣椒、生姜、大蒜、食用盐",
    "net_content": "350 g",
    "storage": "常温避光保存，开封后请冷藏并尽快食用",
}


def _draw(kind: str, size=(2400, 1800)) -> bytes:
    """A simple illustration, the same every time (seeded), big enough for 300 dpi print."""
    rng = random.Random(kind)
    image = Image.new("RGB", size, (250, 240, 225))
    draw = ImageDraw.Draw(image)
    w, h = size
    if kind == "jar":
        draw.rounded_rectangle((w * 0.3, h * 0.2, w * 0.7, h * 0.9), radius=80, fill=(150, 30, 25))
        draw.rectangle((w * 0.33, h * 0.12, w * 0.67, h * 0.22), fill=(70, 50, 35))
        draw.rectangle((w * 0.36, h * 0.45, w * 0.64, h * 0.65), fill=(245, 205, 90))
    else:
        for _ in range(140 if kind == "chillies" else 60):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            r = rng.uniform(30, 90)
            colour = (rng.randint(150, 210), rng.randint(20, 50), rng.randint(15, 35))
            if kind == "pot":
                colour = (rng.randint(120, 170), rng.randint(60, 90), rng.randint(30, 50))
            draw.ellipse((x - r, y - r * 0.4, x + r, y + r * 0.4), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def _photo(title: str, kind: str) -> HeritageImage:
    existing = HeritageImage.objects.filter(title=title).first()
    if existing:
        return existing
    image = HeritageImage(title=title, credit_line="演示插图（程序绘制）", rights_statement="演示用，可自由使用")
    image.file = ImageFile(io.BytesIO(_draw(kind)), name=f"demo-{kind}.jpg")
    image.save()
    return image


def _snippet_specs(oral, recipe, memory):
    segments = list(oral.segments)
    return [
        (lambda u: snippets.from_segments(oral.pk, segments[1].pk, segments[2].pk, u), "开头"),
        (lambda u: snippets.from_recipe_step(recipe.pk, 2, u), "做法"),
        (lambda u: snippets.from_segments(oral.pk, segments[6].pk, segments[6].pk, u), "做法"),
        (lambda u: snippets.from_memory_paragraph(memory.pk, 2, u), "记忆"),
        (lambda u: snippets.from_segments(oral.pk, segments[8].pk, segments[8].pk, u), "结尾"),
    ]


@transaction.atomic
def load_demo_kit() -> BrandKit:
    kit = BrandKit.objects.filter(slug=KIT_SLUG).first()
    if kit is not None:
        return kit
    admin = User.objects.get(username="admin")
    villager = User.objects.get(username="villager")
    workshop, _created = Workshop.objects.get_or_create(
        title="阳朗辣子鸡品牌故事共创（演示）",
        defaults={"date": date(2026, 6, 20), "place": "立碑村村委会", "facilitator": admin, "is_demo": True},
    )
    workshop.participants.add(villager)
    oral = OralHistoryPage.objects.get(slug="wang-xiuying-spicy-chicken")
    recipe = RecipePage.objects.get(slug="wang-family-yanglang-spicy-chicken")
    memory = FamilyMemoryPage.objects.get(slug="pounding-chillies-in-the-twelfth-month")
    links = []
    for n, (make, note) in enumerate(_snippet_specs(oral, recipe, memory)):
        snippet = make(villager)
        snippet.workshop = workshop
        snippet.save(update_fields=["workshop"])
        links.append(KitSnippet(snippet=snippet, note=note, sort_order=n))
    photos = [
        KitPhoto(image=_photo(title, kind), role=role, sort_order=n) for n, (title, kind, role) in enumerate(PHOTOS)
    ]
    kit = BrandKit(slug=KIT_SLUG, workshop=workshop, is_demo=True, live=False, **STORY)
    kit.kit_snippets = links
    kit.kit_photos = photos
    from .palette import extract_palette

    kit.palette = ", ".join(extract_palette([p.image.file.path for p in photos], count=4))
    kit.save()
    kit.save_revision(user=villager)
    kit.save_revision(user=admin).publish(user=admin)
    return kit
