"""Reading and changing the programme's settings."""

from django.db import transaction

from passaparola.lib.files import file_delete_on_commit
from passaparola.lib.models import fields_save
from passaparola.programme.models import Programme


@transaction.atomic
def programme_update(*, programme: Programme, fields: dict[str, object]) -> Programme:
    """Change the named settings of the programme; a replaced logo file goes after the commit."""
    old_logo = programme.logo.name if programme.logo else ""
    for name, value in fields.items():
        # The field knows its form values: a cleared logo arrives as False and becomes "".
        Programme._meta.get_field(name).save_form_data(programme, value)  # type: ignore[union-attr]
    programme.full_clean()
    fields_save(programme, [*fields.keys(), "updated_at"])
    if old_logo and programme.logo.name != old_logo:
        file_delete_on_commit(programme.logo.storage, old_logo)
    return programme
