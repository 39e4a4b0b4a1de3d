"""The leaderboard page: order, ties, hiding, and filters by team and period."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from passaparola.people.models import Person
from passaparola.recognition.services import points_award
from passaparola.testing import BaseTestCase

ROW = re.compile(r"<tr[^>]*><td>(\d+)</td><td>([^<]+)</td><td>(-?\d+)</td></tr>")


class LeaderboardTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Alice leads, Bob and Charlie are level, Erin follows: all within the last week.
        for person, points in [(cls.alice, 30), (cls.bob, 20), (cls.charlie, 20), (cls.erin, 5)]:
            points_award(person=person, action="share", points=points, key=f"test:{person.pk}")

    def board(
        self, viewer: Person | None = None, **params: str | int
    ) -> list[tuple[int, str, int]]:
        self.login(viewer or self.alice)
        response = self.client.get(reverse("recognition:leaderboard"), params)
        self.assertEqual(response.status_code, 200)
        return [
            (int(rank), name, int(points))
            for rank, name, points in ROW.findall(response.content.decode())
        ]

    def award_days_ago(self, person: Person, points: int, days: int) -> None:
        points_award(
            person=person,
            action="share",
            points=points,
            key=f"test:{person.pk}:{days}",
            at=timezone.now() - timedelta(days=days),
        )

    def test_the_leaderboard_renders_for_a_member(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Leaderboard</h1>", html=True)

    def test_the_leaderboard_requires_login(self) -> None:
        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("people:login")))

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

    def test_a_hidden_person_still_sees_their_own_points(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(hide_from_leaderboards=True)
        self.login(self.alice)

        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertContains(response, "with 30 points")
        self.assertNotContains(response, "<td>Alice Example</td>")

    def test_an_inactive_person_is_not_on_the_board(self) -> None:
        Person.objects.filter(pk=self.bob.pk).update(is_active=False)

        names = [name for _rank, name, _points in self.board()]

        self.assertNotIn("Bob Example", names)

    def test_the_team_filter_shows_only_that_teams_people(self) -> None:
        self.assertEqual(
            self.board(team=self.sales.pk), [(1, "Alice Example", 30), (2, "Bob Example", 20)]
        )
        self.assertEqual(self.board(team=self.support.pk), [(1, "Charlie Example", 20)])

    def test_an_unknown_team_shows_everyone(self) -> None:
        self.assertEqual(len(self.board(team=999999)), 4)
        self.assertEqual(len(self.board(team="sales")), 4)

    def test_the_period_filter_counts_only_points_from_that_period(self) -> None:
        self.award_days_ago(self.erin, 100, days=20)
        self.award_days_ago(self.charlie, 200, days=60)

        week = self.board(period="week")
        month = self.board(period="month")
        quarter = self.board(period="quarter")
        ever = self.board(period="all")

        self.assertEqual(week[0], (1, "Alice Example", 30))
        self.assertEqual(month[0], (1, "Erin Editor", 105))
        self.assertEqual(quarter[0], (1, "Charlie Example", 220))
        self.assertEqual(quarter[1], (2, "Erin Editor", 105))
        self.assertEqual(ever, quarter)

    def test_the_default_period_is_the_last_30_days(self) -> None:
        self.award_days_ago(self.erin, 100, days=45)

        self.assertEqual(self.board(), self.board(period="month"))
        self.assertNotIn((1, "Erin Editor", 105), self.board())

    def test_an_unknown_period_falls_back_to_the_last_30_days(self) -> None:
        self.award_days_ago(self.erin, 100, days=45)

        self.assertEqual(self.board(period="decade"), self.board(period="month"))

    def test_the_own_rank_follows_the_period(self) -> None:
        self.award_days_ago(self.erin, 100, days=20)
        self.login(self.erin)

        week = self.client.get(reverse("recognition:leaderboard"), {"period": "week"})
        month = self.client.get(reverse("recognition:leaderboard"), {"period": "month"})

        self.assertContains(week, "You are number 4 with 5 points.")
        self.assertContains(month, "You are number 1 with 105 points.")
