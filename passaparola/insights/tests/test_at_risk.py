"""People at risk: active in their first weeks after joining, then quiet; who sees them."""

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.urls import reverse

from passaparola.insights.at_risk import people_at_risk
from passaparola.insights.tests.test_privacy import privacy_on
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Membership, Person
from passaparola.people.services import person_create
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)


class AtRiskCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.scene = Scene(self.make_post())

    def joined(self, person: Person, at: datetime) -> None:
        Person.objects.filter(pk=person.pk).update(date_joined=at)

    def shares(self, person: Person, *moments: datetime) -> None:
        for at in moments:
            self.scene.share(person, at)

    def at_risk(self, teams: set[int] | None = None, now: datetime | None = NOW) -> list[str]:
        return [row.person.name for row in people_at_risk(teams, now=now)]


class DetectionTests(AtRiskCase):
    def setUp(self) -> None:
        super().setUp()
        start = NOW - 60 * DAY
        for person in (self.alice, self.bob, self.charlie):
            self.joined(person, start)
        self.start = start

    def test_someone_who_shared_early_and_went_quiet_is_at_risk(self) -> None:
        self.shares(self.alice, self.start + DAY, self.start + 10 * DAY)

        rows = people_at_risk(None, now=NOW)

        self.assertEqual([row.person for row in rows], [self.alice])
        self.assertEqual(rows[0].early_shares, 2)
        self.assertEqual(rows[0].last_shared_at, self.start + 10 * DAY)
        self.assertIsNone(rows[0].last_nudged_at)
        self.assertTrue(rows[0].may_nudge)

    def test_one_early_share_is_not_enough_with_the_default_of_two(self) -> None:
        self.shares(self.bob, self.start + DAY)

        self.assertEqual(self.at_risk(), [])

    def test_someone_who_still_shares_is_not_at_risk(self) -> None:
        self.shares(self.charlie, self.start + DAY, self.start + 2 * DAY, NOW - 5 * DAY)

        self.assertEqual(self.at_risk(), [])

    def test_shares_after_the_first_weeks_do_not_make_an_early_sharer(self) -> None:
        self.shares(self.bob, self.start + 30 * DAY, self.start + 31 * DAY)

        self.assertEqual(self.at_risk(), [])

    def test_the_first_weeks_end_exactly_four_weeks_after_joining(self) -> None:
        end = self.start + 4 * WEEK
        self.shares(self.alice, self.start, end - timedelta(seconds=1))
        self.shares(self.bob, self.start, end)

        self.assertEqual(self.at_risk(), ["Alice Example"])

    def test_quiet_means_no_share_for_21_days_to_the_second(self) -> None:
        self.shares(self.alice, self.start, self.start + DAY, NOW - 21 * DAY)
        self.shares(self.bob, self.start, self.start + DAY, NOW - 21 * DAY + timedelta(seconds=1))

        self.assertEqual(self.at_risk(), ["Alice Example"])

    def test_the_most_recently_quiet_come_first(self) -> None:
        self.shares(self.alice, self.start, self.start + DAY)
        self.shares(self.charlie, self.start, self.start + 20 * DAY)

        self.assertEqual(self.at_risk(), ["Charlie Example", "Alice Example"])

    def test_the_thresholds_are_the_programmes(self) -> None:
        self.shares(self.alice, self.start + DAY, self.start + 10 * DAY)  # quiet for 50 days
        self.shares(self.bob, self.start + 6 * WEEK, self.start + 6 * WEEK)  # quiet for 18 days
        programme = programme_get()

        programme_update(programme=programme, fields={"at_risk_early_shares": 3})
        self.assertEqual(self.at_risk(), [])
        programme_update(
            programme=programme,
            fields={"at_risk_early_shares": 2, "at_risk_early_weeks": 7, "at_risk_quiet_days": 14},
        )
        self.assertEqual(self.at_risk(), ["Bob Example", "Alice Example"])
        programme_update(programme=programme, fields={"at_risk_quiet_days": 60})
        self.assertEqual(self.at_risk(), [])

    def test_paused_people_and_people_who_left_are_not_at_risk(self) -> None:
        self.shares(self.alice, self.start, self.start + DAY)
        self.shares(self.bob, self.start, self.start + DAY)
        Person.objects.filter(pk=self.alice.pk).update(is_paused=True)
        Person.objects.filter(pk=self.bob.pk).update(is_active=False)

        self.assertEqual(self.at_risk(), [])

    def test_a_team_sees_only_its_members(self) -> None:
        self.shares(self.alice, self.start, self.start + DAY)
        self.shares(self.charlie, self.start, self.start + DAY)

        self.assertEqual(self.at_risk({self.sales.pk}), ["Alice Example"])
        self.assertEqual(self.at_risk({self.support.pk}), ["Charlie Example"])

    def test_someone_who_joined_recently_is_flagged_within_their_first_weeks(self) -> None:
        # Joined 24 days ago, shared twice that day, nothing since: flagged early, before the
        # first four weeks are even over.
        self.joined(self.alice, NOW - 24 * DAY)
        self.shares(self.alice, NOW - 24 * DAY, NOW - 24 * DAY + timedelta(hours=1))

        self.assertEqual(self.at_risk(), ["Alice Example"])


