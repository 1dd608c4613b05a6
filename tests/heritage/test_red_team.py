"""Issue 10 tried as an attacker would, one finding per test, each failing before its fix."""

import pytest
from django.db import connection
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
    # SQLite cannot bind the number (OverflowError: a 400 that says so); on PostgreSQL Django
    # knows the column's range and finds nothing (a 404). Never a 500, always words.
    expected = (400, "number_too_large") if connection.vendor == "sqlite" else (404, "not_found")
    assert (response.status_code, response.json()["error"]) == expected
    assert response.json()["zh"]
