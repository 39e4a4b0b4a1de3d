"""Building the daily figures from the raw rows: per day, idempotent, in step with the worker.

A day is always rebuilt whole, from the raw rows of that day, inside a transaction that holds
the day's `RolledDay` row: running a day twice gives the same rows, and two builders of the
same day take turns. What changed since the last run is found through marks on the source
tables (the highest id read), so the worker rebuilds only the days that changed: today, and
an older day when a late click, a lead confirmed or rejected later, or a ledger line arrives.

After the retention period raw clicks are deleted (tracking). A day whose raw clicks are gone
keeps the click figures it had (or, for days summed before insights existed, tracking's own
daily click figures), so old periods show the same figures before and after pruning.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.insights import packs
from passaparola.insights.measures import Figures, Key
from passaparola.insights.models import DailyFigure, RolledDay, RollupMark
from passaparola.insights.origins import rollup_origins
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.models import Share
from passaparola.tracking.models import Click, ClickRollup, Conversion


@dataclass
class DayGroups:
    """One day's figures per person, post and network, as counted from the raw rows."""

    day: date
    groups: dict[Key, Figures] = field(default_factory=lambda: defaultdict(Figures))
    clicks_carried: bool = False


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of the day and of the next one, in the programme's time zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


# What happens to a person, or joining, is not taking part.
NOT_ACTIONS = [
    Verb.CLICK_RECEIVED,
    Verb.CONVERSION,
    Verb.CONVERSION_REJECTED,
    Verb.INVITATION_ACCEPTED,
]


def earned_points() -> Q:
    """Ledger lines that count as points earned (spending on a reward does not)."""
    return ~Q(action=PointsEntry.Action.REDEMPTION)


def day_groups(day: date, *, carry: bool = True, since: dict[str, int] | None = None) -> DayGroups:
    """Count one day from the raw rows (five grouped queries, whatever the day's size).

    With `carry`, a day whose raw clicks are all gone keeps the click figures summed before.
    With `since` (a build's marks), only the rows added after that build are counted.
    """
    start, end = day_bounds(day)
    found = DayGroups(day=day)
    groups = found.groups
    after = since or {}

    def newer(source: str) -> Q:
        return Q(pk__gt=after[source]) if source in after else Q()

    for row in (
        Share.objects.filter(newer("share"), created_at__gte=start, created_at__lt=end)
        .values("person_id", "post_id", "network")
        .annotate(n=Count("pk"))
    ):
        groups[(row["person_id"], row["post_id"], row["network"])].shares = row["n"]
    clicks = list(
        Click.objects.filter(newer("click"), created_at__gte=start, created_at__lt=end)
        .values(person=F("link__person_id"), post=F("link__post_id"), net=F("link__network"))
        .annotate(
            human=Count("pk", filter=Q(is_bot=False)),
            bots=Count("pk", filter=Q(is_bot=True)),
            unique=Count("visitor", filter=Q(is_bot=False), distinct=True),
        )
    )
    if clicks or not carry or since is not None:
        for row in clicks:
            figures = groups[(row["person"], row["post"], row["net"])]
            figures.human_clicks = row["human"]
            figures.bot_visits = row["bots"]
            figures.unique_visitors = row["unique"]
    else:
        _carry_clicks(found)
    for row in (
        Conversion.objects.filter(
            newer("conversion"),
            state=Conversion.State.CONFIRMED,
            created_at__gte=start,
            created_at__lt=end,
        )
        .values(person=F("link__person_id"), post=F("link__post_id"), net=F("link__network"))
        .annotate(n=Count("pk"))
    ):
        groups[(row["person"], row["post"], row["net"])].leads = row["n"]
    for row in (
        Activity.objects.filter(newer("activity"), created_at__gte=start, created_at__lt=end)
        .exclude(verb__in=NOT_ACTIONS)
        .values("person_id", "post_id", "network")
        .annotate(n=Count("pk"))
    ):
        network = row["network"] if row["post_id"] is not None else ""
        groups[(row["person_id"], row["post_id"], network)].actions += row["n"]
    for row in (
        PointsEntry.objects.filter(
            newer("points"), earned_points(), created_at__gte=start, created_at__lt=end
        )
        .values("person_id", "post_id", "network")
        .annotate(total=Sum("points"))
    ):
        network = row["network"] if row["post_id"] is not None else ""
        groups[(row["person_id"], row["post_id"], network)].points += row["total"] or 0
    return found


def _carry_clicks(found: DayGroups) -> None:
    """The raw clicks of the day are gone: keep the click figures summed while they were here."""
    previous = DailyFigure.objects.filter(day=found.day).filter(
        Q(human_clicks__gt=0) | Q(bot_visits__gt=0)
    )
    rows: Iterable[tuple[int, int | None, str, int, int, int]] = previous.values_list(
        "person_id", "post_id", "network", "human_clicks", "bot_visits", "unique_visitors"
    )
    if not previous.exists():
        # Summed by tracking before insights kept its own figures.
        rows = ClickRollup.objects.filter(day=found.day).values_list(
            "person_id", "post_id", "network", "human_clicks", "bot_visits", "unique_visitors"
        )
    for person_id, post_id, network, human, bots, unique in rows:
        figures = found.groups[(person_id, post_id, network)]
        figures.human_clicks, figures.bot_visits, figures.unique_visitors = human, bots, unique
        found.clicks_carried = True


