"""Requests no view should see, refused at the door with a 400 and a message.

* A NUL character anywhere in the path, a query parameter, a url-encoded form field or a JSON body:
  SQLite ends the string there ("unterminated string"), PostgreSQL refuses it, and either
  way the view fails with a 500 (a NUL in ``kind=`` did, issue 10 finding 10).
* A write (PUT, POST…) to an address that does not exist: Django's slash redirect cannot
  carry a body and, with DEBUG on, answers with the debug page (``PUT /station/chunks/0``).
* A number too large for the database (``/archive-audio/99999999999999999999/original/``):
  Django's ``<int:…>`` takes any length and SQLite raises OverflowError, a 500. The view
  has already run when it fails, so this one is answered from ``process_exception``.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import QueryDict
from django.urls import Resolver404, get_resolver

from .errors import error_response

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# A JSON string may spell NUL only as this escape (a raw NUL byte is not valid JSON anyway).
JSON_NUL = b"\\u0000"


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def _is_plain_form(request) -> bool:
    # Only url-encoded forms: their body stays readable after parsing. Parsing a multipart
    # body here would consume the stream that a view may still read (request.body); its
    # text fields go through Django's form fields, which refuse NUL themselves.
    return request.content_type == "application/x-www-form-urlencoded"


def _resolves(path: str) -> bool:
    try:
        get_resolver().resolve(path)
    except Resolver404:
        return False
    return True


class MalformedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def refusal(self, request):
        try:
            if "\x00" in request.path_info or _has_nul(request.GET):
                return _nul(request)
            if request.method == "POST" and _is_plain_form(request) and _has_nul(request.POST):
                return _nul(request)
            if request.content_type == "application/json" and JSON_NUL in request.body:
                return _nul(request)
        except RequestDataTooBig:
            return error_response(request, 413, "too_large", "提交的内容太大。", "The request body is too large.")
        except SuspiciousOperation:  # e.g. too many fields
            return error_response(request, 400, "bad_form", "表单数据不完整或不对。", "The form data is malformed.")
        if request.method not in SAFE_METHODS and not _resolves(request.path_info):
            return error_response(
                request,
                400,
                "bad_address",
                "这个地址不接受这种请求，请检查地址（例如结尾的斜杠）。",
                "This address does not accept this request; check the address (a trailing slash?).",
            )
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return error_response(
                request, 400, "number_too_large", "地址或参数里的数字太大。", "A number in the request is too large."
            )
        return None


def _nul(request):
    return error_response(
        request, 400, "nul_character", "请求里有不允许的空字符（NUL）。", "The request contains a NUL character."
    )


def client_ip(request) -> str | None:
    """The address django-axes counts failures against (AXES_CLIENT_IP_CALLABLE).

    Behind nginx (``BEHIND_PROXY``) the client is what nginx wrote into X-Forwarded-For
    (it overwrites the header with ``$remote_addr``; on a UNIX socket REMOTE_ADDR is
    empty). Otherwise the header is the client's own claim and is ignored.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None
