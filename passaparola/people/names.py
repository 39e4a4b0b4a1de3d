"""People's names as others see them: no invisible characters and no text-direction tricks.

A name is shown beside shares, on leaderboards and in emails, so it must read as what it is.
Control characters, bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069, which
can make "Bob\u202egnp.exe" display reversed), zero-width spaces, private-use and unassigned
code points are refused where a person types a name, and removed where a name arrives from a
system (single sign-on, a file). The zero-width joiner and non-joiner stay allowed: emoji
sequences and scripts such as Persian need them.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
ALLOWED_FORMAT = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner
NAME_MAX = 120


def _refused(character: str) -> bool:
    if character in ALLOWED_FORMAT:
        return False
    return unicodedata.category(character) in REFUSED_CATEGORIES


def validate_person_name(value: str) -> None:
    """Refuse a name with invisible or text-direction characters, with a clear message."""
    if any(_refused(character) for character in value):
        raise ValidationError(
            _("A name cannot contain invisible or text-direction characters."),
            code="invisible_characters",
        )


def person_name_clean(value: str) -> str:
    """Return the name without refused characters, its spaces collapsed, at most NAME_MAX long."""
    kept = "".join(c for c in value if c.isspace() or not _refused(c))
    return " ".join(kept.split())[:NAME_MAX]


class PersonNameField(forms.CharField):
    """A name typed by a person: trimmed, its spaces collapsed, invisible characters refused."""

    default_validators = [validate_person_name]

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", NAME_MAX)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> str:
        return " ".join((super().to_python(value) or "").split())
