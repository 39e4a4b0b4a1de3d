"""The advocacy journey: the rules that place people, their page, and the managers' view."""

from datetime import timedelta

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Verb
from passaparola.people.models import Person
from passaparola.recognition import journey
from passaparola.recognition.journey import Metrics, Stage, next_step, stage_of
from passaparola.recognition.models import JourneySettings, JourneySnapshot
from passaparola.recognition.selectors import journey_distribution, longest_streak
from passaparola.recognition.services import (
    journey_settings_get,
    journey_settings_update,
    journey_snapshot_take,
)
from passaparola.recognition.tests.helpers import act
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen

DEFAULTS = JourneySettings()

# One set of counts for each stage, with the default thresholds (docs/journey.md).
EXAMPLES = {
    Stage.OBSERVER: Metrics(),
    Stage.READER: Metrics(views=3),
    Stage.ENGAGED: Metrics(views=3, interactions=1),
    Stage.SHARER: Metrics(views=3, shares=1, networks=1),
    Stage.LIGHT_BULB: Metrics(views=5, shares=2, networks=1, clicks=1),
    Stage.MULTI_CHANNEL: Metrics(views=9, shares=4, networks=3, clicks=8),
    Stage.VISIBLE: Metrics(views=9, shares=8, networks=3, clicks=25),
    Stage.CONVERSATION: Metrics(views=9, shares=8, networks=3, clicks=60, leads=1),
    Stage.AMBASSADOR: Metrics(views=20, shares=15, networks=4, clicks=100, leads=1),
    Stage.CREATOR: Metrics(views=20, shares=15, networks=4, clicks=150, leads=2, suggestions=1),
    Stage.INFLUENCER: Metrics(shares=40, networks=5, clicks=300, leads=3, suggestions=1),
}


@frozen()
class StageRuleTests(SimpleTestCase):
    def test_each_example_lands_on_its_stage(self) -> None:
        for stage, metrics in EXAMPLES.items():
            with self.subTest(stage=stage):
                self.assertEqual(stage_of(metrics, DEFAULTS), stage)

    def test_the_stages_follow_the_seed_article(self) -> None:
        self.assertEqual(
            journey.ORDER,
            [
                "observer",
                "reader",
                "engaged",
                "sharer",
                "light_bulb",
                "multi_channel",
                "visible",
                "conversation",
                "ambassador",
                "creator",
                "influencer",
            ],
        )

    def test_a_sharer_who_never_reacted_is_not_held_back(self) -> None:
        self.assertEqual(stage_of(Metrics(shares=1), DEFAULTS), Stage.SHARER)

    def test_a_stage_needs_every_stage_before_it(self) -> None:
        # Plenty of visits, but always on one network: multi-channel is the next step.
        metrics = Metrics(views=40, shares=30, networks=1, clicks=400, leads=5, suggestions=2)

        self.assertEqual(stage_of(metrics, DEFAULTS), Stage.LIGHT_BULB)

    def test_a_threshold_of_zero_lets_everyone_through(self) -> None:
        settings = JourneySettings(conversation_leads=0)
        metrics = Metrics(shares=20, networks=3, clicks=120)

        self.assertEqual(stage_of(metrics, DEFAULTS), Stage.VISIBLE)
        self.assertEqual(stage_of(metrics, settings), Stage.AMBASSADOR)

    def test_every_stage_but_the_last_suggests_the_next_one_with_what_is_missing(self) -> None:
        for stage, metrics in EXAMPLES.items():
            with self.subTest(stage=stage):
                step = next_step(stage, metrics, DEFAULTS)
                position = journey.ORDER.index(stage)
                if stage == Stage.INFLUENCER:
                    self.assertEqual(step.requirements, [])
                    self.assertIn("top of the journey", str(step.text))
                else:
                    self.assertEqual(step.stage, journey.ORDER[position + 1])
                    self.assertTrue(step.requirements)
                    self.assertFalse(any(r.met for r in step.requirements))

    def test_the_next_step_shows_progress_towards_each_missing_threshold(self) -> None:
        step = next_step(Stage.CONVERSATION, Metrics(shares=16, clicks=60, leads=1), DEFAULTS)

        self.assertEqual(step.stage, Stage.AMBASSADOR)
        self.assertEqual(
            [(r.metric, r.current, r.needed) for r in step.requirements], [("clicks", 60, 100)]
        )

    def test_the_longest_streak_counts_consecutive_weeks(self) -> None:
        monday = timezone.now().date() - timedelta(days=timezone.now().date().weekday())
        weeks = [monday - timedelta(weeks=n) for n in (0, 1, 2, 5, 6, 7, 8, 8)]

        self.assertEqual(longest_streak(weeks), 4)
        self.assertEqual(longest_streak([]), 0)


