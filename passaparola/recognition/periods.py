"""Calendar periods of the boards: weeks (from Monday), months, quarters and all time, in UTC.

UTC keeps them identical to the periods the database triggers compute for `PointsTotal`.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

# The period names the pages use, and the one-letter codes stored in PointsTotal.period.
PERIODS = {"week": "w", "month": "m", "quarter": "q", "all": "a"}
ALL_TIME_START = date(1970, 1, 1)


def utc_day(moment: datetime | None = None) -> date:
    """Return the UTC calendar day of a moment (now by default)."""
    return (moment or timezone.now()).astimezone(UTC).date()


def period_start(period: str, day: date) -> date:
    """Return the first day of the period that contains `day`."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return ALL_TIME_START


def next_start(period: str, start: date) -> date:
    """Return the first day of the period after the one starting on `start`."""
    if period == "week":
        return start + timedelta(days=7)
    if period in ("month", "quarter"):
        months = 1 if period == "month" else 3
        index = start.year * 12 + start.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)
    return date.max


def previous_start(period: str, start: date) -> date:
    """Return the first day of the period before the one starting on `start`."""
    if period == "all":
        return ALL_TIME_START
    return period_start(period, start - timedelta(days=1))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the UTC moments a day starts and ends (exclusive)."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def week_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the UTC moments the week containing `day` starts and ends (exclusive)."""
    start = datetime.combine(period_start("week", day), time.min, tzinfo=UTC)
    return start, start + timedelta(days=7)
