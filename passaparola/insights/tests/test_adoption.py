"""The adoption page: funnel, waves, teams, weekly active share and cohorts, from a known scene.

The scene (time frozen on Wednesday 2 December 2026; the default period is the last 30 days,
3 November to 2 December; its weeks start on Mondays 2, 9, 16, 23 and 30 November):

- Erin, Vera, Adam and Lena joined in January; Alice and Bob (Sales) on 10 and 12 November,
  invited in the "Pilot" wave; Charlie (Support) on 17 November, without an invitation.
- Open at the end of the period: Dora's invitation (Pilot, Sales) and Fred's (Rollout,
  Support); Eve's (Pilot) was revoked.
- Alice picked a topic; Bob did nothing on the welcome page but shared.
- Alice shared on LinkedIn (20 Nov), Bob on X (21 Nov); Charlie read a post (18 Nov); Erin
  published one (5 Nov); Adam only accepted his invitation (not taking part).
- Alice's link: two human clicks and a bot (22 Nov), a click activity (24 Nov) and a confirmed
  lead (25 Nov). Bob's link: a bot visit only, but a pruned day (23 Nov) whose daily figures
  keep one human click; and a pending lead.
"""

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passaparola.activity.models import Activity, Verb
from passaparola.audit.models import AuditEntry
from passaparola.content.models import PersonInterest, Post, Topic
from passaparola.insights.adoption import adoption
from passaparola.insights.filters import InsightFilterForm, filters_from_form
from passaparola.invitations.models import Invitation, Wave
from passaparola.people.models import Membership, Person, Team
from passaparola.sharing.models import Share, ShortLink
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen
from passaparola.tracking.models import Click, ClickRollup, Conversion


