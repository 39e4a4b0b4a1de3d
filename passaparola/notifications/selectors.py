"""Reading notifications and preferences, and finding who is due which email."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from passaparola.activity.models import Activity
from passaparola.content.models import Post
from passaparola.content.selectors import feed_for
from passaparola.notifications.models import (
    DigestFrequency,
    DigestLog,
    EmailKind,
    Notification,
    NotificationPreference,
    TokenExpiryNotice,
    WebhookEndpoint,
)
from passaparola.people.access import can_manage_programme
from passaparola.people.models import Person
from passaparola.sharing.models import ConnectedAccount


def notifications_for(person: Person, *, limit: int = 50) -> list[Notification]:
    """Return a person's latest notifications, newest first."""
    return list(Notification.objects.filter(person=person)[:limit])


def unread_count(person: Person) -> int:
    """Return how many of a person's notifications are unread."""
    return Notification.objects.filter(person=person, read_at__isnull=True).count()


def access_notification_by_person(person: Person, notification_id: int) -> Notification:
    """Return the person's own notification, or raise Http404."""
    notification = Notification.objects.filter(pk=notification_id, person=person).first()
    if notification is None:
        raise Http404
    return notification


# ---------------------------------------------------------------------------------------------
# Preferences and who is due an email


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


def email_kind_of_notification(kind: str) -> str | None:
    """Return the EmailKind that governs a notification's email, None when it always goes."""
    return None if kind == Notification.Kind.OTHER else EmailKind.RECOGNITION


def digest_period(frequency: str, now: datetime) -> str | None:
    """Return the key of the digest period now falls in, or None when it is not time yet."""
    local = timezone.localtime(now)
    hour = settings.NOTIFICATIONS_DIGEST_HOUR
    if frequency == DigestFrequency.DAILY:
        return f"daily:{local.date().isoformat()}" if local.hour >= hour else None
    if frequency == DigestFrequency.WEEKLY:
        if local.weekday() == 0 and local.hour < hour:
            return None
        year, week, _day = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return None


def _wanting_no(field: str) -> QuerySet[NotificationPreference]:
    return NotificationPreference.objects.filter(**{field: False})


def digests_due(now: datetime) -> list[tuple[int, str]]:
    """Return (person id, period) for everyone whose digest period has come and not been sent."""
    people = (
        Person.objects.filter(is_active=True, is_paused=False)
        .exclude(pk__in=_wanting_no("email_digest").values("person_id"))
        .exclude(
            pk__in=NotificationPreference.objects.filter(
                digest_frequency=DigestFrequency.OFF
            ).values("person_id")
        )
    )
    frequencies = dict(
        NotificationPreference.objects.filter(person__in=people).values_list(
            "person_id", "digest_frequency"
        )
    )
    due: list[tuple[int, str]] = []
    periods: dict[str, str | None] = {
        frequency: digest_period(frequency, now) for frequency in DigestFrequency.values
    }
    for person_id in people.values_list("pk", flat=True).order_by("pk"):
        period = periods[frequencies.get(person_id, DigestFrequency.WEEKLY)]
        if period is not None:
            due.append((person_id, period))
    # At most two periods are current (today's and this week's): no long IN list of people.
    sent = set(
        DigestLog.objects.filter(period__in={period for _person_id, period in due}).values_list(
            "person_id", "period"
        )
    )
    return [item for item in due if item not in sent]


def digest_posts(person: Person, *, since: datetime, until: datetime) -> tuple[list[Post], int]:
    """Return the top posts published for this person in (since, until], by feed rank, and
    how many there were in all."""
    new = feed_for(person, now=until).filter(published_at__gt=since, published_at__lte=until)
    posts = list(new[: settings.NOTIFICATIONS_DIGEST_POSTS])
    total = len(posts) if len(posts) < settings.NOTIFICATIONS_DIGEST_POSTS else new.count()
    return posts, total


def quiet_people(now: datetime) -> list[int]:
    """Return the ids of people with no activity for NOTIFICATIONS_QUIET_DAYS, not nudged since."""
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_QUIET_DAYS)
    return list(
        Person.objects.filter(is_active=True, is_paused=False, date_joined__lte=cutoff)
        .exclude(pk__in=Activity.objects.filter(created_at__gt=cutoff).values("person_id"))
        .exclude(pk__in=_wanting_no("email_reminders").values("person_id"))
        .exclude(
            pk__in=NotificationPreference.objects.filter(last_nudge_at__gt=cutoff).values(
                "person_id"
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def expiring_accounts(now: datetime) -> list[int]:
    """Return the ids of connected accounts whose token runs out within the nudge window and
    whose owner was not told about that expiry yet."""
    window = now + timedelta(days=settings.SHARING_REAUTH_NUDGE_DAYS)
    told = TokenExpiryNotice.objects.filter(
        account_id=OuterRef("pk"), token_expires_at=OuterRef("token_expires_at")
    )
    return list(
        ConnectedAccount.objects.filter(
            status=ConnectedAccount.Status.ACTIVE,
            token_expires_at__gt=now,
            token_expires_at__lte=window,
            person__is_active=True,
            person__is_paused=False,
        )
        .exclude(person__in=_wanting_no("email_reminders").values("person_id"))
        .exclude(Exists(told))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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
