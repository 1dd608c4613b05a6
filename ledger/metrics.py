"""The impact report's arithmetic: plain functions over plain facts, no Django.

``ledger.queries`` reads the database into :class:`ReportFacts`; :func:`build_report`
turns them into figures, each saying how it is computed and holding the rows behind it
(the CSV writes exactly these rows; the charts draw exactly these series).

Counting rules, stated once:

* A quote is one snippet in one approved kit. Only quotes whose narrators all still hold
  the consent commercial use needs are counted in the report ("public" quotes); a
  withdrawn narrator's words stay in the facilitators' history (the narrator statement).
* A household's share of a quote, kit or download is split equally among the households
  that quote stands for, so shares add up to the whole. A narrator not registered in a
  household counts as a household of their own.
* The Gini coefficient is computed over every registered household (and every narrator
  quoted without one), including those with nothing: zero is part of the picture.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from itertools import combinations


@dataclass(frozen=True)
class QuoteUse:
    snippet_id: int
    kit_id: int
    narrator_ids: tuple[int, ...]
    public: bool  # every narrator holds public display and commercial consent now


@dataclass(frozen=True)
class KitFacts:
    kit_id: int
    title: str
    approved_on: date | None  # first approval; None: never approved
    on_shelf: bool
    participant_ids: tuple[int, ...] = ()  # villager accounts of the kit's workshop and snippet makers


@dataclass(frozen=True)
class DownloadFact:
    kit_id: int
    seller: str
    platforms: tuple[str, ...]
    day: date


@dataclass(frozen=True)
class ScanFact:
    kit_id: int
    day: date
    count: int


@dataclass
class ReportFacts:
    since: date
    until: date
    households: dict[str, str]  # key → name ("h12" registered, "n5" a narrator without household)
    narrator_household: dict[int, str]
    user_household: dict[int, str]
    quotes: list[QuoteUse]
    kits: list[KitFacts]
    downloads: list[DownloadFact]  # within the period
    scans: list[ScanFact]  # within the period
    elders_recorded: int
    audio_seconds: float
    workshop_people_by_role: dict[str, int]
    sessions: int
    items_by_kind: dict[str, int]
    items_by_theme: dict[str, int]
    segments_total: int
    segments_reviewed: int
    consent_states: dict[str, tuple[int, int]]  # scope label → (active now, withdrawn in period)
    kit_titles: dict[int, str] = field(default_factory=dict)


@dataclass
class Figure:
    key: str
    section: str
    title: str
    how: str  # how the number is computed, in words a reader can check
    columns: tuple[str, ...]
    rows: list[tuple]
    chart: str = ""  # "bar", "pie", "line" or "" (table only)
    series: dict[str, list] = field(default_factory=dict)  # what the chart draws: name → values
    labels: list[str] = field(default_factory=list)  # x labels of the chart
    reading: str = ""  # a sentence for a village meeting


@dataclass
class Report:
    since: date
    until: date
    figures: list[Figure]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def gini(values) -> float:
    """Mean absolute difference over twice the mean (0: everyone equal; near 1: one has all)."""
    values = [Fraction(v) for v in values]
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    difference = sum(abs(a - b) for a in values for b in values)
    return float(difference / (2 * n * total))


def gini_reading(value: float, shares: dict[str, float]) -> str:
    if value < 0.2:
        words = "很平均：各户得到的差不多"
    elif value < 0.35:
        words = "比较平均，有些差距"
    elif value < 0.5:
        words = "差距较大：一部分农户得到的明显多"
    else:
        words = "高度集中：少数几户得到了大部分"
    ranked = sorted(shares.values(), reverse=True)
    top = max(1, round(len(ranked) * 0.2))
    top_share = sum(ranked[:top])
    return f"基尼系数 {value:.2f}，{words}。得到最多的 {top} 户占 {top_share:.0%}（共 {len(ranked)} 户）。"


def _percent(part, whole) -> float:
    return round(float(100 * part / whole), 1) if whole else 0.0


def household_of_narrator(facts: ReportFacts, narrator_id: int) -> str:
    return facts.narrator_household.get(narrator_id, f"n{narrator_id}")


def _split(keys) -> dict[str, Fraction]:
    keys = sorted(set(keys))
    return {k: Fraction(1, len(keys)) for k in keys} if keys else {}


def public_quotes(facts: ReportFacts) -> list[QuoteUse]:
    approved = {k.kit_id for k in facts.kits if k.approved_on is not None}
    return [q for q in facts.quotes if q.public and q.kit_id in approved]


def kit_households(facts: ReportFacts) -> dict[int, set[str]]:
    """The households co-authoring each kit: those of its (public) quoted narrators and of
    the villagers who made it in the workshop."""
    households: dict[int, set[str]] = {k.kit_id: set() for k in facts.kits}
    for quote in public_quotes(facts):
        households[quote.kit_id] |= {household_of_narrator(facts, n) for n in quote.narrator_ids}
    for kit in facts.kits:
        households[kit.kit_id] |= {facts.user_household[u] for u in kit.participant_ids if u in facts.user_household}
    return households


def quoted_households(facts: ReportFacts) -> dict[int, set[str]]:
    """The households whose words each kit quotes (public quotes only)."""
    quoted: dict[int, set[str]] = defaultdict(set)
    for quote in public_quotes(facts):
        quoted[quote.kit_id] |= {household_of_narrator(facts, n) for n in quote.narrator_ids}
    return quoted


def all_households(facts: ReportFacts) -> dict[str, str]:
    names = dict(facts.households)
    for quote in public_quotes(facts):
        for n in quote.narrator_ids:
            names.setdefault(household_of_narrator(facts, n), f"讲述人 {n}（未登记农户）")
    return names


def _in_period(facts: ReportFacts, day: date | None) -> bool:
    return day is not None and facts.since <= day <= facts.until


def weeks(since: date, until: date) -> list[date]:
    start = since - timedelta(days=since.weekday())
    return [start + timedelta(weeks=n) for n in range((until - start).days // 7 + 1)]


def participation(facts: ReportFacts) -> list[Figure]:
    roles = sorted(facts.workshop_people_by_role.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        Figure(
            "participation.summary",
            "参与",
            "参与概况",
            "录音的老人：本期上传的录音所属口述历史里的讲述人，每人计一次；录音时长：本期上传录音的时长之和；"
            "工作坊场次：本期举办的共创工作坊数。",
            ("指标", "数值"),
            [
                ("录音的老人（人）", facts.elders_recorded),
                ("录音时长（小时）", round(facts.audio_seconds / 3600, 2)),
                ("工作坊场次", facts.sessions),
            ],
        ),
        Figure(
            "participation.roles",
            "参与",
            "工作坊参与的村民（按角色）",
            "本期工作坊的参加者，按账号角色计数；同一人每种角色计一次，跨场次不重复。",
            ("角色", "人数"),
            roles,
            chart="bar",
            labels=[r for r, _n in roles],
            series={"人数": [n for _r, n in roles]},
        ),
    ]


def preservation(facts: ReportFacts) -> list[Figure]:
    kinds = sorted(facts.items_by_kind.items(), key=lambda kv: (-kv[1], kv[0]))
    themes = sorted(facts.items_by_theme.items(), key=lambda kv: (-kv[1], kv[0]))
    reviewed = _percent(facts.segments_reviewed, facts.segments_total)
    consents = [(scope, active, withdrawn) for scope, (active, withdrawn) in facts.consent_states.items()]
    return [
        Figure(
            "preservation.kinds",
            "保存",
            "档案条目（按类型）",
            "截至期末已发布的口述历史、菜谱和家庭记忆页面，按类型计数。",
            ("类型", "条目数"),
            kinds,
            chart="pie",
            labels=[k for k, _n in kinds],
            series={"条目数": [n for _k, n in kinds]},
        ),
        Figure(
            "preservation.themes",
            "保存",
            "档案条目（按主题）",
            "截至期末已发布的条目，按主题计数；一个条目可属于几个主题。",
            ("主题", "条目数"),
            themes,
            chart="bar",
            labels=[t for t, _n in themes],
            series={"条目数": [n for _t, n in themes]},
        ),
        Figure(
            "preservation.reviewed",
            "保存",
            "转写校对",
            "已由人校对的转写句段 ÷ 全部转写句段（截至期末）。",
            ("已校对句段", "全部句段", "校对比例（%）"),
            [(facts.segments_reviewed, facts.segments_total, reviewed)],
            reading=f"{reviewed:.1f}% 的转写句段已经有人核对过。",
        ),
        Figure(
            "preservation.consent",
            "保存",
            "同意状态",
            "每种同意范围：现在有效的讲述人数；本期撤回的同意记录数。",
            ("范围", "有效（人）", "本期撤回（条）"),
            consents,
            chart="bar",
            labels=[c[0] for c in consents],
            series={"有效": [c[1] for c in consents], "本期撤回": [c[2] for c in consents]},
        ),
    ]


def reuse(facts: ReportFacts) -> list[Figure]:
    approved = [k for k in facts.kits if _in_period(facts, k.approved_on)]
    by_seller = Counter(d.seller for d in facts.downloads)
    by_platform = Counter(p for d in facts.downloads for p in d.platforms)
    sellers = sorted(by_seller.items(), key=lambda kv: (-kv[1], kv[0]))
    platforms = sorted(by_platform.items(), key=lambda kv: (-kv[1], kv[0]))
    # The chart starts at the first week with a scan: a year's empty weeks say nothing.
    first_scan = min((s.day for s in facts.scans), default=facts.until)
    scan_weeks = weeks(max(facts.since, first_scan), facts.until)
    per_kit: dict[int, Counter] = defaultdict(Counter)
    for scan in facts.scans:
        per_kit[scan.kit_id][scan.day - timedelta(days=scan.day.weekday())] += scan.count
    titles = facts.kit_titles or {k.kit_id: k.title for k in facts.kits}
    scan_rows = [
        (titles.get(kit_id, str(kit_id)), week.isoformat(), counts[week])
        for kit_id, counts in sorted(per_kit.items())
        for week in scan_weeks
        if counts[week]
    ]
    return [
        Figure(
            "reuse.approved",
            "流通",
            "审核通过的品牌包",
            "本期第一次经协作者审核发布的品牌包；“在架上”指现在仍可下载。",
            ("品牌包", "审核日期", "在架上"),
            [(k.title, k.approved_on.isoformat(), "是" if k.on_shelf else "否") for k in approved],
            reading=f"本期审核通过 {len(approved)} 个品牌包。",
        ),
        Figure(
            "reuse.sellers",
            "流通",
            "下载次数（按卖家）",
            "本期每次下载品牌包压缩包计一次，按下载的账号分。",
            ("卖家", "下载次数"),
            sellers,
            chart="bar",
            labels=[s for s, _n in sellers],
            series={"下载次数": [n for _s, n in sellers]},
        ),
        Figure(
            "reuse.platforms",
            "流通",
            "下载次数（按平台）",
            "本期每次下载里包含某平台的图片文件，该平台计一次。",
            ("平台", "下载次数"),
            platforms,
            chart="bar",
            labels=[p for p, _n in platforms],
            series={"下载次数": [n for _p, n in platforms]},
        ),
        Figure(
            "reuse.scans",
            "流通",
            "扫码听故事（每个品牌包，按周）",
            "标签二维码带有品牌包的来源标记；故事页以该标记打开一次计一次。只计次数，不记录访客的任何信息。"
            "按周（周一开始）相加。",
            ("品牌包", "周", "扫码次数"),
            scan_rows,
            chart="line",
            labels=[w.isoformat() for w in scan_weeks],
            series={
                titles.get(kit_id, str(kit_id)): [counts[w] for w in scan_weeks] for kit_id, counts in per_kit.items()
            },
            reading=f"本期共扫码 {sum(s.count for s in facts.scans)} 次。",
        ),
    ]


def collaboration(facts: ReportFacts) -> list[Figure]:
    names = all_households(facts)
    households = kit_households(facts)
    approved = [k for k in facts.kits if k.approved_on is not None and k.approved_on <= facts.until]
    rows = [
        (k.title, len(households[k.kit_id]), "、".join(sorted(names[h] for h in households[k.kit_id])))
        for k in approved
    ]
    pairs: Counter = Counter()
    earlier: set = set()
    for kit in approved:
        kit_pairs = set(combinations(sorted(households[kit.kit_id]), 2))
        pairs.update(kit_pairs)
        if kit.approved_on < facts.since:
            earlier |= kit_pairs
    new_pairs = [p for p in pairs if p not in earlier]
    edge_rows = [(names[a], names[b], n, "是" if (a, b) in new_pairs else "") for (a, b), n in sorted(pairs.items())]
    return [
        Figure(
            "collaboration.kits",
            "合作",
            "共同创作每个品牌包的农户数",
            "一个品牌包的共同作者农户：被引用讲述人所在的户，加上做这个品牌包的工作坊村民所在的户，不重复计数。",
            ("品牌包", "农户数", "农户"),
            rows,
            chart="bar",
            labels=[r[0] for r in rows],
            series={"农户数": [r[1] for r in rows]},
        ),
        Figure(
            "collaboration.network",
            "合作",
            "谁和谁一起做过品牌包",
            "两户共同出现在同一个审核通过的品牌包里，就连一条线；数字是一起做过的品牌包数。"
            "“新合作”指本期之前没有一起做过的两户。",
            ("农户甲", "农户乙", "一起做的品牌包", "新合作"),
            edge_rows,
            chart="network",
            labels=sorted({names[h] for pair in pairs for h in pair}),
            series={"edges": [(names[a], names[b], n) for (a, b), n in sorted(pairs.items())]},
            reading=f"{len(pairs)} 对农户一起做过品牌包，其中 {len(new_pairs)} 对是本期新开始合作的。",
        ),
    ]


def fairness(facts: ReportFacts) -> list[Figure]:
    names = all_households(facts)
    quotes: dict[str, Fraction] = {h: Fraction(0) for h in names}
    kits: dict[str, Fraction] = {h: Fraction(0) for h in names}
    downloads: dict[str, Fraction] = {h: Fraction(0) for h in names}
    for quote in public_quotes(facts):
        for h, part in _split(household_of_narrator(facts, n) for n in quote.narrator_ids).items():
            quotes[h] += part
    quoted = quoted_households(facts)
    for households in quoted.values():
        for h, part in _split(households).items():
            kits[h] += part
    for download in facts.downloads:
        for h, part in _split(quoted.get(download.kit_id, ())).items():
            downloads[h] += part
    totals = {"quotes": sum(quotes.values()), "kits": sum(kits.values()), "downloads": sum(downloads.values())}
    order = sorted(names, key=lambda h: (-downloads[h], -quotes[h], names[h]))
    rows = [
        (
            names[h],
            round(float(quotes[h]), 2),
            _percent(quotes[h], totals["quotes"]),
            round(float(kits[h]), 2),
            _percent(kits[h], totals["kits"]),
            round(float(downloads[h]), 2),
            _percent(downloads[h], totals["downloads"]),
        )
        for h in order
    ]
    figures = [
        Figure(
            "fairness.shares",
            "公平",
            "各户所占份额：引用、品牌包、下载",
            "一条引用（或一个品牌包、一次下载）平均分给它涉及的农户；份额 = 该户所得 ÷ 总数。"
            "只计讲述人现在仍同意商业使用的引用。",
            ("农户", "引用", "引用份额（%）", "品牌包", "品牌包份额（%）", "下载", "下载份额（%）"),
            rows,
            chart="bar",
            labels=[r[0] for r in rows],
            series={"引用份额（%）": [r[2] for r in rows], "下载份额（%）": [r[6] for r in rows]},
        )
    ]
    gini_rows = []
    readings = []
    for key, label, values in (("quotes", "引用", quotes), ("kits", "品牌包", kits), ("downloads", "下载", downloads)):
        value = round(gini(values.values()), 3)
        shares = {h: float(v / totals[key]) if totals[key] else 0.0 for h, v in values.items()}
        gini_rows.append((label, value, len(values)))
        readings.append(f"{label}：{gini_reading(value, shares)}")
    figures.append(
        Figure(
            "fairness.gini",
            "公平",
            "集中程度（基尼系数）",
            "基尼系数 = 各户两两之差的绝对值之和 ÷（2 × 户数² × 平均值）。0 表示各户完全一样，"
            "越接近 1 表示越集中在少数几户；没有得到的农户按 0 计入。",
            ("按什么算", "基尼系数", "户数"),
            gini_rows,
            reading="\n".join(readings),
        )
    )
    return figures


def build_report(facts: ReportFacts) -> Report:
    return Report(
        facts.since,
        facts.until,
        participation(facts) + preservation(facts) + reuse(facts) + collaboration(facts) + fairness(facts),
    )
