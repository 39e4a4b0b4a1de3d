"""Reading figures for a period and filters: the rolled-up figures for closed days, raw rows
for today.

Closed days come from the read model. Whole-programme questions (no filter but networks) read
the day totals and the packs (packs.py): a few hundred small rows for a year. Questions about
some people or posts read their `DailyFigure` rows through the person or post index, so their
cost follows the size of the team or the number of posts, not the number of clicks. Today is
counted from the raw rows with the very function that builds a day (`rollups.day_groups`), so
today's figures and tomorrow's rolled-up ones cannot disagree; inside `one_reading()` it is
counted once for every figure of a page.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.insights import packs
from passaparola.insights.measures import MEASURES
from passaparola.insights.models import DailyFigure, DayTotal, Pack, RolledDay
from passaparola.insights.rollups import DayGroups, Figures, day_groups
from passaparola.people.models import Membership

if TYPE_CHECKING:
    from passaparola.insights.filters import InsightFilters


@dataclass(frozen=True)
class Scope:
    """What to count: the days from `start` to `end` (both included) and optional filters."""

    start: date
    end: date
    teams: tuple[int, ...] = ()
    networks: tuple[str, ...] = ()
    topics: tuple[int, ...] = ()
    content_types: tuple[str, ...] = ()
    posts: tuple[int, ...] = ()
    people: tuple[int, ...] = ()

    @property
    def programme_wide(self) -> bool:
        """Whether the scope is everyone's figures (on some networks, perhaps)."""
        return not (self.teams or self.topics or self.content_types or self.posts or self.people)

    @property
    def last_closed(self) -> date:
        return min(self.end, timezone.localdate() - timedelta(days=1))


def scope_of(filters: "InsightFilters", *, previous: bool = False) -> Scope:
    """The scope an insights page's filters ask for (or the period to compare it with)."""
    period = filters.previous if previous and filters.previous else filters.period
    return Scope(
        start=period.start,
        end=period.end,
        teams=filters.team_ids,
        networks=filters.networks,
        topics=filters.topic_ids,
        content_types=filters.content_types,
        posts=filters.post_ids,
        people=filters.person_ids,
    )


@dataclass
class Totals(Figures):
    active_people: int = 0  # people who took a step themselves in the period
    active_advocates: int = 0  # people who shared in the period


@dataclass
class Breakdown:
    totals: Totals
    per_day: dict[date, Figures] = field(default_factory=dict)
    by_network: dict[str, Figures] = field(default_factory=dict)


def today_marks() -> dict[str, int] | None:
    """How far today's build reaches (the highest id counted per source), or None when today
    has no build yet: pages then count all of today from the raw rows."""
    today = timezone.localdate()
    marks = _remembered(
        ("marks", today),
        lambda: RolledDay.objects.filter(day=today).values_list("marks", flat=True).first(),
    )
    return marks or None


def last_read(scope: Scope) -> date:
    """The last day the scope reads from the read model: today when today has a build (the
    worker builds it every few minutes; the rows added since are counted raw), else the last
    day that is over."""
    today = timezone.localdate()
    if scope.start <= today <= scope.end and today_marks() is not None:
        return today
    return scope.last_closed


def closed_rows(scope: Scope) -> QuerySet[DailyFigure]:
    """The scope's `DailyFigure` rows of the days that are over (what exports read)."""
    return _filtered_rows(scope, scope.last_closed)


def read_rows(scope: Scope) -> QuerySet[DailyFigure]:
    """The scope's `DailyFigure` rows a page reads: to `last_read`, to add `today_groups` to."""
    return _filtered_rows(scope, last_read(scope))


def _filtered_rows(scope: Scope, last: date) -> QuerySet[DailyFigure]:
    rows = DailyFigure.objects.filter(day__gte=scope.start, day__lte=last)
    if scope.teams:
        members = Membership.objects.filter(team_id__in=scope.teams).values("person_id")
        rows = rows.filter(person_id__in=members)
    if scope.networks:
        rows = rows.filter(network__in=scope.networks)
    if scope.topics:
        rows = rows.filter(post_id__in=Post.objects.filter(topics__in=scope.topics).values("pk"))
    if scope.content_types:
        rows = rows.filter(post__content_type__in=scope.content_types)
    if scope.posts:
        rows = rows.filter(post_id__in=scope.posts)
    if scope.people:
        rows = rows.filter(person_id__in=scope.people)
    return rows


