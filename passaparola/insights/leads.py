"""Leads: which posts, networks, teams and people brought them, each traced to its share.

The counts are confirmed leads, read like every other figure: the daily figures for closed days
and the raw leads for today. The list of leads reads the raw leads (they are never pruned), so
each one shows the short link it came through: whose share, of which post, on which network.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.insights.figures import Scope, read_rows, today_groups, today_marks
from passaparola.insights.periods import day_start
from passaparola.insights.scoped import scope_q
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person
from passaparola.sharing.models import Share
from passaparola.tracking.models import Conversion

LIMIT = 10  # rows per table on the page; the CSV exports have them all
RECENT = 20  # leads listed on the dashboard


def network_label(key: str) -> str:
    return str(NETWORKS[key].label) if key in NETWORKS else key


@dataclass
class LeadTrace:
    """One lead and the share that brought it."""

    pk: int
    created_at: datetime
    state: str
    state_label: str
    value: Decimal | None
    post_id: int
    post_title: str
    network: str
    network_label: str
    person_id: int
    person_name: str
    share_id: int | None
    shared_at: datetime | None


@dataclass
class LeadsSection:
    """The leads of a scope: totals per post, network, team and person, and the latest ones."""

    total: int = 0
    posts: list[dict[str, object]] = field(default_factory=list)
    networks: list[dict[str, object]] = field(default_factory=list)
    teams: list[dict[str, object]] = field(default_factory=list)
    people: list[dict[str, object]] = field(default_factory=list)
    recent: list[LeadTrace] = field(default_factory=list)
    people_hidden: bool = False


def _today_in(scope: Scope) -> bool:
    return scope.start <= timezone.localdate() <= scope.end


def _fresh(scope: Scope) -> QuerySet[Conversion]:
    """Today's confirmed leads in the scope (counted as the daily figures count them)."""
    today = timezone.localdate()
    fresh = Conversion.objects.filter(
        scope_q(scope, via="link__"),
        state=Conversion.State.CONFIRMED,
        created_at__gte=day_start(today),
        created_at__lt=day_start(today + timedelta(days=1)),
    )
    marks = today_marks()  # today's build counted the leads up to its mark already
    return fresh.filter(pk__gt=marks.get("conversion", 0)) if marks else fresh


Key = TypeVar("Key", int, str)


def _ranked(counter: Counter[Key], limit: int | None = LIMIT) -> list[tuple[Key, int]]:
    ranked = sorted(((key, n) for key, n in counter.items() if n), key=lambda kn: (-kn[1], kn[0]))
    return ranked[:limit] if limit else ranked


def lead_counts(scope: Scope) -> tuple[Counter[int], Counter[int], Counter[str], int]:
    """Return confirmed leads per person, per post and per network, and their total."""
    people: Counter[int] = Counter()
    posts: Counter[int] = Counter()
    networks: Counter[str] = Counter()
    groups = [
        (row["person_id"], row["post_id"], row["network"], row["n"] or 0)
        for row in read_rows(scope)
        .filter(leads__gt=0)
        .values("person_id", "post_id", "network")
        .annotate(n=Sum("leads"))
    ]
    today = today_groups(scope)  # counted once per page (figures.one_reading)
    if today is not None:
        groups += [
            (person_id, post_id, network, figures.leads)
            for (person_id, post_id, network), figures in today.groups.items()
            if figures.leads
        ]
    total = 0
    for person_id, post_id, network, n in groups:
        people[person_id] += n
        if post_id is not None:
            posts[post_id] += n
        if network:
            networks[network] += n
        total += n
    return people, posts, networks, total


def team_counts(scope: Scope) -> dict[int, tuple[str, int]]:
    """Return confirmed leads per team (id: name, leads): a person's leads count for each team
    they are in; with a team filter, only the teams filtered on."""
    counted: dict[int, tuple[str, int]] = {}

    def add(rows: QuerySet[Any], path: str, measure: Sum | Count) -> None:
        # One join to the memberships: the team filter and the grouping use the same one.
        team = f"{path}memberships__team_id"
        if scope.teams:
            rows = rows.filter(**{f"{team}__in": scope.teams})
        else:
            rows = rows.filter(**{f"{team}__isnull": False})
        grouped = rows.values(team=F(team), name=F(f"{path}memberships__team__name"))
        for row in grouped.annotate(n=measure):
            name, before = counted.get(row["team"], (row["name"], 0))
            counted[row["team"]] = (name, before + (row["n"] or 0))

    add(read_rows(scope).filter(leads__gt=0), "person__", Sum("leads"))
    if _today_in(scope):
        add(_fresh(scope), "link__person__", Count("pk"))
    return counted


