"""Reads for governance: the current policy, the audit log and the programme's goals."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passaparola.audit.models import AuditEntry
from passaparola.governance.models import PolicyAcceptance, PolicyVersion
from passaparola.people.models import Person

# Readable names for the actions services record; other apps may record their own.
ACTION_LABELS = {
    "programme.settings_changed": _("Programme settings changed"),
    "programme.goals_changed": _("Programme goals changed"),
    "programme.rates_changed": _("Value rates changed"),
    "programme.insight_settings_changed": _("People at risk and privacy settings changed"),
    "person.role_changed": _("Role changed"),
    "person.leadership_changed": _("Leadership changed"),
    "person.nudged": _("Friendly message sent"),
    "person.erased": _("Person erased"),
    "person.left": _("Person left the programme"),
    "person.exported": _("Personal data exported"),
    "person.joined": _("Person joined"),
    "policy.published": _("Policy version published"),
    "invitation.created": _("Invitation created"),
    "invitation.sent": _("Invitations sent"),
    "invitation.resent": _("Invitation sent again"),
    "invitation.revoked": _("Invitation revoked"),
    "invitation.bounced": _("Invitation bounced"),
    "invitations.settings_changed": _("Invitation settings changed"),
    "import.uploaded": _("Import file uploaded"),
    "import.started": _("Import started"),
    "import.finished": _("Import finished"),
}


def action_label(action: str) -> str:
    """Return a readable name for an audit action."""
    return str(ACTION_LABELS.get(action, action))


def change_rows(changes: object) -> list[dict[str, object]]:
    """Return the changes of an entry as rows for display: a field with old and new, or a fact."""
    if not isinstance(changes, dict):
        return []
    rows: list[dict[str, object]] = []
    for name, value in changes.items():
        if isinstance(value, dict) and set(value) == {"old", "new"}:
            rows.append({"field": name, "old": value["old"], "new": value["new"], "diff": True})
        else:
            rows.append({"field": name, "value": value, "diff": False})
    return rows


def policy_current() -> PolicyVersion | None:
    """Return the newest published policy version, if any."""
    return PolicyVersion.objects.order_by("-number").first()


def policy_pending_for(person: Person) -> PolicyVersion | None:
    """Return the current policy when this person has not accepted it yet, else None."""
    row = (
        PolicyVersion.objects.order_by("-number")
        .annotate(
            accepted=Exists(
                PolicyAcceptance.objects.filter(person_id=person.pk, version_id=OuterRef("pk"))
            )
        )
        .first()
    )
    if row is None or row.accepted:
        return None
    return row


def policy_versions_with_counts() -> QuerySet[PolicyVersion]:
    """Return every version with how many active people accepted it."""
    return PolicyVersion.objects.annotate(
        accepted=Count("acceptances", filter=Q(acceptances__person__is_active=True))
    ).order_by("-number")


def policy_acceptance_of(person: Person) -> list[PolicyAcceptance]:
    """Return the versions this person accepted, newest first."""
    return list(
        PolicyAcceptance.objects.filter(person=person)
        .select_related("version")
        .order_by("-version__number")
    )


def audit_search(
    *,
    actor_id: int | None = None,
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditEntry]:
    """Return audit entries matching the filters, newest first."""
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-pk")
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(created_at__gte=_day_start(since))
    if until:
        entries = entries.filter(created_at__lt=_day_start(until + datetime.timedelta(days=1)))
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    return entries


def audit_actions() -> list[tuple[str, str]]:
    """Return the actions present in the log, with their names, for the filter."""
    present = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
    return sorted(((action, action_label(action)) for action in present), key=lambda a: a[1])


def audit_actors() -> QuerySet[Person]:
    """Return the people who appear as actors in the log."""
    return Person.objects.filter(
        pk__in=AuditEntry.objects.filter(actor__isnull=False).values("actor_id")
    ).order_by("name")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
