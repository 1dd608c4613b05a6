"""The consent sweep (issue 10, finding 3): a withdrawal dated ahead takes the kit off the
shelf, and tells its facilitators, when its time comes — not before, and only once."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from heritage import consent_log
from heritage.models import ConsentSweep
from stories.consent_sweep import sweep
from stories.shelf import kits_on_shelf
from stories.withdrawal import WITHDRAWN_ACTION

pytestmark = pytest.mark.django_db


def test_a_dated_withdrawal_withdraws_the_kit_when_the_sweep_passes_its_time(
    make_kit, archive, people, django_capture_on_commit_callbacks
):
    people["facilitator"].email = "facilitator@example.invalid"
    people["facilitator"].save()
    kit = make_kit()
    now = timezone.now()
    consent = archive["王秀英"].consents.get(scope="commercial")
    with django_capture_on_commit_callbacks(execute=True):
        consent_log.withdraw(consent, by=people["facilitator"], source="test", at=now + timedelta(minutes=1))
    kit.refresh_from_db()
    assert kit.live and mail.outbox == []  # saving a dated withdrawal changes nothing yet

    with time_machine.travel(now + timedelta(seconds=30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            early = sweep()
        kit.refresh_from_db()
        assert kit.live and early.kits_withdrawn == 0 and early.lapsed == 0

    with time_machine.travel(now + timedelta(minutes=2), tick=False):
        # Before the sweep the shelf already refuses the kit (it asks consent itself) ...
        assert kits_on_shelf() == []
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("consent_sweep", stdout=out)
        assert "下架品牌包 1 个" in out.getvalue()
        kit.refresh_from_db()
        # ... and the sweep withdraws it as an immediate withdrawal does.
        assert not kit.live and "王秀英" in kit.withdrawn_reason
        assert ModelLogEntry.objects.filter(action=WITHDRAWN_ACTION, object_id=str(kit.pk)).count() == 1
        assert len(mail.outbox) == 1 and "facilitator@example.invalid" in mail.outbox[0].to
        record = ConsentSweep.objects.order_by("-ran_at").first()
        assert record.ran_at == timezone.now() and record.lapsed == 1 and record.kits_withdrawn == 1

    with time_machine.travel(now + timedelta(minutes=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            again = sweep()
        assert again.kits_withdrawn == 0 and again.lapsed == 0
        assert len(mail.outbox) == 1
        assert ModelLogEntry.objects.filter(action=WITHDRAWN_ACTION, object_id=str(kit.pk)).count() == 1
    assert ConsentSweep.objects.count() == 3
