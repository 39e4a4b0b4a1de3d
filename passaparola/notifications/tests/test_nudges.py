"""Gentle nudges for people who went quiet, and emails before a connected account expires."""

from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.notifications.models import NotificationPreference, TokenExpiryNotice
from passaparola.notifications.services import preferences_update
from passaparola.notifications.tasks import send_nudges
from passaparola.people.models import Person
from passaparola.sharing.models import ConnectedAccount
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def reminders_off(person: Person) -> None:
    preferences_update(
        person=person,
        digest_frequency="weekly",
        email_digest=True,
        email_recognition=True,
        email_reminders=False,
    )


@override_settings(NOTIFICATIONS_QUIET_DAYS=30)
@frozen()
class QuietNudgeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        long_ago = timezone.now() - timedelta(days=60)
        Person.objects.update(date_joined=long_ago)
        # Everyone but Alice and Charlie was active lately.
        for person in (self.bob, self.erin, self.vera, self.adam, self.lena):
            activity_record(person=person, verb=Verb.POST_VIEWED, post=None)

    def test_a_quiet_person_gets_one_nudge_and_no_second_within_the_period(self) -> None:
        send_nudges.call_local()
        send_nudges.call_local()

        self.assertEqual(recipients(), ["alice@example.org", "charlie@example.org"])
        message = mail.outbox[0]
        self.assertIn("30 days", message.body)
        self.assertIn("/notifications/unsubscribe/", message.extra_headers["List-Unsubscribe"])

    def test_the_nudge_comes_again_after_another_quiet_period(self) -> None:
        send_nudges.call_local()
        NotificationPreference.objects.update(last_nudge_at=timezone.now() - timedelta(days=31))
        mail.outbox.clear()

        send_nudges.call_local()

        self.assertEqual(recipients(), ["alice@example.org", "charlie@example.org"])

    def test_paused_people_and_those_who_said_no_get_no_nudge(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_paused=True)
        reminders_off(self.charlie)

        send_nudges.call_local()

        self.assertEqual(mail.outbox, [])

    def test_newcomers_are_not_nudged(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(date_joined=timezone.now())

        send_nudges.call_local()

        self.assertEqual(recipients(), ["charlie@example.org"])


@frozen()
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
            send_nudges.call_local()
            send_nudges.call_local()

        self.assertEqual(recipients(), ["alice@example.org"])
        self.assertIn("Linkedin", mail.outbox[0].subject)
        self.assertIn("/sharing/accounts/", mail.outbox[0].body)
        self.assertEqual(TokenExpiryNotice.objects.count(), 1)

    def test_a_reconnected_account_is_told_again_before_its_new_expiry(self) -> None:
        account = self.connect(self.alice, 3)
        send_nudges.call_local()
        account.token_expires_at = timezone.now() + timedelta(days=5)
        account.save(update_fields=["token_expires_at"])

        send_nudges.call_local()

        self.assertEqual(recipients(), ["alice@example.org", "alice@example.org"])

    def test_paused_people_and_those_who_said_no_get_no_email(self) -> None:
        self.connect(self.alice, 3)
        self.connect(self.bob, 3)
        Person.objects.filter(pk=self.alice.pk).update(is_paused=True)
        reminders_off(self.bob)

        send_nudges.call_local()

        self.assertEqual(mail.outbox, [])
