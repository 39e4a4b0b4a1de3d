"""Role rules and access to other people (each app's selectors hold its own access_* helpers)."""

from django.http import Http404

from passaparola.people.models import Membership, Person, Role

MANAGERS = {Role.ADMIN}
CONTENT_ROLES = {Role.ADMIN, Role.EDITOR}
INSIGHT_ROLES = {Role.ADMIN, Role.EDITOR, Role.VIEWER}


def can_manage_programme(person: Person) -> bool:
    """Return True for programme managers."""
    return person.is_authenticated and (person.role in MANAGERS or person.is_superuser)


def can_edit_content(person: Person) -> bool:
    """Return True for people who curate and publish posts."""
    return person.is_authenticated and (person.role in CONTENT_ROLES or person.is_superuser)


def can_view_insights(person: Person) -> bool:
    """Return True for people who read the programme dashboard."""
    return person.is_authenticated and (person.role in INSIGHT_ROLES or person.is_superuser)


def led_team_ids(person: Person) -> set[int]:
    """Return the ids of the teams this person leads."""
    return set(
        Membership.objects.filter(person=person, is_lead=True).values_list("team_id", flat=True)
    )


def access_insights_by_person(viewer: Person) -> frozenset[int] | None:
    """Return whose insights the viewer reads: None for the whole programme (managers, editors,
    leadership viewers), the teams they lead for a team lead; raise Http404 for anyone else."""
    if can_view_insights(viewer):
        return None
    teams = led_team_ids(viewer) if viewer.is_authenticated else set()
    if not teams:
        raise Http404
    return frozenset(teams)


def insight_teams_for(person: Person) -> set[int] | None:
    """Return whose insights this person reads: None for everyone's, else the teams they lead
    (empty: none). The same rule as access_insights_by_person, without the 404, for selectors.
    """
    if can_view_insights(person):
        return None
    return led_team_ids(person) if person.is_authenticated else set()


def at_risk_teams_for(person: Person) -> set[int] | None:
    """Return whose quiet spells this person follows: None for everyone's, else led teams.

    People at risk are individuals' names, so only the programme manager (everyone) and team
    leads (the teams they lead) see them; editors and leadership viewers do not.
    """
    if can_manage_programme(person):
        return None
    return led_team_ids(person) if person.is_authenticated else set()


def access_at_risk_teams(person: Person) -> set[int] | None:
    """Return the teams as at_risk_teams_for does, or raise Http404 when they follow none."""
    teams = at_risk_teams_for(person)
    if teams is not None and not teams:
        raise Http404
    return teams


def access_person_by_person(viewer: Person, person_id: int) -> Person:
    """Return the person whose impact the viewer may read, or raise Http404."""
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        raise Http404
    if person.pk == viewer.pk or can_view_insights(viewer):
        return person
    leads = led_team_ids(viewer)
    if leads and Membership.objects.filter(person=person, team_id__in=leads).exists():
        return person
    raise Http404


def access_person_for_managing(viewer: Person, person_id: int) -> Person:
    """Return any person, also one who left, for a programme manager; else raise Http404."""
    if not can_manage_programme(viewer):
        raise Http404
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person
