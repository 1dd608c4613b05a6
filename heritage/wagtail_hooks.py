from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Narrator, Theme


class NarratorViewSet(SnippetViewSet):
    model = Narrator
    icon = "user"
    menu_label = _("讲述人")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "village", "birth_year", "dialect"]
    search_fields = ["name", "village"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("主题")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "slug"]


register_snippet(NarratorViewSet)
register_snippet(ThemeViewSet)
