"""Frozen time for tests whose answer depends on today's date."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction

if TYPE_CHECKING:
    from django.test import SimpleTestCase

# A Wednesday in the middle of a week that started in the previous month: the default instant.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)

ROME = ZoneInfo("Europe/Rome")

# Instants around the edges of weeks, months, quarters and years, and on a Monday and a Sunday.
BOUNDARY_INSTANTS = [
    NOW,
    datetime(2026, 12, 31, 23, 59, tzinfo=ROME),  # last minute of the year in Rome, 22:59 UTC
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),  # last second of the year in UTC
    datetime(2027, 1, 1, 0, 0, tzinfo=UTC),  # first moment of a year, quarter and month (a Friday)
    datetime(2027, 1, 1, 0, 0, tzinfo=ROME),  # new year in Rome, still 2026 in UTC
    datetime(2026, 3, 31, 23, 59, tzinfo=UTC),  # last minute of a quarter (a Tuesday)
    datetime(2026, 4, 1, 0, 0, tzinfo=UTC),  # first minute of a quarter (a Wednesday)
    datetime(2026, 11, 29, 23, 59, tzinfo=UTC),  # a Sunday: the last day of a week
    datetime(2026, 11, 30, 0, 0, tzinfo=UTC),  # a Monday: the first day of a week
    datetime(2026, 2, 28, 18, 0, tzinfo=UTC),  # the last day of a short month (a Saturday)
]


def frozen(instant: datetime = NOW) -> time_machine.travel:
    """Stop the clock at `instant` (usable as a class or method decorator, or a `with`)."""
    return time_machine.travel(instant, tick=False)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Undo every database change made inside the block."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def at_instant(case: "SimpleTestCase", instant: datetime) -> Iterator[None]:
    """Run the block as a subtest with the clock stopped at `instant`, leaving no rows behind."""
    with case.subTest(at=instant.isoformat()), frozen(instant), rolled_back():
        yield
