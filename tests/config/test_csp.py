"""Content-Security-Policy: strict on the public site, Wagtail's needs in the admin only."""

import pytest

from .. import factories as f

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_a_public_page_allows_only_its_own_scripts(client):
    f.site_tree()
    policy = _directives(client.get("/"))
    assert policy["script-src"] == ["'self'"], "no inline script, no nonce unless a template asks for one"
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["media-src"] == ["'self'", "blob:"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


def test_refusals_carry_the_policy_too(client):
    response = client.get("/search/api/?q=%00")
    assert response.status_code == 400
    assert _directives(response)["script-src"] == ["'self'"]


def test_the_admin_gets_its_own_looser_policy_without_a_nonce(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert not any("nonce" in source for sources in policy.values() for source in sources)
    assert policy["frame-ancestors"] == ["'self'"], "Wagtail's preview frames the site inside the admin"
    assert policy["object-src"] == ["'none'"]
