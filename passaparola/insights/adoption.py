"""Adoption: how far people got, from their invitation to the leads their shares brought.

The funnel is nested: each step counts the people who also reached every step before it.

- invited: people who joined by the end of the period, and invitations still open then;
- joined: people taking part (not left) who joined by the end of the period;
- onboarded: by then picked topics, connected a network, chose their emails or shared;
- active in the period: any activity but joining or a lead taken back (as the dashboard);
- shared, brought human clicks, brought leads (confirmed): in the period, in the network, topic,
  content type or post chosen.

Team, person and (for team leads) their own teams bound whom it counts. Every figure is one
aggregate query (a CASE that stops at a person's first missing step, grouped), never a loop
over people; clicks of days whose raw rows were pruned come from `ClickRollup`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import PersonInterest
from passaparola.insights.filters import InsightFilters
from passaparola.insights.periods import day_start, monday_of
from passaparola.invitations.models import Invitation
from passaparola.lib.charts import Bar, bars
from passaparola.notifications.models import NotificationPreference
from passaparola.people.models import Membership, Person
from passaparola.sharing.models import ConnectedAccount, Share
from passaparola.tracking.models import Click, ClickRollup, Conversion

STEPS: list[tuple[str, str | Promise]] = [
    ("invited", _("Invited")),
    ("joined", _("Joined")),
    ("onboarded", _("Onboarded")),
    ("active", _("Active in the period")),
    ("shared", _("Shared")),
    ("clicked", _("Brought human clicks")),
    ("leads", _("Brought leads")),
]
# Joining, or a lead the company took back, is not taking part (as on the dashboard).
NOT_TAKING_PART = [Verb.INVITATION_ACCEPTED, Verb.CONVERSION_REJECTED]
# Columns of the cohort table: the week people joined (0) and the eleven after it.
COHORT_WEEKS = 12


@dataclass
class Step:
    key: str
    label: str
    count: int
    of_first: int | None = None  # percent of the first step
    of_previous: int | None = None  # percent of the step before
    width: int = 0  # the bar's length, in percent of the first step


@dataclass
class Funnel:
    name: str
    steps: list[Step]

    def count(self, key: str) -> int:
        """Return how many people reached the step `key`."""
        return next(step.count for step in self.steps if step.key == key)


@dataclass
class WeekActive:
    week: date
    joined: int
    active: int

    @property
    def share(self) -> int | None:
        """Return the active share of those who had joined, in whole percent."""
        return round(100 * self.active / self.joined) if self.joined else None


@dataclass
class Cohort:
    week: date
    size: int
    # Per week since joining: how many were active, or None for weeks still to come.
    active: list[int | None]

    @property
    def cells(self) -> list[dict[str, Any]]:
        """Return each week's share (whole percent, None for weeks to come) and its shade."""
        cells = []
        for active in self.active:
            share = round(100 * active / self.size) if active is not None and self.size else None
            heat = 0 if not share else min(5, 1 + share // 20)
            cells.append({"active": active, "share": share, "heat": heat})
        return cells


@dataclass
class Adoption:
    overall: Funnel
    by_wave: list[Funnel] = field(default_factory=list)
    by_team: list[Funnel] = field(default_factory=list)
    weeks: list[WeekActive] = field(default_factory=list)
    week_bars: list[Bar] = field(default_factory=list)
    cohorts: list[Cohort] = field(default_factory=list)
    cohort_columns: list[int] = field(default_factory=list)


def _content(filters: InsightFilters, prefix: str = "") -> Q:
    """Return the network, topic, content type and post filters on a row with a post."""
    q = Q()
    if filters.networks:
        q &= Q(**{f"{prefix}network__in": filters.networks})
    if filters.post_ids:
        q &= Q(**{f"{prefix}post_id__in": filters.post_ids})
    if filters.topic_ids:
        q &= Q(**{f"{prefix}post__topics__in": filters.topic_ids})
    if filters.content_types:
        q &= Q(**{f"{prefix}post__content_type__in": filters.content_types})
    return q


def _steps_reached(person: str, filters: InsightFilters) -> list[Q]:
    """Return, for the person in the column `person`, one condition per step after joining."""
    ref = OuterRef(person)
    period = filters.period
    since, until = period.since, period.until
    onboarded = (
        Q(Exists(PersonInterest.objects.filter(person=ref, created_at__lt=until)))
        | Q(Exists(ConnectedAccount.objects.filter(person=ref, connected_at__lt=until)))
        | Q(Exists(NotificationPreference.objects.filter(person=ref, updated_at__lt=until)))
        | Q(Exists(Share.objects.filter(person=ref, created_at__lt=until)))
    )
    active = Q(
        Exists(
            Activity.objects.filter(
                person=ref, created_at__gte=since, created_at__lt=until
            ).exclude(verb__in=NOT_TAKING_PART)
        )
    )
    shared = Q(
        Exists(
            Share.objects.filter(
                _content(filters), person=ref, created_at__gte=since, created_at__lt=until
            )
        )
    )
    # Raw clicks, and the daily figures of days whose raw clicks were pruned.
    clicked = Q(
        Exists(
            Click.objects.filter(
                _content(filters, "link__"),
                link__person=ref,
                is_bot=False,
                created_at__gte=since,
                created_at__lt=until,
            )
        )
    ) | Q(
        Exists(
            ClickRollup.objects.filter(
                _content(filters),
                person=ref,
                human_clicks__gt=0,
                day__gte=period.start,
                day__lte=period.end,
            )
        )
    )
    leads = Q(
        Exists(
            Conversion.objects.filter(
                _content(filters, "link__"),
                link__person=ref,
                state=Conversion.State.CONFIRMED,
                created_at__gte=since,
                created_at__lt=until,
            )
        )
    )
    return [onboarded, active, shared, clicked, leads]


def _depth(person: str, filters: InsightFilters) -> Case:
    """Return how many steps from "joined" on a person reached: 1 (joined only) to 6 (leads).

    CASE stops at the first step missing, so each condition is asked at most once a person.
    """
    conditions = _steps_reached(person, filters)
    return Case(
        *(When(~condition, then=Value(index + 1)) for index, condition in enumerate(conditions)),
        default=Value(len(conditions) + 1),
        output_field=IntegerField(),
    )


def _scoped_people(filters: InsightFilters, prefix: str) -> Q:
    """Return the people a page counts: those taking part who joined by the end of the period,
    in the chosen teams or the chosen person; `prefix` leads to the person ("person__")."""
    period_end = filters.period.until
    q = Q(**{f"{prefix}is_active": True, f"{prefix}date_joined__lt": period_end})
    if filters.team_ids:
        members = Membership.objects.filter(team_id__in=filters.team_ids).values("person_id")
        q &= Q(**{f"{prefix}pk__in": members})
    if filters.person_ids:
        q &= Q(**{f"{prefix}pk__in": filters.person_ids})
    return q


def _open_invitations(filters: InsightFilters) -> QuerySet[Invitation]:
    """Return the invitations made by the end of the period and still open then."""
    until = filters.period.until
    invitations = Invitation.objects.filter(
        Q(joined_at__isnull=True) | Q(joined_at__gte=until),
        Q(revoked_at__isnull=True) | Q(revoked_at__gte=until),
        created_at__lt=until,
    )
    if filters.person_ids:
        return invitations.none()  # a person filter names someone who joined
    if filters.team_ids:
        named = Invitation.teams.through.objects.filter(team_id__in=filters.team_ids)
        invitations = invitations.filter(pk__in=named.values("invitation_id"))
    return invitations


def _funnel(name: str, open_invitations: int, depths: dict[int, int]) -> Funnel:
    """Return a funnel from open invitations and the people per depth reached (1 to 6)."""
    counts = [sum(n for depth, n in depths.items() if depth >= index) for index in range(1, 7)]
    counts = [counts[0] + open_invitations, *counts]
    steps = []
    for index, ((key, label), count) in enumerate(zip(STEPS, counts, strict=True)):
        step = Step(key=key, label=str(label), count=count)
        step.width = round(100 * count / counts[0]) if counts[0] else 0
        if index:
            step.of_first = round(100 * count / counts[0]) if counts[0] else None
            step.of_previous = round(100 * count / counts[index - 1]) if counts[index - 1] else None
        steps.append(step)
    return Funnel(name=name, steps=steps)


def _local_day(value: date | datetime) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _group(name: str) -> dict[str, Any]:
    return {"name": name, "open": 0, "depths": {}}


def _funnels(filters: InsightFilters, everyone: str) -> tuple[Funnel, list[Funnel], list[Funnel]]:
    """Return the overall funnel, one per invitation wave and one per team (four queries)."""
    no_wave = gettext("No wave")
    # People partition by wave (an invitation is one person's), so the waves add up to everyone.
    waves: dict[Any, dict[str, Any]] = {}
    people = (
        Person.objects.filter(_scoped_people(filters, ""))
        .annotate(depth=_depth("pk", filters))
        .values("invitation__wave_id", "invitation__wave__name", "depth")
        .annotate(n=Count("pk"))
    )
    for row in people:
        wave = waves.setdefault(
            row["invitation__wave_id"],
            _group(row["invitation__wave__name"] or no_wave),
        )
        wave["depths"][row["depth"]] = row["n"]
    pending = _open_invitations(filters).values("wave_id", "wave__name").annotate(n=Count("pk"))
    for row in pending:
        wave = waves.setdefault(row["wave_id"], _group(row["wave__name"] or no_wave))
        wave["open"] = row["n"]
    total_depths: dict[int, int] = defaultdict(int)
    for wave in waves.values():
        for depth, n in wave["depths"].items():
            total_depths[depth] += n
    overall = _funnel(everyone, sum(wave["open"] for wave in waves.values()), total_depths)
    # Waves in the order they were made; people and invitations without a wave last.
    by_wave = [
        _funnel(waves[key]["name"], waves[key]["open"], waves[key]["depths"])
        for key in sorted(waves, key=lambda key: (key is None, key or 0))
    ]

    teams: dict[int, dict[str, Any]] = {}
    members = Membership.objects.filter(_scoped_people(filters, "person__"))
    if filters.team_ids:
        members = members.filter(team_id__in=filters.team_ids)
    for row in (
        members.annotate(depth=_depth("person_id", filters))
        .values("team_id", "team__name", "depth")
        .annotate(n=Count("pk"))
    ):
        team = teams.setdefault(
            row["team_id"], {"name": row["team__name"], "open": 0, "depths": {}}
        )
        team["depths"][row["depth"]] = row["n"]
    named = Invitation.teams.through.objects.filter(
        invitation_id__in=_open_invitations(filters).values("pk")
    )
    if filters.team_ids:
        named = named.filter(team_id__in=filters.team_ids)
    for row in named.values("team_id", "team__name").annotate(n=Count("pk")):
        team = teams.setdefault(
            row["team_id"], {"name": row["team__name"], "open": 0, "depths": {}}
        )
        team["open"] = row["n"]
    by_team = [
        _funnel(team["name"], team["open"], team["depths"])
        for team in sorted(teams.values(), key=lambda team: str(team["name"]).lower())
    ]
    return overall, by_wave, by_team


def _weekly(filters: InsightFilters) -> tuple[list[WeekActive], list[Cohort]]:
    """Return weekly active people over joined ones, and retention by join week (three queries).

    Weeks run Monday to Sunday; every week the period touches is counted whole.
    """
    mondays = filters.period.weeks
    since, until = day_start(mondays[0]), day_start(mondays[-1] + timedelta(weeks=1))
    this_week = monday_of(timezone.localdate())

    joined_per_week: dict[date, int] = defaultdict(int)
    people = Person.objects.filter(_scoped_people(filters, "") & Q(date_joined__lt=until)).annotate(
        week=TruncWeek("date_joined")
    )
    for row in people.values("week").annotate(n=Count("pk")):
        joined_per_week[_local_day(row["week"])] += row["n"]

    taking_part = Activity.objects.exclude(verb__in=NOT_TAKING_PART).filter(
        _scoped_people(filters, "person__") & Q(person__date_joined__lt=until)
    )
    active_per_week = {
        _local_day(row["week"]): row["n"]
        for row in taking_part.filter(created_at__gte=since, created_at__lt=until)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("person_id", distinct=True))
    }
    weeks = []
    for monday in mondays:
        joined = sum(n for week, n in joined_per_week.items() if week <= monday)
        weeks.append(WeekActive(week=monday, joined=joined, active=active_per_week.get(monday, 0)))

    last_column = day_start(mondays[-1] + timedelta(weeks=COHORT_WEEKS))
    cohort_rows = (
        taking_part.filter(
            person__date_joined__gte=since, created_at__gte=since, created_at__lt=last_column
        )
        .annotate(cohort=TruncWeek("person__date_joined"), week=TruncWeek("created_at"))
        .values("cohort", "week")
        .annotate(n=Count("person_id", distinct=True))
    )
    active_in: dict[tuple[date, int], int] = {}
    for row in cohort_rows:
        cohort, week = _local_day(row["cohort"]), _local_day(row["week"])
        active_in[(cohort, (week - cohort).days // 7)] = row["n"]
    cohorts = []
    for monday in mondays:
        size = joined_per_week.get(monday, 0)
        if not size:
            continue
        active: list[int | None] = []
        for column in range(COHORT_WEEKS):
            week = monday + timedelta(weeks=column)
            active.append(None if week > this_week else active_in.get((monday, column), 0))
        cohorts.append(Cohort(week=monday, size=size, active=active))
    return weeks, cohorts


def adoption(filters: InsightFilters) -> Adoption:
    """Return the adoption funnel, per wave and team, weekly active share and cohorts."""
    everyone = gettext("All my teams") if filters.team_lead_view else gettext("Everyone")
    overall, by_wave, by_team = _funnels(filters, everyone)
    weeks, cohorts = _weekly(filters)
    return Adoption(
        overall=overall,
        by_wave=by_wave,
        by_team=by_team,
        weeks=weeks,
        week_bars=bars([(week.week, week.share or 0) for week in weeks]),
        cohorts=cohorts,
        cohort_columns=list(range(COHORT_WEEKS)),
    )


def table_rows(data: Adoption, table: str) -> tuple[list[str], list[list[object]]]:
    """Return the header and rows of one of the page's tables, for a CSV export."""
    step_labels = [str(label) for _key, label in STEPS]
    if table == "funnel":
        header = [gettext("Step"), gettext("People"), gettext("Share of invited")]
        header.append(gettext("Share of the step before"))
        rows: list[list[object]] = [
            [step.label, step.count, step.of_first, step.of_previous] for step in data.overall.steps
        ]
        return header, rows
    if table in ("waves", "teams"):
        funnels = data.by_wave if table == "waves" else data.by_team
        name = gettext("Wave") if table == "waves" else gettext("Team")
        return [name, *step_labels], [
            [funnel.name, *(step.count for step in funnel.steps)] for funnel in funnels
        ]
    if table == "weekly":
        header = [
            gettext("Week from"),
            gettext("Joined"),
            gettext("Active"),
            gettext("Share, in percent"),
        ]
        return header, [[week.week, week.joined, week.active, week.share] for week in data.weeks]
    if table == "cohorts":
        header = [gettext("Joined in the week from"), gettext("People")]
        header += [gettext("Week %(number)s") % {"number": n} for n in data.cohort_columns]
        return header, [
            [cohort.week, cohort.size, *(cell["share"] for cell in cohort.cells)]
            for cohort in data.cohorts
        ]
    raise KeyError(table)


TABLES = ("funnel", "waves", "teams", "weekly", "cohorts")
