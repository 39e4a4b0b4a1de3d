"""The period every insights page reads: a preset or a custom range of local days.

Days are calendar days in the programme's time zone (TIME_ZONE, `timezone.localdate()`); a
period's end is inclusive and, for the presets, today at the latest. Weeks start on Monday.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passaparola.lib.bounds import FIRST_DAY, LAST_DAY

LAST_7 = "7d"
LAST_30 = "30d"
LAST_90 = "90d"
THIS_MONTH = "this_month"
LAST_MONTH = "last_month"
THIS_QUARTER = "this_quarter"
LAST_QUARTER = "last_quarter"
THIS_YEAR = "this_year"
LAST_YEAR = "last_year"
CUSTOM = "custom"
DEFAULT = LAST_30

PRESETS: dict[str, str | Promise] = {
    LAST_7: _("Last 7 days"),
    LAST_30: _("Last 30 days"),
    LAST_90: _("Last 90 days"),
    THIS_MONTH: _("This month"),
    LAST_MONTH: _("Last month"),
    THIS_QUARTER: _("This quarter"),
    LAST_QUARTER: _("Last quarter"),
    THIS_YEAR: _("This year"),
    LAST_YEAR: _("Last year"),
}
CUSTOM_LABEL = _("Custom range")

# Three years and a leap day: enough for "this year against the two before", and a bound on
# what one page may ask the database for.
MAX_DAYS = 3 * 365 + 1

# Rolling periods step back by their own length; calendar ones by a month, quarter or year.
DAYS, MONTH, QUARTER, YEAR = "days", "month", "quarter", "year"
_MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}


def _add_months(first: date, months: int) -> date:
    """Return the first day of the month `months` after the month starting on `first`."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _unit_start(unit: str, day: date) -> date:
    """Return the first day of the month, quarter or year that holds `day`."""
    if unit == MONTH:
        return day.replace(day=1)
    if unit == QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def monday_of(day: date) -> date:
    """Return the Monday that starts the week holding `day`."""
    return day - timedelta(days=day.weekday())


def day_start(day: date) -> datetime:
    """Return the moment a local day begins (in the current time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def range_label(start: date, end: date) -> str:
    """Return "start - end" (an en dash) in the active language's date format; one date alone."""
    if start == end:
        return date_format(start)
    return f"{date_format(start)} \N{EN DASH} {date_format(end)}"


@dataclass(frozen=True)
class Period:
    """A run of local days from `start` to `end`, both included."""

    start: date
    end: date
    key: str
    label: str
    # How previous() steps back: DAYS (the same length) or a calendar MONTH, QUARTER or YEAR.
    unit: str = DAYS

    @property
    def length(self) -> int:
        """Return the number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def days(self) -> list[date]:
        """Return every day of the period, in order."""
        return [self.start + timedelta(days=index) for index in range(self.length)]

    @property
    def weeks(self) -> list[date]:
        """Return the Monday of every week the period touches, in order."""
        first, last = monday_of(self.start), monday_of(self.end)
        return [first + timedelta(weeks=index) for index in range((last - first).days // 7 + 1)]

    @property
    def since(self) -> datetime:
        """Return the moment the period begins."""
        return day_start(self.start)

    @property
    def until(self) -> datetime:
        """Return the moment the period is over (exclusive)."""
        return day_start(self.end + timedelta(days=1))

    @property
    def dates(self) -> str:
        """Return the period's first and last day, written for people."""
        return range_label(self.start, self.end)

    def previous(self) -> "Period":
        """Return the period just before: the same number of days, or the calendar unit before.

        A calendar period still running ("this quarter", 40 days in) is compared with the same
        stretch of the unit before (its first 40 days), clipped to that unit's last day.
        """
        if self.unit == DAYS:
            end = self.start - timedelta(days=1)
            start = end - timedelta(days=self.length - 1)
        else:
            months = _MONTHS[self.unit]
            start = _add_months(self.start, -months)
            unit_end = self.start - timedelta(days=1)
            whole = self.end == _add_months(self.start, months) - timedelta(days=1)
            end = unit_end if whole else min(start + (self.end - self.start), unit_end)
        return Period(
            start=start, end=end, key="previous", label=range_label(start, end), unit=self.unit
        )

    def contains(self, day: date) -> bool:
        """Return True when `day` is one of the period's days."""
        return self.start <= day <= self.end


def preset(key: str, *, today: date | None = None) -> Period:
    """Return the period a preset names, as of today (local). Raise KeyError for no preset."""
    label = str(PRESETS[key])
    today = today or timezone.localdate()
    if key in (LAST_7, LAST_30, LAST_90):
        length = int(key.removesuffix("d"))
        return Period(today - timedelta(days=length - 1), today, key, label)
    unit = {"month": MONTH, "quarter": QUARTER, "year": YEAR}[key.split("_", 1)[1]]
    start = _unit_start(unit, today)
    if key.startswith("this_"):
        return Period(start, today, key, label, unit)
    start = _add_months(start, -_MONTHS[unit])
    end = _add_months(start, _MONTHS[unit]) - timedelta(days=1)
    return Period(start, end, key, label, unit)


def custom(start: date, end: date) -> Period:
    """Return the period from `start` to `end` (both included), or raise ValidationError."""
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise ValidationError(
            gettext("Choose days between %(first)s and %(last)s.")
            % {"first": date_format(FIRST_DAY), "last": date_format(LAST_DAY)},
            code="out_of_range",
        )
    if end < start:
        raise ValidationError(gettext("The end comes before the start."), code="reversed")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            gettext("Choose at most three years (%(days)s days).") % {"days": MAX_DAYS},
            code="too_long",
        )
    return Period(start, end, CUSTOM, range_label(start, end))


def default_period(*, today: date | None = None) -> Period:
    """Return the period a page shows when none is asked for."""
    return preset(DEFAULT, today=today)
