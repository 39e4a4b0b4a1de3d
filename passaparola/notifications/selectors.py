"""Reading notifications, preferences and webhooks."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from passaparola.notifications.models import (
    DigestFrequency,
    EmailKind,
    Notification,
    NotificationPreference,
    WebhookEndpoint,
)
from passaparola.people.access import can_manage_programme
from passaparola.people.models import Person


def notifications_for(person: Person, *, limit: int = 50) -> list[Notification]:
    """Return a person's latest notifications, newest first."""
    return list(Notification.objects.filter(person=person)[:limit])


def access_notification_by_person(person: Person, notification_id: int) -> Notification:
    """Return the person's own notification, or raise Http404."""
    notification = Notification.objects.filter(pk=notification_id, person=person).first()
    if notification is None:
        raise Http404
    return notification


# ---------------------------------------------------------------------------------------------
# Preferences


def preference_get(person: Person) -> NotificationPreference:
    """Return the person's preferences, or the defaults (unsaved) when they never chose."""
    preference = NotificationPreference.objects.filter(person=person).first()
    return preference or NotificationPreference(person=person)


def email_allowed(person: Person, kind: str) -> bool:
    """Return True when this person wants emails of this kind (EmailKind) at all."""
    if not person.is_active:
        return False
    preference = preference_get(person)
    if kind == EmailKind.DIGEST:
        return preference.email_digest and preference.digest_frequency != DigestFrequency.OFF
    if kind == EmailKind.RECOGNITION:
        return preference.email_recognition
    if kind == EmailKind.REMINDERS:
        return preference.email_reminders
    raise ValueError(f"unknown email kind {kind!r}")


def email_refusers(kind: str) -> "QuerySet[NotificationPreference, Any]":
    """Return the person ids (a subquery) of everyone who turned this kind of email off, the
    same rule as email_allowed for people who made a choice."""
    if kind == EmailKind.DIGEST:
        refused = Q(email_digest=False) | Q(digest_frequency=DigestFrequency.OFF)
    elif kind == EmailKind.RECOGNITION:
        refused = Q(email_recognition=False)
    elif kind == EmailKind.REMINDERS:
        refused = Q(email_reminders=False)
    else:
        raise ValueError(f"unknown email kind {kind!r}")
    return NotificationPreference.objects.filter(refused).values("person_id")


def email_kind_of_notification(kind: str) -> str | None:
    """Return the EmailKind that governs a notification's email, None when it always goes."""
    return None if kind == Notification.Kind.OTHER else EmailKind.RECOGNITION


# ---------------------------------------------------------------------------------------------
# Webhooks


def webhooks_all() -> list[WebhookEndpoint]:
    """Return every webhook endpoint, for the programme manager's page."""
    return list(WebhookEndpoint.objects.all())


def access_webhook_by_person(person: Person, endpoint_id: int) -> WebhookEndpoint:
    """Return a webhook endpoint for a programme manager, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Http404
    return endpoint
