"""Notifications, preferences, digests, nudges, token-expiry emails and webhooks."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from passaparola.content.models import Post
from passaparola.content.selectors import live_posts
from passaparola.notifications.emails import email_send
from passaparola.notifications.models import (
    DigestFrequency,
    DigestLog,
    EmailKind,
    Notification,
    NotificationPreference,
    TokenExpiryNotice,
    WebhookDelivery,
    WebhookEndpoint,
)
from passaparola.notifications.selectors import (
    digest_posts,
    email_allowed,
    email_kind_of_notification,
)
from passaparola.notifications.webhooks import slack_payload, teams_payload, webhook_post
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get
from passaparola.recognition.models import Kudos
from passaparola.sharing.models import ConnectedAccount

logger = logging.getLogger(__name__)

__all__ = ["email_allowed"]  # re-exported: the one check other apps call before emailing


def language_of(person: Person) -> str:
    """Return the language a person reads messages in."""
    return person.language or programme_get().default_language


@contextmanager
def in_language_of(person: Person) -> Iterator[None]:
    """Write what follows in the person's language."""
    with translation.override(language_of(person)):
        yield


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
# Digests

PERIOD_LENGTH = {
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(days=7),
}


def share_url(post: Post) -> str:
    """Return the absolute address of a post's page, opened at its share panel."""
    return settings.SITE_URL + reverse("content:post", args=[post.pk]) + "#share-title"


def digest_send(*, person: Person, period: str, now: datetime | None = None) -> bool:
    """Email a person the new posts aimed at them for one period, once; return True if sent.

    The DigestLog row is the claim: it is committed before the email goes, so a retry or a
    second worker finds it and sends nothing. A failed send removes it again for the retry.
    """
    now = now or timezone.now()
    if person.is_paused or not email_allowed(person, EmailKind.DIGEST):
        return False
    frequency = DigestFrequency(period.split(":", 1)[0])
    previous = DigestLog.objects.filter(person=person).order_by("-until").first()
    since = previous.until if previous else now - PERIOD_LENGTH[frequency]
    try:
        with transaction.atomic():
            log = DigestLog.objects.create(person=person, period=period, since=since, until=now)
    except IntegrityError:
        return False
    posts, total = digest_posts(person, since=since, until=now)
    if not posts:
        return False
    log.posts = total
    try:
        email_send(
            person=person,
            template="notifications/email/digest",
            kind=EmailKind.DIGEST,
            context={
                "posts": [(post, share_url(post)) for post in posts],
                "total": total,
                "more": total - len(posts),
                "frequency": frequency,
                "feed_url": settings.SITE_URL + reverse("content:feed"),
                "since": since,
            },
        )
    except Exception:
        log.delete()
        raise
    log.sent_at = timezone.now()
    log.save(update_fields=["posts", "sent_at"])
    return True


# ---------------------------------------------------------------------------------------------
# Nudges for people who went quiet, and for tokens about to expire


def quiet_nudge_send(*, person: Person, now: datetime | None = None) -> bool:
    """Send one gentle "we miss you" email, at most once per NOTIFICATIONS_QUIET_DAYS."""
    now = now or timezone.now()
    if person.is_paused or not email_allowed(person, EmailKind.REMINDERS):
        return False
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_QUIET_DAYS)
    preference, _created = NotificationPreference.objects.get_or_create(person=person)
    previous = preference.last_nudge_at
    # A conditional update is the claim: two workers cannot both nudge.
    claimed = (
        NotificationPreference.objects.filter(pk=preference.pk)
        .filter(Q(last_nudge_at__isnull=True) | Q(last_nudge_at__lte=cutoff))
        .update(last_nudge_at=now)
    )
    if not claimed:
        return False
    try:
        email_send(
            person=person,
            template="notifications/email/nudge",
            kind=EmailKind.REMINDERS,
            context={
                "days": settings.NOTIFICATIONS_QUIET_DAYS,
                "feed_url": settings.SITE_URL + reverse("content:feed"),
            },
        )
    except Exception:
        NotificationPreference.objects.filter(pk=preference.pk).update(last_nudge_at=previous)
        raise
    return True


