"""The facilitator's dashboard panels (Wagtail's construct_homepage_panels), one per job to do.

The queries are in heritage/dashboard.py; these classes only render them. Wagtail's own
panels that list items by title (recent edits, locked pages, workflow queues) are taken
off: they know nothing of consent, and a facilitator must never read there the title of
an item whose narrator withdrew archive consent.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component

from . import dashboard

# Wagtail's panels that name pages without asking the consent gate, and the release
# notes panel (English, about Wagtail rather than the archive's work).
WAGTAIL_PANELS_DROPPED = {
    "recent_edits",
    "locked_pages",
    "user_objects_in_workflow_moderation",
    "workflow_objects_to_moderate",
    "whats_new_in_wagtail_version",
    "upgrade_notification",
}


class DashboardPanel(Component):
    template_name = ""
    order = 100

    def get_context_data(self, parent_context=None):
        return {"panel": self}


class TranscribingPanel(DashboardPanel):
    name = "transcribing"
    order = 20
    template_name = "heritage/admin/dashboard/transcribing.html"

    def get_context_data(self, parent_context=None):
        rows, hidden = dashboard.recordings_transcribing()
        return {"rows": rows, "hidden": hidden.count}


class ReviewPanel(DashboardPanel):
    name = "transcripts_to_review"
    order = 30
    template_name = "heritage/admin/dashboard/review.html"

    def get_context_data(self, parent_context=None):
        rows, hidden = dashboard.transcripts_to_review()
        return {"rows": rows, "hidden": hidden.count}


class ConsentPanel(DashboardPanel):
    name = "consent_changes"
    order = 40
    template_name = "heritage/admin/dashboard/consent.html"

    def get_context_data(self, parent_context=None):
        return {
            "pending": dashboard.pending_consents(),
            "changes": dashboard.recent_consent_changes(),
            "without_archive": dashboard.narrators_without_archive_consent(),
        }


class FixityPanel(DashboardPanel):
    name = "fixity_failures"
    order = 50
    template_name = "heritage/admin/dashboard/fixity.html"

    def get_context_data(self, parent_context=None):
        audit, failures = dashboard.fixity_failures()
        more = audit.problem_count - len(failures) if audit else 0
        return {"audit": audit, "failures": failures, "more": more}


@hooks.register("construct_homepage_panels", order=100)
def facilitator_dashboard(request, panels):
    panels[:] = [p for p in panels if getattr(p, "name", "") not in WAGTAIL_PANELS_DROPPED]
    panels.extend([TranscribingPanel(), ReviewPanel(), ConsentPanel(), FixityPanel()])


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("heritage/admin.css"))
