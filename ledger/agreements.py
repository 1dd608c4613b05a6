"""Benefit agreements as sellers meet them: see the current one, accept it once per
approved kit revision, and be refused the zip until they have."""

from django.db import IntegrityError, transaction

from heritage.roles import Role, has_role

from .exceptions import AgreementNotAccepted, NoAgreementToAccept
from .models import AgreementAcceptance, BenefitAgreement


def current_agreement(kit) -> BenefitAgreement | None:
    return BenefitAgreement.objects.current_for(kit.pk)


def needs_acceptance(user) -> bool:
    """Sellers accept agreements. Facilitators (who witness them and approve the kit) and
    workshop members downloading their own kit from the board do not; their downloads are
    recorded all the same."""
    return has_role(user, Role.SELLER) and not has_role(user, Role.FACILITATOR)


def has_accepted(kit, user, agreement: BenefitAgreement | None = None) -> bool:
    """May ``user`` download the kit as far as its agreement goes?"""
    agreement = agreement or current_agreement(kit)
    if agreement is None or not needs_acceptance(user):
        return True
    return AgreementAcceptance.objects.filter(
        agreement=agreement, revision_id=kit.live_revision_id, seller=user
    ).exists()


def accept(kit, user) -> AgreementAcceptance:
    """Record that ``user`` accepted the current agreement for the kit's approved revision
    (again for each new revision: the words sold may differ). Accepting twice is harmless."""
    agreement = current_agreement(kit)
    if agreement is None:
        raise NoAgreementToAccept(kit)
    existing = AgreementAcceptance.objects.filter(
        agreement=agreement, revision_id=kit.live_revision_id, seller=user
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return AgreementAcceptance.objects.create(
                agreement=agreement, kit=kit, revision_id=kit.live_revision_id, seller=user
            )
    except IntegrityError:  # the same person, twice at once
        return AgreementAcceptance.objects.get(agreement=agreement, revision_id=kit.live_revision_id, seller=user)


def require_acceptance(kit, user) -> BenefitAgreement | None:
    """The agreement the download happens under; refuse if it has not been accepted.
    A kit without any agreement yet is downloadable (and shows as such in the report)."""
    agreement = current_agreement(kit)
    if agreement is not None and not has_accepted(kit, user, agreement):
        raise AgreementNotAccepted(kit)
    return agreement
