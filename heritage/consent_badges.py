"""Consent at a glance: each narrator's current state per scope, for the narrator list's badges."""

from dataclasses import dataclass

from django.utils import timezone
from wagtail.admin.ui.tables import Column

from .models import ConsentScope, ConsentStatus

SHORT = {ConsentScope.ARCHIVE: "存档", ConsentScope.PUBLIC: "公开", ConsentScope.COMMERCIAL: "商用"}


class State:
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"  # a re-grant after a withdrawal, waiting for a facilitator
    ABSENT = "absent"  # never given


STATE_WORDS = {State.ACTIVE: "", State.WITHDRAWN: "已撤回", State.PENDING: "待核实", State.ABSENT: "未同意"}


@dataclass(frozen=True)
class Badge:
    scope: str
    state: str
    until: str = ""  # a withdrawal dated ahead: the day it takes effect

    @property
    def text(self) -> str:
        words = STATE_WORDS[self.state]
        text = f"{SHORT[self.scope]} {words}".strip()
        return f"{text}（{self.until} 起撤回）" if self.until else text


def badges(consents, now=None) -> list[Badge]:
    """One badge per scope, from a narrator's consent records (``Consent.is_active`` is the rule)."""
    now = now or timezone.now()
    result = []
    for scope in ConsentScope:
        records = [c for c in consents if c.scope == scope]
        active = [c for c in records if c.is_active(now)]
        if active:
            ahead = [c.withdrawn_at for c in active if c.withdrawn_at]
            until = f"{min(ahead):%Y-%m-%d}" if ahead and len(ahead) == len(active) else ""
            result.append(Badge(scope, State.ACTIVE, until))
        elif any(c.status == ConsentStatus.PENDING and c.withdrawn_at is None for c in records):
            result.append(Badge(scope, State.PENDING))
        elif any(c.withdrawn_at and c.withdrawn_at <= now for c in records):
            result.append(Badge(scope, State.WITHDRAWN))
        else:
            result.append(Badge(scope, State.ABSENT))
    return result


class ConsentBadgesColumn(Column):
    """The narrator list's column: archive / public / commercial, withdrawn in red, pending in amber."""

    cell_template_name = "heritage/admin/consent_badges_cell.html"

    def __init__(self, name="consents", **kwargs):
        super().__init__(name, label=kwargs.pop("label", "同意"), **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["badges"] = badges(list(instance.consents.all()))
        return context
