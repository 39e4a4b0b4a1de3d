"""Periods: presets as of today in the programme's time zone, custom ranges, the period before."""

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, override_settings
from django.utils import timezone, translation

from passaparola.insights import periods
from passaparola.insights.periods import Period, custom, monday_of, preset
from passaparola.testing.clock import BOUNDARY_INSTANTS, ROME, frozen


def span(period: Period) -> tuple[date, date]:
    return period.start, period.end


def ends_its_unit(period: Period) -> bool:
    """Whether the period's last day is the last of its month, quarter or year."""
    after = period.end + timedelta(days=1)
    firsts = {periods.MONTH: range(1, 13), periods.QUARTER: (1, 4, 7, 10), periods.YEAR: (1,)}
    return after.day == 1 and after.month in firsts[period.unit]


class PresetTests(SimpleTestCase):
    @frozen()  # Wednesday 2 December 2026, noon UTC
    def test_each_preset_ends_today_or_covers_a_whole_calendar_unit(self) -> None:
        expected = {
            periods.LAST_7: (date(2026, 11, 26), date(2026, 12, 2)),
            periods.LAST_30: (date(2026, 11, 3), date(2026, 12, 2)),
            periods.LAST_90: (date(2026, 9, 4), date(2026, 12, 2)),
            periods.THIS_MONTH: (date(2026, 12, 1), date(2026, 12, 2)),
            periods.LAST_MONTH: (date(2026, 11, 1), date(2026, 11, 30)),
            periods.THIS_QUARTER: (date(2026, 10, 1), date(2026, 12, 2)),
            periods.LAST_QUARTER: (date(2026, 7, 1), date(2026, 9, 30)),
            periods.THIS_YEAR: (date(2026, 1, 1), date(2026, 12, 2)),
            periods.LAST_YEAR: (date(2025, 1, 1), date(2025, 12, 31)),
        }
        self.assertEqual(set(expected), set(periods.PRESETS))
        for key, dates in expected.items():
            with self.subTest(key=key):
                self.assertEqual(span(preset(key)), dates)
                self.assertEqual(preset(key).key, key)

    @frozen()
    def test_rolling_periods_compare_with_as_many_days_just_before(self) -> None:
        self.assertEqual(
            span(preset(periods.LAST_30).previous()), (date(2026, 10, 4), date(2026, 11, 2))
        )
        self.assertEqual(
            span(preset(periods.LAST_7).previous()), (date(2026, 11, 19), date(2026, 11, 25))
        )
        self.assertEqual(preset(periods.LAST_90).previous().length, 90)

    @frozen()
    def test_whole_calendar_periods_compare_with_the_whole_unit_before(self) -> None:
        self.assertEqual(
            span(preset(periods.LAST_MONTH).previous()), (date(2026, 10, 1), date(2026, 10, 31))
        )
        self.assertEqual(
            span(preset(periods.LAST_QUARTER).previous()), (date(2026, 4, 1), date(2026, 6, 30))
        )
        self.assertEqual(
            span(preset(periods.LAST_YEAR).previous()), (date(2024, 1, 1), date(2024, 12, 31))
        )

    @frozen()
    def test_a_running_calendar_period_compares_with_as_many_days_of_the_unit_before(
        self,
    ) -> None:
        # 2 December is day 63 of the quarter: 1 July and 62 days after it is 1 September.
        self.assertEqual(
            span(preset(periods.THIS_MONTH).previous()), (date(2026, 11, 1), date(2026, 11, 2))
        )
        self.assertEqual(
            span(preset(periods.THIS_QUARTER).previous()), (date(2026, 7, 1), date(2026, 9, 1))
        )
        self.assertEqual(
            span(preset(periods.THIS_YEAR).previous()), (date(2025, 1, 1), date(2025, 12, 2))
        )

    @frozen(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    def test_the_last_day_of_a_month_compares_with_the_whole_short_month_before(self) -> None:
        this_month = preset(periods.THIS_MONTH)

        self.assertEqual(span(this_month), (date(2026, 3, 1), date(2026, 3, 31)))
        self.assertEqual(span(this_month.previous()), (date(2026, 2, 1), date(2026, 2, 28)))
        # And the whole of February compares with the whole of January, not 28 days of it.
        self.assertEqual(
            span(this_month.previous().previous()), (date(2026, 1, 1), date(2026, 1, 31))
        )

    @frozen(datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    def test_a_running_month_longer_than_the_month_before_is_clipped_to_its_end(self) -> None:
        self.assertEqual(
            span(preset(periods.THIS_MONTH).previous()), (date(2026, 2, 1), date(2026, 2, 28))
        )

    def test_at_every_boundary_instant_the_presets_hold_together(self) -> None:
        for zone in ("UTC", "Europe/Rome"):
            for instant in BOUNDARY_INSTANTS:
                with (
                    self.subTest(zone=zone, at=instant.isoformat()),
                    override_settings(TIME_ZONE=zone),
                    frozen(instant),
                ):
                    today = timezone.localdate()
                    for key in periods.PRESETS:
                        period = preset(key)
                        previous = period.previous()
                        self.assertLessEqual(period.start, period.end)
                        self.assertLessEqual(period.end, today)
                        if not key.startswith("last_"):
                            self.assertEqual(period.end, today, key)
                        if period.unit == periods.DAYS or ends_its_unit(period):
                            # Rolling or whole: the previous period ends the day before.
                            self.assertEqual(previous.end, period.start - timedelta(days=1), key)
                            self.assertLessEqual(previous.length, period.length + 3, key)
                        else:
                            # Running: the first days of the unit before, as many or fewer.
                            self.assertLess(previous.end, period.start, key)
                            self.assertEqual(previous.start.day, 1, key)
                            self.assertLessEqual(previous.length, period.length, key)
                            self.assertGreaterEqual(previous.length, period.length - 3, key)
                        self.assertEqual(period.days[0], period.start)
                        self.assertEqual(period.days[-1], period.end)
                        self.assertEqual(len(period.days), period.length)
                    self.assertEqual(preset(periods.THIS_MONTH).start, today.replace(day=1))
                    self.assertEqual(preset(periods.THIS_YEAR).start, date(today.year, 1, 1))
                    quarter = preset(periods.THIS_QUARTER).start
                    self.assertIn(quarter.month, (1, 4, 7, 10))
                    self.assertLessEqual(quarter, today)
                    self.assertLess(today, quarter + timedelta(days=92))

    def test_new_year_in_rome_is_still_the_old_year_in_utc(self) -> None:
        instant = datetime(2027, 1, 1, 0, 0, tzinfo=ROME)  # 23:00 UTC on 31 December
        with override_settings(TIME_ZONE="Europe/Rome"), frozen(instant):
            self.assertEqual(span(preset(periods.THIS_YEAR)), (date(2027, 1, 1), date(2027, 1, 1)))
            self.assertEqual(
                span(preset(periods.LAST_QUARTER)), (date(2026, 10, 1), date(2026, 12, 31))
            )
        with override_settings(TIME_ZONE="UTC"), frozen(instant):
            self.assertEqual(
                span(preset(periods.THIS_YEAR)), (date(2026, 1, 1), date(2026, 12, 31))
            )

    def test_a_period_runs_from_local_midnight_to_local_midnight(self) -> None:
        with override_settings(TIME_ZONE="Europe/Rome"), frozen():
            december = custom(date(2026, 12, 1), date(2026, 12, 2))
            self.assertEqual(december.since, datetime(2026, 11, 30, 23, 0, tzinfo=UTC))
            self.assertEqual(december.until, datetime(2026, 12, 2, 23, 0, tzinfo=UTC))
            # Summer time starts on 29 March 2026 in Rome: that day lasts 23 hours.
            spring = custom(date(2026, 3, 29), date(2026, 3, 29))
            hours = spring.until.astimezone(UTC) - spring.since.astimezone(UTC)
            self.assertEqual(hours, timedelta(hours=23))


class LeapDayTests(SimpleTestCase):
    @frozen(datetime(2028, 2, 29, 12, 0, tzinfo=UTC))
    def test_on_a_leap_day_february_is_whole_and_compares_with_january(self) -> None:
        this_month = preset(periods.THIS_MONTH)

        self.assertEqual(span(this_month), (date(2028, 2, 1), date(2028, 2, 29)))
        self.assertEqual(span(this_month.previous()), (date(2028, 1, 1), date(2028, 1, 31)))
        self.assertEqual(span(preset(periods.LAST_7)), (date(2028, 2, 23), date(2028, 2, 29)))

    @frozen(datetime(2028, 3, 31, 12, 0, tzinfo=UTC))
    def test_march_compares_with_the_29_days_of_a_leap_february(self) -> None:
        self.assertEqual(
            span(preset(periods.THIS_MONTH).previous()), (date(2028, 2, 1), date(2028, 2, 29))
        )
        self.assertEqual(preset(periods.LAST_MONTH).length, 29)

    @frozen(datetime(2029, 1, 10, 12, 0, tzinfo=UTC))
    def test_a_leap_year_has_366_days_and_the_year_before_365(self) -> None:
        last_year = preset(periods.LAST_YEAR)

        self.assertEqual(last_year.length, 366)
        self.assertEqual(last_year.previous().length, 365)

    def test_a_range_across_the_leap_day_counts_it(self) -> None:
        self.assertEqual(custom(date(2028, 2, 28), date(2028, 3, 1)).length, 3)
        self.assertEqual(
            span(custom(date(2028, 2, 29), date(2028, 3, 1)).previous()),
            (date(2028, 2, 27), date(2028, 2, 28)),
        )


class WeekTests(SimpleTestCase):
    def test_weeks_start_on_monday(self) -> None:
        self.assertEqual(monday_of(date(2026, 11, 29)), date(2026, 11, 23))  # a Sunday
        self.assertEqual(monday_of(date(2026, 11, 30)), date(2026, 11, 30))  # a Monday
        self.assertEqual(monday_of(date(2027, 1, 1)), date(2026, 12, 28))  # across the year

    def test_a_period_lists_the_monday_of_every_week_it_touches(self) -> None:
        sunday_to_monday = custom(date(2026, 11, 29), date(2026, 11, 30))
        self.assertEqual(sunday_to_monday.weeks, [date(2026, 11, 23), date(2026, 11, 30)])
        one_week = custom(date(2026, 11, 30), date(2026, 12, 6))
        self.assertEqual(one_week.weeks, [date(2026, 11, 30)])

    @frozen(datetime(2026, 11, 30, 0, 0, tzinfo=UTC))
    def test_on_a_monday_the_last_7_days_touch_two_weeks(self) -> None:
        self.assertEqual(preset(periods.LAST_7).weeks, [date(2026, 11, 23), date(2026, 11, 30)])


class CustomRangeTests(SimpleTestCase):
    def test_a_custom_range_includes_its_last_day(self) -> None:
        period = custom(date(2026, 1, 1), date(2026, 1, 31))

        self.assertEqual(period.length, 31)
        self.assertEqual(period.key, periods.CUSTOM)
        self.assertEqual(span(period.previous()), (date(2025, 12, 1), date(2025, 12, 31)))

    def test_it_refuses_an_end_before_the_start(self) -> None:
        with self.assertRaisesMessage(ValidationError, "The end comes before the start."):
            custom(date(2026, 2, 1), date(2026, 1, 31))

    def test_it_refuses_more_than_three_years(self) -> None:
        self.assertEqual(custom(date(2024, 1, 1), date(2026, 12, 31)).length, periods.MAX_DAYS)
        with self.assertRaisesMessage(ValidationError, "at most three years"):
            custom(date(2024, 1, 1), date(2027, 1, 1))

    def test_it_refuses_days_outside_the_platforms_calendar(self) -> None:
        for start, end in ((date(1999, 12, 31), date(2000, 1, 5)), (date(2099, 1, 1), date.max)):
            with self.subTest(start=start), self.assertRaises(ValidationError):
                custom(start, end)

    @frozen()
    def test_labels_and_dates_are_in_the_persons_language(self) -> None:
        with translation.override("it"):
            self.assertIn("dicembre", preset(periods.LAST_7).dates.lower())
        with translation.override("nl"):
            self.assertIn("december", preset(periods.LAST_7).dates.lower())
        with translation.override("en"):
            self.assertEqual(preset(periods.LAST_30).label, "Last 30 days")
            self.assertEqual(custom(date(2026, 5, 4), date(2026, 5, 4)).dates, "May 4, 2026")
