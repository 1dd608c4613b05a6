"""Small builders for archive content; tests say only what matters to them."""

from datetime import timedelta
from itertools import count

from django.utils import timezone
from wagtail.models import Collection, Locale, Page, Site

from heritage.models import (
    Consent,
    FamilyMemoryPage,
    HeritageIndexPage,
    HomePage,
    MemoryNarrator,
    Narrator,
    OralHistoryNarrator,
    OralHistoryPage,
    RecipeNarrator,
    RecipePage,
    User,
)
from heritage.roles import Role, grant
from media.models import Transcript, TranscriptSegment

_serial = count(1)


def narrator(name=None, scopes=(), withdrawn=()) -> Narrator:
    """A narrator with active consent for ``scopes`` and withdrawn consent for ``withdrawn``."""
    given = timezone.now() - timedelta(days=30)
    person = Narrator(name=name or f"讲述人{next(_serial)}")
    person.consents = [Consent(scope=s, method="spoken", given_at=given) for s in scopes] + [
        Consent(scope=s, method="spoken", given_at=given, withdrawn_at=timezone.now() - timedelta(days=1))
        for s in withdrawn
    ]
    person.save()
    return person


def full_consent(name=None) -> Narrator:
    return narrator(name, scopes=("archive", "public", "commercial"))


def site_tree() -> tuple[HomePage, HeritageIndexPage]:
    # Transactional (browser) tests start from an empty database, without Wagtail's root.
    Locale.objects.get_or_create(language_code="zh-hans")
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title="立碑村味道记忆", slug=f"home{next(_serial)}"))
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    index = home.add_child(instance=HeritageIndexPage(title="档案", slug="archive"))
    return home, index


_LINKS = {OralHistoryPage: OralHistoryNarrator, RecipePage: RecipeNarrator, FamilyMemoryPage: MemoryNarrator}
_REQUIRED = {FamilyMemoryPage: {"body": "<p>腊月里舂辣椒。</p>"}}


def item(parent, model=OralHistoryPage, narrators=(), access_level="public", title=None, publish=True, **fields):
    page = model(
        title=title or f"{model._meta.verbose_name}{next(_serial)}",
        access_level=access_level,
        **{**_REQUIRED.get(model, {}), **fields},
    )
    page.narrator_links = [_LINKS[model](narrator=n) for n in narrators]
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.unpublish()
    return page


def transcript(recording, texts, reviewed=False, seconds=3.0) -> Transcript:
    record = Transcript.objects.create(recording=recording)
    TranscriptSegment.objects.bulk_create(
        TranscriptSegment(
            transcript=record, position=n, start=n * seconds, end=(n + 1) * seconds - 0.2, text=text, reviewed=reviewed
        )
        for n, text in enumerate(texts)
    )
    return record


def villager() -> User:
    user = User.objects.create_user(f"villager{next(_serial)}", password="pw-villager")
    grant(user, Role.COMMUNITY)
    return user


def facilitator() -> User:
    user = User.objects.create_user(f"facilitator{next(_serial)}", password="pw-facilitator")
    grant(user, Role.FACILITATOR)
    return user


def photo(title="照片", size=(64, 48), colour=(180, 30, 20)):
    """A stored image with the size and sha1 ``file_hash`` Wagtail records on upload."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image

    from heritage.models import HeritageImage

    # Transactional tests may start with every table empty, the root collection too.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    image = HeritageImage(title=title, file=ImageFile(buffer, name=f"photo{next(_serial)}.jpg"))
    image._set_image_file_metadata()
    image.save()
    return image


def benefit_agreement(kit, *terms, agreed_by="王秀英、村委会", **fields):
    """A benefit agreement for ``kit``; each term is (beneficiary, narrator or None, kind, amount)."""
    from decimal import Decimal

    from ledger.models import BenefitAgreement, BenefitTerm

    agreement = BenefitAgreement(kit=kit, agreed_by=agreed_by, method="spoken", **fields)
    agreement.terms = [
        BenefitTerm(beneficiary=who, narrator=person, kind=kind, amount=Decimal(str(amount)), sort_order=n)
        for n, (who, person, kind, amount) in enumerate(terms or [("village_fund", None, "per_jar", "0.50")])
    ]
    agreement.save()
    return agreement


def household(name, narrators=(), users=()):
    """A household (ledger) with these narrators and villager accounts as members."""
    from ledger.models import Household, HouseholdMember

    family = Household(name=name)
    family.members = [HouseholdMember(narrator=n) for n in narrators] + [HouseholdMember(user=u) for u in users]
    family.save()
    return family


def person(*roles: Role) -> User:
    """A signed-up account holding exactly ``roles`` (none: an account with no role)."""
    user = User.objects.create_user(f"person{next(_serial)}", password="pw-person")
    if roles:
        grant(user, *roles)
    return user
