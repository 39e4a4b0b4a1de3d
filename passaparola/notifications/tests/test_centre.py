"""The notification centre: a person's own messages, read and unread; emails sent once."""

from django.core import mail
from django.urls import reverse

from passaparola.notifications.models import Notification
from passaparola.notifications.services import notification_send
from passaparola.notifications.tasks import send_notification_email
from passaparola.testing import BaseTestCase


class NotificationCentreTests(BaseTestCase):
    def setUp(self) -> None:
        self.mine = notification_send(
            person=self.alice, kind="kudos", title="Lena sent you kudos", url="/journey/"
        )
        self.theirs = notification_send(person=self.bob, kind="badge", title="New badge: Bob's")

    def test_a_person_sees_only_their_own_notifications(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("notifications:centre"))

        self.assertContains(response, "Lena sent you kudos")
        self.assertNotContains(response, "Bob&#x27;s")
        self.assertContains(response, "1 unread.")

    def test_opening_a_notification_marks_it_read_and_follows_its_link(self) -> None:
        assert self.mine is not None
        self.login(self.alice)

        response = self.client.post(reverse("notifications:open", args=[self.mine.pk]))

        self.assertRedirects(response, "/journey/", fetch_redirect_response=False)
        self.assertIsNotNone(Notification.objects.get(pk=self.mine.pk).read_at)

    def test_someone_elses_notification_is_not_found(self) -> None:
        assert self.theirs is not None
        self.login(self.alice)

        response = self.client.post(reverse("notifications:open", args=[self.theirs.pk]))

        self.assertEqual(response.status_code, 404)
        self.assertIsNone(Notification.objects.get(pk=self.theirs.pk).read_at)

    def test_mark_all_read_touches_only_ones_own(self) -> None:
        self.login(self.alice)

        self.client.post(reverse("notifications:mark_all_read"))

        self.assertFalse(Notification.objects.filter(person=self.alice, read_at=None).exists())
        self.assertTrue(Notification.objects.filter(person=self.bob, read_at=None).exists())

    def test_a_link_elsewhere_is_never_followed(self) -> None:
        evil = notification_send(person=self.alice, kind="other", title="x", url="//evil.example")
        assert evil is not None
        self.login(self.alice)

        response = self.client.post(reverse("notifications:open", args=[evil.pk]))

        self.assertRedirects(response, reverse("notifications:centre"))

    def test_the_centre_requires_login(self) -> None:
        self.assertEqual(self.client.get(reverse("notifications:centre")).status_code, 302)


class NotificationEmailTests(BaseTestCase):
    def test_a_notification_with_a_key_is_created_once(self) -> None:
        first = notification_send(person=self.alice, kind="other", title="Hi", key="k")
        second = notification_send(person=self.alice, kind="other", title="Hi", key="k")

        self.assertIsNotNone(first)
        self.assertIsNone(second)

    def test_the_email_goes_after_commit_and_only_once(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            notification = notification_send(
                person=self.alice, kind="kudos", title="Thanks!", body="Well done", email=True
            )
        assert notification is not None
        send_notification_email.call_local(notification.pk)

        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["alice@example.org"])
        self.assertIn("Thanks!", mail.outbox[0].subject)
        self.assertIn("Well done", mail.outbox[0].body)
        self.assertIsNotNone(Notification.objects.get().emailed_at)

    def test_no_email_unless_asked(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            notification_send(person=self.alice, kind="badge", title="New badge")

        self.assertEqual(mail.outbox, [])
