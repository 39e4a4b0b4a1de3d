"""The leaderboard page: order, ties, hiding, pausing, teams, periods and corrections."""

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.urls import reverse

from passaparola.people.models import Membership, Person
from passaparola.recognition.periods import PERIODS, period_start, previous_start, utc_day
from passaparola.recognition.selectors import leaderboard, rank_of
from passaparola.recognition.services import participation_pause, points_award, points_reverse
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import BOUNDARY_INSTANTS, at_instant, frozen

ROW = re.compile(r"<tr[^>]*><td>(\d+)</td><td>([^<]+)</td><td>(-?\d+)</td></tr>")
TEAM_ROW = re.compile(
    r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([\d.]+)</td><td>(\d+)</td><td>(-?\d+)</td></tr>"
)


def before(period: str) -> datetime:
    """Return noon of the last day of the previous period."""
    day = period_start(period, utc_day()) - timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=UTC)


@frozen()
class LeaderboardTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Alice leads, Bob and Charlie are level, Erin follows: all today.
        for person, points in [(cls.alice, 30), (cls.bob, 20), (cls.charlie, 20), (cls.erin, 5)]:
            points_award(person=person, action="share", points=points, key=f"test:{person.pk}")

    def board(self, viewer: Person | None = None, **params: Any) -> list[tuple[int, str, int]]:
        self.login(viewer or self.alice)
        response = self.client.get(reverse("recognition:leaderboard"), params)
        self.assertEqual(response.status_code, 200)
        return [
            (int(rank), name, int(points))
            for rank, name, points in ROW.findall(response.content.decode())
        ]

    def award_at(self, person: Person, points: int, at: datetime, key: str = "") -> None:
        points_award(
            person=person,
            action="share",
            points=points,
            key=key or f"test:{person.pk}:{at.isoformat()}",
            at=at,
        )

    def test_the_leaderboard_renders_for_a_member(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Leaderboard</h1>", html=True)

    def test_the_leaderboard_requires_login(self) -> None:
        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_people_are_ranked_by_points_and_ties_share_a_rank(self) -> None:
        self.assertEqual(
            self.board(),
            [
                (1, "Alice Example", 30),
                (2, "Bob Example", 20),
                (2, "Charlie Example", 20),
                (4, "Erin Editor", 5),
            ],
        )

    def test_people_without_points_are_not_listed(self) -> None:
        names = [name for _rank, name, _points in self.board()]

        self.assertNotIn("Vera Viewer", names)
        self.assertNotIn("Adam Admin", names)

    def test_people_whose_points_were_all_corrected_away_are_not_listed(self) -> None:
        points_reverse(key=f"test:{self.erin.pk}", reason="duplicate")

        names = [name for _rank, name, _points in self.board()]

        self.assertNotIn("Erin Editor", names)

    def test_a_person_sees_their_own_rank_and_points(self) -> None:
        self.login(self.charlie)

        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertContains(response, "You are number 2 with 20 points.")

    def test_a_person_without_points_is_told_so(self) -> None:
        self.login(self.vera)

        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertContains(response, "You have no points in this period yet.")

    def test_hiding_from_leaderboards_removes_a_person_from_the_board(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(hide_from_leaderboards=True)

        board = self.board(viewer=self.bob)

        self.assertNotIn("Alice Example", [name for _rank, name, _points in board])
        self.assertEqual(board[0], (1, "Bob Example", 20))

    def test_a_hidden_person_still_sees_their_own_points_and_where_they_would_stand(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(hide_from_leaderboards=True)
        self.login(self.alice)

        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertContains(
            response, "You are off the public boards; you would be number 1 with 30 points."
        )
        self.assertNotContains(response, "<td>Alice Example</td>")

    def test_a_paused_person_disappears_from_the_board_and_others_move_up(self) -> None:
        participation_pause(person=self.alice)

        board = self.board(viewer=self.bob)

        self.assertEqual(board[0], (1, "Bob Example", 20))
        self.assertNotIn("Alice Example", [name for _rank, name, _points in board])
        self.login(self.bob)
        response = self.client.get(reverse("recognition:leaderboard"))
        self.assertContains(response, "You are number 1 with 20 points.")

    def test_an_inactive_person_is_not_on_the_board(self) -> None:
        Person.objects.filter(pk=self.bob.pk).update(is_active=False)

        names = [name for _rank, name, _points in self.board()]

        self.assertNotIn("Bob Example", names)

    def test_the_team_filter_shows_only_that_teams_people(self) -> None:
        self.assertEqual(
            self.board(team=self.sales.pk), [(1, "Alice Example", 30), (2, "Bob Example", 20)]
        )
        self.assertEqual(self.board(team=self.support.pk), [(1, "Charlie Example", 20)])

    def test_the_own_rank_follows_the_team_filter(self) -> None:
        self.login(self.bob)

        response = self.client.get(reverse("recognition:leaderboard"), {"team": self.sales.pk})

        self.assertContains(response, "You are number 2 with 20 points.")

    def test_an_unknown_team_shows_everyone(self) -> None:
        self.assertEqual(len(self.board(team=999999)), 4)
        self.assertEqual(len(self.board(team="sales")), 4)

    def test_each_period_counts_only_its_own_points(self) -> None:
        # Frozen on Wednesday 2 December: this week started on Monday 30 November.
        self.award_at(self.erin, 100, before("week"))  # Sunday 29 November
        self.award_at(self.bob, 200, before("month"))  # Monday 30 November: this week
        self.award_at(self.charlie, 400, before("quarter"))  # 30 September
        last_week = period_start("week", utc_day()) - timedelta(days=7)

        self.assertEqual(self.board(period="week")[0], (1, "Bob Example", 220))
        self.assertEqual(
            self.board(period="week", start=last_week.isoformat()), [(1, "Erin Editor", 100)]
        )
        self.assertEqual(self.board(period="all")[0], (1, "Charlie Example", 420))
        self.assertEqual(len(self.board(period="all")), 4)
        month = dict((name, points) for _rank, name, points in self.board(period="month"))
        self.assertEqual(
            month, {"Alice Example": 30, "Bob Example": 20, "Charlie Example": 20, "Erin Editor": 5}
        )

    def test_the_previous_month_and_quarter_can_be_looked_up(self) -> None:
        self.award_at(self.bob, 200, before("month"))
        self.award_at(self.charlie, 400, before("quarter"))
        last_month = period_start("month", before("month").date())
        last_quarter = period_start("quarter", before("quarter").date())

        month = self.board(period="month", start=last_month.isoformat())
        quarter = self.board(period="quarter", start=last_quarter.isoformat())

        self.assertIn(("Bob Example", 200), [(name, points) for _rank, name, points in month])
        self.assertIn("Charlie Example", [name for _rank, name, _points in quarter])
        # Today's points belong to this period, not to the previous ones.
        self.assertNotIn("Alice Example", [name for _rank, name, _points in month + quarter])

    def test_the_default_period_is_this_month(self) -> None:
        self.award_at(self.erin, 100, before("month"))

        self.assertEqual(self.board(), self.board(period="month"))
        self.assertEqual(self.board()[-1], (4, "Erin Editor", 5))

    def test_an_unknown_period_or_start_falls_back_to_this_month(self) -> None:
        self.award_at(self.erin, 100, before("month"))
        this_month = self.board(period="month")

        self.assertEqual(self.board(period="decade"), this_month)
        self.assertEqual(self.board(period="month", start="yesterday"), this_month)
        self.assertEqual(self.board(period="month", start="2999-01-01"), this_month)
        self.assertEqual(self.board(period="month", start="2020-01-15"), this_month)

    def test_a_start_at_the_ends_of_the_calendar_shows_the_current_period(self) -> None:
        for period in ["week", "month", "quarter"]:
            current = self.board(period=period)
            for start in ["0001-01-01", "9999-12-31", "0001-01-03", "2026-02-30"]:
                with self.subTest(period=period, start=start):
                    self.assertEqual(self.board(period=period, start=start), current)

    def test_the_own_rank_follows_the_period(self) -> None:
        self.award_at(self.erin, 100, before("month"))
        last_month = period_start("month", before("month").date())
        self.login(self.erin)

        now = self.client.get(reverse("recognition:leaderboard"), {"period": "month"})
        then = self.client.get(
            reverse("recognition:leaderboard"),
            {"period": "month", "start": last_month.isoformat()},
        )

        self.assertContains(now, "You are number 4 with 5 points.")
        self.assertContains(then, "You are number 1 with 100 points.")

    def test_a_correction_moves_the_board_in_the_period_of_the_corrected_points(self) -> None:
        self.award_at(self.erin, 100, before("month"), key="late-click")
        last_month = period_start("month", before("month").date())

        points_reverse(key="late-click", reason="reclassified as a bot")

        self.assertEqual(self.board(period="month", start=last_month.isoformat()), [])
        self.assertEqual(self.board(period="all")[-1], (4, "Erin Editor", 5))


@frozen()
class TeamBoardTests(BaseTestCase):
    """The normalised board: teams by points per member, so small teams are not crushed."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Sales has Alice, Bob and Lena (3 people, 60 points); Support has Charlie (1, 30).
        points_award(person=cls.alice, action="share", points=40, key="a")
        points_award(person=cls.bob, action="share", points=20, key="b")
        points_award(person=cls.charlie, action="share", points=30, key="c")

    def team_board(self, **params: Any) -> list[tuple[str, ...]]:
        self.login(self.alice)
        response = self.client.get(reverse("recognition:leaderboard"), {"view": "teams", **params})
        self.assertEqual(response.status_code, 200)
        return TEAM_ROW.findall(response.content.decode())

    def test_teams_are_ranked_by_points_per_member(self) -> None:
        self.assertEqual(
            self.team_board(),
            [("1", "Support", "30.0", "1", "30"), ("2", "Sales", "20.0", "3", "60")],
        )

    def test_paused_people_count_neither_for_points_nor_members(self) -> None:
        participation_pause(person=self.bob)
        participation_pause(person=self.lena)

        self.assertEqual(
            self.team_board(),
            [("1", "Sales", "40.0", "1", "40"), ("2", "Support", "30.0", "1", "30")],
        )

    def test_a_person_in_two_teams_counts_for_both(self) -> None:
        Membership.objects.create(person=self.alice, team=self.support)

        rows = {row[1]: row for row in self.team_board()}

        self.assertEqual(rows["Support"], ("1", "Support", "35.0", "2", "70"))


@frozen()
class RankSelectorTests(BaseTestCase):
    def test_the_rank_counts_only_people_on_the_board_ahead(self) -> None:
        for index, person in enumerate([self.alice, self.bob, self.charlie, self.erin]):
            points_award(person=person, action="share", points=10 * (index + 1), key=f"k{index}")
        Person.objects.filter(pk=self.erin.pk).update(hide_from_leaderboards=True)
        participation_pause(person=self.charlie)

        self.assertEqual(rank_of(self.alice, period="week"), 2)
        self.assertEqual(rank_of(self.bob, period="week"), 1)
        # Erin is hidden, yet sees where she would stand: first.
        self.assertEqual(rank_of(self.erin, period="week"), 1)
        self.assertEqual(
            [(s.rank, s.person.pk) for s in leaderboard(period="week")],
            [(1, self.bob.pk), (2, self.alice.pk)],
        )

    def test_the_older_days_argument_still_works(self) -> None:
        points_award(person=self.alice, action="share", points=7, key="x")

        self.assertEqual(rank_of(self.alice, days=30), 1)
        self.assertEqual(leaderboard(days=7)[0].points, 7)


class PeriodBoundaryTests(BaseTestCase):
    """Every board counts the points of its own calendar period, whatever the day is."""

    def board(self, **params: Any) -> dict[str, int]:
        self.login(self.alice)
        response = self.client.get(reverse("recognition:leaderboard"), params)
        self.assertEqual(response.status_code, 200)
        return {name: int(points) for _rank, name, points in ROW.findall(response.content.decode())}

    def test_each_period_counts_its_own_points_across_weeks_months_quarters_and_years(
        self,
    ) -> None:
        for instant in BOUNDARY_INSTANTS:
            with at_instant(self, instant):
                now = datetime.now(tz=UTC)
                awards = [
                    (self.alice, 30, now),
                    (self.bob, 20, now),
                    (self.erin, 100, before("week")),
                    (self.bob, 200, before("month")),
                    (self.charlie, 400, before("quarter")),
                    (self.alice, 1000, now - timedelta(days=400)),
                ]
                for index, (person, points, at) in enumerate(awards):
                    points_award(
                        person=person, action="share", points=points, key=f"t{index}", at=at
                    )
                for period in PERIODS:
                    current = period_start(period, utc_day())
                    for start in {current, previous_start(period, current)}:
                        expected: dict[str, int] = {}
                        for person, points, at in awards:
                            if period_start(period, at.astimezone(UTC).date()) == start:
                                expected[person.name] = expected.get(person.name, 0) + points

                        board = self.board(period=period, start=start.isoformat())

                        self.assertEqual(board, expected, f"{period} from {start}")

    def test_the_week_starts_on_monday_in_utc(self) -> None:
        sunday = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
        monday = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
        for instant in [sunday, monday]:
            with at_instant(self, instant):
                self.assertEqual(period_start("week", utc_day()).weekday(), 0)
                self.assertEqual(
                    period_start("week", utc_day()),
                    datetime(2026, 11, 23 if instant == sunday else 30).date(),
                )
