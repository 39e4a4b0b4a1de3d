"""Reading the programme's settings."""

from passaparola.programme.models import Programme


def programme_get() -> Programme:
    """Return the programme; its row is made by a migration, so reading never writes."""
    # A database emptied by hand still gets the defaults; the first save stores them.
    return Programme.objects.filter(pk=1).first() or Programme(pk=1)
