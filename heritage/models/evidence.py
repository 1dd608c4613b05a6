"""How an agreement was made and what shows it: shared by consent records and benefit agreements.

Both are promises an elder or a family made, spoken on a recording or signed on paper, before
a witness; the archive keeps the same evidence for each and asks for it by the same rule.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("签字同意书（扫描件）")
    SPOKEN = "spoken", _("录音口头同意")


def evidence_fields(document_label, recording_label):
    """An abstract model with the method, the scan or the recording, and the witness; the labels
    name the paper and the recording as the people filling the form know them."""

    class Evidence(models.Model):
        method = models.CharField(_("方式"), max_length=20, choices=ConsentMethod.choices)
        evidence_document = models.ForeignKey(
            "wagtaildocs.Document",
            verbose_name=document_label,
            null=True,
            blank=True,
            on_delete=models.PROTECT,
            related_name="+",
        )
        evidence_recording = models.ForeignKey(
            "media.AudioRecording",
            verbose_name=recording_label,
            null=True,
            blank=True,
            on_delete=models.PROTECT,
            related_name="+",
        )
        witnessed_by = models.ForeignKey(
            settings.AUTH_USER_MODEL,
            verbose_name=_("见证协作者"),
            null=True,
            blank=True,
            on_delete=models.SET_NULL,
            related_name="+",
        )

        class Meta:
            abstract = True

        def require_evidence(self, missing_document, missing_recording) -> None:
            """ValidationError when the method's own evidence is missing (a scan for a signed form,
            a recording for a spoken agreement)."""
            if self.method == ConsentMethod.SIGNED_FORM and not self.evidence_document_id:
                raise ValidationError({"evidence_document": missing_document})
            if self.method == ConsentMethod.SPOKEN and not self.evidence_recording_id:
                raise ValidationError({"evidence_recording": missing_recording})

    return Evidence