class WeekBoundaryTests(AtRiskCase):
    """Three weeks of quiet end on a Monday at midnight: a minute before, no; at it, yes."""

    SUNDAY_LAST_MINUTE = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
    MONDAY_MIDNIGHT = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)

    def setUp(self) -> None:
        super().setUp()
        last_share = self.MONDAY_MIDNIGHT - 3 * WEEK  # also a Monday at midnight
        self.joined(self.alice, last_share - 2 * WEEK)
        self.shares(self.alice, last_share - 2 * WEEK, last_share)

    def test_on_sunday_evening_the_quiet_spell_is_a_minute_short(self) -> None:
        with frozen(self.SUNDAY_LAST_MINUTE):
            self.assertEqual(self.at_risk(now=None), [])

    def test_at_monday_midnight_they_are_at_risk(self) -> None:
        with frozen(self.MONDAY_MIDNIGHT):
            self.assertEqual(self.at_risk(now=None), ["Alice Example"])


class YearEndTests(AtRiskCase):
    def test_the_first_weeks_counted_across_a_month_and_a_year_end(self) -> None:
        # Joined on the last evening of 2026; shares on 28 January 2027 are still in the
        # first four weeks only until 23:00 that day.
        joined = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
        self.joined(self.bob, joined)
        self.shares(self.bob, joined, datetime(2027, 1, 28, 22, 59, tzinfo=UTC))
        self.joined(self.charlie, joined)
        self.shares(self.charlie, joined, datetime(2027, 1, 28, 23, 0, tzinfo=UTC))

        with frozen(datetime(2027, 3, 1, 0, 0, tzinfo=UTC)):
            self.assertEqual(self.at_risk(now=None), ["Bob Example"])


class AtRiskPageTests(AtRiskCase):
    url = reverse("insights:at_risk")

    def setUp(self) -> None:
        super().setUp()
        start = NOW - 60 * DAY
        for person in (self.alice, self.charlie):
            self.joined(person, start)
            self.shares(person, start, start + DAY)

    def page(self, viewer: Person) -> "TestResponse":
        self.login(viewer)
        with frozen():
            return self.client.get(self.url)

    def test_the_programme_manager_sees_everyone_at_risk_with_a_nudge_button(self) -> None:
        response = self.page(self.adam)

        self.assertContains(response, "Alice Example")
        self.assertContains(response, "Charlie Example")
        nudge = reverse("recognition:nudge_send", args=[self.alice.pk])
        self.assertContains(response, f'<form method="post" action="{nudge}"')
        self.assertContains(response, "csrfmiddlewaretoken")

    def test_the_team_lead_sees_their_team_only(self) -> None:
        response = self.page(self.lena)

        self.assertContains(response, "Alice Example")
        self.assertNotContains(response, "Charlie Example")

    def test_members_teammates_outsiders_editors_and_viewers_get_404(self) -> None:
        for person in (self.alice, self.bob, self.charlie, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.assertEqual(self.page(person).status_code, 404)

    def test_a_lead_of_no_team_gets_404(self) -> None:
        Membership.objects.filter(person=self.lena).update(is_lead=False)

        self.assertEqual(self.page(self.lena).status_code, 404)

    def test_it_requires_login(self) -> None:
        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_nobody_at_risk_says_so(self) -> None:
        self.login(self.adam)
        with frozen(NOW - 50 * DAY):
            response = self.client.get(self.url)

        self.assertContains(response, "Nobody is at risk right now.")


class AtRiskPrivacyTests(AtRiskCase):
    """Sales is Alice, Bob and Lena (3 people); add people to reach the size of the test."""

    url = reverse("insights:at_risk")

    def setUp(self) -> None:
        super().setUp()
        start = NOW - 60 * DAY
        self.joined(self.alice, start)
        self.shares(self.alice, start, start + DAY)
        privacy_on(5)

    def grow_sales_to(self, size: int) -> None:
        for number in range(size - 3):
            person_create(
                email=f"extra{number}@example.org", name=f"Extra {number}", teams=[self.sales]
            )

    def lena_sees(self) -> "TestResponse":
        self.login(self.lena)
        with frozen():
            return self.client.get(self.url)

    def test_a_team_of_4_shows_the_lead_how_many_not_who(self) -> None:
        self.grow_sales_to(4)

        response = self.lena_sees()

        self.assertNotContains(response, "Alice Example")
        self.assertNotContains(response, reverse("recognition:nudge_send", args=[self.alice.pk]))
        self.assertContains(response, "1 person in your teams is at risk.")
        self.assertContains(response, 'data-privacy="hidden"')

    def test_a_team_of_5_shows_the_lead_who(self) -> None:
        self.grow_sales_to(5)

        self.assertContains(self.lena_sees(), "Alice Example")

    def test_a_team_of_6_shows_the_lead_who(self) -> None:
        self.grow_sales_to(6)

        response = self.lena_sees()

        self.assertContains(response, "Alice Example")
        self.assertNotContains(response, 'data-privacy="hidden"')

    def test_the_programme_manager_sees_who_in_a_small_team(self) -> None:
        self.login(self.adam)
        with frozen():
            response = self.client.get(self.url)

        self.assertContains(response, "Alice Example")
