"""Charts people can read: dated axes, sensible scales, values on each bar, in their language."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import time_machine
from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.utils import translation
from django.utils.formats import date_format, get_format, number_format

from passaparola.lib import charts
from passaparola.lib.charts import Series, bucket_spans, bucket_unit, nice_ticks, split, timeseries

# The instant of passaparola.testing.clock.NOW (lib's tests may not import it): a Wednesday.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
CLICKS = Series("human_clicks", "Human clicks", "series-b")
SHARES = Series("shares", "Shares", "series-a")
BOTS = Series("bot_visits", "Bot visits", "series-bots", apart=True)
APP_CSS = Path(charts.__file__).resolve().parent.parent / "static" / "css" / "app.css"
LOCALISED_NUMBER_IN_ATTRIBUTE = re.compile(r'="-?[0-9]+,[0-9]')


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=offset) for offset in range(count)]


@time_machine.travel(NOW, tick=False)
class ScaleTests(SimpleTestCase):
    def test_ticks_are_whole_numbers_in_steps_of_1_2_or_5_and_the_tallest_bar_fits(self) -> None:
        self.assertEqual(nice_ticks(1), [0, 1])
        self.assertEqual(nice_ticks(3), [0, 1, 2, 3])
        self.assertEqual(nice_ticks(7), [0, 2, 4, 6, 8])
        self.assertEqual(nice_ticks(10), [0, 5, 10])
        self.assertEqual(nice_ticks(12_345), [0, 5_000, 10_000, 15_000])
        for peak in [*range(1, 3000), 99_999, 1_000_000, 12_345_678, 10**12 + 1]:
            ticks = nice_ticks(peak)
            step = ticks[1]
            mantissa = step // 10 ** (len(str(step)) - 1)
            with self.subTest(peak=peak, ticks=ticks):
                self.assertEqual(ticks[0], 0)
                self.assertIn(mantissa, (1, 2, 5))
                self.assertEqual(step, int("1" + "0" * (len(str(step)) - 1)) * mantissa)
                self.assertEqual(ticks, list(range(0, ticks[-1] + 1, step)))
                self.assertGreaterEqual(ticks[-1], peak)
                self.assertLess(ticks[-1] - step, peak)  # no empty band on top
                self.assertLessEqual(len(ticks), 6)

    def test_bars_are_scaled_to_the_top_tick_and_stacked_without_gaps(self) -> None:
        chart = timeseries(
            [(TODAY, {"shares": 4, "human_clicks": 12})],
            series=[SHARES, CLICKS],
            title="Activity",
            start=TODAY,
            end=TODAY,
        )
        panel = chart.panels[0]
        self.assertEqual([tick.label for tick in panel.y_ticks], ["0", "5", "10", "15", "20"])
        shares, clicks = panel.points[0].segments
        self.assertEqual((shares.css, clicks.css), ("series-a", "series-b"))
        # 4 and 12 of a top of 20, on a plot 160 px tall, from the baseline up.
        self.assertEqual(float(shares.height), 32)
        self.assertEqual(float(clicks.height), 96)
        self.assertEqual(float(shares.y), panel.baseline - 32)
        self.assertEqual(float(clicks.y) + float(clicks.height), float(shares.y))

    def test_a_small_figure_beside_a_huge_one_stays_visible(self) -> None:
        chart = timeseries(
            [(TODAY - timedelta(days=1), {"human_clicks": 1}), (TODAY, {"human_clicks": 10**7})],
            series=[CLICKS],
            title="Human clicks",
        )
        small, huge = chart.panels[0].points
        self.assertEqual(float(small.segments[0].height), 1)
        self.assertEqual(float(huge.segments[0].height), charts.MAIN_PLOT)

    def test_bot_visits_are_drawn_apart_and_never_added_to_human_clicks(self) -> None:
        chart = timeseries(
            [(day, {"human_clicks": 10, "bot_visits": 900}) for day in days(TODAY, 1)],
            series=[CLICKS, BOTS],
            title="Clicks",
        )
        people, bots = chart.panels
        self.assertEqual(people.series, [CLICKS])
        self.assertEqual(people.y_ticks[-1].label, "10")
        self.assertEqual([s.css for s in people.points[0].segments], ["series-b"])
        self.assertEqual(bots.series, [BOTS])
        self.assertEqual(bots.y_ticks[-1].label, "1,000")
        self.assertEqual(bots.plot_height, charts.APART_PLOT)
        self.assertIn("Bot visits: 900", bots.points[0].title)
        self.assertNotIn("Bot", people.points[0].title)
        # Both panels' bars stand under the same dates.
        self.assertEqual(people.axis_width, bots.axis_width)
        self.assertEqual(people.points[0].slot_x, bots.points[0].slot_x)

    def test_huge_figures_have_thousands_separators(self) -> None:
        chart = timeseries(
            [(TODAY, {"human_clicks": 12_345_678})], series=[CLICKS], title="Human clicks"
        )
        panel = chart.panels[0]
        self.assertEqual(panel.y_ticks[-1].label, "15,000,000")
        self.assertIn("Human clicks: 12,345,678", panel.points[0].title)
        self.assertEqual(chart.totals, ["12,345,678"])
        # The axis is wide enough for its longest label.
        self.assertGreaterEqual(panel.axis_width, len("15,000,000") * 6)

    def test_a_negative_day_draws_no_bar_but_keeps_its_figure(self) -> None:
        points = Series("points", "Points", "series-c")
        chart = timeseries(
            [(TODAY - timedelta(days=1), {"points": 5}), (TODAY, {"points": -3})],
            series=[points],
            title="Points",
        )
        self.assertEqual(chart.panels[0].points[1].segments, [])
        self.assertIn("Points: -3", chart.panels[0].points[1].title)
        self.assertEqual(chart.totals, ["2"])


@time_machine.travel(NOW, tick=False)
class BucketTests(SimpleTestCase):
    def test_up_to_a_quarter_a_bar_a_day_up_to_13_months_a_week_then_a_month(self) -> None:
        start = date(2026, 1, 1)
        self.assertEqual(bucket_unit(start, start), "day")
        self.assertEqual(bucket_unit(start, start + timedelta(days=91)), "day")
        self.assertEqual(bucket_unit(start, start + timedelta(days=92)), "week")
        self.assertEqual(bucket_unit(start, start + timedelta(days=399)), "week")
        self.assertEqual(bucket_unit(start, start + timedelta(days=400)), "month")

    def test_weeks_run_from_monday_to_sunday_cut_to_the_range(self) -> None:
        spans = bucket_spans(TODAY, date(2027, 3, 1), "week")  # from a Wednesday to a Monday
        self.assertEqual(spans[0], (date(2026, 12, 2), date(2026, 12, 6)))
        self.assertEqual(spans[1], (date(2026, 12, 7), date(2026, 12, 13)))
        self.assertEqual(spans[-1], (date(2027, 3, 1), date(2027, 3, 1)))
        for first, last in spans[1:-1]:
            self.assertEqual((first.weekday(), last.weekday()), (0, 6))
        self.assertEqual(spans[4], (date(2026, 12, 28), date(2027, 1, 3)))  # across the year

    def test_months_end_on_their_last_day_leap_years_included(self) -> None:
        spans = bucket_spans(date(2023, 12, 15), date(2025, 3, 10), "month")
        self.assertEqual(spans[0], (date(2023, 12, 15), date(2023, 12, 31)))
        self.assertIn((date(2024, 2, 1), date(2024, 2, 29)), spans)
        self.assertIn((date(2025, 2, 1), date(2025, 2, 28)), spans)
        self.assertIn((date(2024, 4, 1), date(2024, 4, 30)), spans)
        self.assertEqual(spans[-1], (date(2025, 3, 1), date(2025, 3, 10)))

    def test_a_leap_year_is_added_up_per_week_and_says_so(self) -> None:
        year = days(date(2024, 1, 1), 366)  # a Monday
        chart = timeseries(
            [(day, {"human_clicks": 1}) for day in year],
            series=[CLICKS],
            title="Human clicks",
            start=year[0],
            end=year[-1],
        )
        self.assertEqual((chart.unit, chart.unit_label, chart.column), ("week", "per week", "Week"))
        self.assertEqual(len(chart.buckets), 53)
        self.assertEqual(chart.buckets[0].label, "Jan 1, 2024 \u2013 Jan 7, 2024")
        self.assertEqual(chart.buckets[-1].label, "Dec 30, 2024 \u2013 Dec 31, 2024")
        leap_week = next(b for b in chart.buckets if b.start == date(2024, 2, 26))
        self.assertEqual(leap_week.values, {"human_clicks": 7})  # 29 February counted
        self.assertEqual(chart.buckets[-1].values, {"human_clicks": 2})
        self.assertEqual(chart.totals, ["366"])
        self.assertIn("(per week)", chart.panels[0].summary)
        # The date labels are months, the first with its year under it.
        self.assertEqual(
            [(tick.label, tick.year) for tick in chart.x_ticks],
            [("Jan", "2024"), ("Apr", ""), ("Jul", ""), ("Oct", "")],
        )

    def test_two_years_are_added_up_per_calendar_month(self) -> None:
        chart = timeseries(
            [(day, {"human_clicks": 1}) for day in days(date(2023, 1, 1), 731)],
            series=[CLICKS],
            title="Human clicks",
        )
        self.assertEqual(chart.unit_label, "per month")
        self.assertEqual(len(chart.buckets), 24)
        self.assertEqual(chart.buckets[13].label, "February 2024")
        self.assertEqual(chart.buckets[13].values, {"human_clicks": 29})
        self.assertEqual(chart.buckets[-1].label, "December 2024")  # 731 days end on 31 Dec 2024

    def test_missing_days_count_as_zero_and_days_outside_the_range_are_left_out(self) -> None:
        start = date(2026, 11, 1)
        chart = timeseries(
            [
                (date(2026, 10, 31), {"human_clicks": 50}),
                (date(2026, 11, 3), {"human_clicks": 2}),
                (date(2026, 11, 30), {"human_clicks": 3}),
                (date(2026, 12, 1), {"human_clicks": 70}),
            ],
            series=[CLICKS],
            title="Human clicks",
            start=start,
            end=date(2026, 11, 30),
        )
        self.assertEqual(len(chart.buckets), 30)
        self.assertEqual(chart.totals, ["5"])
        self.assertEqual([b.values["human_clicks"] for b in chart.buckets[:3]], [0, 0, 2])

    def test_figures_may_come_as_objects_with_one_attribute_per_series(self) -> None:
        @dataclass
        class Figures:
            human_clicks: int = 0
            bot_visits: int = 0

        chart = timeseries(
            {TODAY: Figures(human_clicks=4, bot_visits=9)}.items(),
            series=[CLICKS, BOTS],
            title="Clicks",
        )
        self.assertEqual(chart.buckets[0].values, {"human_clicks": 4, "bot_visits": 9})

    def test_a_range_that_runs_backwards_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            timeseries([], series=[CLICKS], title="x", start=TODAY, end=TODAY - timedelta(days=1))

    def test_one_day_is_one_slim_bar_in_the_middle(self) -> None:
        chart = timeseries([(TODAY, {"human_clicks": 3})], series=[CLICKS], title="Human clicks")
        (point,) = chart.panels[0].points
        self.assertEqual(float(point.bar_width.rstrip("%")), charts.BAR_MAX_WIDTH)
        self.assertEqual([(t.position, t.anchor) for t in chart.x_ticks], [("50%", "middle")])
        self.assertEqual(chart.x_ticks[0].label, "Dec 2")


@time_machine.travel(NOW, tick=False)
class TodayTests(SimpleTestCase):
    def test_days_after_today_keep_their_place_but_have_no_bar_and_no_row(self) -> None:
        chart = timeseries(
            [(date(2026, 12, 1), {"human_clicks": 5}), (TODAY, {"human_clicks": 2})],
            series=[CLICKS],
            title="Human clicks",
            start=date(2026, 12, 1),
            end=date(2026, 12, 31),
        )
        self.assertEqual([b.start.day for b in chart.buckets], [1, 2])
        yesterday, today = chart.panels[0].points
        self.assertEqual(today.slot_x, f"{round(100 / 31, 3):g}%")  # the 2nd of 31 slots
        self.assertEqual(today.when, "Dec 2, 2026 (so far)")
        self.assertNotIn("so far", yesterday.when)
        self.assertTrue(chart.buckets[-1].current)

    def test_the_week_with_today_is_marked_so_far(self) -> None:
        chart = timeseries(
            [(TODAY, {"human_clicks": 1})],
            series=[CLICKS],
            title="Human clicks",
            start=date(2026, 6, 1),
            end=date(2026, 12, 31),
        )
        self.assertEqual(chart.unit, "week")
        current = [b for b in chart.buckets if b.current]
        self.assertEqual(
            [(b.start, b.end) for b in current], [(date(2026, 11, 30), TODAY + timedelta(days=4))]
        )
        self.assertEqual(chart.buckets[-1], current[0])
        self.assertIn("(so far)", chart.panels[0].points[-1].when)

    def test_a_period_with_nothing_is_empty(self) -> None:
        for figures in ([], [(TODAY, {"human_clicks": 0, "bot_visits": 0})]):
            with self.subTest(figures=figures):
                chart = timeseries(
                    figures,
                    series=[CLICKS, BOTS],
                    title="Clicks",
                    start=TODAY - timedelta(days=29),
                    end=TODAY,
                )
                self.assertTrue(chart.empty)
        only_bots = timeseries([(TODAY, {"bot_visits": 3})], series=[CLICKS, BOTS], title="Clicks")
        self.assertFalse(only_bots.empty)
        self.assertEqual([p.empty for p in only_bots.panels], [True, False])


@time_machine.travel(NOW, tick=False)
class DateLabelTests(SimpleTestCase):
    def test_dates_and_numbers_follow_the_language(self) -> None:
        expected = {
            "en": ("Dec 2", "Dec 2, 2026", "Jan 2027", "December 2026", "1,234,567"),
            "it": ("2 Dic", "02 Dic 2026", "Gen 2027", "Dicembre 2026", "1.234.567"),
            "nl": ("2 dec", "2 dec 2026", "jan 2027", "december 2026", "1.234.567"),
        }
        for language, labels in expected.items():
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(
                    (
                        charts.day_label(TODAY),
                        charts.full_label(TODAY),
                        charts.month_label(date(2027, 1, 1)),
                        charts.timeseries(
                            [],
                            series=[CLICKS],
                            title="x",
                            start=date(2024, 12, 1),
                            end=date(2026, 12, 31),
                        )
                        .buckets[-1]
                        .label,
                        charts.number(1_234_567),
                    ),
                    labels,
                )

    def test_labels_say_what_djangos_own_formats_say_with_months_abbreviated(self) -> None:
        every_day = days(date(2023, 12, 25), 800)
        for language in ("en", "it", "nl", "de", "fr"):
            with translation.override(language):
                month = "M" if date_format(date(2000, 1, 1), "F")[0].isupper() else "b"
                full = get_format("DATE_FORMAT").replace("F", month).replace("N", month)
                for day in every_day:
                    self.assertEqual(charts.full_label(day), date_format(day, full))
                for value in (0, 7, -1234, 999_999, 10**12):
                    self.assertEqual(
                        charts.number(value), number_format(value, force_grouping=True)
                    )

    def test_axis_labels_and_titles_are_in_the_language(self) -> None:
        figures = [(day, {"human_clicks": 1500}) for day in days(date(2026, 11, 23), 10)]
        with translation.override("it"):
            chart = timeseries(figures, series=[CLICKS], title="Clic")
        self.assertEqual(chart.x_ticks[-1].label, "2 Dic")
        self.assertIn("29 Nov", [tick.label for tick in chart.x_ticks])
        self.assertTrue(chart.panels[0].points[-1].title.startswith("02 Dic 2026"))
        self.assertIn("1.500", chart.panels[0].points[-1].title)
        with translation.override("nl"):
            chart = timeseries(figures, series=[CLICKS], title="Kliks", start=date(2026, 6, 1))
        self.assertEqual(chart.buckets[-1].label, "30 nov 2026 \u2013 2 dec 2026")
        self.assertEqual(
            [(t.label, t.year) for t in chart.x_ticks], [("jul", "2026"), ("sep", ""), ("nov", "")]
        )

    def test_date_labels_never_crowd_a_phone_wide_plot(self) -> None:
        for language in ("en", "it", "nl"):
            for length in range(1, 800, 3):
                start = date(2025, 12, 30) - timedelta(days=length // 2)
                with translation.override(language):
                    ticks = timeseries(
                        [],
                        series=[CLICKS],
                        title="x",
                        start=start,
                        end=start + timedelta(days=length - 1),
                    ).x_ticks
                with self.subTest(language=language, days=length, ticks=ticks):
                    self.assertGreaterEqual(len(ticks), 1)
                    self.assert_apart(ticks)

    def assert_apart(self, ticks: list[charts.Tick]) -> None:
        """On the narrowest plot, each label starts after the one before it ends."""
        right = -float(charts.LABEL_GAP_PX)
        for tick in ticks:
            width = len(tick.label) * charts.CHAR_PX
            anchor = float(tick.position.rstrip("%")) * charts.NARROW_PLOT_PX / 100
            left = {"start": anchor, "middle": anchor - width / 2, "end": anchor - width}
            self.assertGreaterEqual(left[tick.anchor], right + charts.LABEL_GAP_PX)
            right = left[tick.anchor] + width
            self.assertLessEqual(right, charts.NARROW_PLOT_PX)
            self.assertGreaterEqual(left[tick.anchor], 0)


class SplitTests(SimpleTestCase):
    def test_networks_come_largest_first_with_their_share_and_empty_ones_left_out(self) -> None:
        chart = split(
            [("x", "X", 20), ("linkedin", "LinkedIn", 1980), ("mastodon", "Mastodon", 0)],
            title="Human clicks",
        )
        self.assertEqual([row.label for row in chart.rows], ["LinkedIn", "X"])
        self.assertEqual([row.share for row in chart.rows], ["99%", "1%"])
        self.assertEqual([row.width for row in chart.rows], ["100%", "1.01%"])
        self.assertEqual(chart.rows[0].title, "LinkedIn: 1,980 (99%)")
        self.assertEqual(chart.total, "2,000")

    def test_a_tiny_share_is_shown_as_less_than_one_percent(self) -> None:
        chart = split([("a", "A", 100_000), ("b", "B", 1)], title="Human clicks")
        self.assertEqual(chart.rows[1].share, "<1%")
        self.assertEqual(chart.rows[1].width, "0.5%")

    def test_the_rest_comes_last_whatever_its_size_and_counts_in_the_shares(self) -> None:
        chart = split([("a", "A", 3), ("b", "B", 1)], title="Human clicks", rest=("*", "Others", 6))
        self.assertEqual([row.label for row in chart.rows], ["A", "B", "Others"])
        self.assertEqual([row.share for row in chart.rows], ["30%", "10%", "60%"])
        self.assertEqual(chart.rows[2].width, "100%")
        self.assertEqual(len(split([("a", "A", 3)], title="x", rest=("*", "Others", 0)).rows), 1)

    def test_nothing_to_split_is_empty(self) -> None:
        self.assertTrue(split([], title="Human clicks").empty)
        self.assertTrue(split([("x", "X", 0)], title="Human clicks").empty)


@time_machine.travel(NOW, tick=False)
class TemplateTests(SimpleTestCase):
    def chart(self) -> charts.TimeChart:
        return timeseries(
            [
                (day, {"shares": n % 3, "human_clicks": n * 7, "bot_visits": n % 4})
                for n, day in enumerate(days(date(2026, 11, 3), 30))
            ],
            series=[SHARES, CLICKS, BOTS],
            title="Activity",
        )

    def test_every_bar_is_focusable_and_titled_with_its_date_and_figures(self) -> None:
        html = render_to_string("_timeseries.html", {"chart": self.chart()})
        self.assertEqual(html.count('tabindex="0"'), 60)  # 30 days, two panels
        self.assertIn("<title>Dec 2, 2026 (so far) — Shares: 2; Human clicks: 203</title>", html)
        self.assertIn("<title>Dec 2, 2026 (so far) — Bot visits: 1</title>", html)
        self.assertInHTML(
            '<span class="readout-when">Nov 3, 2026</span>', html.replace("tspan", "span"), count=2
        )
        self.assertIn(
            'role="group" aria-label="Activity (per day), Nov 3, 2026 \u2013 Dec 2, 2026. '
            "Shares: 30 in all",
            html,
        )
        self.assertIn("Bot visits", html)
        self.assertIn("(shown apart)", html)

    def test_the_table_behind_the_chart_has_the_same_figures(self) -> None:
        html = render_to_string("_timeseries.html", {"chart": self.chart()})
        table = html[html.index("<table") : html.index("</table>") + 8]
        self.assertInHTML(
            '<tr><th scope="row">Nov 4, 2026</th><td class="num">1</td><td class="num">7</td>'
            '<td class="num">1</td></tr>',
            table,
        )
        self.assertInHTML(
            '<tr><th scope="row">Total</th><td class="num">30</td><td class="num">3,045</td>'
            '<td class="num">43</td></tr>',
            table,
        )

    def test_no_style_attribute_and_no_script_so_the_csp_holds(self) -> None:
        html = render_to_string("_timeseries.html", {"chart": self.chart()})
        html += render_to_string("_split.html", {"chart": split([("x", "X", 3)], title="Clicks")})
        self.assertNotIn("style=", html)
        self.assertNotIn("<script", html)

    def test_coordinates_keep_their_dot_in_every_language(self) -> None:
        for language in ("it", "nl"):
            with translation.override(language):
                html = render_to_string("_timeseries.html", {"chart": self.chart()})
                html += render_to_string(
                    "_split.html", {"chart": split([("x", "X", 3), ("y", "Y", 7)], title="Clic")}
                )
                html += render_to_string(
                    "_chart.html",
                    {"bars": charts.bars([(TODAY, 3), (TODAY, 1)], width=601), "caption": "c"},
                )
            with self.subTest(language=language):
                self.assertIsNone(LOCALISED_NUMBER_IN_ATTRIBUTE.search(html))
                self.assertIn("3.045", html)  # the figures, though, are in the language

    def test_an_empty_period_says_so_instead_of_a_blank_box(self) -> None:
        empty = timeseries([], series=[CLICKS], title="Human clicks", start=TODAY, end=TODAY)
        for template, chart in [
            ("_timeseries.html", empty),
            ("_split.html", split([], title="Human clicks")),
        ]:
            with self.subTest(template=template):
                html = render_to_string(template, {"chart": chart})
                self.assertIn("Nothing yet in this period.", html)
                self.assertNotIn("<svg", html)
                self.assertNotIn("<table", html)
        html = render_to_string(
            "_chart.html", {"bars": charts.bars([(TODAY, 0)]), "caption": "Shares per day"}
        )
        self.assertIn("Nothing yet in this period.", html)
        self.assertNotIn("<svg", html)

    def test_a_panel_with_nothing_says_so_beside_one_with_figures(self) -> None:
        chart = timeseries([(TODAY, {"human_clicks": 4})], series=[CLICKS, BOTS], title="Clicks")
        html = render_to_string("_timeseries.html", {"chart": chart})
        self.assertEqual(html.count("Nothing yet in this period."), 1)
        self.assertEqual(html.count('class="tschart-plot"'), 1)

    def test_the_split_shows_every_value_and_its_share(self) -> None:
        html = render_to_string(
            "_split.html",
            {"chart": split([("linkedin", "LinkedIn", 1980), ("x", "X", 20)], title="Clicks")},
        )
        self.assertIn("<title>LinkedIn: 1,980 (99%)</title>", html)
        self.assertIn(">1,980 · 99%</text>", html)
        self.assertEqual(html.count('tabindex="0"'), 2)
        self.assertInHTML(
            '<tr><th scope="row">X</th><td class="num">20</td><td class="num">1%</td></tr>', html
        )


class ColourTests(SimpleTestCase):
    def test_series_colours_stand_out_from_a_white_card(self) -> None:
        def luminance(hex_colour: str) -> float:
            channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
            linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

        found = re.findall(r"\.(series-[a-z]+) \{ fill: #([0-9a-f]{6});", APP_CSS.read_text())
        self.assertGreaterEqual(len(found), 5)
        for name, colour in found:
            ratio = 1.05 / (luminance(colour) + 0.05)
            with self.subTest(series=name, colour=colour):
                self.assertGreaterEqual(ratio, 4.5)  # 3:1 is the rule for graphics; text-grade
