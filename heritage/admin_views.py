from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .glossary import suggestions
from .models import GlossaryTerm

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
