"""My account: details, pausing, leaving the programme."""

from django.conf import settings
from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.people.models import Person
from passaparola.testing import PASSWORD, BaseTestCase


class AccountTests(BaseTestCase):
    def test_the_account_page_shows_my_details_and_choices(self) -> None:
        self.login(self.alice)

        page = self.client.get(reverse("accounts:account"))

        self.assertContains(page, "alice@example.org")
        self.assertContains(page, reverse("accounts:account_export"))
        self.assertContains(page, reverse("accounts:account_leave"))
        self.assertContains(page, "Pause")

    def test_i_change_my_name_and_language(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("accounts:account"), {"name": "Alice A.", "language": "nl"}
        )

        self.assertRedirects(response, reverse("accounts:account"), fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "nl")
        self.alice.refresh_from_db()
        self.assertEqual((self.alice.name, self.alice.language), ("Alice A.", "nl"))

    def test_an_empty_name_is_refused(self) -> None:
        self.login(self.alice)

        response = self.client.post(reverse("accounts:account"), {"name": "", "language": ""})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.name, "Alice Example")

    def test_i_pause_and_come_back(self) -> None:
        self.login(self.alice)

        self.client.post(reverse("accounts:account_pause"), {"paused": "1"})
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_paused)
        self.assertIsNotNone(self.alice.paused_at)
        self.assertContains(self.client.get(reverse("accounts:account")), "Take part again")

        self.client.post(reverse("accounts:account_pause"), {"paused": "0"})
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.is_paused)

    def test_pausing_is_a_post_and_needs_a_login(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("accounts:account_pause")).status_code, 405)
        self.client.logout()
        self.assertEqual(
            self.client.post(reverse("accounts:account_pause"), {"paused": "1"}).status_code, 302
        )
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.is_paused)

    def test_leaving_needs_a_confirmation(self) -> None:
        self.login(self.alice)

        response = self.client.post(reverse("accounts:account_leave"), {})

        self.assertContains(response, "Tick the box to confirm.")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)

    def test_leaving_closes_the_account_and_logs_out(self) -> None:
        self.login(self.alice)

        response = self.client.post(reverse("accounts:account_leave"), {"confirm": "on"})

        self.assertRedirects(response, reverse("accounts:login"))
        self.assertNotIn("_auth_user_id", self.client.session)
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.is_active)
        self.assertEqual(self.alice.name, "Alice Example")  # leaving is not erasing
        self.assertTrue(AuditEntry.objects.filter(action="person.left", actor=self.alice).exists())
        again = self.client.post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": PASSWORD}
        )
        self.assertEqual(again.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_pages_ask_visitors_to_log_in(self) -> None:
        for name in ("account", "account_leave", "account_export", "welcome"):
            response = self.client.get(reverse(f"accounts:{name}"))
            self.assertEqual(response.status_code, 302, name)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")), name)
        self.assertEqual(Person.objects.filter(is_active=False).count(), 0)
