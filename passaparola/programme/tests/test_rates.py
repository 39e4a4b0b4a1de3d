"""Earned-media-value rates: set by programme managers only, validated, audited, with defaults."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.networks.catalogue import NETWORKS
from passaparola.programme.models import NetworkRate
from passaparola.programme.selectors import programme_get, rates_get
from passaparola.programme.services import rates_update
from passaparola.testing import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

FIELDS = ("cost_per_click", "cpm", "reach_percent", "impressions_enabled")


def stored() -> dict[str, tuple[object, ...]]:
    return {
        rate.network: tuple(getattr(rate, name) for name in FIELDS)
        for rate in NetworkRate.objects.all()
    }


class RatesTests(BaseTestCase):
    def form_data(self, **changes: object) -> dict[str, object]:
        """The form as the page offers it, with some values changed."""
        data: dict[str, object] = {"currency": programme_get().currency}
        for network, rate in rates_get().items():
            data[f"{network}-cost_per_click"] = str(rate.cost_per_click)
            data[f"{network}-cpm"] = str(rate.cpm)
            data[f"{network}-reach_percent"] = str(rate.reach_percent)
            if rate.impressions_enabled:
                data[f"{network}-impressions_enabled"] = "on"
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    def save(self, **changes: object) -> "TestResponse":
        self.login(self.adam)
        return self.client.post(reverse("programme:rates"), self.form_data(**changes))

    def test_the_defaults_are_there_after_the_migrations(self) -> None:
        rates = stored()

        self.assertEqual(sorted(rates), sorted(NETWORKS))
        self.assertEqual(
            rates["linkedin"], (Decimal("7.00"), Decimal("30.00"), Decimal("5"), False)
        )
        self.assertEqual(rates["x"], (Decimal("0.40"), Decimal("1.00"), Decimal("5"), False))
        self.assertEqual(rates["facebook"][:2], (Decimal("1.88"), Decimal("20.00")))
        self.assertFalse(any(rate[3] for rate in rates.values()), "impressions start off")
        self.assertEqual(programme_get().currency, "USD")

    def test_a_network_without_a_row_reads_as_its_default_without_writing(self) -> None:
        NetworkRate.objects.filter(network="linkedin").delete()

        with self.assertNumQueries(1):
            rate = rates_get()["linkedin"]

        self.assertEqual((rate.cost_per_click, rate.cpm), (Decimal("7.00"), Decimal("30.00")))
        self.assertFalse(NetworkRate.objects.filter(network="linkedin").exists())

    def test_only_programme_managers_reach_the_rates(self) -> None:
        before = stored()
        for person in (self.alice, self.charlie, self.lena, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertEqual(self.client.get(reverse("programme:rates")).status_code, 404)
                response = self.client.post(
                    reverse("programme:rates"), self.form_data(**{"linkedin-cost_per_click": "1"})
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(stored(), before)
        self.assertFalse(AuditEntry.objects.filter(action="programme.rates_changed").exists())
        self.login(self.adam)
        response = self.client.get(reverse("programme:rates"))
        self.assertContains(response, "Value rates")
        self.assertContains(response, 'name="linkedin-cost_per_click" value="7.00"', html=False)

    def test_the_rates_require_login(self) -> None:
        response = self.client.get(reverse("programme:rates"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_the_settings_pages_link_to_the_rates(self) -> None:
        self.login(self.adam)

        self.assertContains(
            self.client.get(reverse("programme:settings")), reverse("programme:rates")
        )

    def test_a_manager_changes_rates_and_the_change_is_audited(self) -> None:
        response = self.save(
            currency="EUR",
            **{
                "linkedin-cost_per_click": "8.5",
                "linkedin-impressions_enabled": "on",
                "x-reach_percent": "12.25",
            },
        )

        self.assertRedirects(response, reverse("programme:rates"), fetch_redirect_response=False)
        self.assertContains(self.client.get(response["Location"]), "The rates are saved.")
        self.assertEqual(programme_get().currency, "EUR")
        rates = stored()
        self.assertEqual(rates["linkedin"], (Decimal("8.50"), Decimal("30.00"), Decimal("5"), True))
        self.assertEqual(rates["x"][2], Decimal("12.25"))
        entry = AuditEntry.objects.get(action="programme.rates_changed")
        self.assertEqual(entry.actor, self.adam)
        self.assertEqual(
            entry.changes,
            {
                "currency": {"old": "USD", "new": "EUR"},
                "linkedin.cost_per_click": {"old": "7.00", "new": "8.50"},
                "linkedin.impressions_enabled": {"old": False, "new": True},
                "x.reach_percent": {"old": "5.00", "new": "12.25"},
            },
        )
        self.assertContains(self.client.get(reverse("governance:audit")), "Value rates changed")

    def test_saving_the_same_rates_records_nothing(self) -> None:
        # 7 and 7.00 are the same rate.
        response = self.save(**{"linkedin-cost_per_click": "7", "x-cpm": "1.0"})

        self.assertEqual(response.status_code, 302)
        self.assertFalse(AuditEntry.objects.filter(action="programme.rates_changed").exists())

    def test_bad_rates_are_refused_with_a_message_and_change_nothing(self) -> None:
        before = stored()
        cases = [
            ("linkedin-cost_per_click", "-1", "A rate cannot be negative."),
            ("linkedin-cpm", "100000.01", "At most 100000."),
            ("x-cost_per_click", "a lot", "Enter a number."),
            ("x-cost_per_click", "NaN", "Enter a number."),
            ("x-cpm", "1e999", "no more than 9 digits"),
            ("facebook-cost_per_click", "1.234", "no more than 2 decimal places"),
            ("facebook-reach_percent", "101", "At most 100."),
            ("facebook-cpm", "", "Enter a number; 0 leaves this out of the estimate."),
            ("currency", "XXX", "Select a valid choice."),
        ]
        for name, value, message in cases:
            with self.subTest(name=name, value=value):
                # A good change beside the bad one is not saved either.
                response = self.save(**{name: value, "reddit-cost_per_click": "3.00"})
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, "nothing was changed", status_code=400)
        self.assertEqual(stored(), before)
        self.assertEqual(programme_get().currency, "USD")
        self.assertFalse(AuditEntry.objects.filter(action="programme.rates_changed").exists())

    def test_a_form_without_its_fields_is_refused(self) -> None:
        self.login(self.adam)

        response = self.client.post(reverse("programme:rates"), {"currency": "EUR"})

        self.assertEqual(response.status_code, 400)
        self.assertEqual(programme_get().currency, "USD")

    def test_the_service_refuses_a_network_or_field_it_does_not_know(self) -> None:
        with self.assertRaises(KeyError):
            rates_update(by=self.adam, currency="USD", rates={"myspace": {"cpm": Decimal(1)}})
        with self.assertRaises(ValueError):
            rates_update(by=self.adam, currency="USD", rates={"x": {"network": "y"}})
        self.assertEqual(stored()["x"][1], Decimal("1.00"))
