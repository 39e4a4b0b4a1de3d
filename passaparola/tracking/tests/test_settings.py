"""The tracking settings page: settings, API tokens and the snippet, for programme managers."""

from django.urls import reverse

from passaparola.testing import BaseTestCase
from passaparola.tracking.models import ApiToken, TrackingSettings
from passaparola.tracking.selectors import tracking_settings_get
from passaparola.tracking.services import api_token_check, api_token_create

VALID = {
    "utm_enabled": "on",
    "utm_medium": "social",
    "click_param": "pp_click",
    "attribution_days": "30",
    "retention_days": "90",
    "allowed_origins": "https://www.acme.example\nhttps://shop.acme.example:8443/",
}


class SettingsPageTests(BaseTestCase):
    def test_it_requires_login(self) -> None:
        response = self.client.get(reverse("tracking:settings"))

        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_only_programme_managers_may_open_it(self) -> None:
        for person in [self.alice, self.bob, self.charlie, self.erin, self.vera, self.lena]:
            with self.subTest(person=person.email):
                self.login(person)
                self.assertEqual(self.client.get(reverse("tracking:settings")).status_code, 404)
                response = self.client.post(reverse("tracking:settings"), VALID)
                self.assertEqual(response.status_code, 404)
        self.assertEqual(tracking_settings_get(fresh=True).allowed_origins, "")

    def test_the_manager_sees_the_snippet_and_the_postback_address(self) -> None:
        self.login(self.adam)

        response = self.client.get(reverse("tracking:settings"))

        self.assertContains(response, "/static/tracking/passaparola.js")
        self.assertContains(response, "/tracking/postback")

    def test_the_manager_saves_the_settings_and_origins_are_tidied(self) -> None:
        self.login(self.adam)

        response = self.client.post(reverse("tracking:settings"), {**VALID, "utm_enabled": ""})

        self.assertRedirects(response, reverse("tracking:settings"))
        row = TrackingSettings.objects.get()
        self.assertFalse(row.utm_enabled)
        self.assertEqual(
            row.allowed_origins, "https://www.acme.example\nhttps://shop.acme.example:8443"
        )

    def test_bad_values_are_explained_and_change_nothing(self) -> None:
        self.login(self.adam)
        cases = {
            "allowed_origins": "acme.example",
            "click_param": "utm_click",
            "retention_days": "1",
            "attribution_days": "0",
        }
        for field, value in cases.items():
            with self.subTest(field=field):
                response = self.client.post(reverse("tracking:settings"), {**VALID, field: value})
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors[field])
        self.assertEqual(TrackingSettings.objects.get().allowed_origins, "")

    def test_a_new_token_is_shown_once_and_works(self) -> None:
        self.login(self.adam)

        response = self.client.post(reverse("tracking:token_create"), {"name": "CRM"})

        secret = response.context["secret"]
        self.assertContains(response, secret)
        self.assertEqual(api_token_check(secret), ApiToken.objects.get(name="CRM"))
        again = self.client.get(reverse("tracking:settings"))
        self.assertNotContains(again, secret)

    def test_a_token_needs_a_name(self) -> None:
        self.login(self.adam)

        response = self.client.post(reverse("tracking:token_create"), {"name": "  "})

        self.assertEqual(response.status_code, 400)
        self.assertFalse(ApiToken.objects.exists())

    def test_a_revoked_token_stops_working(self) -> None:
        token, secret = api_token_create(name="Shop", by=self.adam)
        self.login(self.adam)

        response = self.client.post(reverse("tracking:token_revoke", args=[token.pk]))

        self.assertRedirects(response, reverse("tracking:settings"))
        self.assertIsNone(api_token_check(secret))

    def test_others_cannot_create_or_revoke_tokens(self) -> None:
        token, secret = api_token_create(name="Shop", by=self.adam)
        for person in [self.alice, self.erin, self.vera]:
            with self.subTest(person=person.email):
                self.login(person)
                created = self.client.post(reverse("tracking:token_create"), {"name": "Mine"})
                revoked = self.client.post(reverse("tracking:token_revoke", args=[token.pk]))
                self.assertEqual((created.status_code, revoked.status_code), (404, 404))
        self.assertEqual(ApiToken.objects.count(), 1)
        self.assertIsNotNone(api_token_check(secret))
