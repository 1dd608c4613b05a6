from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, dashboard_panels  # noqa: F401 (dashboard_panels registers the facilitator dashboard)
from .admin_columns import YesNoColumn
from .consent_badges import ConsentBadgesColumn
from .forms import NarratorForm
from .models import GlossaryTerm, Narrator, Theme, TopicPrompt


class NarratorViewSet(SnippetViewSet):
    model = Narrator
    icon = "user"
    menu_label = _("讲述人")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", ConsentBadgesColumn(), "village", "birth_year", "dialect"]
    search_fields = ["name", "village"]
    # Consent edits in this form are logged, and re-grants held pending (heritage/forms.py).
    edit_handler = ObjectList(Narrator.panels, base_form_class=NarratorForm)


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("主题")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name"]  # the slug is for addresses, not for reading


class GlossaryViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "tag"
    menu_label = _("转写词表")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["term", "kind", "priority", "note"]
    search_fields = ["term"]


class TopicPromptViewSet(SnippetViewSet):
    model = TopicPrompt
    icon = "help"
    menu_label = _("话题提示")
    menu_order = 240
    add_to_admin_menu = True
    list_display = ["text", "sort_order", YesNoColumn("active", label=_("在用"))]


register_snippet(NarratorViewSet)
register_snippet(TopicPromptViewSet)
register_snippet(ThemeViewSet)
register_snippet(GlossaryViewSet)


@hooks.register("register_admin_urls")
def glossary_urls():
    return [
        path("glossary/suggestions/", admin_views.glossary_suggestions, name="heritage_glossary_suggestions"),
        path("glossary/suggestions/add/", admin_views.add_suggested_term, name="heritage_glossary_add"),
        path("consents/<int:consent_id>/confirm/", admin_views.confirm_consent, name="heritage_consent_confirm"),
    ]


@hooks.register("register_admin_menu_item")
def glossary_suggestions_menu_item():
    return MenuItem(_("词表建议"), reverse("heritage_glossary_suggestions"), icon_name="help", order=231)
