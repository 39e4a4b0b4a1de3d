"""Reading and changing the programme's settings."""

from django.db import transaction

from passaparola.programme.models import Programme


@transaction.atomic
def programme_update(*, programme: Programme, fields: dict[str, object]) -> Programme:
    """Change the named settings of the programme."""
    for name, value in fields.items():
        # The field knows its form values: a cleared logo arrives as False and becomes "".
        Programme._meta.get_field(name).save_form_data(programme, value)  # type: ignore[union-attr]
    programme.full_clean()
    if programme._state.adding:
        programme.save()
    else:
        programme.save(update_fields=[*fields.keys(), "updated_at"])
    return programme