def month_closed(first: date) -> bool:
    """Whether the month starting on `first` is over (its figures can be packed whole)."""
    return packs.month_end(first) < timezone.localdate()


@transaction.atomic
def rollup_day(day: date, *, month: bool = True) -> int:
    """Rebuild one day's figures from the raw rows; return how many rows it has now.

    With `month`, a day of a month that is over brings its month's pack up to date too (pass
    False when rebuilding many days, and pack each month once afterwards).
    """
    RolledDay.objects.get_or_create(day=day)
    marker = RolledDay.objects.select_for_update().get(day=day)
    found = day_groups(day)
    DailyFigure.objects.filter(day=day).delete()
    DailyFigure.objects.bulk_create(
        [
            DailyFigure(
                day=day,
                person_id=person_id,
                post_id=post_id,
                network=network,
                shares=figures.shares,
                human_clicks=figures.human_clicks,
                unique_visitors=figures.unique_visitors,
                bot_visits=figures.bot_visits,
                leads=figures.leads,
                actions=figures.actions,
                points=figures.points,
            )
            for (person_id, post_id, network), figures in found.groups.items()
            if figures != Figures()
        ],
        batch_size=2000,
    )
    packs.pack_day(day, found.groups)
    rollup_origins(day)
    if month and month_closed(packs.month_start(day)):
        packs.pack_month(packs.month_start(day))
    marker.built_at = timezone.now()
    marker.clicks_carried = found.clicks_carried
    # Taken after counting: a row added meanwhile waits for the next build, never counts twice.
    marker.marks = {
        source: model.objects.aggregate(top=Max("pk"))["top"] or 0
        for source, model in MARKED.items()
    }
    marker.save(update_fields=["built_at", "clicks_carried", "marks"])
    return len(found.groups)


def rollup_range(first: date, last: date) -> int:
    """Rebuild every day from `first` to `last` (inclusive); return how many days."""
    days = 0
    day = first
    while day <= last:
        rollup_day(day, month=False)
        days += 1
        day += timedelta(days=1)
    _pack_months({first + timedelta(days=n) for n in range(days)})
    return days


def _pack_months(days: Iterable[date]) -> None:
    for first in sorted({packs.month_start(day) for day in days}):
        if month_closed(first):
            with transaction.atomic():
                packs.pack_month(first)


# Finding the days that changed -------------------------------------------------------------

# Ids are handed out when a row is written but become visible when its transaction commits, so a
# row with a lower id may appear after a higher one was read: each run looks again at the last
# ids before its mark, and always rebuilds today and yesterday.
OVERLAP = 5000

MARKED: dict[str, type[Activity | Click | Conversion | Share | PointsEntry]] = {
    "activity": Activity,
    "click": Click,
    "conversion": Conversion,
    "share": Share,
    "points": PointsEntry,
}

SOURCES: dict[str, type[Activity | Click | Share | PointsEntry]] = {
    "activity": Activity,
    "click": Click,
    "share": Share,
    "points": PointsEntry,
}


def _days_of(queryset: QuerySet[Any]) -> set[date]:
    days = queryset.annotate(local_day=TruncDate("created_at")).values_list("local_day", flat=True)
    return set(days.distinct())


def changed_days() -> tuple[set[date], dict[str, int]]:
    """Return the days touched by rows added since the marks, and the new marks."""
    marks = dict(RollupMark.objects.values_list("source", "last_id"))
    days: set[date] = set()
    new_marks: dict[str, int] = {}
    for source, model in SOURCES.items():
        since = marks.get(source, 0)
        top = model.objects.aggregate(top=Max("pk"))["top"] or 0
        new_marks[source] = top
        if top <= since:
            continue
        floor = max(0, since - OVERLAP)
        days |= _days_of(model.objects.filter(pk__gt=floor, pk__lte=top))
        if source == "activity":
            # A lead confirmed or rejected later changes the day the lead was made.
            conversions = Activity.objects.filter(
                pk__gt=floor,
                pk__lte=top,
                verb__in=[Verb.CONVERSION, Verb.CONVERSION_REJECTED],
                source_id__isnull=False,
            ).values("source_id")
            days |= _days_of(Conversion.objects.filter(pk__in=conversions))
    days.discard(None)  # type: ignore[arg-type]
    today = timezone.localdate()
    days |= {today, today - timedelta(days=1)}
    return {day for day in days if day <= today}, new_marks


def rollup_changed() -> list[date]:
    """Rebuild the days that changed since the last run, then move the marks on."""
    days, new_marks = changed_days()
    for day in sorted(days):
        rollup_day(day, month=False)
    _pack_months(days)
    for source, last_id in new_marks.items():
        RollupMark.objects.update_or_create(source=source, defaults={"last_id": last_id})
    return sorted(days)
