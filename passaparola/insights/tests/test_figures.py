"""Figures for a period: closed days from the daily figures, today from the raw rows."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from passaparola.insights.figures import Scope, breakdown, top
from passaparola.insights.rollups import rollup_changed, rollup_range
from passaparola.insights.tests.test_rollups import Scene
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen


class FigureTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.scene = Scene(self.make_post())
        self.other = Scene(self.make_post(title="Second post"))
        self.today = NOW.date()
        s = self.scene
        yesterday = NOW - timedelta(days=1)
        s.share(self.alice, yesterday)
        s.click(self.alice, yesterday, visitor="a")
        s.click(self.alice, yesterday, visitor="b")
        s.click(self.alice, yesterday, visitor="bot", bot=True)
        s.share(self.bob, yesterday, network="x")
        s.click(self.bob, yesterday, visitor="c", network="x")
        with frozen(NOW):
            rollup_range(yesterday.date(), yesterday.date())
        # Today, not rolled up: Charlie (no team) shares the second post and gets 3 clicks.
        self.other.share(self.charlie, NOW)
        for visitor in "xyz":
            self.other.click(self.charlie, NOW, visitor=visitor)

    def scope(self, **filters: object) -> Scope:
        return Scope(start=self.today - timedelta(days=6), end=self.today, **filters)  # type: ignore[arg-type]

    @frozen()
    def test_totals_add_the_rolled_up_days_and_todays_raw_rows(self) -> None:
        totals = breakdown(self.scope()).totals

        self.assertEqual(
            (totals.shares, totals.human_clicks, totals.unique_visitors, totals.bot_visits),
            (3, 6, 6, 1),
        )
        self.assertEqual(totals.active_advocates, 3)

    @frozen()
    def test_a_team_and_a_network_filter_apply_to_both_parts(self) -> None:
        sales = self.alice.memberships.get().team_id
        in_sales = breakdown(self.scope(teams=(sales,))).totals
        on_x = breakdown(self.scope(networks=("x",))).totals

        self.assertEqual((in_sales.shares, in_sales.human_clicks), (2, 3))
        self.assertEqual((on_x.shares, on_x.human_clicks), (1, 1))

    @frozen()
    def test_per_day_and_per_network(self) -> None:
        result = breakdown(self.scope())

        self.assertEqual(result.per_day[self.today].human_clicks, 3)
        self.assertEqual(result.per_day[self.today - timedelta(days=1)].human_clicks, 3)
        self.assertEqual(result.by_network["x"].human_clicks, 1)
        self.assertEqual(result.by_network["linkedin"].human_clicks, 5)

    @frozen()
    def test_the_top_counts_today_so_a_newcomer_can_lead(self) -> None:
        people = top(self.scope(), "person")
        posts = top(self.scope(), "post")

        self.assertEqual(people, [(self.charlie.pk, 3), (self.alice.pk, 2), (self.bob.pk, 1)])
        # A tie is broken by the older post first.
        self.assertEqual(posts, [(self.scene.post.pk, 3), (self.other.post.pk, 3)])
        self.assertEqual(top(self.scope(), "person", limit=1), [(self.charlie.pk, 3)])

    def test_a_period_in_the_past_reads_only_the_daily_figures(self) -> None:
        # The whole programme: the day totals and the people's packs, nothing raw.
        with frozen(NOW + timedelta(days=30)), self.assertNumQueries(2):
            result = breakdown(
                Scope(start=self.today - timedelta(days=3), end=self.today - timedelta(days=1))
            )

        self.assertEqual(result.totals.human_clicks, 3)


class TodaysBuildTests(BaseTestCase):
    """Pages read today's build (the worker's, every few minutes) and only the rows after it."""

    @frozen()
    def test_todays_build_and_the_rows_after_it_count_once_each(self) -> None:
        scene = Scene(self.make_post())
        scene.share(self.alice, NOW)
        scene.click(self.alice, NOW, visitor="a")
        scene.lead(self.alice, NOW)
        today = Scope(start=NOW.date(), end=NOW.date())
        before = breakdown(today).totals
        rollup_changed()
        built = breakdown(today).totals
        scene.click(self.alice, NOW, visitor="b")
        scene.click(self.bob, NOW, visitor="c", bot=True)
        scene.lead(self.alice, NOW)
        after = breakdown(today).totals
        team = breakdown(Scope(start=NOW.date(), end=NOW.date(), teams=(self.sales.pk,))).totals
        rollup_changed()
        rebuilt = breakdown(today).totals

        self.assertEqual(built, before)
        self.assertEqual(
            (after.shares, after.human_clicks, after.bot_visits, after.leads), (1, 2, 1, 2)
        )
        # Alice and Bob are in Sales (Erin, who published, is not).
        self.assertEqual(
            (team.shares, team.human_clicks, team.bot_visits, team.leads), (1, 2, 1, 2)
        )
        self.assertEqual(rebuilt, after)
        self.assertEqual(top(today, "person"), [(self.alice.pk, 2)])

    @frozen()
    def test_with_a_build_of_today_the_raw_rows_are_read_from_its_marks_on(self) -> None:
        scene = Scene(self.make_post())
        for visitor in "abc":
            scene.click(self.alice, NOW, visitor=visitor)
        rollup_changed()
        today = Scope(start=NOW.date(), end=NOW.date())
        with CaptureQueriesContext(connection) as queries:
            breakdown(today)
        raw = [q["sql"] for q in queries.captured_queries if "tracking_click" in q["sql"]]
        self.assertEqual(len(raw), 1)
        self.assertIn('"tracking_click"."id" >', raw[0])
