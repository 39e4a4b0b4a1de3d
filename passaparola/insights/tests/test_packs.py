"""Whole-programme figures from day totals and packs: the same as counting everyone's rows."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from passaparola.insights.figures import Scope, breakdown, top
from passaparola.insights.models import Pack
from passaparola.insights.rollups import rollup_changed, rollup_range
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Membership, Person, Team
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen

# Events fall from 20 October to 19 December: the whole of November, parts of two months.
FIRST = date(2026, 10, 20)
LAST = date(2026, 12, 19)
EVENT = st.tuples(
    st.sampled_from(["share", "human", "bot", "points", "lead"]),
    st.integers(min_value=0, max_value=3),  # who: alice, bob, lena, charlie
    st.integers(min_value=0, max_value=(LAST - FIRST).days),
    st.sampled_from(["linkedin", "x", "mastodon"]),
    st.sampled_from([0, 1]),  # which post
)
# Read on 21 December (the days before are closed) and on 10 December (December still open).
AFTER = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)
DURING = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


def at(offset: int) -> datetime:
    day = FIRST + timedelta(days=offset)
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)


class PackTests(HypothesisTestCase, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.scenes = [Scene(self.make_post()), Scene(self.make_post(title="Second post"))]

    def play(self, events: list[tuple[str, int, int, str, int]]) -> None:
        people = [self.alice, self.bob, self.lena, self.charlie]
        for kind, who, offset, network, post in events:
            scene, person, moment = self.scenes[post], people[who], at(offset)
            if kind == "share":
                scene.share(person, moment, network)
            elif kind in ("human", "bot"):
                scene.click(person, moment, visitor=f"v{offset % 3}", bot=kind == "bot",
                            network=network)  # fmt: skip
            elif kind == "lead":
                scene.lead(person, moment)
            else:
                scene.points(person, moment, 10 - offset % 13)

    def assert_same_as_everyones_rows(self, scope: Scope) -> None:
        """Programme-wide (totals and packs) against the same people as a filter (their rows)."""
        packed = breakdown(scope)
        # Everyone: the editor who published the posts took steps too.
        self.everyone = tuple(Person.objects.values_list("pk", flat=True))
        counted = breakdown(Scope(start=scope.start, end=scope.end, people=self.everyone,
                                  networks=scope.networks))  # fmt: skip
        self.assertEqual(packed.totals, counted.totals)
        self.assertEqual(packed.per_day, counted.per_day)
        self.assertEqual(packed.by_network, counted.by_network)
        for by in ("person", "post"):
            for measure in ("human_clicks", "shares", "points", "leads"):
                everyone = Scope(start=scope.start, end=scope.end, people=self.everyone,
                                 networks=scope.networks)  # fmt: skip
                self.assertEqual(
                    top(scope, by, measure=measure, limit=2),
                    top(everyone, by, measure=measure, limit=2),
                    (by, measure, scope),
                )

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(EVENT, max_size=30))
    def test_whole_programme_figures_equal_the_sum_of_everyones_rows(self, events: list) -> None:
        self.play(events)
        with frozen(AFTER):
            rollup_range(FIRST, LAST)
            self.assertTrue(Pack.objects.filter(span=Pack.Span.MONTH, start=date(2026, 11, 1)))
            for start, end in (
                (FIRST, LAST),  # parts of October and December around all of November
                (date(2026, 11, 1), date(2026, 11, 30)),  # one month whole
                (date(2026, 11, 30), date(2026, 12, 1)),  # across the month's end
                (date(2026, 10, 25), date(2026, 11, 29)),  # a month all but its last day
            ):
                self.assert_same_as_everyones_rows(Scope(start=start, end=end))
                self.assert_same_as_everyones_rows(Scope(start=start, end=end, networks=("x",)))
        # With December still under way its days are read one by one, and today from raw rows.
        with frozen(DURING):
            self.assert_same_as_everyones_rows(Scope(start=FIRST, end=DURING.date()))

    def test_a_month_is_packed_when_it_is_over_and_read_by_days_until_then(self) -> None:
        self.scenes[0].share(self.alice, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
        self.scenes[0].click(self.alice, datetime(2026, 11, 30, 10, 5, tzinfo=UTC))
        november = Scope(start=date(2026, 11, 1), end=date(2026, 11, 30))
        with frozen(datetime(2026, 11, 30, 18, 0, tzinfo=UTC)):
            rollup_changed()
        self.assertFalse(Pack.objects.filter(span=Pack.Span.MONTH).exists())

        with frozen(datetime(2026, 12, 1, 0, 10, tzinfo=UTC)):
            self.assertEqual(breakdown(november).totals.active_advocates, 1)  # by its days
            rollup_changed()
            self.assertTrue(Pack.objects.filter(span=Pack.Span.MONTH, start=november.start))
            # Read from the month's pack now, with the same figures; running again changes nothing.
            packed = Pack.objects.get(of=Pack.Of.PERSON, span=Pack.Span.MONTH)
            self.assertEqual(breakdown(november).totals.active_advocates, 1)
            self.assertEqual(top(november, "person"), [(self.alice.pk, 1)])
            rollup_changed()
            again = Pack.objects.get(of=Pack.Of.PERSON, span=Pack.Span.MONTH)
            self.assertEqual(bytes(again.data), bytes(packed.data))

    def test_a_year_of_the_whole_programme_reads_two_tables_in_two_queries(self) -> None:
        self.scenes[0].share(self.alice, datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
        self.scenes[0].click(self.alice, datetime(2026, 7, 3, 10, 0, tzinfo=UTC))
        with frozen(AFTER):
            rollup_range(date(2026, 1, 1), date(2026, 12, 20))
            year = Scope(start=date(2026, 1, 1), end=date(2026, 12, 20))
            with self.assertNumQueries(2):
                result = breakdown(year)
            with self.assertNumQueries(1):
                leaders = top(year, "person")
        self.assertEqual((result.totals.shares, result.totals.human_clicks), (1, 1))
        self.assertEqual(result.totals.active_advocates, 1)
        self.assertEqual(leaders, [(self.alice.pk, 1)])


class PackedExportTests(BaseTestCase):
    def test_the_whole_programmes_tables_match_everyones_rows(self) -> None:
        scene = Scene(self.make_post())
        for day, person, clicks in ((3, self.alice, 2), (20, self.bob, 1), (40, self.alice, 1)):
            moment = at(day)
            scene.share(person, moment)
            for n in range(clicks):
                scene.click(person, moment, visitor=f"v{n}")
        scene.points(self.bob, at(41), 5)
        period = f"start={FIRST}&end={LAST}"
        # Everyone in one team: the team's figures are read from everyone's own rows.
        team = Team.objects.create(name="Everyone")
        Membership.objects.bulk_create(
            Membership(team=team, person=p) for p in Person.objects.all()
        )
        everyone = f"team={team.pk}"
        with frozen(AFTER):
            rollup_range(FIRST, LAST)
            self.client.force_login(self.adam)
            for table in ("people", "posts", "days", "networks"):
                with self.subTest(table=table):
                    packed = self.csv(f"/dashboard/{table}.csv?{period}")
                    counted = self.csv(f"/dashboard/{table}.csv?{period}&{everyone}")
                    self.assertEqual(packed, counted)
                    self.assertGreater(len(packed), 1)
            people = self.csv(f"/dashboard/people.csv?{period}")
        # Alice's three clicks, Bob's one; Erin published the post (a step, no clicks).
        self.assertEqual(
            [(row[1], row[3]) for row in people[1:]],
            [("Alice Example", "3"), ("Bob Example", "1"), ("Erin Editor", "0")],
        )

    def csv(self, path: str) -> list[list[str]]:
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        return list(csv.reader(io.StringIO(text)))
