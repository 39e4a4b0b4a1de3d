"""Notifications and their emails, preferences, login codes and Slack and Teams webhooks.

Notifications deliver; they do not decide. The apps above say what is news (a digest, a
nudge, a new post, kudos) and hand a ready message to the functions here.
"""

import logging
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from passaparola.notifications.emails import email_send
from passaparola.notifications.models import (
    EmailKind,
    Notification,
    NotificationPreference,
    WebhookDelivery,
    WebhookEndpoint,
)
from passaparola.notifications.selectors import email_allowed, email_kind_of_notification
from passaparola.notifications.webhooks import WebhookMessage, webhook_payload, webhook_post
from passaparola.people.models import Person
from passaparola.people.services import login_code_create
from passaparola.programme.selectors import programme_get

logger = logging.getLogger(__name__)

__all__ = ["email_allowed"]  # re-exported: the one check other apps call before emailing


@transaction.atomic
def notification_send(
    *,
    person: Person,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str | None = None,
    email: bool = False,
) -> Notification | None:
    """Notify a person (and email them after commit); return None when `key` was used before."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                person=person,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url[:300],
                key=key,
                email_wanted=email and _notification_email_allowed(person, kind),
            )
    except IntegrityError:
        if key is not None and Notification.objects.filter(key=key).exists():
            return None
        raise
    if notification.email_wanted:
        # Imported here: tasks import this module's helpers.
        from passaparola.notifications.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email(notification.pk))
    return notification


@transaction.atomic
def notifications_mark_read(*, person: Person, notification_id: int | None = None) -> int:
    """Mark one of the person's notifications, or all of them, as read."""
    unread = Notification.objects.filter(person=person, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def notification_email_send(*, notification_id: int) -> bool:
    """Email a notification once, branded and in the person's language; return True if sent."""
    # Claim the notification first, so a retry or a second worker never sends it twice.
    claimed = Notification.objects.filter(
        pk=notification_id, email_wanted=True, emailed_at__isnull=True, person__is_active=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("person").get(pk=notification_id)
    person = notification.person
    # The person may have turned these emails off since the notification was created.
    email_kind = email_kind_of_notification(notification.kind)
    if email_kind is not None and not email_allowed(person, email_kind):
        return False
    try:
        email_send(
            person=person,
            template="notifications/email/notification",
            kind=email_kind,
            context={
                "notification": notification,
                "link": f"{settings.SITE_URL}{notification.url}" if notification.url else "",
                "centre": settings.SITE_URL + reverse("notifications:centre"),
            },
        )
    except Exception:
        # Let the retry send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def login_code_send(*, person: Person) -> bool:
    """Make a fresh one-time login code for an active person and email it; the code exists in
    clear text only here and in the email. Return False when there is nobody to send it to."""
    if not person.is_active:
        return False
    code = login_code_create(person=person)
    email_send(person=person, template="notifications/email/login_code", context={"code": code})
    return True


def _notification_email_allowed(person: Person, kind: str) -> bool:
    email_kind = email_kind_of_notification(kind)
    return email_kind is None or email_allowed(person, email_kind)


# ---------------------------------------------------------------------------------------------
# Preferences


@transaction.atomic
def preferences_update(
    *,
    person: Person,
    digest_frequency: str,
    email_digest: bool,
    email_recognition: bool,
    email_reminders: bool,
) -> NotificationPreference:
    """Save how a person wants to hear from the platform."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        person=person
    )
    preference.digest_frequency = digest_frequency
    preference.email_digest = email_digest
    preference.email_recognition = email_recognition
    preference.email_reminders = email_reminders
    preference.updated_at = timezone.now()
    preference.save(
        update_fields=[
            "digest_frequency",
            "email_digest",
            "email_recognition",
            "email_reminders",
            "updated_at",
        ]
    )
    return preference


@transaction.atomic
def email_kind_turn_off(*, person: Person, kind: str) -> None:
    """Stop one kind of email for a person (the unsubscribe link)."""
    field = {
        EmailKind.DIGEST: "email_digest",
        EmailKind.RECOGNITION: "email_recognition",
        EmailKind.REMINDERS: "email_reminders",
    }[EmailKind(kind)]
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        person=person
    )
    setattr(preference, field, False)
    preference.updated_at = timezone.now()
    preference.save(update_fields=[field, "updated_at"])


# ---------------------------------------------------------------------------------------------
# Slack and Microsoft Teams webhooks


@transaction.atomic
def webhook_create(
    *, name: str, kind: str, url: str, on_posts: bool, on_kudos: bool
) -> WebhookEndpoint:
    """Add a webhook endpoint (its address already checked by the form)."""
    now = timezone.now()
    return WebhookEndpoint.objects.create(
        name=name,
        kind=kind,
        url=url,
        on_posts=on_posts,
        on_kudos=on_kudos,
        posts_cursor=now,
        kudos_cursor=now,
        created_at=now,
    )


@transaction.atomic
def webhook_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove a webhook endpoint and what it still had to send."""
    endpoint.delete()


# What each topic of news is called on an endpoint: (is it wanted, announced up to when).
WEBHOOK_TOPICS = {"posts": ("on_posts", "posts_cursor"), "kudos": ("on_kudos", "kudos_cursor")}


def webhook_topic_since(*, topic: str) -> datetime | None:
    """Lock the active endpoints and return the oldest moment those that want this topic were
    told about, or None when none wants it. Call it inside the transaction that then calls
    webhook_messages_queue, so two workers never queue the same news."""
    wanted, cursor = WEBHOOK_TOPICS[topic]
    endpoints = WebhookEndpoint.objects.select_for_update().filter(is_active=True)
    return min(
        (getattr(endpoint, cursor) for endpoint in endpoints if getattr(endpoint, wanted)),
        default=None,
    )


@transaction.atomic
def webhook_messages_queue(
    *, topic: str, messages: Sequence[WebhookMessage], until: datetime
) -> list[int]:
    """Queue each message once for every active endpoint that wants the topic and was not yet
    told about its moment, move the endpoints' cursors to `until`; return the deliveries' ids.

    A new endpoint does not replay history: it hears only of what happened after it was added.
    """
    wanted, cursor = WEBHOOK_TOPICS[topic]
    colour = programme_get().primary_colour
    created: list[int] = []
    for endpoint in WebhookEndpoint.objects.select_for_update().filter(is_active=True):
        since = getattr(endpoint, cursor)
        news = [message for message in messages if since < message.occurred_at <= until]
        # An endpoint that does not want the topic moves its cursor on too: never a replay.
        for message in news if getattr(endpoint, wanted) else []:
            delivery, made = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint,
                key=message.key,
                defaults={
                    "payload": webhook_payload(kind=endpoint.kind, message=message, colour=colour)
                },
            )
            if made:
                created.append(delivery.pk)
        setattr(endpoint, cursor, until)
        endpoint.save(update_fields=[cursor])
    return created


def webhook_deliver(*, delivery_id: int) -> bool:
    """Post one delivery to its endpoint unless it went out already; raise to be retried."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, sent_at__isnull=True, endpoint__is_active=True)
        .first()
    )
    if delivery is None:
        return False
    endpoint = delivery.endpoint
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1)
    try:
        webhook_post(endpoint.url, delivery.payload)
    except Exception as error:
        message = str(error)[:300]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(last_error=message)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_error=message)
        logger.warning("webhook %s failed: %s", endpoint.pk, message)
        raise
    sent_at = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(sent_at=sent_at, last_error="")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_sent_at=sent_at, last_error="")
    return True
