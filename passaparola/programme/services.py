"""Reading and changing the programme's settings."""

from django.db import transaction

from passaparola.programme.models import Programme


def programme_get() -> Programme:
    """Return the programme, creating it with defaults on first use."""
    programme, _created = Programme.objects.get_or_create(pk=1)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, fields: dict[str, object]) -> Programme:
    """Change the named settings of the programme."""
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save(update_fields=[*fields.keys(), "updated_at"])
    return programme
