"""Ids and days from a request: what a database and date arithmetic can hold, or nothing."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from passaparola.lib.bounds import DayField, IdField, MomentField, day_param, id_param

HUGE = "99999999999999999999999"


class ParamTests(SimpleTestCase):
    def test_an_id_is_a_positive_64_bit_number_written_in_ascii_digits(self) -> None:
        self.assertEqual(id_param("42"), 42)
        self.assertEqual(id_param(str(2**63 - 1)), 2**63 - 1)
        for value in [HUGE, str(2**63), "0", "-1", "1e3", " 1", "١٢", "", None, 5]:
            with self.subTest(value=value):
                self.assertIsNone(id_param(value))

    def test_a_day_is_an_iso_day_between_2000_and_2099(self) -> None:
        self.assertEqual(day_param("2026-02-28"), date(2026, 2, 28))
        for value in ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01", "2026-02-30", "x"]:
            with self.subTest(value=value):
                self.assertIsNone(day_param(value))


class FieldTests(SimpleTestCase):
    def test_an_id_field_refuses_numbers_no_database_holds(self) -> None:
        field = IdField(required=False)

        self.assertEqual(field.clean("7"), 7)
        for value in [HUGE, "0", "-3"]:
            with self.subTest(value=value), self.assertRaises(ValidationError):
                field.clean(value)

    def test_day_and_moment_fields_refuse_the_ends_of_the_calendar(self) -> None:
        self.assertEqual(DayField().clean("2026-05-01"), date(2026, 5, 1))
        self.assertEqual(MomentField().clean("2026-05-01 10:00").year, 2026)
        for field, value in [
            (DayField(), "0001-01-01"),
            (DayField(), "9999-12-31"),
            (DayField(), "2026-02-30"),
            (MomentField(), "0001-01-01 00:00"),
            (MomentField(), "9999-12-31 23:59"),
        ]:
            with (
                self.subTest(field=type(field).__name__, value=value),
                self.assertRaises(ValidationError),
            ):
                field.clean(value)


class InLookupTests(TestCase):
    def test_numbers_a_column_cannot_hold_match_nothing_instead_of_failing(self) -> None:
        real = ContentType.objects.order_by("pk").first()
        assert real is not None

        self.assertFalse(ContentType.objects.filter(pk__in=[int(HUGE)]).exists())
        self.assertFalse(ContentType.objects.filter(pk__in=[HUGE, -int(HUGE)]).exists())
        self.assertEqual(list(ContentType.objects.filter(pk__in=[real.pk, HUGE])), [real])
        self.assertEqual(
            ContentType.objects.exclude(pk__in=[HUGE]).count(), ContentType.objects.count()
        )
