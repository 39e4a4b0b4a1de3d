"""A real SMTP server on loopback for tests that send email."""

import email
import email.policy
import re
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from django.core import mail
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from passaparola.notifications.services import preferences_update
from passaparola.people.models import Person
from passaparola.testing import BaseTestCase


def outbox_recipients() -> list[str]:
    """Return the first recipient of every message in Django's test outbox, sorted."""
    return sorted(message.to[0] for message in mail.outbox)


def reminders_off(person: Person) -> None:
    """Say no to reminder emails for this person, as their preferences page would."""
    preferences_update(
        person=person,
        digest_frequency="weekly",
        email_digest=True,
        email_recognition=True,
        email_reminders=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps every message and refuses the addresses it is told to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: list
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        raw = content if isinstance(content, bytes) else content.encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages sent to this address."""
        return [message for message in self.messages if message["To"] == address]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())


def path_in(text: str, prefix: str) -> str:
    """Return the path of the first link in the text that starts with SITE_URL + prefix."""
    found = re.search(r"http://testserver(" + re.escape(prefix) + r"[^\s\"<]*)", text)
    assert found is not None, text
    return found.group(1)


class MailTestCase(BaseTestCase):
    """Mail goes through a real SMTP conversation; background tasks run inline."""

    inbox: Inbox
    smtp: Controller

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.inbox = Inbox()
        port = free_port()
        cls.smtp = Controller(cls.inbox, hostname="127.0.0.1", port=port)
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        mail_settings = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
        )
        mail_settings.enable()
        cls.addClassCleanup(mail_settings.disable)

    def setUp(self) -> None:
        super().setUp()
        was_immediate = HUEY.immediate
        HUEY.immediate = True
        self.addCleanup(setattr, HUEY, "immediate", was_immediate)
        self.inbox.messages.clear()
        self.inbox.refuse.clear()
