"""The impact report against a village small enough to count by hand.

Households: 王家 (narrator 王秀英, villager 王小明), 李家 (narrator 李桂兰), 赵家 (narrator
赵大山), 陈家 (villager 陈芳, no narrator), 孙家 (nobody quoted, nobody in a workshop).
Kit A quotes 王×2 and 李×1, made in workshop 1 by 王小明 and 陈芳; kit B quotes 赵×1 and
王×1, made in workshop 2 by 陈芳. Seller 甲 downloads A twice and B once, seller 乙 A once.
"""

import csv
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from heritage.models import RecipePage, Theme
from heritage.roles import Role
from ledger.metrics import build_report, gini
from ledger.models import KitDownload, QrScan
from ledger.queries import report_facts, statement
from ledger.report.charts import render_svg
from media.ingest import ingest
from stories.models import BrandKit, KitSnippet, Workshop
from stories.snippets import from_memory_paragraph, from_recipe_step, from_segments

from .. import factories as f
from ..stories.conftest import person

pytestmark = pytest.mark.django_db


def _kit(slug, snippets, workshop, author):
    kit = BrandKit(slug=slug, title=f"品牌包{slug}", product_name="辣子鸡", workshop=workshop, live=False)
    kit.kit_snippets = [KitSnippet(snippet=s, sort_order=n) for n, s in enumerate(snippets)]
    kit.save()
    kit.save_revision(user=author).publish(user=author)
    kit.refresh_from_db()
    return kit


@pytest.fixture
def village(make_audio):
    _, index = f.site_tree()
    wang, li, zhao = f.full_consent("王秀英"), f.full_consent("李桂兰"), f.full_consent("赵大山")
    with make_audio("ogg", seconds=2.0).open("rb") as stream:
        recording = ingest(stream, "wang.ogg", "王秀英的讲述")
    transcript = f.transcript(recording, ["我十六岁学做辣子鸡。", "外婆舂辣椒。", "过年吃。"])
    transcript.segments.filter(position=0).update(reviewed=True)
    oral = f.item(index, narrators=[wang], recording=recording, title="王秀英讲述")
    theme = Theme.objects.create(name="辣子鸡工艺", slug="craft")
    steps = [("step", {"text": "辣椒用温水泡软。"}), ("step", {"text": "舂成糍粑辣椒。"})]
    wang_recipe = f.item(index, RecipePage, narrators=[wang], title="王家辣子鸡", steps=steps)
    wang_recipe.themes = [theme]
    wang_recipe.save_revision().publish()
    zhao_recipe = f.item(index, RecipePage, narrators=[zhao], title="赵家腊肉", steps=steps)
    from heritage.models import FamilyMemoryPage

    li_memory = f.item(index, FamilyMemoryPage, narrators=[li], title="腊月", body="<p>腊月里舂辣椒。</p>")
    facilitator = f.facilitator()
    wang_xiaoming, chen_fang = person(Role.PARTICIPANT), person(Role.PARTICIPANT)
    seller_a, seller_b = person(Role.SELLER), person(Role.SELLER)
    seller_a.display_name, seller_b.display_name = "卖家甲", "卖家乙"
    seller_a.save(), seller_b.save()
    today = timezone.localdate()
    w1 = Workshop.objects.create(title="共创一", facilitator=facilitator, date=today - timedelta(days=10))
    w1.participants.add(wang_xiaoming, chen_fang)
    w2 = Workshop.objects.create(title="共创二", facilitator=facilitator, date=today - timedelta(days=3))
    w2.participants.add(chen_fang)
    segments = list(oral.segments)
    kit_a = _kit(
        "kit-a",
        [
            from_segments(oral.pk, segments[0].pk, segments[1].pk, facilitator),
            from_recipe_step(wang_recipe.pk, 1, facilitator),
            from_memory_paragraph(li_memory.pk, 1, facilitator),
        ],
        w1,
        facilitator,
    )
    kit_b = _kit(
        "kit-b",
        [from_recipe_step(zhao_recipe.pk, 2, facilitator), from_recipe_step(wang_recipe.pk, 2, facilitator)],
        w2,
        facilitator,
    )
    households = {
        "王家": f.household("王家", [wang], [wang_xiaoming]),
        "李家": f.household("李家", [li]),
        "赵家": f.household("赵家", [zhao]),
        "陈家": f.household("陈家", [], [chen_fang]),
        "孙家": f.household("孙家"),
    }
    for kit, seller, platforms in (
        (kit_a, seller_a, ["douyin", "taobao"]),
        (kit_a, seller_a, ["taobao"]),
        (kit_b, seller_a, ["pinduoduo"]),
        (kit_a, seller_b, ["taobao"]),
    ):
        KitDownload.objects.create(kit=kit, revision_id=kit.live_revision_id, seller=seller, platforms=platforms)
    monday = today - timedelta(days=today.weekday())
    QrScan.objects.create(kit=kit_a, day=monday, count=4)
    QrScan.objects.create(kit=kit_a, day=monday - timedelta(days=6), count=2)
    QrScan.objects.create(kit=kit_b, day=monday, count=3)
    QrScan.objects.create(kit=kit_b, day=today - timedelta(days=400), count=50)  # before the period
    return {
        "since": today - timedelta(days=30),
        "until": today,
        "monday": monday,
        "kits": (kit_a, kit_b),
        "narrators": {"王秀英": wang, "李桂兰": li, "赵大山": zhao},
        "households": households,
        "index": index,
        "recipes": {"王": wang_recipe},
    }


