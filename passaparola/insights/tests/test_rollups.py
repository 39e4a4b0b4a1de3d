"""The daily figures: counted right, rebuilt the same, unchanged by pruning, kept in step."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from itertools import count

from django.core.management import CommandError, call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.content.models import Post
from passaparola.insights.models import DailyFigure
from passaparola.insights.rollups import rollup_changed, rollup_day, rollup_range
from passaparola.people.models import Person
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.models import Share, ShortLink
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen
from passaparola.tracking.models import Click, Conversion
from passaparola.tracking.services import clicks_rollup_and_prune, tracking_settings_get

DAY = date(2026, 11, 20)
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FIGURES = (
    "shares",
    "human_clicks",
    "unique_visitors",
    "bot_visits",
    "leads",
    "actions",
    "points",
)
_numbers = count(1)


class Scene:
    """Rows as the platform writes them, made directly so each figure can be set by hand."""

    def __init__(self, post: Post) -> None:
        self.post = post

    def link(self, person: Person, network: str = "linkedin") -> ShortLink:
        return shortlink_get_or_create(person=person, post=self.post, network=network)

    def share(self, person: Person, at: datetime, network: str = "linkedin") -> Share:
        return Share.objects.create(
            person=person,
            post=self.post,
            network=network,
            link=self.link(person, network),
            text="Proud",
            created_at=at,
        )

    def click(
        self,
        person: Person,
        at: datetime,
        *,
        visitor: str = "v1",
        bot: bool = False,
        network: str = "linkedin",
    ) -> Click:
        return Click.objects.create(
            link=self.link(person, network), created_at=at, is_bot=bot, visitor=visitor
        )

    def lead(self, person: Person, at: datetime, state: str = Conversion.State.CONFIRMED) -> None:
        Conversion.objects.create(
            key=f"api:{next(_numbers)}",
            link=self.link(person),
            source="api",
            state=state,
            created_at=at,
        )

    def points(
        self,
        person: Person,
        at: datetime,
        points: int,
        action: str = PointsEntry.Action.SHARE,
        *,
        with_post: bool = True,
    ) -> None:
        PointsEntry.objects.create(
            person=person,
            action=action,
            points=points,
            key=f"test:{next(_numbers)}",
            post=self.post if with_post else None,
            network="linkedin" if with_post else "",
            created_at=at,
        )


def figures_of(**filters: object) -> dict[str, int]:
    rows = DailyFigure.objects.filter(**filters)
    return {name: sum(getattr(row, name) for row in rows) for name in FIGURES}


def every_row() -> list[tuple[object, ...]]:
    return sorted(
        DailyFigure.objects.values_list("day", "person_id", "post_id", "network", *FIGURES)
    )


class RollupTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.scene = Scene(self.make_post())

    def test_a_day_is_counted_as_a_person_would_count_it(self) -> None:
        s = self.scene
        s.share(self.alice, NOON)
        s.click(self.alice, NOON, visitor="ann")
        s.click(self.alice, NOON + timedelta(minutes=5), visitor="ann")  # the same visitor again
        s.click(self.alice, NOON, visitor="ben")
        s.click(self.alice, NOON, visitor="bot", bot=True)
        s.lead(self.alice, NOON)
        s.lead(self.alice, NOON, state=Conversion.State.REJECTED)
        s.lead(self.alice, NOON, state=Conversion.State.PENDING)
        s.points(self.alice, NOON, 10)
        s.points(self.alice, NOON, -4)  # a reversal
        s.points(self.alice, NOON, -50, PointsEntry.Action.REDEMPTION)  # spending, not earning
        s.points(self.alice, NOON, 5, PointsEntry.Action.CHALLENGE, with_post=False)
        s.click(self.bob, NOON + timedelta(days=1), visitor="cat")  # another day

        rollup_day(DAY)

        self.assertEqual(
            figures_of(day=DAY, person=self.alice, post__isnull=False),
            {
                "shares": 1,
                "human_clicks": 3,
                "unique_visitors": 2,
                "bot_visits": 1,
                "leads": 1,
                "actions": 0,
                "points": 6,
            },
        )
        self.assertEqual(figures_of(day=DAY, person=self.alice, post__isnull=True)["points"], 5)
        self.assertFalse(DailyFigure.objects.filter(person=self.bob).exists())

    def test_rebuilding_a_day_changes_nothing(self) -> None:
        self.scene.share(self.alice, NOON)
        self.scene.click(self.alice, NOON)
        rollup_day(DAY)
        before = every_row()

        rollup_day(DAY)
        rollup_range(DAY, DAY)

        self.assertEqual(every_row(), before)

    @override_settings(TIME_ZONE="Europe/Rome")
    def test_a_day_is_the_programmes_day_not_utc(self) -> None:
        # 23:30 UTC on New Year's Eve is already 2027 in Rome.
        self.scene.click(self.alice, datetime(2026, 12, 31, 23, 30, tzinfo=UTC))

        rollup_day(date(2026, 12, 31))
        rollup_day(date(2027, 1, 1))

        self.assertEqual(figures_of(day=date(2027, 1, 1))["human_clicks"], 1)
        self.assertEqual(figures_of(day=date(2026, 12, 31))["human_clicks"], 0)

    def test_figures_stay_the_same_after_the_raw_clicks_are_pruned(self) -> None:
        s = self.scene
        old = NOW - timedelta(days=120)
        s.share(self.alice, old)
        for visitor in ["a", "b", "b"]:
            s.click(self.alice, old, visitor=visitor)
        s.click(self.alice, old, visitor="x", bot=True)
        s.lead(self.alice, old)
        with frozen(NOW):
            rollup_range(old.date(), NOW.date())
            before = every_row()
            self.assertLess(tracking_settings_get(fresh=True).retention_days, 120)
            _days, deleted = clicks_rollup_and_prune()
            self.assertEqual(deleted, 4)
            self.assertFalse(Click.objects.exists())

            rollup_range(old.date(), NOW.date())
            call_command("insights_rebuild", stdout=StringIO())

        self.assertEqual(every_row(), before)

    def test_days_pruned_before_insights_existed_take_trackings_daily_click_figures(self) -> None:
        old = NOW - timedelta(days=120)
        self.scene.click(self.alice, old, visitor="a")
        self.scene.click(self.alice, old, visitor="b", bot=True)
        with frozen(NOW):
            clicks_rollup_and_prune()  # tracking sums the day, then deletes its clicks
            rollup_day(old.date())

        self.assertEqual((figures_of()["human_clicks"], figures_of()["bot_visits"]), (1, 1))

    def test_the_worker_rebuilds_an_old_day_when_a_late_row_or_a_rejection_arrives(self) -> None:
        s = self.scene
        three_days_ago = NOW - timedelta(days=3)
        with frozen(NOW):
            s.lead(self.alice, three_days_ago)
            conversion = Conversion.objects.get()
            activity_record(
                person=self.alice,
                verb=Verb.CONVERSION,
                post=s.post,
                network="linkedin",
                at=three_days_ago,
                source_id=conversion.pk,
            )
            rollup_changed()
            self.assertEqual(figures_of(day=three_days_ago.date())["leads"], 1)

            # A click of that day ingested late, and the lead rejected today.
            s.click(self.alice, three_days_ago)
            Conversion.objects.update(state=Conversion.State.REJECTED)
            activity_record(
                person=self.alice,
                verb=Verb.CONVERSION_REJECTED,
                post=s.post,
                network="linkedin",
                source_id=conversion.pk,
            )
            rebuilt = rollup_changed()

        self.assertIn(three_days_ago.date(), rebuilt)
        self.assertEqual(figures_of(day=three_days_ago.date())["leads"], 0)
        self.assertEqual(figures_of(day=three_days_ago.date())["human_clicks"], 1)

    def test_the_rebuild_command_says_what_it_did_and_refuses_nonsense(self) -> None:
        self.scene.share(self.alice, NOON)
        out = StringIO()
        with frozen(NOW):
            call_command(
                "insights_rebuild", "--from", "2026-11-19", "--to", "2026-11-21", stdout=out
            )

        self.assertIn("Rebuilt 3 days (2026-11-19 to 2026-11-21)", out.getvalue())
        self.assertEqual(figures_of()["shares"], 1)
        for args in [["--from", "2026-02-30"], ["--from", "2026-11-21", "--to", "2026-11-19"]]:
            with self.subTest(args=args), self.assertRaises(CommandError):
                call_command("insights_rebuild", *args, stdout=StringIO())


# Property: whatever happened, the figures from the rollups equal those counted from raw rows.

EVENT = st.tuples(
    st.sampled_from(
        ["share", "human", "bot", "lead", "rejected", "points", "reversal", "read", "received"]
    ),
    st.integers(min_value=0, max_value=2),  # who: alice, bob, lena
    st.integers(min_value=0, max_value=3),  # which day
    st.sampled_from(["linkedin", "x"]),
    st.sampled_from(["v1", "v2", "v3"]),  # visitor
)


class RollupPropertyTests(HypothesisTestCase, BaseTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(EVENT, max_size=40))
    def test_rollup_figures_equal_the_raw_figures(self, events: list[tuple]) -> None:
        people = [self.alice, self.bob, self.lena]
        scene = Scene(Post.objects.get(title="Rollup post"))
        expected: Counter[tuple[int, int, str, str]] = Counter()
        visitors: set[tuple[int, int, str, str]] = set()
        for kind, who, day_offset, network, visitor in events:
            person, at = people[who], NOON + timedelta(days=day_offset)
            key = (person.pk, day_offset, network)
            if kind == "share":
                scene.share(person, at, network)
                expected[(*key, "shares")] += 1
            elif kind in ("human", "bot"):
                scene.click(person, at, visitor=visitor, bot=kind == "bot", network=network)
                expected[(*key, "bot_visits" if kind == "bot" else "human_clicks")] += 1
                if kind == "human" and (*key, visitor) not in visitors:
                    visitors.add((*key, visitor))
                    expected[(*key, "unique_visitors")] += 1
            elif kind in ("lead", "rejected"):
                state = Conversion.State.CONFIRMED if kind == "lead" else Conversion.State.REJECTED
                Conversion.objects.create(
                    key=f"api:{next(_numbers)}",
                    link=scene.link(person, network),
                    source="api",
                    state=state,
                    created_at=at,
                )
                expected[(*key, "leads")] += kind == "lead"
            elif kind in ("read", "received"):
                # Reading a post is an action; a click received is not.
                verb = Verb.POST_VIEWED if kind == "read" else Verb.CLICK_RECEIVED
                activity_record(person=person, verb=verb, post=scene.post, network=network, at=at)
                expected[(*key, "actions")] += kind == "read"
            else:
                points = 10 if kind == "points" else -3
                PointsEntry.objects.create(
                    person=person,
                    action=PointsEntry.Action.SHARE,
                    points=points,
                    key=f"test:{next(_numbers)}",
                    post=scene.post,
                    network=network,
                    created_at=at,
                )
                expected[(*key, "points")] += points

        rollup_range(DAY, DAY + timedelta(days=3))

        for person in people:
            for offset in range(4):
                for network in ("linkedin", "x"):
                    got = figures_of(
                        person=person, day=DAY + timedelta(days=offset), network=network
                    )
                    for name in FIGURES:
                        self.assertEqual(
                            got[name],
                            expected[(person.pk, offset, network, name)],
                            (person.name, offset, network, name),
                        )
        # And over the whole period, programme-wide.
        totals = figures_of()
        for name in FIGURES:
            self.assertEqual(totals[name], sum(v for k, v in expected.items() if k[3] == name))

    def setUp(self) -> None:
        super().setUp()
        self.make_post(title="Rollup post")
