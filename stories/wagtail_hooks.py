from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton, ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from heritage.admin_columns import YesNoColumn

from . import admin_views, approval
from .consent import consent_problems
from .exceptions import KitConsentError
from .models import BrandKit, StorySnippet, Workshop
from .withdrawal import WITHDRAWN_ACTION


class WorkshopViewSet(SnippetViewSet):
    model = Workshop
    icon = "group"
    menu_label = _("工作坊")
    list_display = ["title", "date", "place", "facilitator"]


class StorySnippetViewSet(SnippetViewSet):
    model = StorySnippet
    icon = "openquote"
    menu_label = _("故事片段")
    list_display = ["text", "source", "page", "workshop", Column("created_at", label=_("创建时间"))]
    list_filter = ["source", "workshop"]


class BrandKitEditView(EditView):
    """The kit's form, with its approval page one visible button away (not inside the save menu)."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(admin_views.APPROVE):
            url = reverse("wagtailsnippets_stories_brandkit:approve", args=[self.object.pk])
            buttons.append(HeaderButton(_("审核与批准发布"), url=url, icon_name="tick", priority=1))
        return buttons


class BrandKitViewSet(SnippetViewSet):
    model = BrandKit
    icon = "doc-full"
    menu_label = _("品牌包")
    list_display = [
        "title",
        "product_name",
        "workshop",
        YesNoColumn("live", label=_("已发布")),
        "approval_requested_at",
    ]
    list_filter = ["live", "workshop"]
    edit_view_class = BrandKitEditView

    def get_urlpatterns(self):
        # Named in this viewset's namespace, so the leak matrix asks them for the canary kit.
        return super().get_urlpatterns() + [
            path("approve/<str:pk>/", admin_views.approve, name="approve"),
            path("export/<str:pk>/", admin_views.export, name="export"),
        ]


class StoriesGroup(SnippetViewSetGroup):
    items = (BrandKitViewSet, StorySnippetViewSet, WorkshopViewSet)
    menu_icon = "doc-full"
    menu_label = _("品牌共创")
    menu_order = 240


register_snippet(StoriesGroup)


@hooks.register("before_publish")
def refuse_kit_without_consent(request, obj):
    """The admin's publish button is the facilitator's approval: say why it cannot happen."""
    if not isinstance(obj, BrandKit):
        return None
    draft = obj.get_latest_revision_as_object()
    try:
        if problems := consent_problems(draft):
            raise KitConsentError(problems)
    except KitConsentError as error:
        messages.error(request, error.message)
        return redirect("wagtailsnippets_stories_brandkit:edit", obj.pk)
    return None


@hooks.register("register_log_actions")
def register_kit_actions(actions):
    actions.register_action(WITHDRAWN_ACTION, _("因撤回同意而下架"), _("因讲述人撤回同意，品牌包已下架"))


@hooks.register("register_snippet_listing_buttons")
def kit_approval_button(snippet, user, next_url=None):
    if isinstance(snippet, BrandKit) and user.has_perm(admin_views.APPROVE):
        url = reverse("wagtailsnippets_stories_brandkit:approve", args=[snippet.pk])
        yield ListingButton(_("审核与批准发布"), url, icon_name="tick", priority=5)


class KitsPanel(Component):
    """The dashboard's kits: waiting for approval (how long, and what blocks it) and withdrawn."""

    name = "kits"
    order = 10
    template_name = "stories/admin/kits_panel.html"

    def get_context_data(self, parent_context=None):
        waiting = list(approval.kits_waiting())
        for kit in waiting:
            kit.waiting_since = approval.waiting_since(kit)
        return {"waiting": waiting, "withdrawn": list(approval.kits_withdrawn())}


@hooks.register("construct_homepage_panels")
def add_kits_panel(request, panels):
    panels.append(KitsPanel())
