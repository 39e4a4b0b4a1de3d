"""People at risk: they shared in their first weeks after joining, then went quiet.

Flagged early so that their programme manager or team lead can send a friendly word while it
still helps. Sharing is what counts as taking part here (the advocacy step); the thresholds
are the programme's (`Programme.at_risk_*`). Read from the shares themselves, exact to the
second: one grouped query over the shares of the people who have not shared lately, paged
in the database (measured on PostgreSQL with 100,000 people and 1 million shares: see the
report of the change that brought it).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from passaparola.notifications.models import NotificationPreference
from passaparola.people.models import Person
from passaparola.people.selectors import people_in_teams
from passaparola.programme.models import Programme
from passaparola.programme.selectors import programme_get
from passaparola.recognition.selectors import personal_nudge_due
from passaparola.sharing.models import Share


@dataclass
class AtRisk:
    person: Person
    early_shares: int  # shares in their first weeks
    last_shared_at: datetime
    last_nudged_at: datetime | None
    may_nudge: bool  # no friendly message in the last fortnight


def at_risk_rows(
    teams: Iterable[int] | None,
    *,
    now: datetime | None = None,
    programme: Programme | None = None,
    viewer: Person | None = None,
) -> "QuerySet[Share, dict[str, Any]]":
    """Return the people at risk in these teams (everyone's, for None) as rows of `person_id`,
    `early` (shares in their first weeks) and `last` (their last share), quiet most recently
    first; one grouped query, read once and paged in Python (see `at_risk_details`).

    The viewer is left out of their own list. Paused people are not at risk: they said so.
    """
    now = now or timezone.now()
    programme = programme or programme_get()
    quiet_since = now - timedelta(days=programme.at_risk_quiet_days)
    people = people_in_teams(None if teams is None else list(teams)).filter(is_paused=False)
    if viewer is not None:
        people = people.exclude(pk=viewer.pk)
    early_end = ExpressionWrapper(
        F("person__date_joined") + timedelta(weeks=programme.at_risk_early_weeks),
        output_field=DateTimeField(),
    )
    shares = Share.objects.filter(person__in=people)
    recent = Share.objects.filter(created_at__gt=quiet_since)
    if teams is None:
        # Everyone: one pass over the shares, leaving out a hashed set of recent sharers.
        shares = shares.exclude(person__in=recent.values("person_id"))
    else:
        # A few teams: NOT EXISTS, an anti-join on the (person, created_at) index, reads
        # only those teams' shares.
        shares = shares.filter(~Exists(recent.filter(person_id=OuterRef("person_id"))))
    return (
        shares.values("person_id")
        .annotate(
            early=Count("pk", filter=Q(created_at__lt=early_end)),
            last=Max("created_at"),
        )
        .filter(early__gte=programme.at_risk_early_shares)
        .order_by("-last", "person_id")
    )


def at_risk_details(rows: Iterable[dict[str, Any]], *, now: datetime | None = None) -> list[AtRisk]:
    """Return one page of `at_risk_rows` with the people, their teams and last nudge."""
    now = now or timezone.now()
    found = list(rows)
    people = Person.objects.prefetch_related("teams").in_bulk([row["person_id"] for row in found])
    nudged = dict(
        NotificationPreference.objects.filter(person_id__in=people).values_list(
            "person_id", "last_nudge_at"
        )
    )
    return [
        AtRisk(
            person=people[row["person_id"]],
            early_shares=row["early"],
            last_shared_at=row["last"],
            last_nudged_at=nudged.get(row["person_id"]),
            may_nudge=personal_nudge_due(nudged.get(row["person_id"]), now),
        )
        for row in found
        if row["person_id"] in people
    ]


def people_at_risk(
    teams: Iterable[int] | None,
    *,
    now: datetime | None = None,
    programme: Programme | None = None,
    viewer: Person | None = None,
) -> list[AtRisk]:
    """Return every person at risk in these teams, quiet most recently first."""
    rows = at_risk_rows(teams, now=now, programme=programme, viewer=viewer)
    return at_risk_details(rows, now=now)
