"""The suite's one "now": every test runs at this instant unless it moves the clock itself.

Factories date consent 30 days before now and withdrawals a day before; tests that need a
date write it relative to NOW (``NOW - timedelta(days=3)``), never as a calendar date
that turns into the past (or before the consent date) as the real calendar moves on.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
# After every date the demo data fixes (consent given 2026-10-01, withdrawn 2026-11-02).
NOW = datetime(2027, 1, 15, 10, 0, tzinfo=SHANGHAI)


def ago(**delta) -> datetime:
    return NOW - timedelta(**delta)


def ahead(**delta) -> datetime:
    return NOW + timedelta(**delta)
