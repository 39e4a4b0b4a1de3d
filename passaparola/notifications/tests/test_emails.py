"""The one email function, through a real SMTP server: branded, in the reader's language, with
a one-click unsubscribe only where the email is optional."""

from django.test import override_settings

from passaparola.notifications.emails import email_send
from passaparola.notifications.models import EmailKind, Notification
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing.mail import MailTestCase, html_of, text_of


class EmailSendTests(MailTestCase):
    def send_optional(self) -> None:
        notification = Notification(person=self.alice, title="Lena sent you kudos", body="Thanks")
        email_send(
            person=self.alice,
            template="notifications/email/notification",
            kind=EmailKind.RECOGNITION,
            context={"notification": notification, "link": "", "centre": "http://testserver/"},
        )

    def test_an_optional_email_carries_the_one_click_unsubscribe_of_its_kind(self) -> None:
        self.send_optional()

        [message] = self.inbox.to(self.alice.email)
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn("/notifications/unsubscribe/", message["List-Unsubscribe"])
        self.assertEqual(message["Auto-Submitted"], "auto-generated")
        self.assertIn("Lena sent you kudos", text_of(message))
        self.assertIn("Lena sent you kudos", html_of(message))

    def test_an_email_people_cannot_turn_off_has_no_unsubscribe(self) -> None:
        email_send(
            person=self.bob, template="notifications/email/login_code", context={"code": "123456"}
        )

        [message] = self.inbox.to(self.bob.email)
        self.assertIsNone(message["List-Unsubscribe"])
        self.assertIn("123456", message["Subject"])

    def test_it_is_written_in_the_persons_language_and_branded(self) -> None:
        programme_update(
            programme=programme_get(), fields={"name": "Acme Voices", "primary_colour": "#aa0033"}
        )
        self.alice.language = "it"
        self.alice.save(update_fields=["language"])

        self.send_optional()

        [message] = self.inbox.to(self.alice.email)
        self.assertEqual(message["Content-Language"], "it")
        self.assertEqual(message["From"], "Acme Voices <passaparola@localhost>")
        self.assertIn("Acme Voices", message["Subject"])
        self.assertIn('<html lang="it">', html_of(message))
        self.assertIn("color: #aa0033", html_of(message))

    @override_settings(DEFAULT_FROM_EMAIL="Ops <ops@acme.example>")
    def test_a_bare_address_reads_the_language_it_came_with_else_the_programmes(self) -> None:
        programme_update(programme=programme_get(), fields={"default_language": "nl"})
        context = {"code": "654321", "link": "http://testserver/x/", "signup": {"name": "Zoe"}}

        email_send(to="zoe@acme.example", language="it", template="invitations/email/signup",
                   context=context)  # fmt: skip
        email_send(to="max@acme.example", template="invitations/email/signup", context=context)

        [zoe] = self.inbox.to("zoe@acme.example")
        [max_] = self.inbox.to("max@acme.example")
        self.assertEqual((zoe["Content-Language"], max_["Content-Language"]), ("it", "nl"))
        self.assertEqual(zoe["From"], "Passaparola <ops@acme.example>")
        self.assertIsNone(zoe["List-Unsubscribe"])

    def test_it_needs_exactly_one_recipient_and_unsubscribing_needs_a_person(self) -> None:
        for arguments in (
            {},
            {"person": self.alice, "to": "a@example.org"},
            {"to": "a@example.org", "kind": EmailKind.DIGEST},
        ):
            with self.assertRaises(ValueError, msg=str(arguments)):
                email_send(template="notifications/email/login_code", context={}, **arguments)
        self.assertEqual(self.inbox.messages, [])