def token_expiry_notice_send(*, account: ConnectedAccount, now: datetime | None = None) -> bool:
    """Tell a person, once per expiry date, that a connected account needs reconnecting soon."""
    now = now or timezone.now()
    person = account.person
    expires_at = account.token_expires_at
    if expires_at is None or person.is_paused or not email_allowed(person, EmailKind.REMINDERS):
        return False
    try:
        with transaction.atomic():
            notice = TokenExpiryNotice.objects.create(account=account, token_expires_at=expires_at)
    except IntegrityError:
        return False
    try:
        email_send(
            person=person,
            template="notifications/email/token_expiry",
            kind=EmailKind.REMINDERS,
            context={
                "account": account,
                "network": account.network.capitalize(),
                "expires_at": expires_at,
                "days_left": max((expires_at - now).days, 0),
                "accounts_url": settings.SITE_URL + reverse("sharing:accounts"),
            },
        )
    except Exception:
        notice.delete()
        raise
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    return True


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


def _post_payload(endpoint: WebhookEndpoint, post: Post) -> dict[str, object]:
    programme = programme_get()
    link = settings.SITE_URL + reverse("content:post", args=[post.pk]) + "#share-title"
    title = _("New on %(programme)s: %(title)s") % {
        "programme": programme.name,
        "title": post.title,
    }
    if endpoint.kind == WebhookEndpoint.Kind.SLACK:
        return slack_payload(text=title, link=link, link_text=_("Read and share"))
    return teams_payload(
        title=title,
        text=post.description[:500],
        link=link,
        link_text=_("Read and share"),
        colour=programme.primary_colour,
    )


def _kudos_payload(endpoint: WebhookEndpoint, kudos: Kudos) -> dict[str, object]:
    programme = programme_get()
    link = settings.SITE_URL + reverse("recognition:leaderboard")
    title = _("%(sender)s sent kudos to %(recipient)s") % {
        "sender": kudos.sender.name,
        "recipient": kudos.recipient.name,
    }
    text = f"{title}: “{kudos.message}”"
    if endpoint.kind == WebhookEndpoint.Kind.SLACK:
        return slack_payload(text=text, link=link, link_text=programme.name)
    return teams_payload(
        title=title,
        text=kudos.message,
        link=link,
        link_text=programme.name,
        colour=programme.primary_colour,
    )


@transaction.atomic
def webhook_events_collect(*, now: datetime | None = None) -> list[int]:
    """Queue one delivery per endpoint for each post and kudos since its cursor; return their ids.

    Posts are announced only when they are for everyone: a channel is not a team's audience.
    """
    now = now or timezone.now()
    created: list[int] = []
    programme = programme_get()
    with translation.override(programme.default_language):
        for endpoint in WebhookEndpoint.objects.select_for_update().filter(is_active=True):
            events: list[tuple[str, dict[str, object]]] = []
            if endpoint.on_posts:
                posts = live_posts(now).filter(
                    audience=Post.Audience.EVERYONE,
                    published_at__gt=endpoint.posts_cursor,
                    published_at__lte=now,
                )
                events += [(f"post:{post.pk}", _post_payload(endpoint, post)) for post in posts]
            if endpoint.on_kudos:
                kudos_list = Kudos.objects.filter(
                    created_at__gt=endpoint.kudos_cursor, created_at__lte=now
                ).select_related("sender", "recipient")
                events += [(f"kudos:{k.pk}", _kudos_payload(endpoint, k)) for k in kudos_list]
            for key, payload in events:
                delivery, made = WebhookDelivery.objects.get_or_create(
                    endpoint=endpoint, key=key, defaults={"payload": payload}
                )
                if made:
                    created.append(delivery.pk)
            endpoint.posts_cursor = now
            endpoint.kudos_cursor = now
            endpoint.save(update_fields=["posts_cursor", "kudos_cursor"])
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
