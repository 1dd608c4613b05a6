"""Signing in: each role lands on its own start, and both forms lock out after repeated failures."""

import pytest
from django.conf import settings
from django.urls import reverse

from heritage.models import User
from heritage.roles import Role, grant

from .. import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "grandmother-chilli-42"


def _person(*roles: Role) -> User:
    user = User.objects.create_user(f"person-{'-'.join(roles) or 'none'}", password=PASSWORD)
    grant(user, *roles)
    return user


def _sign_in(client, username, password=PASSWORD, url="/accounts/login/", **extra):
    return client.post(url, {"username": username, "password": password, **extra})


@pytest.mark.parametrize(
    ("roles", "start"),
    [
        ((Role.FACILITATOR,), "/admin/"),
        ((Role.RECORDER,), "/station/"),
        ((Role.PARTICIPANT,), "/kits/"),
        ((Role.SELLER,), "/kits/shelf/"),
        ((Role.COMMUNITY,), "/archive/"),
        ((Role.COMMUNITY, Role.PARTICIPANT), "/kits/"),
    ],
)
def test_each_role_lands_on_its_own_start(client, roles, start):
    f.site_tree()
    user = _person(*roles)
    response = _sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == start
    assert client.get(start).status_code == 200


def test_a_safe_next_is_honoured_and_a_foreign_one_is_not(client):
    f.site_tree()
    user = _person(Role.SELLER)
    assert _sign_in(client, user.username, next="/search/?q=lazi")["Location"] == "/search/?q=lazi"
    client.logout()
    assert _sign_in(client, user.username, next="https://evil.example/")["Location"] == "/kits/shelf/"


def test_the_profile_address_never_answers_404(client):
    f.site_tree()
    anonymous = client.get("/accounts/profile/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(_person(Role.RECORDER))
    assert client.get("/accounts/profile/")["Location"] == "/station/"
    client.force_login(_person())
    assert client.get("/accounts/profile/")["Location"] == "/archive/"


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_repeated_failures_lock_the_account_on_both_sign_in_forms(client, url):
    f.site_tree()
    user = _person(Role.FACILITATOR)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, user.username, "wrong", url).status_code == 200  # the form again, with an error
    locked = _sign_in(client, user.username, "wrong", url)
    assert locked.status_code == 429
    assert "登录失败次数太多" in locked.content.decode()
    # Now even the right password is refused, and nobody is signed in.
    again = _sign_in(client, user.username, PASSWORD, url)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another person on the same address is not locked out by someone else's failures.
    other = _person(Role.SELLER)
    assert _sign_in(client, other.username, PASSWORD, url).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client):
    f.site_tree()
    user = _person(Role.SELLER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, user.username, "wrong")
    assert _sign_in(client, user.username)["Location"] == reverse("stories:shelf")
    client.logout()
    assert _sign_in(client, user.username, "wrong").status_code == 200
