"""A realistic kit to export: 阳朗辣子鸡 told by Libei elders, with photos made by Pillow."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image

from stories.export.content import Credit, KitContent, Photo, Snippet

STORY_URL = "https://libei.example/stories/yanglang-lazi-ji/"

QUOTES = [
    ("王秀英", "糍粑辣椒要先泡软，再和生姜大蒜一起在石臼里舂，舂到起黏才香。"),
    ("张德明", "我们阳朗的辣子鸡是用菜籽油小火慢慢地炒，一锅要炒一个多钟头。"),
    ("李桂芬", "过年的时候家家都炒一大锅，装在坛子里，亲戚来了就舀一碗。"),
    ("王秀英", "我第一次学炒辣子鸡是十二岁，外婆站在灶边看着我。"),
    ("陈光荣", "以前赶场走山路，辣子鸡装在竹筒里，走一天都不坏。"),
]


def make_photo(path: Path, size: tuple[int, int], seed: int = 0, quality: int = 92, mark=None) -> Path:
    """A photo-like JPEG: soft colour fields with grain, so it compresses like a real one.

    ``mark`` (left, top, right, bottom) paints that box pure red, to find it again after a crop.
    """
    rng = np.random.default_rng(seed)
    width, height = size
    small = rng.integers(40, 230, size=(6, 8, 3), dtype=np.uint8)
    base = np.asarray(Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC), dtype=np.int16)
    grain = rng.normal(0, 14, size=(height, width, 1)).astype(np.int16)
    pixels = np.clip(base + grain, 0, 255).astype(np.uint8)
    if mark:
        pixels[mark[1] : mark[3], mark[0] : mark[2]] = (255, 0, 0)
    Image.fromarray(pixels).save(path, "JPEG", quality=quality)
    return path


def make_snippets(count: int) -> tuple[Snippet, ...]:
    snippets = []
    for i in range(count):
        name, text = QUOTES[i % len(QUOTES)]
        start = 12.0 + 30 * i
        snippets.append(
            Snippet(
                text=text,
                narrator_names=(name,),
                source={
                    "kind": "segments",
                    "page_title": f"{name}谈辣子鸡",
                    "recording_id": 7,
                    "start": start,
                    "end": start + 7.5,
                },
                consent=[
                    {
                        "narrator": name,
                        "scope": "commercial",
                        "given_on": "2026-05-03",
                        "evidence": "signed form",
                        "witness": "刘玉兰",
                    }
                ],
                note="开头" if i == 0 else "",
            )
        )
    return tuple(snippets)


def make_kit(photos: tuple[Photo, ...], *, snippets: int = 5, **changes) -> KitContent:
    kit = KitContent(
        slug="yanglang-lazi-ji",
        product_name="阳朗辣子鸡",
        tagline="外婆的石臼，慢火炒出的山里味道",
        short_story=(
            "在息烽县立碑村，王秀英老人十二岁跟外婆学炒辣子鸡：糍粑辣椒在石臼里舂到起黏，"
            "菜籽油小火慢炒一个多钟头。这一罐，是村里几代人过年的味道。"
        ),
        long_story=(
            "阳朗辣子鸡出自息烽县阳朗一带，用土鸡和糍粑辣椒慢火炒成。\n"
            "老人们说，最好吃的辣子鸡要用当年的新辣椒，泡软以后和生姜、大蒜一起舂。\n"
            "以前赶场走山路，辣子鸡装在竹筒里，走一天都不坏；现在装进玻璃瓶，寄到全国。"
        ),
        selling_points=("糍粑辣椒石臼手工舂制", "菜籽油小火慢炒", "开罐即食，拌饭拌面", "最佳食用期为开罐后7天内"),
        snippets=make_snippets(snippets),
        photos=photos,
        palette=("#5a1a10", "#b5432a", "#f3e2c7"),
        label={
            "food_name": "香辣鸡块（油炸类调味肉制品）",
            "ingredients": "鸡肉、菜籽油、糍粑辣椒（干辣椒、生姜、大蒜）、花椒、食用盐、白砂糖",
            "net_content": "350 g",
            "producer_name": "息烽县立碑村阳朗食品专业合作社",
            "producer_address": "贵州省贵阳市息烽县永阳街道立碑村",
            "producer_contact": "0851-87000000",
            "shelf_life": "12个月",
            "storage": "常温避光保存，开罐后请冷藏",
            "standard_code": "GB 2726",
            "allergens": "",
        },
        story_url=STORY_URL,
        credits=(
            Credit("王秀英", "立碑村", ("王秀英谈辣子鸡（2026-05-03）",)),
            Credit("张德明", "立碑村", ("张德明谈辣子鸡（2026-05-03）",)),
            Credit("李桂芬", "立碑村", ("李桂芬谈辣子鸡（2026-05-03）",)),
            Credit("陈光荣", "立碑村", ("陈光荣谈辣子鸡（2026-05-03）",)),
        ),
        revision_id=42,
        approved_at="2026-06-01T10:30:00+08:00",
        approved_by="刘玉兰",
        workshop="立碑村品牌故事共创工作坊（2026年5月）",
        keywords=("贵州特产", "息烽", "辣子鸡", "下饭菜", "国家级非遗"),
        exported_on=date(2026, 6, 2),
        title="阳朗辣子鸡 350 g 罐装",
    )
    return replace(kit, **changes)
