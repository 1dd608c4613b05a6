"""The database goes away for 10 s: a 503 in Chinese, nothing half-written, back without a restart.

The outage is injected where Django hands SQL to the database driver
(``connection.execute_wrapper``), raising the driver-level error Django raises when a
server is stopped or an SQLite file is locked. Transaction control still passes, as it
would for the statements of a connection that is being torn down.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from media.ingest import ingest
from media.models import AudioRecording

from .. import factories as f

pytestmark = pytest.mark.django_db

OUTAGE = timedelta(seconds=10)
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


@contextmanager
def database_gone(*, only_writes=False, lasting=OUTAGE):
    """For ``lasting`` (on the test's clock) the database answers nothing (or refuses writes)."""
    until = timezone.now() + lasting

    def refuse(execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        gone = timezone.now() < until and not statement.startswith(TRANSACTION_CONTROL)
        if gone and (not only_writes or statement.startswith(("INSERT", "UPDATE", "DELETE"))):
            raise OperationalError("could not connect to server: Connection refused")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def test_pages_answer_503_in_chinese_during_the_outage_and_recover_without_a_restart(client, clock):
    home, _index = f.site_tree()
    url = home.url
    client.raise_request_exception = False
    with database_gone():
        page = client.get(url)
        assert page.status_code == 503 and page["Retry-After"] == "10"
        assert "数据库暂时连不上" in page.content.decode()
        api = client.get("/search/api/?q=辣子鸡")
        assert api.status_code == 503 and api.json()["error"] == "database_unavailable"
        clock.shift(OUTAGE + timedelta(seconds=1))
        assert client.get(url).status_code == 200


def test_an_upload_during_the_outage_leaves_no_file_and_no_row(make_audio, settings, clock):
    clip = make_audio("wav", seconds=2)
    # Longer than FFmpeg's check of the clip can take on a loaded machine: the write must fall in it.
    with database_gone(only_writes=True, lasting=timedelta(hours=1)):
        with clip.open("rb") as stream, pytest.raises(OperationalError):
            ingest(stream, "clip.wav", "停电时的一段")
        assert not [p for p in (settings.MEDIA_ROOT / "recordings").rglob("*") if p.is_file()]
        clock.shift(timedelta(hours=1, seconds=1))
        with clip.open("rb") as stream:
            recording = ingest(stream, "clip.wav", "停电时的一段")
    assert list(AudioRecording.objects.values_list("pk", flat=True)) == [recording.pk]
