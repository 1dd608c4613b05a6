"""The demo archive's words: written for the demo, not recorded from real people.

The three voices are synthesised from these texts (tools/synthesize_demo_audio.py),
so every demo page says it is demo content.
"""

THEMES = [
    ("辣子鸡工艺", "spicy-chicken-craft", "阳朗辣子鸡从选鸡、舂糍粑辣椒到慢火炒制的手艺。"),
    ("节庆", "festivals", "过年、赶场和请客时的吃食与规矩。"),
    ("家族", "family", "一家人怎样把手艺和故事传下来。"),
    ("村史", "village-history", "立碑村和阳朗的老事情。"),
    ("电商", "ecommerce", "立碑村成为“淘宝村”以后的变化。"),
]

# (term, kind, priority, note): what Whisper gets wrong on this material (DOMAIN.md).
GLOSSARY = [
    ("阳朗辣子鸡", "dish", 9, "机器常写成“杨老辣子机”"),
    ("息烽县", "place", 9, "机器常写成“西风线”"),
    ("立碑村", "place", 9, "机器常写成“莉贝村”“立北村”"),
    ("糍粑辣椒", "dish", 9, "机器常写成“此巴”“磁巴”"),
    ("阳朗", "place", 8, "机器常写成“扬往”“杨老”"),
    ("息烽", "place", 8, ""),
    ("舂辣椒", "dish", 7, "舂：用石臼捣"),
    ("石臼", "dish", 6, ""),
    ("菜籽油", "dish", 6, ""),
    ("油坊", "place", 5, ""),
    ("赶场", "dialect", 5, "贵州话：赶集"),
    ("土鸡", "dish", 5, ""),
    ("王秀英", "family", 4, "讲述人"),
    ("张德明", "family", 4, "讲述人"),
    ("李桂芬", "family", 4, "讲述人"),
]

NARRATORS = [
    {
        "name": "王秀英",
        "birth_year": 1954,
        "dialect": "贵州话（西南官话）",
        "biography": "立碑村人，十六岁跟外婆学做阳朗辣子鸡，做了五十多年。家里的辣子鸡如今由孙女在网上卖。",
        "consents": [("archive", "spoken", None), ("public", "spoken", None), ("commercial", "spoken", None)],
    },
    {
        "name": "张德明",
        "birth_year": 1948,
        "dialect": "贵州话（西南官话）",
        "biography": "年轻时在阳朗赶场卖菜籽油，熟悉村里老油坊的事情。",
        "consents": [("archive", "signed_form", None)],
    },
    {
        "name": "李桂芬",
        "birth_year": 1956,
        "dialect": "贵州话（西南官话）",
        "biography": "一九七八年嫁到立碑村，和家人最早开网店卖辣子鸡的人之一。",
        # She agreed to public display and brand use, then withdrew both; the archive copy stays.
        "consents": [
            ("archive", "spoken", None),
            ("public", "spoken", "本人要求不再公开"),
            ("commercial", "spoken", "本人要求不再公开"),
        ],
    },
]

ORAL_HISTORIES = [
    {
        "slug": "wang-xiuying-spicy-chicken",
        "narrator": "王秀英",
        "access_level": "public",
        "recorded_date": "2026-10-12",
        "place": "立碑村王家灶房",
        "decade": 1970,
        "summary": "王秀英讲她十六岁跟外婆学做阳朗辣子鸡：糍粑辣椒怎么舂，鸡怎么选，火怎么看。",
        "themes": ["spicy-chicken-craft", "family", "festivals"],
        "tags": ["糍粑辣椒", "土鸡", "过年"],
        "reviewed": True,
    },
    {
        "slug": "zhang-deming-oil-mill",
        "narrator": "张德明",
        "access_level": "community",
        "recorded_date": "2026-10-15",
        "place": "立碑村村委会",
        "decade": 1960,
        "summary": "张德明回忆阳朗赶场和村里的老油坊，新榨的菜籽油是辣子鸡的底味。",
        "themes": ["village-history", "spicy-chicken-craft"],
        "tags": ["菜籽油", "赶场"],
        "reviewed": False,
    },
    {
        "slug": "li-guifen-married-into-libei",
        "narrator": "李桂芬",
        "access_level": "public",
        "recorded_date": "2026-10-20",
        "place": "立碑村李家",
        "decade": 1970,
        "summary": "李桂芬讲她嫁到立碑村那年学做辣子鸡，后来一家人开网店的经过。",
        "themes": ["family", "ecommerce"],
        "tags": ["网店", "过年"],
        "reviewed": True,
    },
]

