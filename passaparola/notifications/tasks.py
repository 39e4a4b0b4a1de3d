"""Sending messages in the background worker."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passaparola.notifications import selectors, services
from passaparola.notifications.emails import unsubscribe_url
from passaparola.notifications.models import Notification
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get
from passaparola.sharing.models import ConnectedAccount


@db_task(retries=3, retry_delay=30)
def send_login_code(person_id: int, code: str) -> None:
    """Email a one-time login code, in the person's language."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return
    programme = programme_get()
    with translation.override(person.language or programme.default_language):
        context = {"person": person, "code": code, "programme": programme}
        subject = render_to_string("notifications/email/login_code_subject.txt", context).strip()
        text = render_to_string("notifications/email/login_code.txt", context)
        html = render_to_string("notifications/email/login_code.html", context)
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    message.send()


@db_task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> None:
    """Email a notification once, branded and in the person's language."""
    # Claim the notification first, so a retry or a second worker never sends it twice.
    claimed = Notification.objects.filter(
        pk=notification_id, email_wanted=True, emailed_at__isnull=True, person__is_active=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return
    notification = Notification.objects.select_related("person").get(pk=notification_id)
    person = notification.person
    # The person may have turned these emails off since the notification was created.
    email_kind = selectors.email_kind_of_notification(notification.kind)
    if email_kind is not None and not selectors.email_allowed(person, email_kind):
        return
    programme = programme_get()
    with translation.override(person.language or programme.default_language):
        context = {
            "person": person,
            "notification": notification,
            "programme": programme,
            "link": f"{settings.SITE_URL}{notification.url}" if notification.url else "",
            "centre": settings.SITE_URL + reverse("notifications:centre"),
        }
        subject = render_to_string("notifications/email/notification_subject.txt", context)
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    headers = {"Content-Language": person.language or programme.default_language}
    if email_kind is not None:
        unsubscribe = unsubscribe_url(person, email_kind)
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, to=[person.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Let the retry send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise


@db_periodic_task(crontab(minute="5"))
def send_digests() -> None:
    """Every hour: queue the digest of everyone whose daily or weekly period has come."""
    for person_id, period in selectors.digests_due(timezone.now()):
        send_digest(person_id, period)


@db_task(retries=3, retry_delay=300)
def send_digest(person_id: int, period: str) -> None:
    """Send one person's digest for one period (at most once: see services.digest_send)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is not None:
        services.digest_send(person=person, period=period)


@db_periodic_task(crontab(minute="20", hour="*/6"))
def send_nudges() -> None:
    """Every six hours: nudge the people who went quiet, and those whose tokens run out soon."""
    now = timezone.now()
    for person_id in selectors.quiet_people(now):
        send_quiet_nudge(person_id)
    for account_id in selectors.expiring_accounts(now):
        send_token_expiry_notice(account_id)


@db_task(retries=3, retry_delay=300)
def send_quiet_nudge(person_id: int) -> None:
    """Nudge one quiet person (at most once per quiet period)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is not None:
        services.quiet_nudge_send(person=person)


@db_task(retries=3, retry_delay=300)
def send_token_expiry_notice(account_id: int) -> None:
    """Tell one person their connected account needs reconnecting soon (once per expiry)."""
    account = ConnectedAccount.objects.select_related("person").filter(pk=account_id).first()
    if account is not None:
        services.token_expiry_notice_send(account=account)


@db_periodic_task(crontab(minute="*"))
def collect_webhook_events() -> None:
    """Every minute: queue Slack and Teams messages for new posts and kudos."""
    for delivery_id in services.webhook_events_collect():
        deliver_webhook(delivery_id)


@db_task(retries=5, retry_delay=60)
def deliver_webhook(delivery_id: int) -> None:
    """Post one message to a Slack or Teams webhook; retried when the endpoint fails."""
    services.webhook_deliver(delivery_id=delivery_id)
