"""Demo ledger (generated, marked as demo): a second workshop and kit, households, two
sellers, benefit agreements and a season of downloads and QR scans.

Runs after ``load_demo`` and ``load_demo_kit``; safe to run again (it adds nothing the
second time). The numbers are drawn from a seeded generator, so the demo report reads
the same every time; the season is the 13 weeks up to the day it is loaded. Every row
it writes carries ``is_demo``; the extra accounts cannot sign in (no password).
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from heritage.models import Narrator, OralHistoryPage, RecipePage, User
from heritage.roles import Role, grant
from stories.demo import load_demo_kit
from stories.models import BrandKit, KitSnippet, Workshop
from stories.snippets import from_recipe_step, from_segments

from .models import (
    AgreementAcceptance,
    BenefitAgreement,
    BenefitTerm,
    Household,
    HouseholdMember,
    KitDownload,
    QrScan,
)

SECOND_KIT_SLUG = "new-year-big-pot-gift-box"
SEASON_DAYS = 91
PLATFORMS = ("taobao", "douyin", "pinduoduo", "wechat")

# username: (display name, role); no password: these accounts are records, not logins.
PEOPLE = {
    "demo-chen": ("陈芳（演示）", Role.PARTICIPANT),
    "demo-yang": ("杨小军（演示）", Role.PARTICIPANT),
    "demo-liu": ("刘记网店（演示）", Role.SELLER),
    "demo-zhou": ("周家土特产（演示）", Role.SELLER),
}

# household: (narrators, accounts)
HOUSEHOLDS = {
    "王家（演示）": (["王秀英"], ["villager"]),
    "张家（演示）": (["张德明"], []),
    "李家（演示）": (["李桂芬"], []),
    "陈家（演示）": ([], ["demo-chen"]),
    "杨家（演示）": ([], ["demo-yang"]),
    "刘家（演示）": ([], ["demo-liu"]),
}


def _account(username: str, display_name: str, role: Role) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display_name})
    if created:
        user.set_unusable_password()
        user.save()
    grant(user, role)
    return user


def _households() -> None:
    for name, (narrators, accounts) in HOUSEHOLDS.items():
        if Household.objects.filter(name=name).exists():
            continue
        family = Household(name=name, is_demo=True)
        members = [
            HouseholdMember(narrator=n)
            for n in Narrator.objects.filter(name__in=narrators, is_demo=True)
            if not HouseholdMember.objects.filter(narrator=n).exists()
        ]
        members += [
            HouseholdMember(user=u)
            for u in User.objects.filter(username__in=accounts)
            if not HouseholdMember.objects.filter(user=u).exists()
        ]
        family.members = members
        family.save()


def _second_kit(admin: User, people: dict[str, User], season_start) -> BrandKit:
    kit = BrandKit.objects.filter(slug=SECOND_KIT_SLUG).first()
    if kit is not None:
        return kit
    workshop, _created = Workshop.objects.get_or_create(
        title="过年大锅辣子鸡礼盒共创（演示）",
        defaults={"date": season_start + timedelta(days=5), "facilitator": admin, "is_demo": True},
    )
    workshop.participants.add(User.objects.get(username="villager"), people["demo-chen"], people["demo-yang"])
    # The same consented, public sources as the first kit (other passages of them): the
    # big-pot recipe is for the community only, so it may not go on a product.
    oral = OralHistoryPage.objects.get(slug="wang-xiuying-spicy-chicken")
    recipe = RecipePage.objects.get(slug="wang-family-yanglang-spicy-chicken")
    segments = list(oral.segments)
    made = [
        (from_segments(oral.pk, segments[3].pk, segments[4].pk, admin, workshop=workshop), "开头"),
        (from_recipe_step(recipe.pk, 5, admin, workshop=workshop), "做法"),
    ]
    links = [KitSnippet(snippet=snippet, note=note, sort_order=n) for n, (snippet, note) in enumerate(made)]
    kit = BrandKit(
        slug=SECOND_KIT_SLUG,
        title="过年大锅辣子鸡 礼盒（演示）",
        product_name="过年大锅辣子鸡",
        tagline="柴火灶上的一大锅年味",
        short_story="王秀英老人说，糍粑辣椒下锅要转小火，慢慢炒到油红。",
        workshop=workshop,
        food_name="阳朗辣子鸡",
        net_content="2 × 350 g",
        is_demo=True,
        live=False,
    )
    kit.kit_snippets = links
    kit.save()
    kit.save_revision(user=admin).publish(user=admin)
    return kit


def _agreement(kit: BrandKit, admin: User, agreed_on, wang: Narrator, per_jar: str, fund: str) -> BenefitAgreement:
    existing = BenefitAgreement.objects.filter(kit=kit).first()
    if existing:
        return existing
    agreement = BenefitAgreement(
        kit=kit,
        agreed_on=agreed_on,
        agreed_by="王秀英、王家孙女、村委会（演示）",
        method="spoken",
        witnessed_by=admin,
        note="演示数据：没有真实的约定录音。",
        is_demo=True,
    )
    agreement.terms = [
        BenefitTerm(beneficiary="family", narrator=wang, kind="per_jar", amount=Decimal(per_jar), sort_order=0),
        BenefitTerm(beneficiary="village_fund", kind="lump_sum", amount=Decimal(fund), sort_order=1),
    ]
    agreement.save()
    return agreement


def _season(kits, sellers, start, days: int, rng: random.Random) -> tuple[list, list]:
    downloads, scans = [], []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for n, kit in enumerate(kits):
            if day < kit["from"]:
                continue
            growth = (offset + 1) / days  # the stories travel further as the season goes on
            for seller, weight in sellers:
                if rng.random() < 0.25 * weight * (1 - n * 0.4):
                    moment = timezone.make_aware(datetime.combine(day, time(rng.randint(8, 21), rng.randint(0, 59))))
                    taken = sorted(rng.sample(PLATFORMS, rng.randint(1, 3)))
                    downloads.append(
                        KitDownload(
                            kit=kit["kit"],
                            revision_id=kit["kit"].live_revision_id,
                            seller=seller,
                            agreement=kit["agreement"],
                            platforms=taken,
                            downloaded_at=moment,
                            is_demo=True,
                        )
                    )
            count = sum(rng.random() < 0.6 * growth * (1.5 - n) for _ in range(6))
            if count:
                scans.append(QrScan(kit=kit["kit"], day=day, count=count, is_demo=True))
    return downloads, scans


@transaction.atomic
def load_demo_ledger(seed: int = 20261) -> dict[str, int]:
    first_kit = load_demo_kit()
    if KitDownload.objects.filter(is_demo=True).exists():
        return {"downloads": 0, "scans": 0}
    today = timezone.localdate()
    start = today - timedelta(days=SEASON_DAYS - 1)
    admin = User.objects.get(username="admin")
    people = {name: _account(name, display, role) for name, (display, role) in PEOPLE.items()}
    second_kit = _second_kit(admin, people, start)
    # The demo kits were approved at the start of the season (demo rows only).
    approved_at = timezone.make_aware(datetime.combine(start, time(10)))
    BrandKit.objects.filter(pk=first_kit.pk).update(first_published_at=approved_at)
    BrandKit.objects.filter(pk=second_kit.pk).update(first_published_at=approved_at + timedelta(days=35))
    first_kit.refresh_from_db()  # publishing went through the revision's own copy of the kit
    second_kit.refresh_from_db()
    Workshop.objects.filter(is_demo=True, pk=first_kit.workshop_id).update(date=start - timedelta(days=7))
    _households()
    wang = Narrator.objects.get(name="王秀英", is_demo=True)
    kits = [
        {"kit": first_kit, "from": start, "agreement": _agreement(first_kit, admin, start, wang, "0.50", "1000")},
        {
            "kit": second_kit,
            "from": start + timedelta(days=35),
            "agreement": _agreement(second_kit, admin, start + timedelta(days=35), wang, "1.00", "600"),
        },
    ]
    sellers = [(User.objects.get(username="seller"), 1.0), (people["demo-liu"], 1.6), (people["demo-zhou"], 0.7)]
    for kit in kits:
        for seller, _weight in sellers:
            AgreementAcceptance.objects.get_or_create(
                agreement=kit["agreement"],
                revision_id=kit["kit"].live_revision_id,
                seller=seller,
                defaults={"kit": kit["kit"], "accepted_at": approved_at, "is_demo": True},
            )
    downloads, scans = _season(kits, sellers, start, SEASON_DAYS, random.Random(seed))
    KitDownload.objects.bulk_create(downloads)
    QrScan.objects.bulk_create(scans)
    return {"downloads": len(downloads), "scans": sum(s.count for s in scans)}
