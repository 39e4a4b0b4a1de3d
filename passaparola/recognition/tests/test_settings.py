"""The points scheme and journey thresholds page, for programme managers only."""

from django.urls import reverse

from passaparola.networks.catalogue import NETWORKS
from passaparola.recognition.models import SCHEME_ACTIONS, JourneySettings, PointsScheme
from passaparola.recognition.services import journey_settings_get, scheme_get
from passaparola.testing import BaseTestCase


def scheme_data(**changes: object) -> dict[str, object]:
    scheme = scheme_get()
    data: dict[str, object] = {}
    for action in SCHEME_ACTIONS:
        data[f"points_{action}"] = scheme.base_points(action)
        data[f"cap_{action}"] = scheme.daily_cap(action)
    for key in NETWORKS:
        data[f"weight_{key}"] = scheme.weight(key)
    data.update(changes)
    return data


def journey_data(**changes: object) -> dict[str, object]:
    settings = journey_settings_get()
    data: dict[str, object] = {
        field.name: getattr(settings, field.name)
        for field in JourneySettings._meta.fields
        if field.name not in ("id", "updated_at")
    }
    data.update(changes)
    return data


class RecognitionSettingsTests(BaseTestCase):
    def test_the_manager_sees_the_scheme_and_thresholds(self) -> None:
        self.login(self.adam)

        response = self.client.get(reverse("recognition:settings"))

        self.assertContains(response, "Points scheme")
        self.assertContains(response, 'name="points_share" value="10"')
        self.assertContains(response, 'name="weight_linkedin" value="100"')
        self.assertContains(response, 'name="visible_clicks" value="25"')

    def test_nobody_else_sees_or_changes_the_settings(self) -> None:
        for person in (self.alice, self.lena, self.erin, self.vera):
            self.login(person)
            self.assertEqual(self.client.get(reverse("recognition:settings")).status_code, 404)
            saved = self.client.post(
                reverse("recognition:scheme_save"), scheme_data(points_share=99)
            )
            self.assertEqual(saved.status_code, 404)
            saved = self.client.post(
                reverse("recognition:journey_save"), journey_data(visible_clicks=1)
            )
            self.assertEqual(saved.status_code, 404)
        self.assertEqual(scheme_get().points_share, 10)
        self.assertEqual(journey_settings_get().visible_clicks, 25)

    def test_the_manager_changes_points_caps_and_weights(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("recognition:scheme_save"),
            scheme_data(points_lead=60, cap_click=40, weight_linkedin=150),
        )

        self.assertRedirects(response, reverse("recognition:settings"))
        scheme = PointsScheme.objects.get()
        self.assertEqual((scheme.points_lead, scheme.cap_click), (60, 40))
        self.assertEqual(scheme.weight("linkedin"), 150)
        self.assertEqual(scheme.weight("x"), 100)

    def test_bad_values_are_refused_with_a_message_and_change_nothing(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("recognition:scheme_save"),
            scheme_data(points_share=-5, weight_x="lots", points_lead=60),
        )

        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Ensure this value is greater than or equal to 0.", status_code=400
        )
        self.assertContains(response, "Enter a whole number.", status_code=400)
        self.assertEqual(scheme_get().points_lead, 25)

    def test_the_manager_adjusts_the_journey_thresholds(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("recognition:journey_save"), journey_data(visible_clicks=40, window_days=180)
        )

        self.assertRedirects(response, reverse("recognition:settings"))
        settings = journey_settings_get()
        self.assertEqual((settings.visible_clicks, settings.window_days), (40, 180))

    def test_a_missing_threshold_is_refused(self) -> None:
        self.login(self.adam)
        data = journey_data()
        del data["visible_clicks"]

        response = self.client.post(reverse("recognition:journey_save"), data)

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "This field is required.", status_code=400)
