"""Notification settings: each person's own, and the emails that follow them."""

from django.core import mail
from django.urls import reverse

from passaparola.notifications.models import Notification, NotificationPreference
from passaparola.notifications.selectors import email_allowed, preference_get
from passaparola.notifications.services import notification_send, preferences_update
from passaparola.notifications.tasks import send_notification_email
from passaparola.recognition.services import kudos_send
from passaparola.testing import BaseTestCase

URL = "/notifications/settings/"


def choices(frequency: str = "daily", **boxes: bool) -> dict[str, str]:
    data = {"digest_frequency": frequency}
    for name in ("email_digest", "email_recognition", "email_reminders"):
        if boxes.get(name, True):
            data[name] = "on"
    return data


class NotificationSettingsTests(BaseTestCase):
    def test_it_requires_login(self) -> None:
        response = self.client.get(URL)

        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_the_centre_links_to_the_settings(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("notifications:centre"))

        self.assertContains(response, f'href="{URL}"')
        self.assertNotContains(response, reverse("notifications:webhooks"))

    def test_the_defaults_are_a_weekly_digest_and_every_email(self) -> None:
        self.login(self.alice)

        response = self.client.get(URL)

        self.assertContains(response, "Notification settings")
        self.assertContains(response, 'value="weekly" required id="id_digest_frequency_2" checked')
        for kind in ("digest", "recognition", "reminders"):
            self.assertTrue(email_allowed(self.alice, kind))

    def test_the_owner_saves_their_choices_and_nobody_elses_change(self) -> None:
        self.login(self.alice)

        response = self.client.post(URL, choices("daily", email_recognition=False))

        self.assertRedirects(response, URL)
        mine = NotificationPreference.objects.get(person=self.alice)
        self.assertEqual(mine.digest_frequency, "daily")
        self.assertFalse(mine.email_recognition)
        self.assertTrue(mine.email_reminders)
        self.assertFalse(NotificationPreference.objects.filter(person=self.bob).exists())

    def test_a_person_cannot_change_someone_elses_settings(self) -> None:
        preferences_update(
            person=self.bob,
            digest_frequency="weekly",
            email_digest=True,
            email_recognition=True,
            email_reminders=True,
        )
        for viewer in (self.alice, self.charlie, self.adam):
            self.login(viewer)
            # There is no person in the address or the form: whatever is sent, it is one's own.
            self.client.post(URL, {**choices("off"), "person": self.bob.pk})

            self.assertEqual(preference_get(self.bob).digest_frequency, "weekly")
            self.assertEqual(preference_get(viewer).digest_frequency, "off")

    def test_the_page_shows_only_ones_own_settings(self) -> None:
        preferences_update(
            person=self.bob,
            digest_frequency="daily",
            email_digest=True,
            email_recognition=True,
            email_reminders=True,
        )
        self.login(self.alice)

        response = self.client.get(URL)

        self.assertContains(response, 'value="weekly" required id="id_digest_frequency_2" checked')

    def test_a_bad_frequency_gets_a_message_and_changes_nothing(self) -> None:
        self.login(self.alice)

        response = self.client.post(URL, choices("hourly"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(NotificationPreference.objects.filter(person=self.alice).exists())

    def test_recognition_emails_follow_the_preference(self) -> None:
        self.login(self.alice)
        self.client.post(URL, choices("weekly", email_recognition=False))

        with self.captureOnCommitCallbacks(execute=True):
            kudos_send(sender=self.lena, recipient=self.alice, message="Great week")
            kudos_send(sender=self.lena, recipient=self.bob, message="Great week too")

        self.assertEqual([message.to for message in mail.outbox], [[self.bob.email]])
        self.assertEqual(
            mail.outbox[0].extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )
        self.assertTrue(Notification.objects.filter(person=self.alice, kind="kudos").exists())

    def test_a_preference_changed_before_sending_still_counts(self) -> None:
        notification = notification_send(
            person=self.alice, kind="validation", title="Your week", email=False
        )
        assert notification is not None
        Notification.objects.filter(pk=notification.pk).update(email_wanted=True)
        preferences_update(
            person=self.alice,
            digest_frequency="weekly",
            email_digest=True,
            email_recognition=False,
            email_reminders=True,
        )

        send_notification_email.call_local(notification.pk)

        self.assertEqual(mail.outbox, [])
