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
        # The field knows its form values: a cleared logo arrives as False and becomes "".
        Programme._meta.get_field(name).save_form_data(programme, value)  # type: ignore[union-attr]
    programme.full_clean()
    programme.save(update_fields=[*fields.keys(), "updated_at"])
    return programme
