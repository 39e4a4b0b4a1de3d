"""Challenges: a goal over a period for a team or everyone, progress, winners and rewards."""

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Verb
from passaparola.notifications.models import Notification
from passaparola.recognition.models import Challenge, ChallengeWinner, PointsEntry
from passaparola.recognition.selectors import challenge_progress
from passaparola.recognition.services import (
    RecognitionError,
    challenge_close,
    challenge_create,
    challenge_update,
    challenges_close_due,
    participation_pause,
)
from passaparola.recognition.tests.helpers import act
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen

FORMAT = "%Y-%m-%dT%H:%M"


@frozen()
class ChallengeTests(BaseTestCase):
    def setUp(self) -> None:
        self.launch = self.make_post(title="Launch")
        self.other = self.make_post(title="Other")
        now = timezone.now()
        self.challenge = challenge_create(
            by=self.adam,
            fields={
                "title": "Launch fortnight",
                "metric": Challenge.Metric.SHARES,
                "goal": 3,
                "team": self.sales,
                "starts_at": now - timedelta(days=7),
                "ends_at": now + timedelta(days=7),
                "reward_points": 50,
                "reward_text": "Lunch with the team",
            },
            posts=[self.launch],
        )

    def share(self, person: object, count: int, post: object = None, days_ago: int = 1) -> None:
        act(
            person,  # type: ignore[arg-type]
            Verb.SHARE_CREATED,
            count,
            post=post or self.launch,  # type: ignore[arg-type]
            network="linkedin",
            at=timezone.now() - timedelta(days=days_ago),
        )

    def end_now(self) -> None:
        Challenge.objects.filter(pk=self.challenge.pk).update(
            ends_at=timezone.now() - timedelta(minutes=1)
        )

    def test_progress_counts_shares_of_the_chosen_posts_within_the_period(self) -> None:
        self.share(self.alice, 2)
        self.share(self.alice, 5, post=self.other)
        self.share(self.alice, 4, days_ago=9)
        self.share(self.bob, 3)
        self.share(self.charlie, 9)  # not in Sales

        self.assertEqual(challenge_progress(self.challenge), {self.alice.pk: 2, self.bob.pk: 3})

    def test_a_team_member_sees_their_progress_bar(self) -> None:
        self.share(self.alice, 2)
        self.login(self.alice)

        response = self.client.get(reverse("recognition:challenge", args=[self.challenge.pk]))

        self.assertContains(response, '<progress max="3" value="2">2</progress>', html=True)
        self.assertContains(response, "2 / 3")
        self.assertContains(response, "Lunch with the team")

    def test_people_who_reached_the_goal_are_named_and_nobody_else(self) -> None:
        self.share(self.alice, 2)
        self.share(self.bob, 3)
        self.login(self.alice)

        response = self.client.get(reverse("recognition:challenge", args=[self.challenge.pk]))

        self.assertContains(response, "<li data-winner>Bob Example</li>", html=True)
        self.assertNotContains(response, "<li data-winner>Alice Example</li>", html=True)

    def test_the_count_of_people_who_reached_the_goal_matches_the_names(self) -> None:
        for person in (self.alice, self.bob, self.lena):
            self.share(person, 3)
        self.alice.hide_from_leaderboards = True
        self.alice.save(update_fields=["hide_from_leaderboards"])
        participation_pause(person=self.lena)
        self.login(self.bob)

        response = self.client.get(reverse("recognition:challenge", args=[self.challenge.pk]))

        self.assertContains(response, "3 people have reached the goal.")
        self.assertContains(response, "<li data-winner>Bob Example</li>", html=True)
        self.assertContains(response, "data-winner", count=1)
        self.assertContains(response, "And 2 more, not named here.")
        self.end_now()
        challenge_close(challenge_id=self.challenge.pk)
        # Once closed, the recorded winners count, not a fresh reading of the progress.
        Challenge.objects.filter(pk=self.challenge.pk).update(goal=99)
        closed = self.client.get(reverse("recognition:challenge", args=[self.challenge.pk]))
        self.assertContains(closed, "3 people have reached the goal.")
        self.assertContains(closed, "And 2 more, not named here.")

    def test_an_outsider_cannot_see_another_teams_challenge(self) -> None:
        self.login(self.charlie)

        detail = self.client.get(reverse("recognition:challenge", args=[self.challenge.pk]))
        listing = self.client.get(reverse("recognition:challenges"))

        self.assertEqual(detail.status_code, 404)
        self.assertNotContains(listing, "Launch fortnight")

    def test_a_challenge_for_everyone_is_seen_by_everyone(self) -> None:
        Challenge.objects.filter(pk=self.challenge.pk).update(team=None)
        self.login(self.charlie)

        response = self.client.get(reverse("recognition:challenges"))

        self.assertContains(response, "Launch fortnight")

    def test_closing_records_winners_gives_bonus_points_once_and_tells_them(self) -> None:
        self.share(self.alice, 2)
        self.share(self.bob, 3)
        self.end_now()

        challenge_close(challenge_id=self.challenge.pk)
        challenge_close(challenge_id=self.challenge.pk)
        challenges_close_due()

        self.assertEqual(
            list(ChallengeWinner.objects.values_list("person", "progress")), [(self.bob.pk, 3)]
        )
        bonus = PointsEntry.objects.filter(action="challenge")
        self.assertEqual(list(bonus.values_list("person", "points")), [(self.bob.pk, 50)])
        message = Notification.objects.get(person=self.bob, kind="challenge")
        self.assertEqual(message.title, "You met the challenge “Launch fortnight”")
        self.assertIn("Lunch with the team", message.body)
        self.assertFalse(Notification.objects.filter(person=self.alice, kind="challenge").exists())

    def test_a_running_challenge_is_not_closed_early(self) -> None:
        self.share(self.bob, 3)

        self.assertEqual(challenge_close(challenge_id=self.challenge.pk), [])
        self.assertEqual(challenges_close_due(), 0)
        self.assertFalse(ChallengeWinner.objects.exists())

    def test_together_everyone_who_contributed_wins_when_the_sum_reaches_the_goal(self) -> None:
        Challenge.objects.filter(pk=self.challenge.pk).update(scope=Challenge.Scope.TOGETHER)
        self.share(self.alice, 1)
        self.share(self.bob, 2)
        self.end_now()

        challenge_close(challenge_id=self.challenge.pk)

        self.assertEqual(
            set(ChallengeWinner.objects.values_list("person", flat=True)),
            {self.alice.pk, self.bob.pk},
        )

    def test_a_paused_winner_gets_the_reward_but_is_not_named(self) -> None:
        self.share(self.bob, 3)
        participation_pause(person=self.bob)
        self.end_now()
        challenge_close(challenge_id=self.challenge.pk)
        self.login(self.alice)

        response = self.client.get(reverse("recognition:challenge", args=[self.challenge.pk]))

        self.assertTrue(PointsEntry.objects.filter(person=self.bob, action="challenge").exists())
        self.assertNotContains(response, "Bob Example")

    def test_a_closed_challenge_cannot_change(self) -> None:
        self.end_now()
        challenge_close(challenge_id=self.challenge.pk)
        self.challenge.refresh_from_db()

        with self.assertRaises(RecognitionError):
            challenge_update(challenge=self.challenge, fields={"goal": 1}, posts=[])


