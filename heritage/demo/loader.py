"""Build the demo archive. Running it again changes nothing that is already there."""

import hashlib
import json
import secrets
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from media.ingest import ingest
from media.models import AudioRecording, Transcript, TranscriptSegment

from .. import consent_log
from ..models import (
    FamilyMemoryPage,
    GlossaryTerm,
    HeritageIndexPage,
    HomePage,
    MemoryNarrator,
    Narrator,
    OralHistoryNarrator,
    OralHistoryPage,
    RecipeNarrator,
    RecipePage,
    Theme,
    User,
)
from ..roles import Role, grant
from . import content

AUDIO_DIR = Path(__file__).resolve().parent / "audio"
# Consent dates are fixed so the demo reads the same every time it is built.
CONSENT_GIVEN = timezone.make_aware(datetime(2026, 10, 1, 10, 0))
CONSENT_WITHDRAWN = timezone.make_aware(datetime(2026, 11, 2, 9, 0))


def demo_password(name: str) -> str:
    """A password made once per machine and kept in the data folder (never in the code)."""
    path = Path(settings.DATA_DIR) / f"demo-{name}-password.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


DEMO_ACCOUNTS = {
    # username: (display name, superuser, roles)
    "admin": ("协作者（演示）", True, ()),
    "villager": ("村民（演示）", False, (Role.COMMUNITY, Role.PARTICIPANT)),
    "seller": ("电商卖家（演示）", False, (Role.SELLER,)),
}


def ensure_accounts() -> dict[str, str]:
    logins = {}
    for username, (display_name, superuser, roles) in DEMO_ACCOUNTS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": superuser, "is_superuser": superuser, "display_name": display_name}
        )
        if created:
            user.set_password(demo_password(username))
            user.save()
        grant(user, *roles)
        logins[username] = demo_password(username)
    return logins


def ensure_site() -> tuple[HomePage, HeritageIndexPage]:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="立碑村味道记忆",
                slug="libei",
                intro="<p>贵州第一个“淘宝村”立碑村，老人们讲阳朗辣子鸡的来历、做法和一家人的记忆。"
                "这里的每一个故事，都经过讲述人本人同意才公开。</p>",
            )
        )
        base_url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        old_root = site.root_page if site.pk else None
        site.root_page = home
        site.site_name = "立碑村味道记忆"
        site.hostname = base_url.hostname or "localhost"
        site.port = base_url.port or (443 if base_url.scheme == "https" else 80)
        site.save()
        # Wagtail's placeholder welcome page has nothing of ours on it.
        if old_root is not None and type(old_root.specific) is Page and old_root.pk != home.pk:
            old_root.delete()
    index = HeritageIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=HeritageIndexPage(
                title="味道记忆档案",
                slug="archive",
                intro="<p>口述历史、家传菜谱和家族记忆。可以按类型、主题、讲述人和年代筛选。</p>",
            )
        )
    return home, index


def ensure_themes() -> dict[str, Theme]:
    themes = {}
    for name, slug, description in content.THEMES:
        themes[slug], _ = Theme.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    return themes


def ensure_glossary() -> None:
    for term, kind, priority, note in content.GLOSSARY:
        GlossaryTerm.objects.get_or_create(term=term, defaults={"kind": kind, "priority": priority, "note": note})


def ensure_narrators(witness: User) -> dict[str, Narrator]:
    narrators = {}
    for spec in content.NARRATORS:
        narrator = Narrator.objects.filter(name=spec["name"], is_demo=True).first()
        if narrator is None:
            narrator = Narrator.objects.create(
                name=spec["name"],
                birth_year=spec["birth_year"],
                dialect=spec["dialect"],
                biography=spec["biography"],
                is_demo=True,
            )
            # Through the consent log, like the admin and the station: the demo's history is logged too.
            for scope, method, withdrawal in spec["consents"]:
                consent = consent_log.grant(
                    narrator, scope, method=method, by=witness, source="demo", given_at=CONSENT_GIVEN
                )
                if withdrawal:
                    consent_log.withdraw(consent, by=witness, source="demo", at=CONSENT_WITHDRAWN, note=withdrawal)
        narrators[spec["name"]] = narrator
    return narrators


def ensure_recording(slug: str, script: dict, reviewed: bool, user: User) -> AudioRecording:
    audio_path = AUDIO_DIR / f"{slug}.ogg"
    title = script["title"]
    sha = hashlib.sha256(audio_path.read_bytes()).hexdigest()
    recording = AudioRecording.objects.filter(sha256=sha).first()
    if recording is None:
        with audio_path.open("rb") as stream:
            recording = ingest(stream, audio_path.name, title, uploaded_by=user)
    if not hasattr(recording, "transcript"):
        transcript = Transcript.objects.create(
            recording=recording, language="zh", engine="demo-script", model_name="synthesised from script"
        )
        TranscriptSegment.objects.bulk_create(
            TranscriptSegment(
                transcript=transcript,
                position=n,
                start=sentence["start"],
                end=sentence["end"],
                text=sentence["text"],
                reviewed=reviewed,
            )
            for n, sentence in enumerate(script["sentences"])
        )
    return recording


def _publish_new(parent: Page, page, narrator: Narrator, link_model, spec: dict, themes: dict, user: User):
    existing = type(page).objects.child_of(parent).filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    page.slug = spec["slug"]
    page.access_level = spec["access_level"]
    page.summary = spec.get("summary", "")
    page.place = spec.get("place", "")
    page.decade = spec.get("decade")
    page.is_demo = True
    page.narrator_links = [link_model(narrator=narrator)]
    page.themes = [themes[slug] for slug in spec["themes"]]
    parent.add_child(instance=page)
    page.tags.set(spec["tags"])
    page.save_revision(user=user).publish(user=user)
    return page


def load_demo() -> dict[str, str]:
    """Create whatever of the demo archive is missing; return the demo logins."""
    with transaction.atomic():
        logins = ensure_accounts()
        admin = User.objects.get(username="admin")
        home, index = ensure_site()
        themes = ensure_themes()
        ensure_glossary()
        narrators = ensure_narrators(admin)
        for spec in content.ORAL_HISTORIES:
            script = json.loads((AUDIO_DIR / f"{spec['slug']}.json").read_text(encoding="utf-8"))
            recording = ensure_recording(spec["slug"], script, spec["reviewed"], admin)
            page = OralHistoryPage(
                title=script["title"],
                recording=recording,
                recorded_date=date.fromisoformat(spec["recorded_date"]),
                language="普通话（合成语音）",
            )
            _publish_new(index, page, narrators[spec["narrator"]], OralHistoryNarrator, spec, themes, admin)
        for spec in content.RECIPES:
            page = RecipePage(
                title=spec["title"],
                family=spec["family"],
                recipe_yield=spec["recipe_yield"],
                prep_minutes=spec["prep_minutes"],
                cook_minutes=spec["cook_minutes"],
                variations=spec["variations"],
                ingredients=[
                    ("ingredient", {"name": n, "amount": a, "unit": u, "note": note})
                    for n, a, u, note in spec["ingredients"]
                ],
                steps=[("step", {"text": text, "photo": None}) for text in spec["steps"]],
            )
            _publish_new(index, page, narrators[spec["narrator"]], RecipeNarrator, spec, themes, admin)
        for spec in content.MEMORIES:
            page = FamilyMemoryPage(title=spec["title"], body=spec["body"], other_people=spec["other_people"])
            _publish_new(index, page, narrators[spec["narrator"]], MemoryNarrator, spec, themes, admin)
    return logins
