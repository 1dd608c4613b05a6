"""Malformed requests get a 400 with a message in Chinese, never a debug page or a 500."""

import pytest
from django.test import Client, RequestFactory

from heritage.errors import server_error

from .. import factories as f

LEAKS = ["Traceback", "SECRET_KEY", "DATABASES", "settings", "django.", "Environment"]


def _no_leak(response):
    body = response.content.decode()
    for word in LEAKS:
        assert word not in body, f"{word!r} in the error body"
    return body


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/search/?q=%00", "/search/?q=x&kind=a%00", "/archive/?kind=%00", "/?a%00b=1", "/kits/shelf/?x=%00"]
)
def test_a_nul_in_a_query_parameter_is_a_400_with_a_message(debug, url):
    f.site_tree()
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400
    body = _no_leak(response)
    assert "空字符" in body and "NUL character" in body
    assert body.index("空字符") < body.index("NUL character"), "Chinese first"


@pytest.mark.django_db
def test_json_endpoints_answer_in_json(debug):
    response = Client(raise_request_exception=False).get("/search/api/?q=x&kind=a%00")
    assert response.status_code == 400
    assert response.json() == {
        "error": "nul_character",
        "zh": "请求里有不允许的空字符（NUL）。",
        "en": "The request contains a NUL character.",
    }


@pytest.mark.django_db
def test_a_nul_in_a_form_field_or_a_json_body_is_a_400(debug):
    client = Client(raise_request_exception=False)
    form = "username=a%00b&password=x"
    assert client.post("/accounts/login/", form, content_type="application/x-www-form-urlencoded").status_code == 400
    # A multipart form is left to the form's fields, which refuse NUL with a message of their own.
    refused = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/kits/snippets/", '{"text": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "nul_character"


@pytest.mark.django_db
def test_a_write_to_an_address_that_does_not_exist_is_a_400(debug):
    response = Client(raise_request_exception=False).put("/station/chunks/0", b"audio", content_type="audio/webm")
    assert response.status_code == 400
    assert "这个地址不接受这种请求" in _no_leak(response)


@pytest.mark.django_db
def test_pages_that_do_not_exist_answer_in_chinese_first(client):
    f.site_tree()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有找到这个页面" in body and "This page does not exist" in body


def test_the_500_page_renders_without_the_database():
    # No django_db mark: pytest-django fails any database access in this test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器出了问题" in body and "Something went wrong" in body
