from django.http import JsonResponse
from django.shortcuts import render

from . import service
from .documents import FACETS

PAGE_SIZE = 20


def _filters(request) -> dict:
    return {name: request.GET.get(name, "") for name in FACETS if request.GET.get(name)}


def _page(request) -> int:
    value = request.GET.get("page", "1")
    return max(1, min(int(value), 500)) if value.isdigit() and len(value) < 4 else 1


def search_page(request):
    text = request.GET.get("q", "")[:200]
    page = _page(request)
    results = service.search(text, request.user, _filters(request), PAGE_SIZE, (page - 1) * PAGE_SIZE) if text else None
    return render(
        request,
        "search/search.html",
        {"query": text, "results": results, "filters": _filters(request), "page_number": page},
    )


def search_api(request):
    page = _page(request)
    results = service.search(
        request.GET.get("q", "")[:200], request.user, _filters(request), PAGE_SIZE, (page - 1) * PAGE_SIZE
    )
    return JsonResponse(results.as_dict(), json_dumps_params={"ensure_ascii": False})


def suggest_api(request):
    return JsonResponse(
        {"suggestions": service.suggest(request.GET.get("q", "")[:40], request.user)},
        json_dumps_params={"ensure_ascii": False},
    )
