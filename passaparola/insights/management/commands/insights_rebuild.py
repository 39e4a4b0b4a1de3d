"""Rebuild the insights daily figures for a range of days, from the raw rows."""

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Min
from django.utils import timezone

from passaparola.insights.rollups import rollup_day
from passaparola.sharing.models import Share


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a day like 2026-01-31") from error


class Command(BaseCommand):
    help = (
        "Rebuild the daily figures the insights pages read, day by day, for a range "
        "(default: from the first share to today). Safe to run at any time: a day is rebuilt "
        "whole, and days whose raw clicks were pruned keep their click figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=_day, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", type=_day, help="last day (YYYY-MM-DD)")

    def handle(self, *args: Any, first: date | None, last: date | None, **options: Any) -> None:
        today = timezone.localdate()
        last = min(last or today, today)
        if first is None:
            oldest = Share.objects.aggregate(first=Min("created_at"))["first"]
            first = timezone.localtime(oldest).date() if oldest else today
        if first > last:
            raise CommandError(f"--from {first} is after --to {last}")
        day, rows = first, 0
        while day <= last:
            rows += rollup_day(day)
            day += timedelta(days=1)
        days = (last - first).days + 1
        self.stdout.write(f"Rebuilt {days} days ({first} to {last}): {rows} rows of figures.")
