"""Every email the platform sends, through its real send path and a real SMTP server, with
names that HTML would mangle: the plain-text part and the subject show them as typed, the HTML
part escapes them, and every email comes from the programme's name."""

import re
from collections.abc import Callable
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from django.template import engines
from django.test.signals import template_rendered
from django.utils import timezone

import passaparola
from passaparola.content.services import digest_send, suggestion_create, suggestion_decline
from passaparola.insights.report_mail import report_send
from passaparola.invitations.emails import invitations_deliver, signup_deliver
from passaparola.invitations.services import invitation_create, signup_request_create
from passaparola.notifications.models import Notification
from passaparola.notifications.services import login_code_send, notification_send
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.recognition.services import quiet_nudge_send
from passaparola.sharing.models import ConnectedAccount
from passaparola.sharing.services import token_expiry_notice_send
from passaparola.testing.mail import MailTestCase, html_of, text_of

HOSTILE = 'O\'Brien "Bob" <b>'
ESCAPED = "O&#x27;Brien &quot;Bob&quot; &lt;b&gt;"
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|[a-zA-Z]+);")


def email_templates() -> set[str]:
    """Return every email template the project holds, by the name email_send takes."""
    project = Path(passaparola.__file__).parent
    found = set()
    for directory in engines["django"].template_dirs:
        if not Path(directory).is_relative_to(project):
            continue  # Django's own (the admin's password reset), which we never send
        for subject in Path(directory).rglob("*_subject.txt"):
            found.add(str(subject.relative_to(directory)).removesuffix("_subject.txt"))
    return found


class EveryEmailTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        programme_update(programme=programme_get(), fields={"name": HOSTILE})
        Person.objects.filter(pk__in=[self.alice.pk, self.adam.pk]).update(name=HOSTILE)
        self.alice.refresh_from_db()
        self.adam.refresh_from_db()

    # One scene per email template: what a person does that makes the platform send it.

    def digest(self) -> None:
        self.make_post(title=HOSTILE)
        digest_send(person=self.alice, period="daily:hostile")

    def suggestion(self) -> None:
        suggestion = suggestion_create(person=self.alice, text=f"Read this, {HOSTILE}")
        with self.captureOnCommitCallbacks(execute=True):
            suggestion_decline(suggestion=suggestion, by=self.erin, reason=HOSTILE)

    def invitation(self) -> None:
        invitation = invitation_create(by=self.adam, email="zoe@example.org", name=HOSTILE)
        invitations_deliver(invitation_ids=[invitation.pk], kind="invitation")

    def signup(self) -> None:
        signup = signup_request_create(email="max@example.org", name=HOSTILE)
        assert signup is not None
        signup_deliver(signup=signup)

    def login_code(self) -> None:
        login_code_send(person=self.alice)

    def notification(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            notification_send(
                person=self.alice,
                kind=Notification.Kind.KUDOS,
                # A line break in a title must not break the Subject header.
                title=f"{HOSTILE} sent you kudos\nfor the launch",
                body=HOSTILE,
                email=True,
            )

    def nudge(self) -> None:
        quiet_nudge_send(person=self.alice)

    def token_expiry(self) -> None:
        account = ConnectedAccount.objects.create(
            person=self.alice,
            network="linkedin",
            remote_id="alice-linkedin",
            token_expires_at=timezone.now() + timedelta(days=3),
        )
        token_expiry_notice_send(account=account)

    def leadership_report(self) -> None:
        report_send(person=self.adam, period_key="2025-01")

    def scenes(self) -> dict[str, Callable[[], None]]:
        return {
            "content/email/digest": self.digest,
            "content/email/suggestion": self.suggestion,
            "insights/email/report": self.leadership_report,
            "invitations/email/invitation": self.invitation,
            "invitations/email/signup": self.signup,
            "notifications/email/login_code": self.login_code,
            "notifications/email/notification": self.notification,
            "recognition/email/nudge": self.nudge,
            "sharing/email/token_expiry": self.token_expiry,
        }

    def test_every_email_template_has_a_scene_here(self) -> None:
        self.assertEqual(set(self.scenes()), email_templates())

    def test_text_shows_names_as_typed_and_html_escapes_them(self) -> None:
        for template, scene in self.scenes().items():
            with self.subTest(template):
                self.inbox.messages.clear()
                rendered: list[str] = []

                def record(sender: Any, template: Any, **kwargs: Any) -> None:
                    rendered.append(template.name)  # noqa: B023

                template_rendered.connect(record)
                try:
                    scene()
                finally:
                    template_rendered.disconnect(record)

                [message] = self.inbox.messages
                self.assertIn(f"{template}_subject.txt", rendered)
                subject, text, html = message["Subject"], text_of(message), html_of(message)
                self.assertNotIn("\n", subject)
                self.assertIn(HOSTILE, subject + text)
                self.assertIsNone(ENTITY.search(subject + text), subject + text)
                self.assertIn(ESCAPED, html)
                self.assertNotIn("<b>", html)
                self.assertEqual(parseaddr(message["From"])[0], HOSTILE)
                self.assertNotIn("Passaparola", subject + text + html)
