"""Sending messages in the background worker."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from huey.contrib.djhuey import db_task

from passaparola.notifications.models import Notification
from passaparola.people.models import Person
from passaparola.programme.services import programme_get


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
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[person.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # Let the retry send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
