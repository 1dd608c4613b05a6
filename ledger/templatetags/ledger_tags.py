from django import template

from ..agreements import current_agreement, has_accepted

register = template.Library()


@register.inclusion_tag("ledger/shelf_agreement.html")
def benefit_agreement(kit, user):
    """The kit's benefit agreement on the shelf, with the seller's acceptance (or the button)."""
    agreement = current_agreement(kit)
    return {
        "kit": kit,
        "agreement": agreement,
        "terms": list(agreement.terms.select_related("narrator")) if agreement else [],
        "accepted": agreement is not None and has_accepted(kit, user, agreement),
    }


@register.simple_tag
def may_download_now(kit, user) -> bool:
    """Show the download button only once the agreement is accepted (the view refuses anyway)."""
    return has_accepted(kit, user)