def report_of(village):
    return build_report(report_facts(village["since"], village["until"]))


def rows(report, key):
    return report.figure(key).rows


def test_every_number_of_the_report_matches_the_hand_count(village):
    report = report_of(village)
    summary = dict(rows(report, "participation.summary"))
    assert summary == {"录音的老人（人）": 1, "录音时长（小时）": 0.0, "工作坊场次": 2}
    assert rows(report, "participation.roles") == [("工作坊成员", 2)]
    assert dict(rows(report, "preservation.kinds")) == {"菜谱": 2, "口述历史": 1, "家族记忆": 1}
    assert rows(report, "preservation.themes") == [("辣子鸡工艺", 1)]
    assert rows(report, "preservation.reviewed") == [(1, 3, 33.3)]
    assert rows(report, "preservation.consent") == [
        ("仅存档（协作者可听）", 3, 0),
        ("公开展示", 3, 0),
        ("商业品牌使用", 3, 0),
    ]
    assert [(title, shelf) for title, _day, shelf in rows(report, "reuse.approved")] == [
        ("品牌包kit-a", "是"),
        ("品牌包kit-b", "是"),
    ]
    assert rows(report, "reuse.sellers") == [("卖家甲", 3), ("卖家乙", 1)]
    assert rows(report, "reuse.platforms") == [("taobao", 3), ("douyin", 1), ("pinduoduo", 1)]
    last_week = (village["monday"] - timedelta(days=7)).isoformat()
    assert rows(report, "reuse.scans") == [
        ("品牌包kit-a", last_week, 2),
        ("品牌包kit-a", village["monday"].isoformat(), 4),
        ("品牌包kit-b", village["monday"].isoformat(), 3),
    ]
    coauthors = {title: (n, set(names.split("、"))) for title, n, names in rows(report, "collaboration.kits")}
    assert coauthors == {"品牌包kit-a": (3, {"王家", "李家", "陈家"}), "品牌包kit-b": (3, {"赵家", "王家", "陈家"})}
    network = report.figure("collaboration.network")
    edges = {frozenset((a, b)): n for a, b, n, _new in network.rows}
    assert edges == {
        frozenset(("王家", "李家")): 1,
        frozenset(("王家", "陈家")): 2,
        frozenset(("李家", "陈家")): 1,
        frozenset(("王家", "赵家")): 1,
        frozenset(("赵家", "陈家")): 1,
    }
    assert network.reading == "5 对农户一起做过品牌包，其中 5 对是本期新开始合作的。"
    # quotes 王 3, 李 1, 赵 1 of 5; kits split per kit: 王 ½+½, 李 ½, 赵 ½ of 2;
    # downloads: A ×3 split 王/李, B ×1 split 赵/王 → 王 2, 李 1.5, 赵 0.5 of 4.
    assert rows(report, "fairness.shares") == [
        ("王家", 3.0, 60.0, 1.0, 50.0, 2.0, 50.0),
        ("李家", 1.0, 20.0, 0.5, 25.0, 1.5, 37.5),
        ("赵家", 1.0, 20.0, 0.5, 25.0, 0.5, 12.5),
        ("孙家", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        ("陈家", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    ]
    # Gini over five households: quotes [3,1,1,0,0] → 28/50; kits [1,½,½,0,0] → 10/20; downloads [2,1.5,.5,0,0] → 22/40.
    assert rows(report, "fairness.gini") == [("引用", 0.56, 5), ("品牌包", 0.5, 5), ("下载", 0.55, 5)]
    assert "高度集中" in report.figure("fairness.gini").reading


def test_gini_of_equal_and_of_one_takes_all():
    assert gini([2, 2, 2]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([]) == 0.0


def test_the_charts_draw_exactly_the_figures_series(village):
    report = report_of(village)
    sellers = report.figure("reuse.sellers")
    assert sellers.labels == ["卖家甲", "卖家乙"] and sellers.series == {"下载次数": [3, 1]}
    svg = render_svg(sellers)
    assert svg.startswith("<svg") and "卖家甲" in svg and "<script" not in svg
    scans = report.figure("reuse.scans")
    assert scans.series["品牌包kit-a"][-2:] == [2, 4] and scans.series["品牌包kit-b"][-1] == 3
    assert sum(scans.series["品牌包kit-b"]) == 3  # the scans before the period are not drawn
    network = render_svg(report.figure("collaboration.network"))
    assert network.count("<line") == 5 and network.count("<circle") == 4


def test_the_command_writes_a_pdf_that_reads_back_and_the_csv_behind_it(village, tmp_path):
    call_command(
        "impact_report",
        "--since",
        village["since"].isoformat(),
        "--until",
        village["until"].isoformat(),
        "--out",
        tmp_path,
    )
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    squeezed = "".join(text.split())
    for expected in ("成效报告", "怎么算", "卖家甲", "基尼系数0.56", "王家", "5对农户一起做过品牌包"):
        assert expected in squeezed, expected
    with open(tmp_path / "report.csv", encoding="utf-8-sig") as handle:
        cells = list(csv.DictReader(handle))
    shares = {(c["行"], c["列"]): c["值"] for c in cells if c["图表"] == "fairness.shares"}
    assert shares[("1", "农户")] == "王家" and shares[("2", "下载份额（%）")] == "37.5"
    assert {c["图表"] for c in cells} >= {"participation.summary", "reuse.scans", "collaboration.network"}


def test_a_withdrawn_narrator_leaves_the_public_counts_but_stays_in_the_history(
    village, django_capture_on_commit_callbacks, tmp_path
):
    li = village["narrators"]["李桂兰"]
    with django_capture_on_commit_callbacks(execute=True):
        consent = li.consents.get(scope="commercial")
        consent.withdrawn_at = timezone.now() - timedelta(minutes=1)
        consent.save()
    kit_a, _kit_b = village["kits"]
    kit_a.refresh_from_db()
    assert not kit_a.live
    report = report_of(village)
    shares = {row[0]: row[1] for row in rows(report, "fairness.shares")}
    assert shares["李家"] == 0.0 and shares["王家"] == 3.0 and sum(shares.values()) == 4.0
    assert ("品牌包kit-a", "否") in [(t, s) for t, _d, s in rows(report, "reuse.approved")]
    assert rows(report, "preservation.consent")[2] == ("商业品牌使用", 2, 1)
    # The facilitators' history keeps her words, the kit they were in, and what pulled it.
    history = statement(li)
    (use,) = history.uses
    assert use.kit == kit_a and [q.text for q in use.quotes] == ["腊月里舂辣椒。"] and not use.on_shelf
    (withdrawal,) = history.withdrawals
    assert [kit for kit, _when, _reason in withdrawal.pulled] == [kit_a]
    call_command("narrator_statement", "李桂兰", "--out", tmp_path)
    (pdf,) = tmp_path.glob("*.pdf")
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "腊月里舂辣椒" in text and "已下架" in text and "撤回“商业品牌使用”" in text


def test_the_statement_lists_quotes_downloads_scans_and_what_was_promised(village, tmp_path):
    wang = village["narrators"]["王秀英"]
    kit_a, kit_b = village["kits"]
    f.benefit_agreement(kit_a, ("family", wang, "per_jar", "0.50"), ("village_fund", None, "lump_sum", "1200"))
    history = statement(wang)
    uses = {use.kit.slug: use for use in history.uses}
    assert (uses["kit-a"].downloads, uses["kit-a"].scans, len(uses["kit-a"].quotes)) == (3, 6, 2)
    assert (uses["kit-b"].downloads, uses["kit-b"].scans, len(uses["kit-b"].quotes)) == (1, 53, 1)
    assert [t.amount for t in uses["kit-a"].terms] == [Decimal("0.50"), Decimal("1200.00")]
    call_command("narrator_statement", "王秀英", "--out", tmp_path)
    (pdf,) = tmp_path.glob("*.pdf")
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    for expected in ("王秀英", "品牌包kit-a", "卖家下载了3次", "扫码听故事6次", "人民币伍角", "人民币壹仟贰佰元整"):
        assert expected in text, expected
    assert "还没有登记利益分享约定" in text  # kit B


def test_a_withdrawal_is_credited_to_the_narrator_it_concerns_not_to_one_named_in_a_quote(
    village, django_capture_on_commit_callbacks
):
    """李桂兰 quotes 王秀英 by name; when 李桂兰 withdraws, the kit's pull is hers alone, even
    though 王秀英 withdrew (and re-gave) a consent of her own before and her name is in the reason."""
    from heritage.models import Consent, FamilyMemoryPage

    wang, li = village["narrators"]["王秀英"], village["narrators"]["李桂兰"]
    facilitator = f.facilitator()
    memory = f.item(
        village["index"], FamilyMemoryPage, narrators=[li], title="舂辣椒", body="<p>王秀英教我舂辣椒。</p>"
    )
    recipe = village["recipes"]["王"]
    kit_c = _kit(
        "kit-c",
        [from_memory_paragraph(memory.pk, 1, facilitator), from_recipe_step(recipe.pk, 1, facilitator)],
        None,
        facilitator,
    )
    Consent.objects.create(
        narrator=wang,
        scope="public",
        method="spoken",
        given_at=timezone.now() - timedelta(days=60),
        withdrawn_at=timezone.now() - timedelta(days=40),
    )
    with django_capture_on_commit_callbacks(execute=True):
        consent = li.consents.get(scope="commercial")
        consent.withdrawn_at = timezone.now() - timedelta(minutes=1)
        consent.save()
    kit_c.refresh_from_db()
    assert not kit_c.live and "王秀英教我舂辣椒" in kit_c.withdrawn_reason
    (wang_withdrawal,) = statement(wang).withdrawals
    assert wang_withdrawal.pulled == []
    (li_withdrawal,) = statement(li).withdrawals
    assert kit_c in [kit for kit, _when, _reason in li_withdrawal.pulled]
