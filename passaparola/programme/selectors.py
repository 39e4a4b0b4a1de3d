"""Reading the programme's settings, and the language to write to someone in."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from passaparola.people.models import Person
from passaparola.programme.models import Programme


def programme_get() -> Programme:
    """Return the programme; its row is made by a migration, so reading never writes."""
    # A database emptied by hand still gets the defaults; the first save stores them.
    return Programme.objects.filter(pk=1).first() or Programme(pk=1)


def language_of(person: Person | None = None, *, preferred: str = "") -> str:
    """Return the language to write to someone in: the person's own (or `preferred`, for an
    address without an account yet), else the programme's default, else LANGUAGE_CODE."""
    own = person.language if person is not None else preferred
    for code in (own, programme_get().default_language):
        if code:
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
    return str(settings.LANGUAGE_CODE)


@contextmanager
def in_language_of(person: Person | None = None, *, preferred: str = "") -> Iterator[str]:
    """Write what follows in the language of `language_of`; yield that language."""
    language = language_of(person, preferred=preferred)
    with translation.override(language):
        yield language
