"""Issue 10 tried as an attacker would, one finding per test, each failing before its fix."""

import pytest
from django.test import Client

from .. import factories as f

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # more than SQLite's (and PostgreSQL's bigint) 64 bits


@pytest.mark.parametrize(
    "url",
    [
        f"/archive-audio/{HUGE}/transcript.txt",
        f"/archive-audio/{HUGE}/original/",
    ],
)
def test_a_number_too_large_for_the_database_is_a_400_with_a_message(url):
    f.site_tree()
    client = Client(raise_request_exception=False)
    client.force_login(f.facilitator())
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "number_too_large"
