"""People at risk: they shared in their first weeks after joining, then went quiet.

Flagged early so that their programme manager or team lead can send a friendly word while it
still helps. Sharing is what counts as taking part here (the advocacy step); the thresholds
are the programme's (`Programme.at_risk_*`). Read from the shares themselves, exact to the
second: one grouped query over the shares of the people who have not shared lately.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Max, Q
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


def people_at_risk(
    teams: Iterable[int] | None,
    *,
    now: datetime | None = None,
    programme: Programme | None = None,
    viewer: Person | None = None,
) -> list[AtRisk]:
    """Return the people at risk in these teams (everyone's, for None), quiet most recently
    first; the viewer is left out of their own list. Paused people are not at risk: they
    said so themselves."""
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
    rows = (
        Share.objects.filter(person__in=people)
        .exclude(person__in=Share.objects.filter(created_at__gt=quiet_since).values("person_id"))
        .values("person_id")
        .annotate(
            early=Count("pk", filter=Q(created_at__lt=early_end)),
            last=Max("created_at"),
        )
        .filter(early__gte=programme.at_risk_early_shares)
    )
    found = {row["person_id"]: row for row in rows}
    nudged = dict(
        NotificationPreference.objects.filter(person_id__in=found).values_list(
            "person_id", "last_nudge_at"
        )
    )
    result = [
        AtRisk(
            person=person,
            early_shares=found[person.pk]["early"],
            last_shared_at=found[person.pk]["last"],
            last_nudged_at=nudged.get(person.pk),
            may_nudge=personal_nudge_due(nudged.get(person.pk), now),
        )
        for person in Person.objects.filter(pk__in=found).prefetch_related("teams")
    ]
    return sorted(result, key=lambda row: (-row.last_shared_at.timestamp(), row.person.name))
