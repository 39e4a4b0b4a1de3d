"""The one-click unsubscribe link of optional emails (RFC 8058): it works without logging in,
a GET changes nothing, and a forged token is refused."""

from urllib.parse import urlsplit

from django.urls import reverse

from passaparola.notifications.emails import unsubscribe_url
from passaparola.notifications.models import EmailKind, NotificationPreference
from passaparola.notifications.selectors import email_allowed
from passaparola.testing import BaseTestCase


class UnsubscribeTests(BaseTestCase):
    def path(self, kind: str = EmailKind.DIGEST) -> str:
        return urlsplit(unsubscribe_url(self.alice, kind)).path

    def test_opening_the_link_asks_and_the_button_turns_that_kind_off(self) -> None:
        page = self.client.get(self.path())
        self.assertContains(page, "Unsubscribe")
        self.assertTrue(email_allowed(self.alice, "digest"), "opening the link changes nothing")

        done = self.client.post(self.path())

        self.assertContains(done, "you will no longer get")
        preference = NotificationPreference.objects.get(person=self.alice)
        self.assertFalse(preference.email_digest)
        self.assertTrue(preference.email_recognition)
        self.assertTrue(email_allowed(self.bob, "digest"))

    def test_the_mail_clients_one_click_post_unsubscribes(self) -> None:
        response = self.client.post(
            self.path(EmailKind.REMINDERS),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )

        self.assertEqual(response.status_code, 200)
        self.assertFalse(email_allowed(self.alice, "reminders"))
        self.assertTrue(email_allowed(self.alice, "digest"))

    def test_a_forged_unsubscribe_token_is_refused_and_changes_nothing(self) -> None:
        forged = self.path().replace("/unsubscribe/", "/unsubscribe/x")

        response = self.client.post(forged)
        other = self.client.post(reverse("notifications:unsubscribe", args=["nonsense"]))

        self.assertEqual(response.status_code, 404)
        self.assertEqual(other.status_code, 404)
        self.assertTrue(email_allowed(self.alice, "digest"))

    def test_a_closed_account_cannot_be_unsubscribed_by_an_old_link(self) -> None:
        path = self.path()
        self.alice.is_active = False
        self.alice.save(update_fields=["is_active"])

        self.assertEqual(self.client.post(path).status_code, 404)
