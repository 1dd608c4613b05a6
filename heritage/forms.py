"""The narrator's admin form: consent edits go through heritage.consent_log like every other."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from . import consent_log


class NarratorForm(WagtailAdminModelForm):
    def _consent_forms(self):
        formset = self.formsets.get("consents")
        if formset is None:
            return []
        deleted = set(formset.deleted_forms) if formset.can_delete else set()
        return [form for form in formset.forms if form not in deleted and getattr(form, "cleaned_data", None)]

    def clean(self):
        # Consent is withdrawn, never erased: the form shows no delete button for a saved
        # record, and a deletion sent anyway is refused here.
        cleaned = super().clean()
        formset = self.formsets.get("consents")
        if formset is not None and formset.can_delete and any(form.instance.pk for form in formset.deleted_forms):
            raise ValidationError("同意记录不能删除：讲述人撤回时，请填写“撤回时间”。")
        return cleaned

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        before = consent_log.snapshots(self.instance.pk)
        forms = self._consent_forms()
        # A withdrawal and a fresh grant of the same scope in one submission: the grant waits too.
        withdrawn_now = {
            form.instance.scope
            for form in forms
            if form.instance.pk in before
            and form.instance.withdrawn_at
            and not before[form.instance.pk]["withdrawn_at"]
        }
        consent_log.mark_new_grants(self.instance.pk, [form.instance for form in forms], withdrawn_now)
        narrator = super().save(commit=True)
        consent_log.log_form_changes(narrator, before, self.for_user, source="admin")
        return narrator
