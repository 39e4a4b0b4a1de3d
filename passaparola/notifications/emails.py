"""The one way the platform sends an email: branded, in the reader's language, and with a
one-click unsubscribe when the email is of a kind people may turn off."""

from collections.abc import Sequence
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template import engines
from django.urls import reverse

from passaparola.notifications.models import EmailKind
from passaparola.people.models import Person
from passaparola.programme.models import Programme
from passaparola.programme.selectors import in_language_of, programme_get

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


def sender(programme: Programme) -> str:
    """Return the From address with the programme's name in front of it."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((programme.name, address or "passaparola@localhost"))


def email_send(
    *,
    template: str,
    context: dict[str, Any],
    person: Person | None = None,
    to: str = "",
    language: str = "",
    kind: str | None = None,
    connection: BaseEmailBackend | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` in the reader's language and send
    them to a person, or to a bare address (`to`, read in `language`) that has no account yet.

    An email of an optional `kind` (EmailKind, for a person only) carries List-Unsubscribe and
    List-Unsubscribe-Post (RFC 8058). `attachments` are (file name, content, MIME type).
    Sending errors are raised for the caller to handle.
    """
    if (person is None) == (not to):
        raise ValueError("email_send needs either a person or an address")
    if kind is not None and person is None:
        raise ValueError("only a person can unsubscribe from a kind of email")
    programme = programme_get()
    full: dict[str, Any] = {
        **context,
        "person": person,
        "programme": programme,
        "site_url": settings.SITE_URL,
    }
    headers = {
        # Automatic mail: out-of-office replies should not answer it (RFC 3834).
        "Auto-Submitted": "auto-generated",
    }
    if kind is not None and person is not None:
        unsubscribe = unsubscribe_url(person, kind)
        full["unsubscribe_url"] = unsubscribe
        full["settings_url"] = settings.SITE_URL + reverse("notifications:settings")
        full["kind_label"] = EmailKind(kind).label
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Plain text is never HTML-escaped, HTML always is: one engine for each (settings.TEMPLATES).
    text_engine, html_engine = engines["email_text"], engines["django"]
    with in_language_of(person, preferred=language) as reader_language:
        subject = text_engine.get_template(f"{template}_subject.txt").render(full)
        text = text_engine.get_template(f"{template}.txt").render(full)
        html = html_engine.get_template(f"{template}.html").render(full)
    headers["Content-Language"] = reader_language
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        text,
        from_email=sender(programme),
        to=[person.email if person is not None else to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
