"""One email before a connected account's token runs out, per expiry date."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from passaparola.people.models import Person
from passaparola.sharing.models import ConnectedAccount, TokenExpiryNotice
from passaparola.sharing.tasks import send_token_expiry_notices
from passaparola.testing import BaseTestCase
from passaparola.testing.mail import outbox_recipients, reminders_off


class TokenExpiryTests(BaseTestCase):
    def connect(self, person: Person, days: float, network: str = "linkedin") -> ConnectedAccount:
        return ConnectedAccount.objects.create(
            person=person,
            network=network,
            remote_id=f"{person.pk}-{network}",
            token_expires_at=timezone.now() + timedelta(days=days),
        )

    def test_one_email_per_account_within_the_nudge_window(self) -> None:
        self.connect(self.alice, 3)
        self.connect(self.bob, 40)
        self.connect(self.charlie, -1)

        with self.settings(SHARING_REAUTH_NUDGE_DAYS=7):
            send_token_expiry_notices.call_local()
            send_token_expiry_notices.call_local()

        self.assertEqual(outbox_recipients(), ["alice@example.org"])
        self.assertIn("Linkedin", mail.outbox[0].subject)
        self.assertIn("/sharing/accounts/", mail.outbox[0].body)
        self.assertEqual(TokenExpiryNotice.objects.count(), 1)

    def test_a_reconnected_account_is_told_again_before_its_new_expiry(self) -> None:
        account = self.connect(self.alice, 3)
        send_token_expiry_notices.call_local()
        account.token_expires_at = timezone.now() + timedelta(days=5)
        account.save(update_fields=["token_expires_at"])

        send_token_expiry_notices.call_local()

        self.assertEqual(outbox_recipients(), ["alice@example.org", "alice@example.org"])

    def test_paused_people_and_those_who_said_no_get_no_email(self) -> None:
        self.connect(self.alice, 3)
        self.connect(self.bob, 3)
        Person.objects.filter(pk=self.alice.pk).update(is_paused=True)
        reminders_off(self.bob)

        send_token_expiry_notices.call_local()

        self.assertEqual(mail.outbox, [])
