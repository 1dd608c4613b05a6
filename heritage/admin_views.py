from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from media.transcription.glossary import suggestions

from . import consent_log
from .consent import is_facilitator
from .models import Consent, ConsentStatus, GlossaryTerm

PERMISSION = "heritage.add_glossaryterm"


def glossary_suggestions(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    return render(request, "heritage/admin/glossary_suggestions.html", {"suggestions": suggestions()})


@require_POST
def add_suggested_term(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    term = request.POST.get("term", "").strip()[:50]
    if term:
        GlossaryTerm.objects.get_or_create(term=term, defaults={"note": _("来自校对中反复出现的修改")})
        messages.success(request, _("已加入转写词表：%(term)s") % {"term": term})
    return redirect("heritage_glossary_suggestions")


def confirm_consent(request, consent_id: int):
    """A facilitator confirms a pending re-grant, after checking its evidence (GET shows it)."""
    if not is_facilitator(request.user):
        raise PermissionDenied
    consent = get_object_or_404(Consent.objects.select_related("narrator"), pk=consent_id)
    back = reverse("wagtailsnippets_heritage_narrator:edit", args=[consent.narrator_id])
    if request.method == "POST":
        try:
            consent_log.confirm(consent, by=request.user)
        except consent_log.ConsentNotConfirmable as error:
            messages.error(request, error.message)
            return redirect("heritage_consent_confirm", consent.pk)
        messages.success(request, _("已核实：%(scope)s 的同意现在生效") % {"scope": consent.get_scope_display()})
        return redirect(back)
    return render(
        request,
        "heritage/admin/consent_confirm.html",
        {"consent": consent, "back": back, "pending": consent.status == ConsentStatus.PENDING},
    )
