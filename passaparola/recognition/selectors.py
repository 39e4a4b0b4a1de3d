"""Reads of the points ledger: totals and leaderboards."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from passaparola.people.models import Person
from passaparola.recognition.models import PointsEntry

PERIODS = {"week": 7, "month": 30, "quarter": 91, "all": None}


@dataclass
class Standing:
    rank: int
    person: Person
    points: int


def points_total(person: Person, days: int | None = None) -> int:
    """Return a person's points, over the last `days` days or all time."""
    entries = PointsEntry.objects.filter(person=person)
    if days is not None:
        entries = entries.filter(created_at__gte=timezone.now() - timedelta(days=days))
    return entries.aggregate(total=Sum("points"))["total"] or 0


def leaderboard(*, days: int | None, team_id: int | None = None, limit: int = 50) -> list[Standing]:
    """Return the top people by points in the period, skipping those who hide from boards."""
    entries = PointsEntry.objects.filter(
        person__is_active=True, person__hide_from_leaderboards=False
    )
    if days is not None:
        entries = entries.filter(created_at__gte=timezone.now() - timedelta(days=days))
    if team_id is not None:
        entries = entries.filter(person__memberships__team_id=team_id)
    rows = list(
        entries.values("person_id")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
        .order_by("-total", "person_id")[:limit]
    )
    people = Person.objects.in_bulk([row["person_id"] for row in rows])
    standings: list[Standing] = []
    for position, row in enumerate(rows, start=1):
        rank = position
        if standings and standings[-1].points == row["total"]:
            rank = standings[-1].rank  # people level on points share a rank
        standings.append(Standing(rank, people[row["person_id"]], row["total"]))
    return standings


def rank_of(person: Person, *, days: int | None) -> int | None:
    """Return the person's own rank in the period (1 is first), or None without points."""
    entries = PointsEntry.objects.filter(
        person__is_active=True, person__hide_from_leaderboards=False
    )
    if days is not None:
        entries = entries.filter(created_at__gte=timezone.now() - timedelta(days=days))
    mine = points_total(person, days)
    if mine <= 0:
        return None
    ahead = (
        entries.exclude(person=person)
        .values("person_id")
        .annotate(total=Sum("points"))
        .filter(total__gt=mine)
        .count()
    )
    return ahead + 1