@frozen()
class JourneyPageTests(BaseTestCase):
    def journey_page(self, person: object) -> str:
        self.login(person)  # type: ignore[arg-type]
        response = self.client.get(reverse("recognition:journey"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_newcomer_is_an_observer_told_to_open_the_feed(self) -> None:
        page = self.journey_page(self.alice)

        self.assertIn('data-stage="observer"', page)
        self.assertIn("You are at stage 1 of 11: Observer", page)
        self.assertIn('data-next-stage="reader"', page)
        self.assertIn("Open your feed and read a post that interests you.", page)
        self.assertIn(f'href="{reverse("content:feed")}"', page)

    def test_a_person_moves_stage_when_their_activity_crosses_a_threshold(self) -> None:
        post = self.make_post()
        act(self.alice, Verb.SHARE_CREATED, 2, post=post, network="linkedin")
        act(self.alice, Verb.SHARE_CREATED, 1, post=post, network="x")
        act(self.alice, Verb.CLICK_RECEIVED, 24, post=post, network="linkedin")
        self.assertIn('data-stage="light_bulb"', self.journey_page(self.alice))

        act(self.alice, Verb.SHARE_CREATED, 1, post=post, network="email")
        page = self.journey_page(self.alice)
        self.assertIn('data-stage="multi_channel"', page)
        self.assertIn("24 / 25", page)

        act(self.alice, Verb.CLICK_RECEIVED, 1, post=post, network="linkedin")
        self.assertIn('data-stage="visible"', self.journey_page(self.alice))

    def test_the_programme_can_adjust_a_threshold(self) -> None:
        act(self.alice, Verb.SHARE_CREATED, 1, network="linkedin")
        act(self.alice, Verb.CLICK_RECEIVED, 2)

        journey_settings_update(settings=journey_settings_get(), fields={"light_bulb_clicks": 3})

        self.assertIn('data-stage="sharer"', self.journey_page(self.alice))

    def test_only_recent_activity_counts_when_the_programme_sets_a_window(self) -> None:
        act(self.alice, Verb.POST_VIEWED, 3, at=timezone.now() - timedelta(days=100))
        journey_settings_update(settings=journey_settings_get(), fields={"window_days": 90})

        self.assertIn('data-stage="observer"', self.journey_page(self.alice))

    def test_each_person_sees_only_their_own_journey(self) -> None:
        act(self.bob, Verb.POST_VIEWED, 5)

        self.assertIn('data-stage="observer"', self.journey_page(self.alice))
        self.assertIn('data-stage="reader"', self.journey_page(self.bob))

    def test_the_journey_page_requires_login(self) -> None:
        response = self.client.get(reverse("recognition:journey"))

        self.assertEqual(response.status_code, 302)


@frozen()
class JourneyOverviewTests(BaseTestCase):
    def test_managers_and_leadership_see_the_distribution(self) -> None:
        act(self.alice, Verb.POST_VIEWED)
        act(self.bob, Verb.SHARE_CREATED, network="x")

        for person in (self.adam, self.vera, self.erin):
            self.login(person)
            response = self.client.get(reverse("recognition:journey_overview"))
            self.assertEqual(response.status_code, 200, person)
            page = response.content.decode()
            self.assertIn('<tr data-stage="reader"><td>Reader</td><td>1</td>', page)
            self.assertIn('<tr data-stage="sharer"><td>Sharer</td><td>1</td>', page)
            self.assertIn('<tr data-stage="observer"><td>Observer</td><td>5</td>', page)
            self.assertIn("<svg", page)

    def test_members_and_team_leads_do_not_see_it(self) -> None:
        for person in (self.alice, self.lena, self.charlie):
            self.login(person)
            response = self.client.get(reverse("recognition:journey_overview"))
            self.assertEqual(response.status_code, 404, person)

    def test_the_nightly_snapshot_records_the_distribution_and_its_movement(self) -> None:
        today = timezone.now().date()
        # The clock is stopped: the snapshot counts what happened strictly before now.
        Person.objects.update(date_joined=timezone.now() - timedelta(days=30))
        act(self.alice, Verb.POST_VIEWED, at=timezone.now() - timedelta(minutes=1))
        journey_snapshot_take(day=today - timedelta(days=7))
        JourneySnapshot.objects.filter(stage="reader").update(people=0)
        JourneySnapshot.objects.filter(stage="observer").update(people=7)

        counts = journey_snapshot_take()
        journey_snapshot_take()  # twice in a day changes nothing

        self.assertEqual(counts["reader"], 1)
        self.assertEqual(JourneySnapshot.objects.filter(day=today).count(), 11)
        self.login(self.adam)
        page = self.client.get(reverse("recognition:journey_overview")).content.decode()
        self.assertIn(
            '<tr data-history="reader"><td>Reader</td><td>0</td><td>1</td><td>+1</td>', page
        )
        self.assertIn(
            '<tr data-history="observer"><td>Observer</td><td>7</td><td>6</td><td>-1</td>', page
        )

    def test_a_snapshot_of_a_past_day_counts_only_what_happened_by_then(self) -> None:
        Person.objects.update(date_joined=timezone.now() - timedelta(days=30))
        act(self.alice, Verb.POST_VIEWED, at=timezone.now() - timedelta(days=10))
        act(self.bob, Verb.POST_VIEWED)

        past = journey_snapshot_take(day=timezone.now().date() - timedelta(days=5))

        self.assertEqual(past["reader"], 1)
        self.assertEqual(journey_distribution(journey_settings_get())["reader"], 2)
