from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import BenefitAgreement, Household


class BenefitAgreementViewSet(SnippetViewSet):
    model = BenefitAgreement
    icon = "doc-full-inverse"
    menu_label = _("利益分享约定")
    list_display = ["kit", "agreed_on", "agreed_by", "method"]
    list_filter = ["kit"]


class HouseholdViewSet(SnippetViewSet):
    model = Household
    icon = "home"
    menu_label = _("农户")
    list_display = ["name", "village"]


class LedgerGroup(SnippetViewSetGroup):
    items = (BenefitAgreementViewSet, HouseholdViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("署名与回馈")
    menu_order = 250


register_snippet(LedgerGroup)

