"""Gentle nudges for people who went quiet: once per quiet period, never to those who said no."""

from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.notifications.models import NotificationPreference
from passaparola.people.models import Person
from passaparola.recognition.tasks import send_quiet_nudges
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen
from passaparola.testing.mail import outbox_recipients, reminders_off


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
        send_quiet_nudges.call_local()
        send_quiet_nudges.call_local()

        self.assertEqual(outbox_recipients(), ["alice@example.org", "charlie@example.org"])
        message = mail.outbox[0]
        self.assertIn("30 days", message.body)
        self.assertIn("/notifications/unsubscribe/", message.extra_headers["List-Unsubscribe"])

    def test_the_nudge_comes_again_after_another_quiet_period(self) -> None:
        send_quiet_nudges.call_local()
        NotificationPreference.objects.update(last_nudge_at=timezone.now() - timedelta(days=31))
        mail.outbox.clear()

        send_quiet_nudges.call_local()

        self.assertEqual(outbox_recipients(), ["alice@example.org", "charlie@example.org"])

    def test_paused_people_and_those_who_said_no_get_no_nudge(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_paused=True)
        reminders_off(self.charlie)

        send_quiet_nudges.call_local()

        self.assertEqual(mail.outbox, [])

    def test_newcomers_are_not_nudged(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(date_joined=timezone.now())

        send_quiet_nudges.call_local()

        self.assertEqual(outbox_recipients(), ["charlie@example.org"])