def at(day: int, month: int = 11, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def funnel_counts(funnel: Any) -> list[int]:
    return [step.count for step in funnel.steps]


@frozen()
class AdoptionFigureTests(BaseTestCase):
    post: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        january = at(5, month=1)
        for person in (cls.erin, cls.vera, cls.adam, cls.lena):
            Person.objects.filter(pk=person.pk).update(date_joined=january)
        Person.objects.filter(pk=cls.alice.pk).update(date_joined=at(10))
        Person.objects.filter(pk=cls.bob.pk).update(date_joined=at(12))
        Person.objects.filter(pk=cls.charlie.pk).update(date_joined=at(17))

        pilot = Wave.objects.create(name="Pilot", created_at=at(1))
        rollout = Wave.objects.create(name="Rollout", created_at=at(2))
        invitations = [
            ("alice@example.org", pilot, cls.alice, at(10), None, cls.sales),
            ("bob@example.org", pilot, cls.bob, at(12), None, cls.sales),
            ("dora@example.org", pilot, None, None, None, cls.sales),
            ("eve@example.org", pilot, None, None, at(20), cls.sales),
            ("fred@example.org", rollout, None, None, None, cls.support),
        ]
        for email, wave, joiner, joined_at, revoked_at, team in invitations:
            invitation = Invitation.objects.create(
                email=email,
                wave=wave,
                person=joiner,
                created_at=at(3),
                joined_at=joined_at,
                revoked_at=revoked_at,
            )
            invitation.teams.add(team)

        topic = Topic.objects.create(name="Engineering")
        PersonInterest.objects.create(person=cls.alice, topic=topic, created_at=at(10))
        cls.post = Post.objects.create(
            created_by=cls.erin,
            url="https://example.com/news",
            title="Record quarter",
            state=Post.State.PUBLISHED,
            published_at=at(4),
        )
        alice_link = ShortLink.objects.create(person=cls.alice, post=cls.post, network="linkedin")
        bob_link = ShortLink.objects.create(person=cls.bob, post=cls.post, network="x")
        for link, day in ((alice_link, 20), (bob_link, 21)):
            Share.objects.create(
                link=link,
                person=link.person,
                post=cls.post,
                network=link.network,
                created_at=at(day),
            )
            Activity.objects.create(
                person=link.person, verb=Verb.SHARE_CREATED, post=cls.post, created_at=at(day)
            )
        Activity.objects.create(person=cls.charlie, verb=Verb.POST_VIEWED, created_at=at(18))
        Activity.objects.create(person=cls.erin, verb=Verb.POST_PUBLISHED, created_at=at(5))
        Activity.objects.create(person=cls.adam, verb=Verb.INVITATION_ACCEPTED, created_at=at(24))
        Activity.objects.create(person=cls.alice, verb=Verb.CLICK_RECEIVED, created_at=at(24))
        for visitor, is_bot in (("v1", False), ("v2", False), ("bot", True)):
            Click.objects.create(link=alice_link, created_at=at(22), visitor=visitor, is_bot=is_bot)
        Click.objects.create(link=bob_link, created_at=at(22), visitor="bot", is_bot=True)
        ClickRollup.objects.create(
            day=date(2026, 11, 23), post=cls.post, person=cls.bob, network="x", human_clicks=1
        )
        Conversion.objects.create(
            key="api:1", link=alice_link, source="api", state="confirmed", created_at=at(25)
        )
        Conversion.objects.create(
            key="api:2", link=bob_link, source="api", state="pending", created_at=at(25)
        )

    def figures(self, data: dict[str, str] | None = None, teams: Any = None) -> Any:
        return adoption(filters_from_form(InsightFilterForm(data, teams=teams)))

    def test_the_funnel_counts_each_step_of_those_who_reached_the_one_before(self) -> None:
        figures = self.figures()

        # invited: 7 joined + Dora and Fred; onboarded: Alice (topic), Bob (shared);
        # clicks: Alice (raw), Bob (a pruned day); leads: Alice (Bob's is pending).
        self.assertEqual(funnel_counts(figures.overall), [9, 7, 2, 2, 2, 2, 1])
        steps = {step.key: step for step in figures.overall.steps}
        self.assertEqual(steps["joined"].of_first, 78)
        self.assertEqual(steps["leads"].of_previous, 50)
        self.assertIsNone(steps["invited"].of_previous)

    def test_each_wave_counts_its_invitations_and_people_apart(self) -> None:
        waves = {funnel.name: funnel_counts(funnel) for funnel in self.figures().by_wave}

        self.assertEqual(
            waves,
            {
                "Pilot": [3, 2, 2, 2, 2, 2, 1],
                "Rollout": [1, 0, 0, 0, 0, 0, 0],
                "No wave": [5, 5, 0, 0, 0, 0, 0],
            },
        )
        self.assertEqual([funnel.name for funnel in self.figures().by_wave][-1], "No wave")

    def test_each_team_counts_its_members_and_the_invitations_naming_it(self) -> None:
        teams = {funnel.name: funnel_counts(funnel) for funnel in self.figures().by_team}

        # Sales: Alice, Bob and Lena, and Dora's open invitation; Support: Charlie and Fred.
        self.assertEqual(teams, {"Sales": [4, 3, 2, 2, 2, 2, 1], "Support": [2, 1, 0, 0, 0, 0, 0]})

    def test_a_network_filter_counts_only_shares_clicks_and_leads_on_that_network(self) -> None:
        figures = self.figures({"network": "linkedin"})

        self.assertEqual(funnel_counts(figures.overall), [9, 7, 2, 2, 1, 1, 1])

    def test_the_clicks_of_a_pruned_day_count_from_the_daily_figures(self) -> None:
        ClickRollup.objects.filter(person=self.bob).delete()

        self.assertEqual(funnel_counts(self.figures().overall), [9, 7, 2, 2, 2, 1, 1])

    def test_bot_visits_never_count_as_clicks(self) -> None:
        Click.objects.filter(is_bot=False).delete()
        ClickRollup.objects.all().delete()

        self.assertEqual(funnel_counts(self.figures().overall), [9, 7, 2, 2, 2, 0, 0])

    def test_an_earlier_period_counts_who_had_joined_and_what_was_open_then(self) -> None:
        # 1 to 15 November: Charlie had not joined, Eve's invitation was still open (revoked on
        # the 20th); only Alice had taken a first step, and only Erin (not onboarded) was active.
        figures = self.figures({"period": "custom", "start": "2026-11-01", "end": "2026-11-15"})

        self.assertEqual(funnel_counts(figures.overall), [9, 6, 1, 0, 0, 0, 0])

    def test_weekly_active_share_counts_whole_weeks_from_monday(self) -> None:
        weeks = {week.week: (week.joined, week.active, week.share) for week in self.figures().weeks}

        self.assertEqual(
            weeks,
            {
                date(2026, 11, 2): (4, 1, 25),  # Erin published
                date(2026, 11, 9): (6, 0, 0),
                date(2026, 11, 16): (7, 3, 43),  # Charlie, Alice, Bob
                date(2026, 11, 23): (7, 1, 14),  # Alice's click; Adam's joining does not count
                date(2026, 11, 30): (7, 0, 0),
            },
        )

    def test_cohorts_show_the_share_of_each_join_week_active_in_the_weeks_after(self) -> None:
        cohorts = {
            cohort.week: (cohort.size, [cell["share"] for cell in cohort.cells][:5])
            for cohort in self.figures().cohorts
        }

        self.assertEqual(
            cohorts,
            {
                date(2026, 11, 9): (2, [0, 100, 50, 0, None]),  # Alice and Bob
                date(2026, 11, 16): (1, [100, 0, 0, None, None]),  # Charlie
            },
        )

    def test_a_team_lead_sees_only_the_people_and_invitations_of_their_teams(self) -> None:
        figures = self.figures(teams=frozenset({self.sales.pk}))

        self.assertEqual(figures.overall.name, "All my teams")
        self.assertEqual(funnel_counts(figures.overall), [4, 3, 2, 2, 2, 2, 1])
        self.assertEqual([funnel.name for funnel in figures.by_team], ["Sales"])
        waves = {funnel.name: funnel_counts(funnel) for funnel in figures.by_wave}
        self.assertEqual(waves, {"Pilot": [3, 2, 2, 2, 2, 2, 1], "No wave": [1, 1, 0, 0, 0, 0, 0]})

    def test_a_person_filter_counts_that_person_only(self) -> None:
        figures = self.figures({"person": str(self.bob.pk)})

        self.assertEqual(funnel_counts(figures.overall), [1, 1, 1, 1, 1, 1, 0])

    def test_the_page_shows_the_figures_in_tables(self) -> None:
        self.login(self.adam)

        response = self.client.get(reverse("insights:adoption"))

        self.assertContains(response, "Adoption funnel")
        self.assertContains(response, '<td class="num" data-count>9</td>', html=False)
        self.assertContains(response, 'data-week="2026-11-16"')
        self.assertContains(response, 'data-cohort="2026-11-09"')
        self.assertContains(response, "Pilot")

    def test_the_page_asks_a_bounded_number_of_queries(self) -> None:
        self.login(self.adam)
        url = reverse("insights:adoption")
        with CaptureQueriesContext(connection) as before:
            self.client.get(url, {"team": str(self.sales.pk), "network": "linkedin"})
        for index in range(30):
            person = Person.objects.create(email=f"p{index}@example.org", name=f"P {index}")
            Membership.objects.create(person=person, team=self.sales)
            Team.objects.create(name=f"Team {index}")
            Activity.objects.create(person=person, verb=Verb.POST_VIEWED, created_at=at(20))

        # Session, person, policy and programme; the form's teams and topics; seven figures.
        with self.assertNumQueries(len(before)):
            response = self.client.get(url, {"team": str(self.sales.pk), "network": "linkedin"})
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(len(before), 13, "\n".join(q["sql"][:150] for q in before))


@frozen()
class AdoptionExportTests(BaseTestCase):
    def export(self, table: str, **params: str) -> Any:
        return self.client.get(reverse("insights:adoption_export", args=[table]), params)

    def rows(self, response: Any) -> list[list[str]]:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def test_a_table_downloads_as_csv_in_the_pages_filters(self) -> None:
        self.login(self.adam)

        response = self.export("funnel", period="this_month")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(
            'attachment; filename="adoption-funnel-2026-12-01-2026-12-02.csv"',
            response["Content-Disposition"],
        )
        rows = self.rows(response)
        self.assertEqual(
            rows[0], ["Step", "People", "Share of invited", "Share of the step before"]
        )
        self.assertEqual(rows[2][:2], ["Joined", "7"])

    def test_every_export_is_written_to_the_audit_log_without_names(self) -> None:
        self.login(self.lena)

        self.export("teams", network="linkedin", person=str(self.alice.pk))

        entry = AuditEntry.objects.get(action="insights.exported")
        self.assertEqual(entry.actor_id, self.lena.pk)
        self.assertEqual(entry.target_id, "adoption.teams")
        self.assertEqual(entry.changes["filters"]["network"], "linkedin")
        self.assertEqual(entry.changes["filters"]["person"], self.alice.pk)
        self.assertTrue(entry.changes["filters"]["team_lead_view"])
        self.assertNotIn("Alice", str(entry.changes))
        self.assertNotIn("alice@", str(entry.changes))

    def test_a_cell_that_looks_like_a_formula_is_defused(self) -> None:
        team = Team.objects.create(name='=HYPERLINK("https://evil.example")')
        Membership.objects.create(person=self.charlie, team=team)
        self.login(self.vera)

        rows = self.rows(self.export("teams"))

        names = [row[0] for row in rows[1:]]
        self.assertIn('\'=HYPERLINK("https://evil.example")', names)
        self.assertTrue(all(row[1].isdigit() for row in rows[1:]))

    def test_the_excel_download_starts_with_a_byte_order_mark(self) -> None:
        self.login(self.adam)

        body = b"".join(self.export("weekly", excel="1").streaming_content)

        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))

    def test_an_unknown_table_is_not_found(self) -> None:
        self.login(self.adam)

        self.assertEqual(self.export("salaries").status_code, 404)
        self.assertFalse(AuditEntry.objects.filter(action="insights.exported").exists())