RECIPES = [
    {
        "slug": "wang-family-yanglang-spicy-chicken",
        "title": "王家阳朗辣子鸡",
        "narrator": "王秀英",
        "access_level": "public",
        "family": "王家（王秀英的外婆传下来）",
        "recipe_yield": "一锅，约 6 人份",
        "prep_minutes": 60,
        "cook_minutes": 50,
        "decade": 1970,
        "summary": "外婆传下来的做法：自家土鸡，现舂的糍粑辣椒，菜籽油小火慢炒到油红。",
        "themes": ["spicy-chicken-craft", "family"],
        "tags": ["糍粑辣椒", "土鸡"],
        "ingredients": [
            ("土鸡", "1", "只", "约三斤，自家养的"),
            ("干辣椒", "半", "斤", "花溪辣椒或本地辣椒"),
            ("生姜", "1", "块", ""),
            ("大蒜", "2", "头", ""),
            ("菜籽油", "半", "斤", "最好是新榨的"),
            ("盐", "适量", "", ""),
        ],
        "steps": [
            "干辣椒剪段，用温水泡软，大约半个钟头。",
            "泡软的辣椒和生姜、大蒜一起放进石臼里舂成糍粑辣椒，不要舂得太细。",
            "土鸡砍成小块，不要太大，洗净沥干。",
            "菜籽油烧热，先下鸡块，把水分炒干。",
            "放糍粑辣椒，转小火慢慢地炒，一直炒到油变红、鸡肉收紧。",
            "加盐调味，再焖一会儿，起锅。",
        ],
        "variations": "<p>外婆的讲究：辣椒要当天舂，隔夜的香味就跑了。过年时一做就是一大锅，装坛子里可以放好些天。</p>",
    },
    {
        "slug": "new-year-big-pot-spicy-chicken",
        "title": "过年大锅辣子鸡（柴火灶做法）",
        "narrator": "王秀英",
        "access_level": "community",
        "family": "王家",
        "recipe_yield": "一大锅，够请两桌客",
        "prep_minutes": 90,
        "cook_minutes": 80,
        "decade": 1980,
        "summary": "过年请亲戚朋友时的大锅做法，用柴火灶，火候靠看油色。",
        "themes": ["spicy-chicken-craft", "festivals"],
        "tags": ["过年", "柴火灶"],
        "ingredients": [
            ("土鸡", "3", "只", ""),
            ("糍粑辣椒", "1", "斤半", "提前一天舂好也可以"),
            ("菜籽油", "1", "斤", ""),
            ("花椒", "1", "把", ""),
            ("盐", "适量", "", ""),
        ],
        "steps": [
            "柴火烧旺，大铁锅里下菜籽油。",
            "鸡块分两次下锅，炒干水分后盛出。",
            "锅里留油，下糍粑辣椒和花椒，撤掉一些柴，小火炒香。",
            "鸡块回锅，和辣椒一起翻炒，直到油色红亮。",
        ],
        "variations": "<p>柴火大，鸡块容易炒老；撤柴转小火是关键。</p>",
    },
]

MEMORIES = [
    {
        "slug": "pounding-chillies-in-the-twelfth-month",
        "title": "腊月里的舂辣椒声",
        "narrator": "王秀英",
        "access_level": "public",
        "decade": 1970,
        "place": "立碑村",
        "other_people": "外婆、母亲",
        "summary": "腊月里，家家户户舂糍粑辣椒，石臼的声音从早响到晚。",
        "themes": ["festivals", "family"],
        "tags": ["过年", "糍粑辣椒"],
        "body": (
            "<p>一到腊月，村里就能听到舂辣椒的声音。外婆坐在石臼边，一下一下地舂，"
            "我在旁边帮她添辣椒和姜蒜。</p><p>她说，手上要有劲，心里不能急。舂好的糍粑辣椒红得发亮，"
            "满屋子都是香味。那时候我还小，只觉得辣得流眼泪，现在想起来，那是过年的味道。</p>"
        ),
    },
    {
        "slug": "autumn-at-the-old-oil-mill",
        "title": "老油坊的秋天",
        "narrator": "张德明",
        "access_level": "restricted",
        "decade": 1960,
        "place": "立碑村老油坊",
        "other_people": "油坊的师傅们",
        "summary": "秋收以后，大家背着油菜籽到油坊排队榨油。",
        "themes": ["village-history"],
        "tags": ["菜籽油"],
        "body": (
            "<p>秋收以后，油菜籽晒干了，大家就背着到油坊去。木头做的榨很大，要几个人一起推。</p>"
            "<p>新油出来的时候，整条路都是香的。谁家先榨完，就先回去炒一锅辣子鸡。</p>"
        ),
    },
]
