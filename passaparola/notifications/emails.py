"""Rendering and sending emails: branded, translated, with a one-click unsubscribe."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from passaparola.notifications.models import EmailKind
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get

UNSUBSCRIBE_SALT = "passaparola.notifications.unsubscribe"


def unsubscribe_token(person: Person, kind: str) -> str:
    """Return the signed token that turns one kind of email off for one person."""
    return signing.dumps({"p": person.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """Return (person id, email kind) from a token, or None when it is forged or malformed."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    person_id, kind = data.get("p"), data.get("k")
    if not isinstance(person_id, int) or kind not in EmailKind.values:
        return None
    return person_id, kind


def unsubscribe_url(person: Person, kind: str) -> str:
    """Return the absolute one-click unsubscribe address for this person and kind of email."""
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(person, kind)])
    return settings.SITE_URL + path


def email_send(*, person: Person, template: str, kind: str, context: dict[str, Any]) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` in the person's language and send them.

    Every email carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) for its kind.
    """
    programme = programme_get()
    unsubscribe = unsubscribe_url(person, kind)
    language = person.language or programme.default_language
    with translation.override(language):
        full = {
            **context,
            "person": person,
            "programme": programme,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe,
            "settings_url": settings.SITE_URL + reverse("notifications:settings"),
            "kind_label": EmailKind(kind).label,
        }
        subject = render_to_string(f"{template}_subject.txt", full)
        text = render_to_string(f"{template}.txt", full)
        html = render_to_string(f"{template}.html", full)
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        text,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language,
            # Automatic mail: out-of-office replies should not answer it (RFC 3834).
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()