class AdoptionAccessTests(BaseTestCase):
    def status(self, person: Person | None, url: str) -> int:
        self.client.logout()
        if person is not None:
            self.login(person)
        return self.client.get(url).status_code

    def test_managers_editors_and_viewers_open_the_page_and_exports(self) -> None:
        for person in (self.adam, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.assertEqual(self.status(person, reverse("insights:adoption")), 200)
                url = reverse("insights:adoption_export", args=["funnel"])
                self.assertEqual(self.status(person, url), 200)

    def test_members_teammates_and_outsiders_get_404_and_leave_no_trace(self) -> None:
        for person in (self.alice, self.bob, self.charlie):
            for url in (
                reverse("insights:adoption"),
                reverse("insights:adoption_export", args=["funnel"]),
            ):
                with self.subTest(person=person.name, url=url):
                    self.assertEqual(self.status(person, url), 404)
        self.assertFalse(AuditEntry.objects.filter(action="insights.exported").exists())

    def test_a_team_lead_opens_the_page_for_their_teams_only(self) -> None:
        self.login(self.lena)

        response = self.client.get(reverse("insights:adoption"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "All my teams")
        self.assertContains(response, '<th scope="row">Sales</th>', html=False)
        self.assertNotContains(response, '<th scope="row">Support</th>', html=False)
        self.assertNotContains(response, f'<option value="{self.support.pk}"')

    def test_a_team_lead_asking_for_another_team_sees_their_own_and_an_error(self) -> None:
        self.login(self.lena)

        response = self.client.get(reverse("insights:adoption"), {"team": self.support.pk})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose one of the teams in the list.")
        self.assertNotContains(response, '<th scope="row">Support</th>', html=False)

    def test_someone_who_led_a_team_no_longer_gets_404(self) -> None:
        Membership.objects.filter(person=self.lena).update(is_lead=False)

        self.assertEqual(self.status(self.lena, reverse("insights:adoption")), 404)

    def test_the_page_and_exports_require_login(self) -> None:
        for url in (
            reverse("insights:adoption"),
            reverse("insights:adoption_export", args=["funnel"]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
