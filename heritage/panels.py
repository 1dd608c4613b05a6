"""Admin panels of our own: the narrator's consent log, read-only, with pending grants to confirm."""

from wagtail.admin.panels import InlinePanel, Panel


class ConsentLogPanel(Panel):
    """Lists every logged consent change of the narrator (heritage.consent_log) and the
    grants waiting for a facilitator; the log itself cannot be edited here or anywhere."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "heritage/admin/consent_log_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            narrator = self.instance
            context["changes"] = narrator.consent_history() if narrator.pk else []
            context["pending"] = narrator.pending_consents() if narrator.pk else []
            return context


class ConsentInlinePanel(InlinePanel):
    """The narrator's consent records: each titled by scope and date (``Consent.__str__``),
    and a saved one has no delete button: consent is withdrawn, never erased
    (heritage/forms.py refuses a deletion sent anyway)."""

    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "heritage/admin/consent_inline_panel.html"
