from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
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


@hooks.register("register_admin_urls")
def ledger_admin_urls():
    return [
        path("ledger/impact/", admin_views.dashboard, name="ledger_dashboard"),
        path("ledger/narrators/", admin_views.narrators, name="ledger_narrators"),
        path("ledger/narrators/<int:pk>/", admin_views.narrator_statement, name="ledger_narrator_statement"),
    ]


@hooks.register("register_admin_menu_item")
def impact_menu_item():
    return MenuItem(_("成效报告"), reverse("ledger_dashboard"), icon_name="table", order=251)


@hooks.register("register_admin_menu_item")
def statements_menu_item():
    return MenuItem(_("讲述人使用说明"), reverse("ledger_narrators"), icon_name="user", order=252)
