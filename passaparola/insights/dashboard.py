"""What the programme dashboard shows for a period and filters, read from the read model."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passaparola.content.models import Post
from passaparola.insights import packs
from passaparola.insights.figures import (
    MEASURES,
    Breakdown,
    Scope,
    Totals,
    breakdown,
    closed_rows,
    one_reading,
    scope_of,
    top,
)
from passaparola.insights.filters import InsightFilters
from passaparola.insights.leads import EXPORT_HEADER as LEADS_HEADER
from passaparola.insights.leads import LeadsSection, export_leads, leads_section
from passaparola.insights.models import DayTotal, Pack
from passaparola.insights.origins import (
    Origins,
    country_label,
    export_origins,
    origins_for,
    referrer_label,
)
from passaparola.insights.periods import day_start
from passaparola.insights.privacy import group_size, individuals_visible
from passaparola.insights.value import Estimate, value_for
from passaparola.lib.charts import Series, SplitChart, TimeChart, split, timeseries
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person

# The headline figures, in the order shown: (key, label, the Totals attribute).
HEADLINE = [
    ("active", _("Active people"), "active_people"),
    ("advocates", _("People who shared"), "active_advocates"),
    ("shares", _("Shares"), "shares"),
    ("human-clicks", _("Human clicks"), "human_clicks"),
    ("unique-clicks", _("Unique visitors"), "unique_visitors"),
    ("leads", _("Leads"), "leads"),
    ("points", _("Points earned"), "points"),
]
ORIGINS_SHOWN = 10  # referrers and countries on the page; the CSV exports have them all


@dataclass
class Figure:
    key: str
    label: str
    value: int
    previous: int | None = None

    @property
    def delta(self) -> int | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def size(self) -> int | None:
        """How much it changed, without the sign (the arrow and the words carry it)."""
        return None if self.delta is None else abs(self.delta)

    @property
    def percent(self) -> int | None:
        if self.previous in (None, 0):
            return None
        return round(100 * (self.value - self.previous) / self.previous)  # type: ignore[operator]


@dataclass
class Dashboard:
    filters: InsightFilters
    totals: Totals
    figures: list[Figure]
    shares_chart: TimeChart
    clicks_chart: TimeChart
    networks_chart: SplitChart
    top_people: list[dict[str, object]] = field(default_factory=list)
    top_posts: list[dict[str, object]] = field(default_factory=list)
    estimate: Estimate | None = None
    sections: Sequence[str] = ()


@dataclass
class Section:
    """One section the dashboard loads after its figures."""

    filters: InsightFilters
    name: str
    leads: LeadsSection | None = None
    referrers_chart: SplitChart | None = None
    countries_chart: SplitChart | None = None


def headline(
    result: Totals, previous: Totals | None, *, keys: Sequence[str] | None = None
) -> list[Figure]:
    """Return the headline figures (those named by `keys`, or all), with their change."""
    return [
        Figure(
            key=key,
            label=str(label),
            value=getattr(result, name),
            previous=getattr(previous, name) if previous else None,
        )
        for key, label, name in HEADLINE
        if keys is None or key in keys
    ]


def period_charts(result: Breakdown, scope: Scope) -> tuple[TimeChart, TimeChart, SplitChart]:
    """Return the shares and clicks per day (bots apart) and the clicks split by network."""
    end = min(scope.end, timezone.localdate())
    rows = sorted(result.per_day.items())
    shares_chart = timeseries(
        rows,
        series=[Series("shares", _("Shares"), "series-a")],
        title=_("Shares"),
        start=scope.start,
        end=end,
    )
    clicks_chart = timeseries(
        rows,
        series=[
            Series("human_clicks", _("Human clicks"), "series-b"),
            Series("bot_visits", _("Bot visits"), "series-bots", apart=True),
        ],
        title=_("Human clicks"),
        start=scope.start,
        end=end,
    )
    networks_chart = split(
        (
            (key, NETWORKS[key].label if key in NETWORKS else key, figures.human_clicks)
            for key, figures in result.by_network.items()
        ),
        title=_("Human clicks by network"),
    )
    return shares_chart, clicks_chart, networks_chart


def origin_charts(origins: Origins) -> tuple[SplitChart, SplitChart]:
    """Return the top referrer domains and countries of human clicks, the rest as "Others"."""

    def chart(
        ranked: list[tuple[str, int]], label: Callable[[str], str], title: Promise
    ) -> SplitChart:
        shown = [(key, label(key), n) for key, n in ranked[:ORIGINS_SHOWN]]
        rest = sum(n for _key, n in ranked[ORIGINS_SHOWN:])
        return split(shown, title=title, css="series-b", rest=("*", gettext("Others"), rest))

    return (
        chart(origins.referrers, referrer_label, _("Human clicks by referrer")),
        chart(origins.countries, country_label, _("Human clicks by country")),
    )


@one_reading()
def dashboard_for(filters: InsightFilters, viewer: Person) -> Dashboard:
    """Everything the dashboard page shows to this viewer, for these filters.

    In privacy mode, a group below the minimum size shows the viewer no one's figures but
    their own (insights/privacy.py); the totals stay.
    """
    scope = scope_of(filters)
    result = breakdown(scope)
    previous = breakdown(scope_of(filters, previous=True)).totals if filters.previous else None
    shares_chart, clicks_chart, networks_chart = period_charts(result, scope)
    individuals = individuals_visible(viewer, lambda: group_size(filters.team_ids or None))
    people = top(scope, "person")
    if not individuals:
        people = [(pk, n) for pk, n in people if pk == viewer.pk]
    names = dict(Person.objects.filter(pk__in=[pk for pk, _n in people]).values_list("pk", "name"))
    posts = top(scope, "post")
    titles = dict(Post.objects.filter(pk__in=[pk for pk, _n in posts]).values_list("pk", "title"))
    return Dashboard(
        filters=filters,
        totals=result.totals,
        figures=headline(result.totals, previous),
        shares_chart=shares_chart,
        clicks_chart=clicks_chart,
        networks_chart=networks_chart,
        top_people=[{"pk": pk, "name": names.get(pk, ""), "human_clicks": n} for pk, n in people],
        top_posts=[{"pk": pk, "title": titles.get(pk, ""), "human_clicks": n} for pk, n in posts],
        estimate=value_for(scope, by_network=result.by_network),
        sections=SECTIONS,
    )


# Sections the page loads after its figures (each its own request: leads and origins read
# other tables, and the figures should not wait for them).
SECTIONS = ("leads", "origins")


@one_reading()
def dashboard_section(filters: InsightFilters, viewer: Person, section: str) -> Section:
    """One of the sections the dashboard loads after its figures (`SECTIONS`)."""
    scope = scope_of(filters)
    board = Section(filters=filters, name=section)
    if section == "leads":
        individuals = individuals_visible(viewer, lambda: group_size(filters.team_ids or None))
        board.leads = leads_section(scope, viewer=viewer, individuals=individuals)
    else:
        board.referrers_chart, board.countries_chart = origin_charts(origins_for(scope))
    return board


# The tables behind the page, as CSV downloads.

EXPORT_TABLES = (
    "days",
    "networks",
    "people",
    "posts",
    "teams",
    "leads",
    "referrers",
    "countries",
)
_HEADER = ["shares", "human clicks", "unique visitors", "bot visits", "leads", "actions", "points"]
# Tables about individuals, which privacy mode narrows to the viewer's own rows.
_PERSONAL = ("people", "leads")


def export_rows(
    filters: InsightFilters, table: str, viewer: Person
) -> tuple[Sequence[object], Iterator[Any]]:
    """The header and the rows of one table of the dashboard, read lazily (for streaming)."""
    scope = scope_of(filters)
    # Closed days: an export is a record, today is still moving.
    individuals = table not in _PERSONAL or individuals_visible(
        viewer, group_size(filters.team_ids or None)
    )
    if table == "leads":
        since = day_start(scope.start)
        until = day_start(min(scope.end + timedelta(days=1), timezone.localdate()))
        person = None if individuals else viewer  # privacy mode: one's own leads only
        return LEADS_HEADER, export_leads(scope, since=since, until=until, person=person)
    if table == "referrers":
        return ["referrer domain", "human clicks"], export_origins(scope, "referrer")
    if table == "countries":
        return ["country code", "country", "human clicks"], export_origins(scope, "country")
    rows = closed_rows(scope)
    if not individuals:
        rows = rows.filter(person=viewer)  # privacy mode: one's own row only
    elif scope.programme_wide and table != "teams":
        return _programme_rows(scope, table)
    sums = {name: Sum(name) for name in MEASURES}
    if table == "teams":
        # A person's figures count for each of their teams; with a team filter, those teams.
        team = "person__memberships__team_id"
        if scope.teams:
            rows = rows.filter(**{f"{team}__in": scope.teams})
        else:
            rows = rows.filter(**{f"{team}__isnull": False})
        grouped = (
            rows.values(team=F(team), name=F("person__memberships__team__name"))
            .annotate(**sums)
            .order_by("name", "team")
        )
        return ["team id", "team", *_HEADER], (
            [row["team"], row["name"], *(row[m] for m in MEASURES)]
            for row in grouped.iterator(chunk_size=2000)
        )
    if table == "days":
        grouped = rows.values("day").annotate(**sums).order_by("day")
        return ["day", *_HEADER], (
            [row["day"].isoformat(), *(row[m] for m in MEASURES)] for row in grouped.iterator()
        )
    if table == "networks":
        grouped = rows.exclude(network="").values("network").annotate(**sums).order_by("network")
        return ["network", *_HEADER], (
            [row["network"], *(row[m] for m in MEASURES)] for row in grouped.iterator()
        )
    if table == "people":
        grouped = rows.values("person_id", "person__name").annotate(**sums).order_by("person__name")
        return ["person id", "name", *_HEADER], (
            [row["person_id"], row["person__name"], *(row[m] for m in MEASURES)]
            for row in grouped.iterator(chunk_size=2000)
        )
    grouped = (
        rows.exclude(post__isnull=True)
        .values("post_id", "post__title")
        .annotate(**sums)
        .order_by("post_id")
    )
    return ["post id", "title", *_HEADER], (
        [row["post_id"], row["post__title"], *(row[m] for m in MEASURES)]
        for row in grouped.iterator(chunk_size=2000)
    )


def _programme_rows(scope: Scope, table: str) -> tuple[Sequence[object], Iterator[Any]]:
    """The whole programme's tables, from the day totals and the packs (as `export_rows`)."""
    sums = {name: Sum(name) for name in MEASURES}
    if table in ("days", "networks"):
        totals = DayTotal.objects.filter(day__gte=scope.start, day__lte=scope.last_closed)
        if scope.networks:
            totals = totals.filter(network__in=scope.networks)
        if table == "days":
            grouped = totals.values("day").annotate(**sums).order_by("day")
            return ["day", *_HEADER], (
                [row["day"].isoformat(), *(row[m] for m in MEASURES)] for row in grouped
            )
        grouped = totals.exclude(network="").values("network").annotate(**sums)
        return ["network", *_HEADER], (
            [row["network"], *(row[m] for m in MEASURES)] for row in grouped.order_by("network")
        )
    of = Pack.Of.PERSON if table == "people" else Pack.Of.POST
    packed = packs.sums(of, scope.start, scope.last_closed, networks=scope.networks)
    names: QuerySet[Any, tuple[int, str]]
    if table == "people":
        names = Person.objects.order_by("name", "pk").values_list("pk", "name")
        header: list[object] = ["person id", "name", *_HEADER]
    else:
        names = Post.objects.order_by("pk").values_list("pk", "title")
        header = ["post id", "title", *_HEADER]
    return header, (
        [pk, name, *(packed.get(m, pk) for m in MEASURES)]
        for pk, name in names.iterator(chunk_size=2000)
        if packed.has(pk)
    )
