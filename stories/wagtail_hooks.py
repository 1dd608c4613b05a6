from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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
    list_display = ["text", "source", "page", "workshop", "created_at"]
    list_filter = ["source", "workshop"]


class BrandKitViewSet(SnippetViewSet):
    model = BrandKit
    icon = "doc-full"
    menu_label = _("品牌包")
    list_display = ["title", "product_name", "workshop", "live", "approval_requested_at"]
    list_filter = ["live", "workshop"]


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


class WithdrawnKitsPanel(Component):
    name = "withdrawn_kits"
    order = 90
    template_name = "stories/admin/withdrawn_kits_panel.html"

    def get_context_data(self, parent_context=None):
        return {"kits": BrandKit.objects.filter(live=False).exclude(withdrawn_reason="")}


@hooks.register("construct_homepage_panels")
def add_withdrawn_kits_panel(request, panels):
    if BrandKit.objects.filter(live=False).exclude(withdrawn_reason="").exists():
        panels.append(WithdrawnKitsPanel())
