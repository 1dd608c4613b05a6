from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import filters as filter_links
from . import service
from .documents import FACETS
from .exceptions import SearchUnavailable

PAGE_SIZE = 20
ITEMS_PER_PAGE = 10
FACET_LABELS = {
    "kind": _("类型"),
    "narrator": _("讲述人"),
    "village": _("村寨"),
    "theme": _("主题"),
    "tag": _("标签"),
    "decade": _("年代"),
}
KIND_LABELS = {
    "oral_history": _("口述"),
    "segment": _("口述片段"),
    "recipe": _("菜谱"),
    "memory": _("家族记忆"),
    "snippet": _("故事片段"),
    "kit": _("品牌包"),
}


def _value_label(name: str, value: str) -> str:
    if name == "kind":
        return str(KIND_LABELS.get(value, value))
    if name == "decade":
        return f"{value}年代"
    return value


def _facet_groups(results, query: str, filters: dict) -> list[dict]:
    return [
        {
            "name": name,
            "label": FACET_LABELS[name],
            "values": [
                (_value_label(name, value), n, filter_links.link(query, filters, **{name: value}))
                for value, n in values
                if filters.get(name) != value
            ],
        }
        for name, values in results.facets.items()
        if values
    ]


def _filters(request) -> dict:
    return {name: request.GET.get(name, "") for name in FACETS if request.GET.get(name)}


def _page(request) -> int:
    value = request.GET.get("page", "1")
    return max(1, min(int(value), 500)) if value.isdigit() and len(value) < 4 else 1


def search_page(request):
    text = request.GET.get("q", "")[:200]
    page = _page(request)
    filters = _filters(request)
    try:
        results = (
            service.search_items(text, request.user, filters, ITEMS_PER_PAGE, (page - 1) * ITEMS_PER_PAGE)
            if text
            else None
        )
    except SearchUnavailable as error:
        return render(request, "search/search.html", {"query": text, "unavailable": error}, status=503)
    return render(
        request,
        "search/search.html",
        {
            "query": text,
            "results": results,
            "facet_groups": _facet_groups(results, text, filters) if results else [],
            "active_filters": filter_links.active(text, filters, FACET_LABELS, _value_label),
            "kind_labels": KIND_LABELS,
            "filters": filters,
            "page_number": page,
            "previous_page": filter_links.link(text, filters) + f"&page={page - 1}" if page > 1 else "",
            "next_page": filter_links.link(text, filters) + f"&page={page + 1}"
            if results and results.total > page * ITEMS_PER_PAGE
            else "",
        },
    )


def search_api(request):
    page = _page(request)
    try:
        results = service.search(
            request.GET.get("q", "")[:200], request.user, _filters(request), PAGE_SIZE, (page - 1) * PAGE_SIZE
        )
    except SearchUnavailable as error:
        # The one JSON error shape (heritage/errors.py); search imports nothing of the apps.
        body = {"error": "search_unavailable", "zh": error.zh, "en": error.en}
        return JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(results.as_dict(keys=True), json_dumps_params={"ensure_ascii": False})


def suggest_api(request):
    return JsonResponse(
        {"suggestions": service.suggest(request.GET.get("q", "")[:40], request.user)},
        json_dumps_params={"ensure_ascii": False},
    )
