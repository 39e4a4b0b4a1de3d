"""People at risk thresholds, privacy mode and the leadership report's cadence, on the
programme settings page; audited."""

from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.programme.selectors import programme_get
from passaparola.testing import BaseTestCase

VALID = {
    "at_risk_early_weeks": "6",
    "at_risk_early_shares": "3",
    "at_risk_quiet_days": "30",
    "privacy_mode": "on",
    "privacy_min_group_size": "8",
    "report_cadence": "quarterly",
}
URL = reverse("programme:insight_settings")


def saved() -> tuple[int, int, int, bool, int, str]:
    programme = programme_get()
    return (
        programme.at_risk_early_weeks,
        programme.at_risk_early_shares,
        programme.at_risk_quiet_days,
        programme.privacy_mode,
        programme.privacy_min_group_size,
        programme.report_cadence,
    )


class InsightSettingsTests(BaseTestCase):
    def test_the_defaults(self) -> None:
        self.assertEqual(saved(), (4, 2, 21, False, 5, "monthly"))

    def test_the_settings_page_shows_the_form(self) -> None:
        self.login(self.adam)

        response = self.client.get(reverse("programme:settings"))

        self.assertContains(response, f'action="{URL}"')
        self.assertContains(response, 'name="privacy_min_group_size"')
        self.assertContains(response, '<option value="monthly" selected>Every month</option>')
        self.assertContains(response, '<option value="off">Not emailed</option>')

    def test_the_manager_saves_them_and_the_change_is_audited(self) -> None:
        self.login(self.adam)

        response = self.client.post(URL, VALID)

        self.assertRedirects(response, reverse("programme:settings"))
        self.assertEqual(saved(), (6, 3, 30, True, 8, "quarterly"))
        entry = AuditEntry.objects.get(action="programme.insight_settings_changed")
        self.assertEqual(entry.actor_id, self.adam.pk)
        self.assertEqual(entry.changes["privacy_mode"], {"old": False, "new": True})
        self.assertEqual(entry.changes["at_risk_quiet_days"], {"old": 21, "new": 30})
        self.assertEqual(entry.changes["report_cadence"], {"old": "monthly", "new": "quarterly"})

    def test_turning_privacy_mode_off_is_an_unticked_box(self) -> None:
        self.login(self.adam)
        self.client.post(URL, VALID)

        data = {key: value for key, value in VALID.items() if key != "privacy_mode"}
        self.client.post(URL, data)

        self.assertFalse(programme_get().privacy_mode)

    def test_values_out_of_range_are_refused_clearly_and_change_nothing(self) -> None:
        self.login(self.adam)
        cases = {
            "at_risk_early_weeks": ["0", "27", "-1", "four"],
            "at_risk_early_shares": ["0", "101"],
            "at_risk_quiet_days": ["6", "366", "99999999999999999999"],
            "privacy_min_group_size": ["1", "0", "101", ""],
            "report_cadence": ["weekly", "", "MONTHLY"],
        }
        for name, values in cases.items():
            for value in values:
                with self.subTest(name=name, value=value):
                    response = self.client.post(URL, {**VALID, name: value})
                    self.assertEqual(response.status_code, 400)
                    self.assertContains(response, 'class="error"', status_code=400)
                    self.assertEqual(saved(), (4, 2, 21, False, 5, "monthly"))
        self.assertFalse(AuditEntry.objects.exists())

    def test_only_the_programme_manager_may_change_them(self) -> None:
        for person in (self.alice, self.lena, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertEqual(self.client.post(URL, VALID).status_code, 404)
        self.assertEqual(saved(), (4, 2, 21, False, 5, "monthly"))

    def test_a_get_changes_nothing(self) -> None:
        self.login(self.adam)

        self.assertEqual(self.client.get(URL).status_code, 405)

    def test_the_audit_log_names_the_change(self) -> None:
        self.login(self.adam)
        self.client.post(URL, VALID)

        response = self.client.get(reverse("governance:audit"))

        self.assertContains(response, "People at risk and privacy settings changed")