def traces(
    scope: Scope,
    *,
    since: datetime,
    until: datetime,
    person: Person | None = None,
) -> QuerySet[Conversion, dict[str, Any]]:
    """Return the leads recorded in [since, until) in the scope, newest first, with the share
    that brought each (the last share of its short link made before the lead), as values."""
    shares = Share.objects.filter(
        link_id=OuterRef("link_id"), created_at__lte=OuterRef("created_at")
    )
    shares = shares.order_by("-created_at", "-pk")
    rows = Conversion.objects.filter(
        scope_q(scope, via="link__"), created_at__gte=since, created_at__lt=until
    )
    if person is not None:
        rows = rows.filter(link__person=person)
    return (
        rows.annotate(
            share_id=Subquery(shares.values("pk")[:1]),
            shared_at=Subquery(shares.values("created_at")[:1]),
        )
        .order_by("-created_at", "-pk")
        .values(
            "pk",
            "created_at",
            "state",
            "value",
            "share_id",
            "shared_at",
            post_id=F("link__post_id"),
            post_title=F("link__post__title"),
            net=F("link__network"),
            person_id=F("link__person_id"),
            person_name=F("link__person__name"),
        )
    )


def _trace(row: dict[str, Any]) -> LeadTrace:
    return LeadTrace(
        pk=row["pk"],
        created_at=row["created_at"],
        state=row["state"],
        state_label=str(Conversion.State(row["state"]).label),
        value=row["value"],
        post_id=row["post_id"],
        post_title=row["post_title"],
        network=row["net"],
        network_label=network_label(row["net"]),
        person_id=row["person_id"],
        person_name=row["person_name"],
        share_id=row["share_id"],
        shared_at=row["shared_at"],
    )


def latest_leads(
    scope: Scope, *, since: datetime, until: datetime, person: Person | None = None, limit: int
) -> list[LeadTrace]:
    """Return the newest `limit` leads of the scope, traced to their shares (one query)."""
    rows = traces(scope, since=since, until=until, person=person)
    return [_trace(row) for row in rows[:limit]]


EXPORT_HEADER = [
    "lead id",
    "recorded at",
    "state",
    "value",
    "post id",
    "post title",
    "network",
    "person id",
    "person name",
    "share id",
    "shared at",
]


def export_leads(
    scope: Scope, *, since: datetime, until: datetime, person: Person | None = None
) -> Iterator[list[object]]:
    """Every lead recorded in [since, until) in the scope, traced to its share, streamed."""
    rows = traces(scope, since=since, until=until, person=person)
    for row in rows.iterator(chunk_size=2000):
        yield [
            row["pk"],
            timezone.localtime(row["created_at"]),
            row["state"],
            row["value"],
            row["post_id"],
            row["post_title"],
            row["net"],
            row["person_id"],
            row["person_name"],
            row["share_id"],
            timezone.localtime(row["shared_at"]) if row["shared_at"] else None,
        ]


def leads_section(scope: Scope, *, viewer: Person, individuals: bool) -> LeadsSection:
    """Return the dashboard's leads: per post, network, team and person, and the latest leads.

    Without `individuals` (privacy mode, a small group), the people and the latest leads show
    only the viewer's own.
    """
    people, posts, networks, total = lead_counts(scope)
    if not individuals:
        people = Counter({viewer.pk: people[viewer.pk]})
    top_people = _ranked(people)
    top_posts = _ranked(posts)
    names = dict(
        Person.objects.filter(pk__in=[pk for pk, _n in top_people]).values_list("pk", "name")
    )
    titles = dict(
        Post.objects.filter(pk__in=[pk for pk, _n in top_posts]).values_list("pk", "title")
    )
    teams = team_counts(scope)
    since, until = day_start(scope.start), day_start(scope.end + timedelta(days=1))
    return LeadsSection(
        total=total,
        posts=[{"pk": pk, "title": titles.get(pk, ""), "leads": n} for pk, n in top_posts],
        networks=[
            {"key": key, "label": network_label(str(key)), "leads": n}
            for key, n in _ranked(networks, None)
        ],
        teams=[
            {"pk": pk, "name": name, "leads": n}
            for pk, (name, n) in sorted(teams.items(), key=lambda item: (-item[1][1], item[1][0]))
            if n
        ][:LIMIT],
        people=[{"pk": pk, "name": names.get(pk, ""), "leads": n} for pk, n in top_people],
        recent=latest_leads(
            scope,
            since=since,
            until=until,
            person=None if individuals else viewer,
            limit=RECENT,
        ),
        people_hidden=not individuals,
    )
