"""Every database read behind the impact report and the narrator statement, in one place.

Each function returns plain facts (``ledger.metrics`` dataclasses or dicts); the
arithmetic lives in ``metrics`` and never touches the database.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth.models import Group
from django.db.models import Q, Sum
from django.utils import timezone
from wagtail.models import ModelLogEntry

from heritage.consent import Audience, Purpose, missing_consent
from heritage.items import item_models
from heritage.models import Consent, ConsentScope, Narrator, OralHistoryPage
from heritage.roles import GROUP_NAMES, LABELS
from media.models import AudioRecording, TranscriptSegment
from stories.models import BrandKit, KitSnippet, Workshop
from stories.shelf import on_shelf
from stories.withdrawal import WITHDRAWN_ACTION

from .metrics import DownloadFact, KitFacts, QuoteUse, ReportFacts, ScanFact
from .models import BenefitAgreement, Household, HouseholdMember, KitDownload, QrScan


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _local(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def households() -> tuple[dict[str, str], dict[int, str], dict[int, str]]:
    """(household key → name, narrator id → key, user id → key)."""
    names = {f"h{pk}": name for pk, name in Household.objects.values_list("pk", "name")}
    narrators, users = {}, {}
    for household_id, narrator_id, user_id in HouseholdMember.objects.values_list("household", "narrator", "user"):
        if narrator_id:
            narrators[narrator_id] = f"h{household_id}"
        if user_id:
            users[user_id] = f"h{household_id}"
    return names, narrators, users


def approved_kits():
    """Kits a facilitator has approved at least once (live now or withdrawn since)."""
    return BrandKit.objects.exclude(first_published_at=None).select_related("workshop")


def quote_uses() -> list[QuoteUse]:
    """Every snippet in every approved kit, as the kit was last approved, with whether its
    narrators still hold the consent selling needs (one consent rule: heritage.consent)."""
    links = list(
        KitSnippet.objects.filter(kit__in=approved_kits())
        .select_related("snippet")
        .prefetch_related("snippet__narrators")
    )
    narrators = {n.pk for link in links for n in link.snippet.narrators.all()}
    lacking = {n for n, _scope in missing_consent(narrators, Purpose.COMMERCIAL, Audience.PUBLIC)}
    return [
        QuoteUse(
            snippet_id=link.snippet_id,
            kit_id=link.kit_id,
            narrator_ids=tuple(sorted(n.pk for n in link.snippet.narrators.all())),
            public=not any(n.pk in lacking for n in link.snippet.narrators.all()),
        )
        for link in links
    ]


def kit_facts() -> list[KitFacts]:
    kits = list(approved_kits())
    participants = defaultdict(list)
    through = Workshop.participants.through
    for workshop_id, user_id in through.objects.filter(
        workshop_id__in={k.workshop_id for k in kits if k.workshop_id}
    ).values_list("workshop_id", "user_id"):
        participants[workshop_id].append(user_id)
    return [
        KitFacts(
            kit_id=kit.pk,
            title=kit.title,
            approved_on=_local(kit.first_published_at),
            on_shelf=on_shelf(kit),
            participant_ids=tuple(sorted(participants.get(kit.workshop_id, ()))),
        )
        for kit in kits
    ]


def _seller_name(user) -> str:
    return str(user) if user is not None else "（已注销的账号）"


def downloads(since: date, until: date) -> list[DownloadFact]:
    rows = KitDownload.objects.filter(downloaded_at__range=(_start(since), _end(until))).select_related("seller")
    return [DownloadFact(d.kit_id, _seller_name(d.seller), tuple(d.platforms), _local(d.downloaded_at)) for d in rows]


def scans(since: date, until: date) -> list[ScanFact]:
    return [
        ScanFact(kit, day, count)
        for kit, day, count in QrScan.objects.filter(day__range=(since, until)).values_list("kit", "day", "count")
    ]


def workshop_people_by_role(workshops) -> dict[str, int]:
    """Distinct participants of these workshops, counted once per role they hold."""
    people = set(Workshop.participants.through.objects.filter(workshop__in=workshops).values_list("user_id", flat=True))
    role_of_group = {name: str(LABELS[role]) for role, name in GROUP_NAMES.items()}
    counts: Counter = Counter()
    seen = set()
    for user_id, group in Group.user_set.through.objects.filter(user_id__in=people).values_list(
        "user_id", "group__name"
    ):
        if group in role_of_group and (user_id, group) not in seen:
            seen.add((user_id, group))
            counts[role_of_group[group]] += 1
    without = len(people - {u for u, _g in seen})
    if without:
        counts["（未分配角色）"] = without
    return dict(counts)


def participation(since: date, until: date) -> dict:
    period = (_start(since), _end(until))
    recordings = AudioRecording.objects.filter(uploaded_at__range=period).exclude(station__kind="consent")
    elders = (
        OralHistoryPage.objects.filter(recording__in=recordings)
        .values_list("narrator_links__narrator", flat=True)
        .distinct()
    )
    workshops = Workshop.objects.filter(date__range=(since, until))
    return {
        "elders_recorded": len({n for n in elders if n is not None}),
        "audio_seconds": recordings.aggregate(total=Sum("duration"))["total"] or 0.0,
        "workshop_people_by_role": workshop_people_by_role(workshops),
        "sessions": workshops.count(),
    }


def preservation(since: date, until: date) -> dict:
    by_kind, by_theme = {}, Counter()
    for model in item_models():
        pages = model.objects.live().filter(first_published_at__lte=_end(until))
        by_kind[str(model._meta.verbose_name)] = pages.count()
        by_theme.update(name for name in pages.values_list("themes__name", flat=True) if name)
    segments = TranscriptSegment.objects.all()
    states = {}
    for scope in ConsentScope:
        active = Consent.objects.active().filter(scope=scope).values("narrator").distinct().count()
        withdrawn = Consent.objects.filter(scope=scope, withdrawn_at__range=(_start(since), _end(until))).count()
        states[str(scope.label)] = (active, withdrawn)
    return {
        "items_by_kind": by_kind,
        "items_by_theme": dict(by_theme),
        "segments_total": segments.count(),
        "segments_reviewed": segments.filter(reviewed=True).count(),
        "consent_states": states,
    }


def report_facts(since: date, until: date) -> ReportFacts:
    names, narrator_household, user_household = households()
    kits = kit_facts()
    return ReportFacts(
        since=since,
        until=until,
        households=names,
        narrator_household=narrator_household,
        user_household=user_household,
        quotes=quote_uses(),
        kits=kits,
        downloads=downloads(since, until),
        scans=scans(since, until),
        kit_titles={k.kit_id: k.title for k in kits},
        **participation(since, until),
        **preservation(since, until),
    )


# The narrator statement --------------------------------------------------------------


@dataclass
class KitUse:
    kit: BrandKit
    quotes: list  # StorySnippet
    on_shelf: bool
    downloads: int
    scans: int
    terms: list  # BenefitTerm rows that concern this narrator, their family or the village fund
    agreement: BenefitAgreement | None


@dataclass
class Withdrawal:
    consent: Consent
    pulled: list = field(default_factory=list)  # (kit, when, reason)


@dataclass
class Statement:
    narrator: Narrator
    consents: list
    uses: list[KitUse]
    withdrawals: list[Withdrawal]
    today: date


def find_narrator(name: str) -> Narrator | None:
    return (
        Narrator.objects.filter(Q(name=name) | Q(credit_name=name)).first()
        or Narrator.objects.filter(name__contains=name).first()
    )


def statement(narrator: Narrator) -> Statement:
    """Everything a narrator's words did: every quote in every approved kit (withdrawn ones
    too: this is the facilitators' history), downloads and scans, and what was promised."""
    links = (
        KitSnippet.objects.filter(kit__in=approved_kits(), snippet__narrators=narrator)
        .select_related("snippet__page", "kit")
        .order_by("kit__title", "sort_order")
    )
    by_kit: dict[int, list] = defaultdict(list)
    kits = {}
    for link in links:
        by_kit[link.kit_id].append(link.snippet)
        kits[link.kit_id] = link.kit
    download_counts = Counter(KitDownload.objects.filter(kit__in=kits).values_list("kit", flat=True))
    scan_counts = dict(
        QrScan.objects.filter(kit__in=kits).values("kit").annotate(n=Sum("count")).values_list("kit", "n")
    )
    uses = []
    for kit_id, kit in kits.items():
        agreement = BenefitAgreement.objects.current_for(kit_id)
        terms = (
            [t for t in agreement.terms.select_related("narrator") if t.narrator_id in (None, narrator.pk)]
            if agreement
            else []
        )
        uses.append(
            KitUse(
                kit,
                by_kit[kit_id],
                on_shelf(kit),
                download_counts[kit_id],
                scan_counts.get(kit_id, 0),
                terms,
                agreement,
            )
        )
    return Statement(
        narrator, list(narrator.consents.order_by("given_at")), uses, withdrawals(narrator, kits), timezone.localdate()
    )


def withdrawals(narrator: Narrator, kits: dict) -> list[Withdrawal]:
    """Each withdrawn consent, with the kits withdrawal pulled from the shelf: the kits
    quoting this narrator whose withdrawal log (stories.withdrawal) records them."""
    entries = list(
        ModelLogEntry.objects.filter(action=WITHDRAWN_ACTION, object_id__in=[str(pk) for pk in kits]).order_by(
            "timestamp"
        )
    )
    result = [Withdrawal(c) for c in narrator.consents.exclude(withdrawn_at=None).order_by("withdrawn_at", "pk")]
    for entry in entries:
        reason = entry.data.get("reason", "")
        if not result or not _pulled_by(entry.data, narrator):
            continue
        # The withdrawal that pulled the kit: the last one recorded before the kit left the shelf.
        before = [w for w in result if w.consent.withdrawn_at <= entry.timestamp]
        (before[-1] if before else result[0]).pulled.append((kits[int(entry.object_id)], entry.timestamp, reason))
    return result


def _pulled_by(data: dict, narrator: Narrator) -> bool:
    if "narrators" in data:
        return narrator.pk in data["narrators"]
    # Log entries written before the ids were recorded name the narrator only in the reason.
    return narrator.credited_as in data.get("reason", "")
