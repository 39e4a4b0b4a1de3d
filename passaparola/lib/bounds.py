"""What a request may ask for: ids the database can hold, days on a calendar we can count with.

A number or a date typed into an address or a form is checked here before it reaches the
database or date arithmetic, so that nonsense answers as a refusal, never as a server error.
"""

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import IntegerField
from django.db.models.lookups import In

# Every primary key is a BigAutoField: a positive signed 64-bit integer.
ID_MAX = 2**63 - 1
# No post, share or click predates the platform, and year 9999 overflows the first date sum.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def id_param(value: object) -> int | None:
    """Return the id a query-string value names, or None for anything a database cannot hold."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= ID_MAX else None


def day_param(value: object) -> date | None:
    """Return the ISO day a query-string value names, or None when it is no day we count with."""
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


class IdField(forms.IntegerField):
    """An object's id: a whole number the database can hold."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class DayField(forms.DateField):
    """A day between FIRST_DAY and LAST_DAY."""

    default_validators = [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]


class MomentField(forms.DateTimeField):
    """A date and time whose day lies between FIRST_DAY and LAST_DAY."""

    def to_python(self, value: Any) -> datetime | None:
        # Checked on the local day, before any conversion: year 1 or 9999 overflows one.
        moment = super().to_python(value)
        if moment is not None and not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


class IntegerFieldIn(In):
    """`pk__in=[...]` that leaves out numbers the column cannot hold, as `pk=` already does.

    Django answers `filter(pk=10**30)` with nothing, but sends `filter(pk__in=[10**30])` to the
    database, which fails (OverflowError on SQLite, an error on PostgreSQL). Every
    ModelMultipleChoiceField checks its choices with `pk__in`.
    """

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register_lookups() -> None:
    """Install the bounded `__in` lookup on every integer column (ids included)."""
    IntegerField.register_lookup(IntegerFieldIn)
