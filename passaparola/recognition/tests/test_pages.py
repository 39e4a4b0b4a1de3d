"""Every recognition page answers each role as it should; anonymous visitors log in first."""

from django.urls import reverse

from passaparola.people.models import Person
from passaparola.testing import BaseTestCase

PERSONAL = ["journey", "leaderboard", "badges", "challenges", "rewards", "points", "preferences"]
MANAGING = [
    "settings",
    "badge_catalogue",
    "badge_new",
    "challenge_new",
    "reward_catalogue",
    "reward_new",
    "claims",
]


class RecognitionPagesByRoleTests(BaseTestCase):
    def statuses(self, person: Person) -> dict[str, int]:
        self.login(person)
        return {
            name: self.client.get(reverse(f"recognition:{name}")).status_code
            for name in [*PERSONAL, *MANAGING, "kudos", "journey_overview"]
        }

    def expect(self, person: Person, allowed: set[str]) -> None:
        statuses = self.statuses(person)
        self.assertEqual(
            statuses, {name: 200 if name in allowed else 404 for name in statuses}, person
        )

    def test_a_member_sees_the_personal_pages(self) -> None:
        self.expect(self.alice, set(PERSONAL))

    def test_a_team_lead_also_sends_kudos(self) -> None:
        self.expect(self.lena, {*PERSONAL, "kudos"})

    def test_an_editor_and_a_viewer_also_see_the_journey_of_the_programme(self) -> None:
        self.expect(self.erin, {*PERSONAL, "journey_overview"})
        self.expect(self.vera, {*PERSONAL, "journey_overview"})

    def test_the_programme_manager_sees_everything(self) -> None:
        self.expect(self.adam, {*PERSONAL, *MANAGING, "kudos", "journey_overview"})

    def test_anonymous_visitors_are_asked_to_log_in(self) -> None:
        for name in [*PERSONAL, *MANAGING, "kudos", "journey_overview"]:
            response = self.client.get(reverse(f"recognition:{name}"))
            self.assertEqual(response.status_code, 302, name)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")), name)

    def test_the_manager_tabs_show_only_to_managers(self) -> None:
        self.login(self.alice)
        member = self.client.get(reverse("recognition:journey"))
        self.login(self.adam)
        manager = self.client.get(reverse("recognition:journey"))

        self.assertNotContains(member, reverse("recognition:claims"))
        self.assertContains(manager, reverse("recognition:claims"))


class PointsPageTests(BaseTestCase):
    def test_a_person_sees_their_own_ledger_lines_and_not_a_teammates(self) -> None:
        from passaparola.recognition.services import points_award, points_reverse

        points_award(person=self.alice, action="share", points=10, key="alice-share")
        entry = points_award(person=self.alice, action="click", points=2, key="alice-click")
        points_reverse(entry=entry, reason="A preview bot after all")
        points_award(person=self.bob, action="share", points=10, key="bob-share")
        self.login(self.alice)

        response = self.client.get(reverse("recognition:points"))

        self.assertContains(response, 'data-entry="alice-share"')
        self.assertContains(response, "A preview bot after all")
        self.assertContains(response, "Earned all time: 10.")
        self.assertNotContains(response, 'data-entry="bob-share"')
