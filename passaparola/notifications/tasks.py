"""Sending messages in the background worker."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from huey.contrib.djhuey import db_task

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
