"""One shape for every refusal the site itself writes: a page for people, JSON for scripts.

JSON is ``{"error": code, "zh": …, "en": …}``, the shape the recording station's endpoints
already answer with. Pages are the ``400/403/404/429/500.html`` templates, Chinese first.
The 500 page is rendered without the request, so no context processor touches the
database (which may be what failed).
"""

import re
import sys

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.template import loader

# Endpoints that scripts call (search API and suggestions, the station's uploads,
# recordings and live progress, snippets, the kit board's actions): JSON whatever the
# Accept header says.
JSON_PATHS = re.compile(
    r"^/search/(api|suggest)/|^/station/(uploads|recordings|progress)/|^/kits/snippets/|/board/\w+/$"
)


def wants_json(request) -> bool:
    if JSON_PATHS.search(getattr(request, "path_info", "") or ""):
        return True
    accept = request.headers.get("Accept", "") if hasattr(request, "headers") else ""
    return "application/json" in accept and "text/html" not in accept


def json_error(status: int, code: str, message_zh: str, message_en: str, **extra) -> JsonResponse:
    """The one JSON shape of a refusal: ``{"error": code, "zh": …, "en": …}`` (plus ``extra``:
    what a script needs to put things right, e.g. the chunks still missing)."""
    body = {"error": code, "zh": message_zh, "en": message_en, **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def error_json(error, status: int = 400, **extra) -> JsonResponse:
    """A typed error (``zh``, ``en``, and ``code`` / ``status`` where it has them) as JSON.

    Duck-typed, so the apps' error classes (media.exceptions.BilingualError and its kin,
    search.exceptions.SearchUnavailable) need no common base here.
    """
    return json_error(getattr(error, "status", status), getattr(error, "code", "error"), error.zh, error.en, **extra)


def error_response(request, status: int, code: str, message_zh: str, message_en: str, **extra) -> HttpResponse:
    """The answer to a refused or failed request, as JSON or as a page (``extra`` goes into the JSON only)."""
    if wants_json(request):
        return json_error(status, code, message_zh, message_en, **extra)
    context = {"status": status, "code": code, "message_zh": message_zh, "message_en": message_en}
    # From 500 up the page stands alone (500.html): the site's frame may need the database.
    template = loader.select_template([f"{status}.html", "500.html" if status >= 500 else "error.html"])
    # Below 500 the page has the site's menu (who is signed in); at 500 nothing may need the database.
    body = template.render(context, request if status < 500 else None)
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


# Django's error handlers (config/urls.py). The exception's text is never shown: it may name
# what the requester may not see (issue 10: error messages never quote a withdrawn item).


def bad_request(request, exception=None):
    return error_response(request, 400, "bad_request", "请求格式不对，无法处理。", "The request is malformed.")


def permission_denied(request, exception=None):
    return error_response(request, 403, "forbidden", "您没有权限查看这里。", "You may not open this page.")


def page_not_found(request, exception=None):
    return error_response(request, 404, "not_found", "没有找到这个页面。", "This page does not exist.")


def server_error(request):
    # Django calls this inside its `except`: a database that is gone (stopped, restarting,
    # locked) is a 503 to try again shortly, not a fault of ours (issue 12, faults).
    if isinstance(sys.exc_info()[1], DatabaseError):
        response = error_response(
            request,
            503,
            "database_unavailable",
            "档案的数据库暂时连不上，请稍等一会儿再试。",
            "The archive's database cannot be reached just now; try again in a moment.",
        )
        response["Retry-After"] = "10"
        return response
    zh, en = "服务器出了问题，请稍后再试。", "Something went wrong on the server; try again later."
    return error_response(request, 500, "server_error", zh, en)


def csrf_failure(request, reason=""):
    return error_response(
        request,
        403,
        "csrf_failed",
        "表单已过期或来源不对，请刷新页面后再提交。",
        "The form expired or came from elsewhere; reload the page and send it again.",
    )


def locked_out(request, response=None, credentials=None):
    """django-axes' answer after too many failed sign-ins (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return error_response(
        request,
        429,
        "locked_out",
        f"登录失败次数太多，这个账号在本设备上已暂时锁定，请 {minutes} 分钟后再试，或请协作者帮忙。",
        f"Too many failed sign-ins: this account is locked on this device for {minutes} minutes.",
    )
