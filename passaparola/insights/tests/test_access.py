"""Who may read the programme dashboard and whose impact pages."""

from datetime import timedelta
from typing import Any

from django.urls import reverse

from passaparola.insights.rollups import rollup_changed
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Person
from passaparola.programme.models import Programme
from passaparola.sharing.models import Share
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen


class DashboardAccessTests(BaseTestCase):
    def test_members_get_404_on_the_dashboard(self) -> None:
        for person in (self.alice, self.charlie):
            with self.subTest(person=person.name):
                self.login(person)
                response = self.client.get(reverse("insights:dashboard"))
                self.assertEqual(response.status_code, 404)

    def test_the_admin_the_editor_and_the_viewer_open_the_dashboard(self) -> None:
        for person in (self.adam, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.login(person)
                response = self.client.get(reverse("insights:dashboard"))
                self.assertContains(response, "Programme dashboard")

    def test_a_team_lead_sees_the_dashboard_of_their_own_teams_only(self) -> None:
        post = self.make_post()
        for sharer in (self.alice, self.charlie):  # Alice is in Sales; Charlie in no team
            self.login(sharer)
            self.client.post(reverse("sharing:share", args=[post.pk, "linkedin"]))
        self.login(self.lena)

        page = self.client.get(reverse("insights:dashboard"))
        asking_for_all = self.client.get(reverse("insights:dashboard"), {"team": 999999})

        self.assertContains(page, 'data-figure="shares">1<')
        # A team they do not lead is refused, and the page still counts only their teams.
        self.assertContains(asking_for_all, 'data-figure="shares">1<')

    def test_the_dashboard_requires_login(self) -> None:
        response = self.client.get(reverse("insights:dashboard"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))


class ImpactAccessTests(BaseTestCase):
    def impact_of(self, viewer: Person, person: Person) -> int:
        self.login(viewer)
        return self.client.get(reverse("insights:impact", args=[person.pk])).status_code

    def test_a_person_opens_their_own_impact_page(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("insights:my_impact"))

        self.assertContains(response, "My impact")

    def test_a_person_may_open_their_own_impact_page_by_its_number(self) -> None:
        self.assertEqual(self.impact_of(self.alice, self.alice), 200)

    def test_an_outsider_gets_404_on_a_members_impact_page(self) -> None:
        self.assertEqual(self.impact_of(self.charlie, self.alice), 404)

    def test_a_teammate_gets_404_on_a_members_impact_page(self) -> None:
        self.assertEqual(self.impact_of(self.bob, self.alice), 404)

    def test_the_team_lead_opens_the_impact_page_of_their_team_member(self) -> None:
        self.login(self.lena)

        response = self.client.get(reverse("insights:impact", args=[self.alice.pk]))

        self.assertContains(response, "Impact of Alice Example")

    def test_a_team_lead_gets_404_on_someone_outside_their_teams(self) -> None:
        self.assertEqual(self.impact_of(self.lena, self.charlie), 404)

    def test_the_admin_and_the_viewer_open_any_members_impact_page(self) -> None:
        for viewer in (self.adam, self.vera, self.erin):
            with self.subTest(viewer=viewer.name):
                self.assertEqual(self.impact_of(viewer, self.alice), 200)
                self.assertEqual(self.impact_of(viewer, self.charlie), 200)

    def test_an_unknown_or_inactive_person_gives_404_even_to_the_admin(self) -> None:
        Person.objects.filter(pk=self.bob.pk).update(is_active=False)

        self.assertEqual(self.impact_of(self.adam, self.bob), 404)
        self.login(self.adam)
        self.assertEqual(self.client.get("/people/999999/impact/").status_code, 404)

    def test_impact_pages_require_login(self) -> None:
        for url in (reverse("insights:my_impact"), reverse("insights:impact", args=[1])):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")))


class DashboardPeriodTests(BaseTestCase):
    def test_compare_shows_the_change_from_the_previous_period(self) -> None:
        scene = Scene(self.make_post())
        scene.share(self.alice, NOW - timedelta(days=10))
        scene.share(self.alice, NOW - timedelta(days=2), network="x")
        scene.share(self.alice, NOW - timedelta(days=2), network="facebook")
        self.assertEqual(Share.objects.count(), 3)
        with frozen(NOW):
            rollup_changed()
            self.login(self.vera)
            page = self.client.get(reverse("insights:dashboard"), {"period": "7d", "compare": "on"})
            export = self.client.get(
                reverse("insights:dashboard_export", args=["days"]), {"period": "30d"}
            )

        self.assertContains(page, 'data-figure="shares">2<')
        self.assertContains(page, 'data-delta="shares"')
        self.assertContains(page, "1 more")
        content = export.streaming_content  # type: ignore[attr-defined]
        rows = b"".join(content).decode().splitlines()
        self.assertEqual(rows[0].split(",")[:2], ["day", "shares"])
        self.assertEqual(sum(int(row.split(",")[1]) for row in rows[1:]), 3)


class DashboardLinkTests(BaseTestCase):
    def test_the_dashboard_leads_to_adoption_leadership_and_for_managers_people_at_risk(
        self,
    ) -> None:
        for person, at_risk in ((self.adam, True), (self.lena, True), (self.vera, False)):
            with self.subTest(person=person.name):
                self.login(person)
                page = self.client.get(reverse("insights:dashboard"))

                self.assertContains(page, reverse("insights:adoption"))
                self.assertContains(page, reverse("insights:leadership"))
                if at_risk:
                    self.assertContains(page, reverse("insights:at_risk"))
                else:
                    self.assertNotContains(page, reverse("insights:at_risk"))


class DashboardPrivacyTests(BaseTestCase):
    def test_privacy_mode_hides_other_peoples_names_in_a_small_group_but_keeps_totals(self) -> None:
        scene = Scene(self.make_post())
        scene.share(self.alice, NOW - timedelta(days=2))
        scene.click(self.alice, NOW - timedelta(days=2), visitor="v")
        with frozen(NOW):
            rollup_changed()
        Programme.objects.update(privacy_mode=True, privacy_min_group_size=100)

        with frozen(NOW):
            self.login(self.vera)  # a leadership viewer
            hidden = self.client.get(reverse("insights:dashboard"))
            export = self.client.get(reverse("insights:dashboard_export", args=["people"]))
            self.login(self.adam)  # the programme manager still sees individuals
            shown = self.client.get(reverse("insights:dashboard"))

        self.assertContains(hidden, 'data-figure="shares">1<')
        self.assertNotContains(hidden, reverse("insights:impact", args=[self.alice.pk]))
        self.assertNotIn("Alice", b"".join(export.streaming_content).decode())  # type: ignore[attr-defined]
        self.assertContains(shown, reverse("insights:impact", args=[self.alice.pk]))


class DashboardSectionAccessTests(BaseTestCase):
    """The sections the dashboard loads after its figures follow the dashboard's rules."""

    def section(self, name: str, **params: str) -> Any:
        return self.client.get(
            reverse("insights:dashboard_section", args=[name]), params, headers={"HX-Request": "1"}
        )

    def test_members_and_outsiders_get_404_and_strangers_log_in(self) -> None:
        for name in ("leads", "origins"):
            response = self.section(name)
            self.assertEqual(response.status_code, 302)
            for person in (self.alice, self.charlie):
                with self.subTest(section=name, person=person.name):
                    self.login(person)
                    self.assertEqual(self.section(name).status_code, 404)
                    self.client.logout()

    def test_a_team_lead_reads_the_leads_of_their_own_teams_only(self) -> None:
        scene = Scene(self.make_post())
        with frozen(NOW):
            for person in (self.alice, self.charlie):  # Sales, and no team
                scene.lead(person, NOW - timedelta(days=1))
            rollup_changed()
            self.login(self.lena)
            mine = self.section("leads")
            asking_for_all = self.section("leads", team="999999")
            self.login(self.vera)
            everyone = self.section("leads")
        self.assertContains(mine, "1 confirmed lead in the period.")
        self.assertContains(asking_for_all, "1 confirmed lead in the period.")
        self.assertContains(everyone, "2 confirmed leads in the period.")
        # Only the section, for the page to put in place; without htmx, a page of its own.
        self.assertNotContains(mine, "<html")
        self.login(self.lena)
        with frozen(NOW):
            page = self.client.get(reverse("insights:dashboard_section", args=["leads"]))
        self.assertContains(page, "<html")
        self.assertContains(page, "1 confirmed lead in the period.")

    def test_an_unknown_section_is_404(self) -> None:
        self.login(self.vera)
        self.assertEqual(self.section("secrets").status_code, 404)
