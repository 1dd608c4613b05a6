import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image

from heritage.models import FamilyMemoryPage, HeritageImage, RecipePage
from heritage.roles import Role, grant
from media.ingest import ingest
from stories.models import BrandKit, KitPhoto, KitSnippet, Workshop
from stories.snippets import from_memory_paragraph, from_recipe_step, from_segments

from .. import factories as f

WANG_SAYS = ["我第一次做阳朗辣子鸡，是十六岁那年。", "外婆说，辣子鸡全看糍粑辣椒。", "现在年轻人在网上卖辣子鸡。"]


def person(*roles):
    user = f.villager()
    user.groups.clear()
    grant(user, *roles)
    return user


def photo(title="辣椒", size=(1200, 900), colour=(180, 30, 20)) -> HeritageImage:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    image = HeritageImage(title=title)
    image.file = ImageFile(buffer, name=f"{title}.jpg")
    image.save()
    return image


@pytest.fixture
def archive(make_audio):
    """王秀英 (every consent) and 张德明 (archive only), each with an oral history; her recipe and memory."""
    _, index = f.site_tree()
    wang, zhang = f.full_consent("王秀英"), f.narrator("张德明", scopes=("archive",))
    pages = {}
    for name, who, texts in (("wang", wang, WANG_SAYS), ("zhang", zhang, ["油坊的秋天最忙。", "榨油要三天。"])):
        with make_audio("ogg", seconds=2.0).open("rb") as stream:
            recording = ingest(stream, f"{name}.ogg", f"{who.name}的讲述")
        f.transcript(recording, texts)
        pages[name] = f.item(index, narrators=[who], recording=recording, title=f"{who.name}讲述")
    pages["recipe"] = f.item(
        index, RecipePage, narrators=[wang], title="王家阳朗辣子鸡", steps=[("step", {"text": "干辣椒用温水泡软。"})]
    )
    pages["memory"] = f.item(
        index, FamilyMemoryPage, narrators=[wang], title="舂辣椒", body="<p>腊月里舂辣椒。</p><p>满屋子都是香味。</p>"
    )
    return {"index": index, "王秀英": wang, "张德明": zhang, **pages}


@pytest.fixture
def people():
    return {
        "facilitator": f.facilitator(),
        "participant": person(Role.PARTICIPANT),
        "seller": person(Role.SELLER),
        "community": person(Role.COMMUNITY),
    }


@pytest.fixture
def make_kit(archive, people):
    """A kit quoting 王秀英 (and optionally 张德明); published unless ``publish=False``."""

    def make(*, with_zhang=False, publish=True, slug="spicy-chicken", photos=1):
        author = people["facilitator"]
        segments = list(archive["wang"].segments)
        snippets = [
            from_segments(archive["wang"].pk, segments[0].pk, segments[1].pk, author),
            from_recipe_step(archive["recipe"].pk, 1, author),
            from_memory_paragraph(archive["memory"].pk, 2, author),
        ]
        if with_zhang:
            first = archive["zhang"].segments.first()
            snippets.append(from_segments(archive["zhang"].pk, first.pk, first.pk, author))
        workshop = Workshop.objects.create(title="共创", facilitator=author)
        workshop.participants.add(people["participant"])
        kit = BrandKit(
            slug=slug,
            title="阳朗辣子鸡 350 g",
            product_name="阳朗辣子鸡",
            tagline="外婆的糍粑辣椒",
            short_story="外婆说，辣子鸡全看糍粑辣椒。",
            workshop=workshop,
            food_name="阳朗辣子鸡",
            net_content="350 g",
            live=False,
        )
        kit.kit_snippets = [KitSnippet(snippet=s, sort_order=n) for n, s in enumerate(snippets)]
        kit.kit_photos = [KitPhoto(image=photo(f"照片{n}"), role="main" if n == 0 else "detail") for n in range(photos)]
        kit.save()
        revision = kit.save_revision(user=author)
        if publish:
            revision.publish(user=author)
            kit.refresh_from_db()
        return kit

    return make
