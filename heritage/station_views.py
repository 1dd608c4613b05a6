"""The recording station in the public site: choose the narrator, consent, record.

A facilitator or recorder signs in, sets up the session (narrator, topic prompts) and
hands the phone to the elder; recording itself needs no typing. The chunked upload
endpoints are media's (media/urls.py); these views are thin over heritage/station.py.
"""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import station
from .models import ConsentScope, Narrator, TopicPrompt
from .roles import RECORDING_ROLES, roles_required


def _station_url(narrator_id: int, prompt_ids=()) -> str:
    query = urlencode([("narrator", narrator_id), *(("prompt", p) for p in prompt_ids)])
    return f"{reverse('station:page')}?{query}"


@roles_required(*RECORDING_ROLES)
def page(request):
    narrator = None
    if request.GET.get("narrator", "").isdigit():
        narrator = get_object_or_404(Narrator, pk=request.GET["narrator"])
    chosen = station.prompts(request.GET.getlist("prompt"))
    context = {
        "narrator": narrator,
        "prompts": chosen,
        "prompt_texts": [p.text for p in chosen],
        "error": request.GET.get("error", ""),
        "notice": station.pending_notice(narrator) if narrator else "",
        "scopes": ConsentScope.choices,
    }
    if narrator is None:
        context.update(narrators=Narrator.objects.all(), all_prompts=TopicPrompt.objects.filter(active=True))
        step = "setup"
    else:
        step = "consent" if station.needs_consent(narrator) else "record"
    context["step"] = step
    context["next_url"] = _station_url(narrator.pk, [p.pk for p in chosen]) if narrator else ""
    return render(request, "heritage/station.html", context)


@roles_required(*RECORDING_ROLES)
@require_POST
def add_narrator(request):
    try:
        narrator = station.create_narrator(request.POST.get("name", ""), request.POST.get("village", ""))
    except station.StationError as error:
        return redirect(f"{reverse('station:page')}?{urlencode({'error': error.message})}")
    return redirect(_station_url(narrator.pk, request.POST.getlist("prompt")))


@roles_required(*RECORDING_ROLES)
@require_POST
def consent_form(request, narrator_id: int):
    """A photographed signed consent form."""
    narrator = get_object_or_404(Narrator, pk=narrator_id)
    back = _station_url(narrator.pk, request.POST.getlist("prompt"))
    photo = request.FILES.get("photo")
    try:
        if photo is None:
            raise station.StationError("请先拍下签字的同意书", "take a photo of the signed form first")
        station.consent_from_form(narrator, request.POST.getlist("scope"), photo, request.user)
    except station.StationError as error:
        return redirect(f"{back}&{urlencode({'error': error.message})}")
    return redirect(back)