@frozen()
class ChallengeFormTests(BaseTestCase):
    def form(self, **data: str) -> dict[str, str]:
        now = timezone.localtime()
        fields = {
            "title": "Two weeks of launch",
            "description": "Share the launch posts.",
            "metric": "shares",
            "goal": "20",
            "scope": "each",
            "team": "",
            "starts_at": now.strftime(FORMAT),
            "ends_at": (now + timedelta(days=14)).strftime(FORMAT),
            "reward_points": "100",
            "reward_text": "",
        }
        fields.update(data)
        return fields

    def test_the_manager_sets_a_challenge_for_everyone(self) -> None:
        post = self.make_post()
        self.login(self.adam)

        response = self.client.post(
            reverse("recognition:challenge_new"), {**self.form(), "posts": [post.pk]}
        )

        challenge = Challenge.objects.get()
        self.assertRedirects(response, reverse("recognition:challenge", args=[challenge.pk]))
        self.assertEqual(
            (challenge.goal, challenge.team, challenge.created_by), (20, None, self.adam)
        )
        self.assertEqual(list(challenge.posts.all()), [post])

    def test_a_challenge_that_ends_before_it_starts_is_refused(self) -> None:
        self.login(self.adam)
        now = timezone.localtime()

        response = self.client.post(
            reverse("recognition:challenge_new"),
            self.form(ends_at=(now - timedelta(days=1)).strftime(FORMAT)),
        )

        self.assertContains(response, "A challenge ends after it starts.")
        self.assertFalse(Challenge.objects.exists())

    def test_times_at_the_ends_of_the_calendar_are_refused_in_any_time_zone(self) -> None:
        self.login(self.adam)
        for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"]:  # UTC+14, UTC-11
            for field, value in [
                ("starts_at", "0001-01-01T00:00"),
                ("ends_at", "9999-12-31T23:59"),
            ]:
                with self.subTest(zone=zone, field=field), override_settings(TIME_ZONE=zone):
                    response = self.client.post(
                        reverse("recognition:challenge_new"), self.form(**{field: value})
                    )

                    self.assertEqual(response.status_code, 200)
                    self.assertTrue(response.context["form"].errors[field])
        self.assertFalse(Challenge.objects.exists())

    def test_a_goal_of_zero_is_refused(self) -> None:
        self.login(self.adam)

        response = self.client.post(reverse("recognition:challenge_new"), self.form(goal="0"))

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Challenge.objects.exists())

    def test_members_leads_and_editors_cannot_set_or_edit_challenges(self) -> None:
        challenge = challenge_create(
            by=self.adam,
            fields={
                "title": "Existing",
                "metric": "shares",
                "goal": 2,
                "starts_at": timezone.now(),
                "ends_at": timezone.now() + timedelta(days=3),
            },
            posts=[],
        )
        for person in (self.alice, self.lena, self.erin):
            self.login(person)
            self.assertEqual(
                self.client.post(reverse("recognition:challenge_new"), self.form()).status_code,
                404,
            )
            self.assertEqual(
                self.client.post(
                    reverse("recognition:challenge_edit", args=[challenge.pk]), self.form()
                ).status_code,
                404,
            )
        self.assertEqual(Challenge.objects.get().title, "Existing")
