from django.urls import reverse

from passaparola.testing import BaseTestCase


class PagesByRoleTestCase(BaseTestCase):
    """Every page in the navigation renders for every role, or answers 404 where it must."""

    def setUp(self) -> None:
        self.post = self.make_post()

    def pages(self) -> dict[str, str]:
        return {
            "feed": reverse("content:feed"),
            "post": reverse("content:post", args=[self.post.pk]),
            "leaderboard": reverse("recognition:leaderboard"),
            "my_impact": reverse("insights:my_impact"),
            "dashboard": reverse("insights:dashboard"),
            "studio": reverse("content:studio"),
            "post_new": reverse("content:post_new"),
            "post_edit": reverse("content:post_edit", args=[self.post.pk]),
            "settings": reverse("programme:settings"),
        }

    def assert_pages(self, person: object, allowed: set[str]) -> None:
        self.client.force_login(person)  # type: ignore[arg-type]
        for name, url in self.pages().items():
            response = self.client.get(url)
            expected = 200 if name in allowed else 404
            self.assertEqual(response.status_code, expected, f"{name} for {person}")

    def test_a_member_sees_the_personal_pages_only(self) -> None:
        self.assert_pages(self.alice, {"feed", "post", "leaderboard", "my_impact"})

    def test_a_team_lead_sees_the_personal_pages_and_their_teams_dashboard(self) -> None:
        self.assert_pages(self.lena, {"feed", "post", "leaderboard", "my_impact", "dashboard"})

    def test_a_viewer_also_sees_the_dashboard(self) -> None:
        self.assert_pages(self.vera, {"feed", "post", "leaderboard", "my_impact", "dashboard"})

    def test_an_editor_also_sees_the_studio(self) -> None:
        self.assert_pages(
            self.erin,
            {
                "feed",
                "post",
                "leaderboard",
                "my_impact",
                "dashboard",
                "studio",
                "post_new",
                "post_edit",
            },
        )

    def test_the_programme_manager_sees_everything(self) -> None:
        self.assert_pages(self.adam, set(self.pages()))

    def test_pages_ask_anonymous_visitors_to_log_in(self) -> None:
        for name, url in self.pages().items():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, name)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")), name)

    def test_the_navigation_only_offers_what_the_person_may_open(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(reverse("content:feed")).content.decode()
        self.assertNotIn(reverse("insights:dashboard"), html)
        self.assertNotIn(reverse("content:studio"), html)
        self.client.force_login(self.adam)
        html = self.client.get(reverse("content:feed")).content.decode()
        self.assertIn(reverse("insights:dashboard"), html)
        self.assertIn(reverse("programme:settings"), html)
