"""The programme's goals, recorded by the manager, and their progress this month."""

from datetime import timedelta

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from passaparola.audit.models import AuditEntry
from passaparola.insights.goals import goals_progress
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.sharing.services import share_create
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import BOUNDARY_INSTANTS, at_instant, frozen


@frozen()
class GoalsTests(BaseTestCase):
    def test_the_manager_records_the_goals_and_the_change_is_audited(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("programme:goals"),
            {
                "goal_audience": "Buyers in manufacturing",
                "goal_people": 20,
                "goal_hours_per_week": "1.5",
                "goal_shares_per_month": 100,
                "goal_leads_per_month": 5,
            },
        )

        self.assertRedirects(response, reverse("programme:goals"))
        programme = programme_get()
        self.assertEqual(programme.goal_shares_per_month, 100)
        self.assertEqual(str(programme.goal_hours_per_week), "1.5")
        entry = AuditEntry.objects.get(action="programme.goals_changed")
        self.assertEqual(entry.changes["goal_shares_per_month"], {"old": 0, "new": 100})
        self.assertEqual(entry.changes["goal_hours_per_week"], {"old": "0.0", "new": "1.5"})

    def test_impossible_goals_are_refused_with_a_message(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("programme:goals"), {"goal_people": -3, "goal_hours_per_week": "99"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ensure this value is greater than or equal to 0.")
        self.assertContains(response, "Ensure this value is less than or equal to 40.")
        self.assertEqual(programme_get().goal_people, 0)
        self.assertFalse(AuditEntry.objects.exists())

    def test_progress_counts_this_months_shares_people_and_leads(self) -> None:
        programme_update(
            programme=programme_get(),
            fields={"goal_people": 4, "goal_shares_per_month": 10, "goal_leads_per_month": 2},
        )
        for instant in BOUNDARY_INSTANTS:
            # The month is the programme's local month: try it in Rome as well as in UTC.
            for zone in ("UTC", "Europe/Rome"):
                with self.settings(TIME_ZONE=zone), at_instant(self, instant):
                    post = self.make_post()
                    share_create(person=self.alice, post=post, network="linkedin")
                    share_create(person=self.alice, post=post, network="x")
                    share_create(person=self.bob, post=post, network="linkedin")
                    month_start = timezone.localtime().replace(
                        day=1, hour=0, minute=0, second=0, microsecond=0
                    )
                    last_month = month_start - timedelta(seconds=1)
                    share_create(person=self.charlie, post=post, network="linkedin", at=last_month)

                    progress = goals_progress()

                    lines = {
                        line.label: (line.actual, line.target, line.percent)
                        for line in progress.lines
                    }
                    self.assertEqual(progress.month_start, month_start.date(), zone)
                    self.assertEqual(lines["People sharing"], (2, 4, 50), zone)
                    self.assertEqual(lines["Shares"], (3, 10, 30), zone)
                    self.assertEqual(lines["Leads"], (0, 2, 0), zone)

    def test_the_dashboard_include_shows_the_progress_bars(self) -> None:
        programme_update(
            programme=programme_get(),
            fields={"goal_shares_per_month": 4, "goal_audience": "Engineers in Europe"},
        )
        share_create(person=self.alice, post=self.make_post(), network="linkedin")
        request = RequestFactory().get("/dashboard/")

        html = Template('{% include "insights/_goals_progress.html" %}').render(
            Context({"request": request, "perms_manage_programme": True})
        )

        self.assertIn("Engineers in Europe", html)
        self.assertIn('<progress max="100" value="25"', html)
        self.assertIn(reverse("programme:goals"), html)

    def test_without_goals_the_include_says_so(self) -> None:
        html = Template('{% include "insights/_goals_progress.html" %}').render(Context({}))

        self.assertIn("No goals set yet", html)
        self.assertNotIn("<progress", html)

    def test_the_goals_page_opens_for_the_manager(self) -> None:
        self.login(self.adam)

        page = self.client.get(reverse("programme:goals"))

        self.assertContains(page, "Target audience")
        self.assertContains(page, 'aria-current="page">Goals')

    def test_only_programme_managers_set_goals(self) -> None:
        for person in (self.alice, self.bob, self.charlie, self.lena, self.erin, self.vera):
            self.login(person)
            self.assertEqual(self.client.get(reverse("programme:goals")).status_code, 404)
            self.assertEqual(
                self.client.post(reverse("programme:goals"), {"goal_people": 9}).status_code, 404
            )
        self.assertEqual(programme_get().goal_people, 0)
