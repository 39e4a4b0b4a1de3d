"""Reads about people for the directory."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from passaparola.people.models import Membership, Person


def directory(
    *,
    search: str = "",
    team_id: int | None = None,
    role: str = "",
    wave: str = "",
    state: str = "",
) -> QuerySet[Person]:
    """Return people for the managers' directory, filtered, with teams and wave at hand."""
    people = Person.objects.select_related("invitation__wave").prefetch_related("teams")
    if state == "paused":
        people = people.filter(is_active=True, is_paused=True)
    elif state == "left":
        people = people.filter(is_active=False)
    elif state != "all":
        people = people.filter(is_active=True)
    if search.strip():
        term = search.strip()
        people = people.filter(Q(name__icontains=term) | Q(email__icontains=term))
    if team_id:
        people = people.filter(memberships__team_id=team_id)
    if role:
        people = people.filter(role=role)
    if wave == "none":
        people = people.filter(Q(invitation__isnull=True) | Q(invitation__wave__isnull=True))
    elif wave.isdigit():
        people = people.filter(invitation__wave_id=int(wave))
    return people.order_by("name", "pk")


def people_in_teams(teams: Iterable[int] | None) -> QuerySet[Person]:
    """Return the people taking part in these teams (everyone taking part for None)."""
    people = Person.objects.filter(is_active=True)
    if teams is None:
        return people
    return people.filter(pk__in=Membership.objects.filter(team_id__in=teams).values("person_id"))