_READING: ContextVar[dict[object, object] | None] = ContextVar("insights_reading", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Count today's raw rows once for all the figures read inside the block (one page)."""
    token = _READING.set({})
    try:
        yield
    finally:
        _READING.reset(token)


def _today_counted(today: date) -> DayGroups:
    counted = _READING.get()
    if counted is None:
        return day_groups(today, carry=False, since=today_marks())
    if today not in counted:
        counted[today] = day_groups(today, carry=False, since=today_marks())
    found = counted[today]
    assert isinstance(found, DayGroups)
    return replace(found, groups=dict(found.groups))


T = TypeVar("T")


def _remembered(key: object, read: Callable[[], T]) -> T:
    """`read()`, once per reading: later asks for the same key get the same answer."""
    remembered = _READING.get()
    if remembered is None:
        return read()
    if key not in remembered:
        remembered[key] = read()
    return remembered[key]  # type: ignore[return-value]


def _packed(of: str, scope: Scope) -> packs.Sums:
    """The scope's closed days summed by person or post from the packs (once per reading)."""
    return _remembered(
        (of, scope.start, last_read(scope), scope.networks),
        lambda: packs.sums(of, scope.start, last_read(scope), networks=scope.networks),
    )


def today_groups(scope: Scope) -> DayGroups | None:
    """Today's groups counted from the raw rows (those after today's build, if there is one),
    filtered like the days read from the read model."""
    today = timezone.localdate()
    if not scope.start <= today <= scope.end:
        return None
    found = _today_counted(today)
    keys = list(found.groups)
    if scope.teams:
        allowed = _remembered(
            ("members", scope.teams),
            lambda: set(
                Membership.objects.filter(
                    team_id__in=scope.teams, person_id__in={k[0] for k in found.groups}
                ).values_list("person_id", flat=True)
            ),
        )
        keys = [k for k in keys if k[0] in allowed]
    if scope.topics:
        posts = set(
            Post.objects.filter(
                topics__in=scope.topics, pk__in={k[1] for k in keys if k[1]}
            ).values_list("pk", flat=True)
        )
        keys = [k for k in keys if k[1] in posts]
    keys = [
        k
        for k in keys
        if (not scope.networks or k[2] in scope.networks)
        and (not scope.posts or k[1] in scope.posts)
        and (not scope.people or k[0] in scope.people)
    ]
    found.groups = {k: found.groups[k] for k in keys}
    return found


def _add(into: Figures, row: dict[str, int | None] | Figures) -> None:
    for name in MEASURES:
        value = row[name] if isinstance(row, dict) else getattr(row, name)
        setattr(into, name, getattr(into, name) + (value or 0))


def breakdown(scope: Scope) -> Breakdown:
    """Totals, a figure per day and per network for the scope (a few queries and today's)."""
    per_day: dict[date, Figures] = defaultdict(Figures)
    by_network: dict[str, Figures] = defaultdict(Figures)
    totals = Totals()
    if scope.programme_wide:
        sharers, active = _programme_wide(scope, totals, per_day, by_network)
    else:
        sharers, active = _filtered(scope, totals, per_day, by_network)
    today = today_groups(scope)
    if today is not None:
        for (person_id, _post_id, network), figures in today.groups.items():
            _add(totals, figures)
            _add(per_day[today.day], figures)
            if network:
                _add(by_network[network], figures)
            if figures.shares:
                sharers.add(person_id)
            if figures.actions:
                active.add(person_id)
    totals.active_advocates = len(sharers)
    totals.active_people = len(active)
    return Breakdown(totals=totals, per_day=dict(per_day), by_network=dict(by_network))


Added = tuple[set[int], set[int]]  # who shared, who took a step


def _filtered(
    scope: Scope,
    totals: Totals,
    per_day: dict[date, Figures],
    by_network: dict[str, Figures],
) -> Added:
    closed = read_rows(scope)
    sums = {name: Sum(name) for name in MEASURES}
    sharers: set[int] = set()
    active: set[int] = set()
    if scope.teams or scope.people:
        # Some people: their rows are few (the person index), one pass gives everything.
        for row in closed.values("day", "network", "person_id").annotate(**sums):
            _add(totals, row)
            _add(per_day[row["day"]], row)
            if row["network"]:
                _add(by_network[row["network"]], row)
            if row["shares"]:
                sharers.add(row["person_id"])
            if row["actions"]:
                active.add(row["person_id"])
        return sharers, active
    for row in closed.values("day", "network").annotate(**sums):
        _add(totals, row)
        _add(per_day[row["day"]], row)
        if row["network"]:
            _add(by_network[row["network"]], row)
    for person_id, shares, actions in (
        closed.filter(Q(shares__gt=0) | Q(actions__gt=0))
        .values("person_id")
        .annotate(s=Sum("shares"), a=Sum("actions"))
        .values_list("person_id", "s", "a")
    ):
        if shares:
            sharers.add(person_id)
        if actions:
            active.add(person_id)
    return sharers, active


def _programme_wide(
    scope: Scope,
    totals: Totals,
    per_day: dict[date, Figures],
    by_network: dict[str, Figures],
) -> Added:
    rows = DayTotal.objects.filter(day__gte=scope.start, day__lte=last_read(scope))
    if scope.networks:
        rows = rows.filter(network__in=scope.networks)
    for row in rows.values("day", "network", *MEASURES):
        _add(totals, row)
        _add(per_day[row["day"]], row)
        if row["network"]:
            _add(by_network[row["network"]], row)
    if scope.start > last_read(scope):
        return set(), set()
    people = _packed(Pack.Of.PERSON, scope)
    return people.ids_with("shares"), people.ids_with("actions")


def top(
    scope: Scope, by: str, *, measure: str = "human_clicks", limit: int = 10
) -> list[tuple[int, int]]:
    """The `limit` people (by="person") or posts (by="post") with the most of `measure`.

    Exact with today's raw figures added: a person or post outside the closed days' top can
    only overtake with figures of today, so everyone counted today is a candidate too.
    """
    column = f"{by}_id"
    closed = read_rows(scope).exclude(**{f"{column}__isnull": True})
    packed = None
    every: dict[int, int] = {}
    if scope.programme_wide and scope.start <= last_read(scope):
        of = Pack.Of.PERSON if by == "person" else Pack.Of.POST
        packed = _packed(of, scope)
        leaders = packed.top(measure, limit)
    elif scope.teams or scope.people:
        # Some people: everyone's total in one query (their rows are few), ranked below.
        every = dict(
            closed.values(column).annotate(total=Sum(measure)).values_list(column, "total")
        )
        positive = ((key, total) for key, total in every.items() if total > 0)
        leaders = sorted(positive, key=lambda kt: (-kt[1], kt[0]))[:limit]
    else:
        leaders = list(
            closed.values(column)
            .annotate(total=Sum(measure))
            .filter(total__gt=0)
            .order_by("-total", column)
            .values_list(column, "total")[:limit]
        )
    today = today_groups(scope)
    if today is None or not today.groups:
        return [(int(key), int(total)) for key, total in leaders]
    fresh: dict[int, int] = defaultdict(int)
    for (person_id, post_id, _network), figures in today.groups.items():
        owner = person_id if by == "person" else post_id
        if owner is not None:
            fresh[owner] += getattr(figures, measure)
    candidates = {int(key) for key, _ in leaders} | set(fresh)
    if packed is not None:
        earlier = {key: packed.get(measure, key) for key in candidates}
    elif scope.teams or scope.people:
        earlier = every
    else:
        earlier = dict(
            closed.filter(**{f"{column}__in": candidates})
            .values(column)
            .annotate(total=Sum(measure))
            .values_list(column, "total")
        )
    totals = {key: int(earlier.get(key) or 0) + fresh.get(key, 0) for key in candidates}
    ranked = sorted(((k, t) for k, t in totals.items() if t > 0), key=lambda kt: (-kt[1], kt[0]))
    return ranked[:limit]
