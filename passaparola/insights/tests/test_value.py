"""Earned media value and estimated reach, checked against figures worked out by hand."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.utils import translation

from passaparola.insights.figures import Scope, breakdown
from passaparola.insights.rollups import Figures, rollup_range
from passaparola.insights.tests.test_rollups import Scene
from passaparola.insights.value import Estimate, emv, impressions_by_network, money, value_for
from passaparola.programme.models import NetworkRate
from passaparola.programme.services import rates_update
from passaparola.sharing.services import audience_sizes_set
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen

TIMES, DIVIDED = "\N{MULTIPLICATION SIGN}", "\N{DIVISION SIGN}"


@dataclass
class Rate:
    cost_per_click: Decimal
    cpm: Decimal
    reach_percent: Decimal
    impressions_enabled: bool = False


def d(value: str) -> Decimal:
    return Decimal(value)


class ArithmeticTests(SimpleTestCase):
    """Person 1 shared twice on LinkedIn (1,000 connections) and twice on X (4,321 followers);
    person 2 shared once on LinkedIn and entered no audience size."""

    def setUp(self) -> None:
        self.rates = {
            "linkedin": Rate(d("7.00"), d("30.00"), d("5")),
            "x": Rate(d("0.40"), d("1.00"), d("10"), impressions_enabled=True),
        }
        self.by_network = {
            "linkedin": Figures(shares=3, human_clicks=12, bot_visits=40),
            "x": Figures(shares=2, human_clicks=5),
        }
        self.sharers = {(1, "linkedin"): 2, (2, "linkedin"): 1, (1, "x"): 2}
        self.audiences = {(1, "linkedin"): 1000, (1, "x"): 4321}

    def estimate(self) -> Estimate:
        reach = impressions_by_network(self.sharers, self.audiences, self.rates)
        return emv(self.by_network, self.rates, currency="EUR", reach=reach)

    def test_impressions_come_from_the_audiences_of_those_who_shared(self) -> None:
        reach = impressions_by_network(self.sharers, self.audiences, self.rates)

        # LinkedIn: 2 shares x 1,000 = 2,000 reached x 5% = 100; person 2 adds nothing.
        self.assertEqual(
            (reach["linkedin"].shares_with_audience, reach["linkedin"].audience), (2, 2000)
        )
        self.assertEqual(reach["linkedin"].impressions, 100)
        # X: 2 x 4,321 = 8,642 x 10% = 864.2, rounded to 864.
        self.assertEqual((reach["x"].audience, reach["x"].impressions), (8642, 864))

    def test_clicks_at_cost_per_click_plus_counted_impressions_at_cpm(self) -> None:
        estimate = self.estimate()

        linkedin, x = estimate.networks
        # LinkedIn: 12 human clicks x 7.00 = 84.00; its impressions are not counted.
        self.assertEqual((linkedin.network, linkedin.clicks_value), ("linkedin", d("84.00")))
        self.assertEqual((linkedin.impressions_value, linkedin.value), (d("0.00"), d("84.00")))
        # X: 5 x 0.40 = 2.00; 864 x 1.00 / 1,000 = 0.864, 0.86 to the cent.
        self.assertEqual(
            (x.clicks_value, x.impressions_value, x.value), (d("2.00"), d("0.86"), d("2.86"))
        )
        self.assertEqual(estimate.value, d("86.86"))
        self.assertEqual(
            (estimate.clicks_value, estimate.impressions_value), (d("86.00"), d("0.86"))
        )
        self.assertEqual((estimate.human_clicks, estimate.impressions), (17, 964))
        self.assertEqual((estimate.shares, estimate.shares_with_audience), (5, 4))
        self.assertEqual(estimate.currency, "EUR")
        self.assertTrue(estimate.counts_impressions)

    def test_counting_impressions_on_a_network_adds_them_at_its_cpm(self) -> None:
        self.rates["linkedin"].impressions_enabled = True

        estimate = self.estimate()

        # LinkedIn: 84.00 + 100 x 30.00 / 1,000 = 84.00 + 3.00.
        self.assertEqual(estimate.networks[0].value, d("87.00"))
        self.assertEqual(estimate.value, d("89.86"))

    def test_with_impressions_off_everywhere_only_clicks_count(self) -> None:
        self.rates["x"].impressions_enabled = False

        estimate = self.estimate()

        self.assertEqual(estimate.value, d("86.00"))
        self.assertEqual(estimate.impressions, 964, "the reach is still estimated")
        self.assertFalse(estimate.counts_impressions)

    def test_half_a_cent_rounds_up(self) -> None:
        self.audiences[(1, "x")] = 4325  # 8,650 x 10% = 865; 865 x 1.00 / 1,000 = 0.865

        self.assertEqual(self.estimate().networks[1].impressions_value, d("0.87"))

    def test_bot_visits_are_worth_nothing(self) -> None:
        self.by_network["linkedin"] = Figures(shares=3, human_clicks=0, bot_visits=500)
        self.audiences = {}

        estimate = self.estimate()

        self.assertEqual(estimate.networks[1].network, "linkedin")
        self.assertEqual(estimate.networks[1].value, d("0.00"))

    def test_a_network_without_a_rate_or_without_anything_is_left_out(self) -> None:
        self.by_network["myspace"] = Figures(shares=1, human_clicks=9)
        self.by_network["x"] = Figures()
        self.sharers = {}

        estimate = self.estimate()

        self.assertEqual([row.network for row in estimate.networks], ["linkedin"])
        self.assertEqual(estimate.value, d("84.00"))

    def test_nothing_is_worth_zero(self) -> None:
        estimate = emv({}, self.rates, currency="USD")

        self.assertEqual((estimate.value, estimate.impressions, estimate.networks), (d("0"), 0, []))


class MoneyTests(SimpleTestCase):
    def test_amounts_follow_the_readers_number_format(self) -> None:
        for language, shown in (
            ("en", "1,234.50 EUR"),
            ("it", "1.234,50 EUR"),
            ("nl", "1.234,50 EUR"),
        ):
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(money(d("1234.5"), "EUR"), shown)


class ValueForScopeTests(BaseTestCase):
    """Yesterday (rolled up): Alice shared on LinkedIn and got 3 human clicks and a bot visit;
    Bob shared on X and got 1 click. Today (raw rows): Alice shared again on LinkedIn and got
    2 clicks; Charlie shared on LinkedIn and got 1 click. Alice has 1,000 LinkedIn connections,
    Charlie entered nothing."""

    def setUp(self) -> None:
        super().setUp()
        scene = Scene(self.make_post())
        yesterday = NOW - timedelta(days=1)
        scene.share(self.alice, yesterday)
        for visitor in "abc":
            scene.click(self.alice, yesterday, visitor=visitor)
        scene.click(self.alice, yesterday, visitor="bot", bot=True)
        scene.share(self.bob, yesterday, network="x")
        scene.click(self.bob, yesterday, visitor="d", network="x")
        with frozen(NOW):
            rollup_range(yesterday.date(), yesterday.date())
        other = Scene(self.make_post(title="Second post"))
        other.share(self.alice, NOW)
        other.click(self.alice, NOW, visitor="e")
        other.click(self.alice, NOW, visitor="f")
        other.share(self.charlie, NOW)
        other.click(self.charlie, NOW, visitor="g")
        audience_sizes_set(person=self.alice, sizes={"linkedin": 1000})
        audience_sizes_set(person=self.bob, sizes={"x": 200})
        self.scope = Scope(start=NOW.date() - timedelta(days=6), end=NOW.date())

    @frozen()
    def test_the_default_rates_value_the_scopes_human_clicks(self) -> None:
        estimate = value_for(self.scope)

        linkedin, x = estimate.networks
        # LinkedIn: 6 human clicks x 7.00; X: 1 x 0.40. Impressions are off by default.
        self.assertEqual((linkedin.human_clicks, linkedin.value), (6, d("42.00")))
        self.assertEqual((x.human_clicks, x.value), (1, d("0.40")))
        self.assertEqual(estimate.value, d("42.40"))
        self.assertEqual(estimate.currency, "USD")
        # LinkedIn: Alice's 2 shares x 1,000 x 5% = 100; Charlie's share adds nothing.
        # X: Bob's share x 200 x 5% = 10.
        self.assertEqual((linkedin.reach.impressions, x.reach.impressions), (100, 10))
        self.assertEqual((estimate.shares, estimate.shares_with_audience), (4, 3))

    @frozen()
    def test_the_managers_rates_and_counted_impressions_apply(self) -> None:
        rates_update(
            by=self.adam,
            currency="EUR",
            rates={
                "linkedin": {"cost_per_click": d("2.50"), "impressions_enabled": True},
                "x": {"reach_percent": d("20")},
            },
        )

        estimate = value_for(self.scope)

        # LinkedIn: 6 x 2.50 + 100 x 30.00 / 1,000 = 15.00 + 3.00; X: 0.40, 40 impressions.
        self.assertEqual(estimate.value, d("18.40"))
        self.assertEqual(estimate.impressions, 140)
        self.assertEqual(estimate.currency, "EUR")

    @frozen()
    def test_a_network_filter_values_that_network_only(self) -> None:
        estimate = value_for(Scope(start=self.scope.start, end=self.scope.end, networks=("x",)))

        self.assertEqual([row.network for row in estimate.networks], ["x"])
        self.assertEqual((estimate.value, estimate.impressions), (d("0.40"), 10))

    def test_a_past_period_reads_four_queries_beside_the_figures_the_page_has(self) -> None:
        scope = Scope(start=NOW.date() - timedelta(days=3), end=NOW.date() - timedelta(days=1))
        with frozen(NOW + timedelta(days=30)):
            by_network = breakdown(scope).by_network
            # The rates, the currency, who shared where, their audience sizes.
            with self.assertNumQueries(4):
                estimate = value_for(scope, by_network=by_network)

        self.assertEqual(estimate.value, d("21.40"))

    @frozen()
    def test_the_partial_says_estimate_and_shows_the_formula_one_click_away(self) -> None:
        NetworkRate.objects.filter(network="linkedin").update(impressions_enabled=True)
        estimate = value_for(self.scope)
        for language in ("en", "it", "nl"):
            with self.subTest(language=language), translation.override(language):
                html = render_to_string("insights/_value.html", {"estimate": estimate})
                self.assertIn("<details>", html)
                self.assertIn("45.40 USD" if language == "en" else "45,40 USD", html)
        with translation.override("en"):
            html = render_to_string("insights/_value.html", {"estimate": estimate})
        self.assertIn("Earned media value", html)
        self.assertGreaterEqual(html.count("estimate"), 2)
        # 6 x 7.00 = 42.00; 100 x 30.00 / 1000 = 3.00; 45.00 in all.
        self.assertIn(f"6 {TIMES} 7.00 USD = 42.00 USD", html)
        self.assertIn(f"100 {TIMES} 30.00 USD {DIVIDED} 1000 = 3.00 USD", html)
        self.assertIn("45.00 USD", html)
        self.assertIn(f"the shares went out to 2,000 followers {TIMES} 5% who see a post", html)
        self.assertIn("3 of 4 shares came from people who entered their audience size", html)
