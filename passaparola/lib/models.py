"""Saving model rows."""

from django.db.models import Model


def fields_save(instance: Model, fields: list[str]) -> None:
    """Save the named fields; a row never stored yet (settings read as defaults) is saved whole."""
    if instance._state.adding:
        instance.save()
    else:
        instance.save(update_fields=fields)
