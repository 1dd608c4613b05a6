from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, dashboard_panels  # noqa: F401 (dashboard_panels registers the facilitator dashboard)
from .admin_columns import YesNoColumn
from .admin_gate import visible_images, visible_pages
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
    # No search_fields here: Narrator declares its own (the model's index, Chinese-aware).
    # Naming fields made Wagtail ask the index for columns it does not keep apart
    # ("no such column: name" on SQLite's FTS5 table; raw to_tsvector on PostgreSQL).
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
    # The model's own search_fields, as for narrators (a field list breaks the index search).


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


# What the admin lists and chooses passes the one gate (heritage/admin_gate.py): a narrator
# without archive consent disappears from the explorer, the choosers and the admin search.


@hooks.register("construct_explorer_page_queryset")
def explorer_pages_the_gate_allows(parent_page, pages, request):
    return visible_pages(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def chooser_pages_the_gate_allows(pages, request):
    return visible_pages(pages, request.user)


@hooks.register("construct_image_chooser_queryset")
def chooser_images_the_gate_allows(images, request):
    return visible_images(images, request.user)


class GatedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    """The images API behind the image chooser: titles and alt text only of allowed images."""

    def get_queryset(self):
        return visible_images(super().get_queryset(), self.request.user)


class GatedPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """The pages API behind the explorer menu: Wagtail asks the explorer hook only with
    ``for_explorer``; here every listing and detail is gated."""

    def get_queryset(self):
        return visible_pages(super().get_queryset(), self.request.user)


# After Wagtail's own registrations (its pages endpoint, then "images" at order 0), so
# these endpoints replace them.
@hooks.register("construct_admin_api", order=10)
def gated_admin_api(router):
    router.register_endpoint("pages", GatedPagesAdminAPIViewSet)
    router.register_endpoint("images", GatedImagesAdminAPIViewSet)


class GatedPageSearchView(SearchView):
    """The admin page search (it has no queryset hook): results and type counts both gated."""

    def annotate_queryset(self, pages):
        # all_pages feeds the per-type counts beside the results.
        self.all_pages = visible_pages(self.all_pages, self.request.user)
        return super().annotate_queryset(visible_pages(pages, self.request.user))


class GatedPageViewSet(PageViewSet):
    """Wagtail's base page viewset with the gated search; every other view is Wagtail's."""

    name = "heritage_pages"
    search_view_class = GatedPageSearchView


# After Wagtail's base page viewset (order -1): the registry then answers with this one for Page.
@hooks.register("register_admin_viewset")
def gated_page_viewset():
    return GatedPageViewSet()
