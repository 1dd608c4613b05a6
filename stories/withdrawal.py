"""When consent is withdrawn, kits quoting that person leave the shelf at once.

Withdrawal acts forward: the kit is unpublished (its approved revision stays in the
history), its cached zips are deleted, the reason is kept on the kit and in its log,
and the facilitators who ran the workshop and approved the kit are told.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from wagtail.log_actions import log

from heritage.media_gate import images_of_narrator, images_of_page
from heritage.signal_handlers import pages_of_narrator

from .consent import consent_problems
from .exporting import export_dir
from .models import BrandKit

logger = logging.getLogger(__name__)

WITHDRAWN_ACTION = "stories.kit_withdrawn"


def withdraw_kits_of(narrator_id: int) -> list[BrandKit]:
    """After a narrator's consent changed: every live kit quoting them (or a page they narrate)
    or showing a photo tied to them (their portrait, a photo of their items)."""
    page_ids = pages_of_narrator(narrator_id)
    return withdraw_lacking(
        narrators=[narrator_id],
        kits=BrandKit.objects.filter(live=True)
        .filter(
            models.Q(kit_snippets__snippet__narrators=narrator_id)
            | models.Q(kit_snippets__snippet__page__in=page_ids)
            | models.Q(kit_photos__image__in=images_of_narrator(narrator_id))
        )
        .distinct(),
    )


def withdraw_kits_of_page(page_id: int) -> list[BrandKit]:
    """After a source page was unpublished or its access or narrators changed: kits quoting
    it or showing one of its photos."""
    return withdraw_lacking(
        BrandKit.objects.filter(live=True)
        .filter(models.Q(kit_snippets__snippet__page=page_id) | models.Q(kit_photos__image__in=images_of_page(page_id)))
        .distinct()
    )


def withdraw_lacking(kits, narrators=()) -> list[BrandKit]:
    """Withdraw each of ``kits`` that may no longer be sold; ``narrators`` are the people whose
    consent change prompted the check (recorded with a withdrawal no missing consent explains)."""
    withdrawn = []
    for kit in kits:
        problems = consent_problems(kit)
        if problems:
            named = {p.narrator_id for p in problems if getattr(p, "narrator_id", None)}
            if any(getattr(p, "narrator_id", None) is None for p in problems):
                named |= set(narrators)  # a photo or source problem: the change that prompted the check caused it
            withdraw(kit, "；".join(p.zh for p in problems), named)
            withdrawn.append(kit)
    return withdrawn


def withdraw(kit: BrandKit, reason: str, narrators=()) -> None:
    """``narrators``: the ids of the people whose consent pulled the kit, kept in the log so the
    ledger never has to guess them from the reason's words."""
    kit.unpublish(user=None, log_action=True)
    BrandKit.objects.filter(pk=kit.pk).update(withdrawn_reason=reason)
    for stale in export_dir().glob(f"{kit.slug}-r[0-9]*.zip"):
        stale.unlink(missing_ok=True)
    log(instance=kit, action=WITHDRAWN_ACTION, data={"reason": reason, "narrators": sorted(narrators)})
    _tell_facilitators(kit, reason)


def facilitators_of(kit: BrandKit) -> list:
    people = [kit.workshop.facilitator if kit.workshop_id else None, kit.approved_by]
    return list({p.pk: p for p in people if p is not None}.values())


def _tell_facilitators(kit: BrandKit, reason: str) -> None:
    addresses = [p.email for p in facilitators_of(kit) if p.email]
    if not addresses:
        return
    try:
        send_mail(
            f"品牌包《{kit}》已下架 / kit withdrawn",
            f"因为讲述人撤回了同意，品牌包《{kit}》已从下载架撤下：{reason}\n\n"
            f"The kit “{kit}” was withdrawn from the download shelf because consent was withdrawn.\n"
            f"{settings.WAGTAILADMIN_BASE_URL}/admin/",
            None,
            addresses,
        )
    except OSError:
        # The kit is already off the shelf; a mail outage must not undo that.
        logger.exception("could not mail facilitators about withdrawn kit %s", kit.pk)
