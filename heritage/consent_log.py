"""Every change to a narrator's consent goes through here, and is logged as it happens.

The admin form (heritage/forms.py), the recording station (heritage/station.py) and the
demo loader write consent only through these functions, so the log in
:class:`ConsentChange` is complete: who, when, which scope, the record before and after.

The rule that keeps a withdrawal standing (issue 10, finding 2; Oral History
Association: restrictions are honoured for as long as promised): a new grant for a scope
the narrator once withdrew is *pending* — it counts for nothing — until a facilitator
confirms it with evidence (a signed form or a spoken statement on tape). A withdrawal
already in effect is never undone by editing its date (see ``Consent.clean``).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from media.exceptions import BilingualError

from .consent import is_facilitator
from .models import Consent, ConsentChange, ConsentChangeAction, ConsentStatus, Narrator

# Fields of a consent record that the log keeps, before and after each change.
LOGGED_FIELDS = (
    "scope",
    "status",
    "method",
    "given_at",
    "withdrawn_at",
    "withdrawal_note",
    "witnessed_by_id",
    "evidence_document_id",
    "evidence_recording_id",
    "confirmed_by_id",
    "confirmed_at",
)


class ConsentNotConfirmable(BilingualError):
    """A facilitator tried to confirm a grant that cannot be confirmed (yet)."""

    code = "consent_not_confirmable"
    status = 400


def snapshot(consent: Consent) -> dict:
    """The record as plain JSON (dates as ISO text)."""
    values = {}
    for name in LOGGED_FIELDS:
        value = getattr(consent, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return values


def snapshots(narrator_id: int | None) -> dict[int, dict]:
    if narrator_id is None:
        return {}
    return {c.pk: snapshot(c) for c in Consent.objects.filter(narrator_id=narrator_id)}


def _action(before: dict | None, after: dict | None) -> str:
    if before is None:
        return ConsentChangeAction.CREATE
    if after is None:
        return ConsentChangeAction.DELETE
    if before["withdrawn_at"] != after["withdrawn_at"] and after["withdrawn_at"] and not before["withdrawn_at"]:
        return ConsentChangeAction.WITHDRAW
    if before["status"] == ConsentStatus.PENDING and after["status"] == ConsentStatus.CONFIRMED:
        return ConsentChangeAction.CONFIRM
    return ConsentChangeAction.EDIT


def log_change(
    narrator_id: int, consent: Consent | None, before: dict | None, after: dict | None, by, source: str
) -> ConsentChange | None:
    """Write one log line; nothing when the record did not change."""
    if before == after:
        return None
    return ConsentChange.objects.create(
        narrator_id=narrator_id,
        consent=consent,
        scope=(after or before)["scope"],
        action=_action(before, after),
        changed_by=by if by is not None and by.is_authenticated else None,
        source=source,
        before=before,
        after=after,
    )


def once_withdrawn(narrator_id: int | None, scope: str) -> bool:
    """Did this narrator ever withdraw ``scope`` (now, in the past, or dated ahead)?

    The log counts too: deleting a withdrawn record does not erase the withdrawal.
    """
    if narrator_id is None:
        return False
    return (
        Consent.objects.filter(narrator_id=narrator_id, scope=scope, withdrawn_at__isnull=False).exists()
        or ConsentChange.objects.filter(
            narrator_id=narrator_id, scope=scope, action=ConsentChangeAction.WITHDRAW
        ).exists()
    )


@transaction.atomic
def grant(
    narrator: Narrator,
    scope: str,
    *,
    method: str,
    by,
    source: str,
    given_at=None,
    witnessed_by=None,
    evidence_document=None,
    evidence_recording=None,
) -> Consent:
    """Record a consent; pending when the narrator once withdrew this scope."""
    consent = Consent(
        narrator=narrator,
        scope=scope,
        method=method,
        given_at=given_at or timezone.now(),
        witnessed_by=witnessed_by if witnessed_by is not None else (by if by and by.is_authenticated else None),
        evidence_document=evidence_document,
        evidence_recording=evidence_recording,
        status=ConsentStatus.PENDING if once_withdrawn(narrator.pk, scope) else ConsentStatus.CONFIRMED,
    )
    consent.save()
    log_change(narrator.pk, consent, None, snapshot(consent), by, source)
    return consent


@transaction.atomic
def withdraw(consent: Consent, *, by, source: str, at=None, note: str = "") -> Consent:
    """Withdraw from ``at`` (now by default; a later time takes effect then)."""
    before = snapshot(consent)
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawal_note = note[:255]
    consent.save()
    log_change(consent.narrator_id, consent, before, snapshot(consent), by, source)
    return consent


@transaction.atomic
def confirm(consent: Consent, *, by, source: str = "admin") -> Consent:
    """A facilitator confirms a pending grant; it needs evidence on the record."""
    if not is_facilitator(by):
        raise ConsentNotConfirmable("只有协作者可以核实同意", "only a facilitator may confirm consent")
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.status != ConsentStatus.PENDING or consent.withdrawn_at is not None:
        raise ConsentNotConfirmable("这条同意记录不需要核实", "this consent is not waiting for confirmation")
    if consent.evidence_document_id is None and consent.evidence_recording_id is None:
        raise ConsentNotConfirmable(
            "请先附上同意书扫描件或口头同意录音，再核实", "attach the signed form or the spoken consent first"
        )
    before = snapshot(consent)
    consent.status = ConsentStatus.CONFIRMED
    consent.confirmed_by = by
    consent.confirmed_at = timezone.now()
    consent.save()
    log_change(consent.narrator_id, consent, before, snapshot(consent), by, source)
    return consent


def mark_new_grants(narrator_id: int | None, consents: list[Consent], withdrawn_now: set[str]) -> None:
    """Before the admin form saves: new records for a once-withdrawn scope start pending.

    ``withdrawn_now``: scopes the same form submission withdraws.
    """
    for consent in consents:
        if consent.pk is None and (consent.scope in withdrawn_now or once_withdrawn(narrator_id, consent.scope)):
            consent.status = ConsentStatus.PENDING


def log_form_changes(narrator: Narrator, before: dict[int, dict], by, source: str = "admin") -> list[ConsentChange]:
    """After the admin form saved: one log line per consent created, edited or deleted."""
    after = snapshots(narrator.pk)
    current = {c.pk: c for c in Consent.objects.filter(pk__in=after)}
    changes = []
    for pk in sorted(set(before) | set(after)):
        change = log_change(narrator.pk, current.get(pk), before.get(pk), after.get(pk), by, source)
        if change:
            changes.append(change)
    return changes
