"""A logo uploaded before logos were stored small gets its small copy now, since every page
shows it; one with more pixels than the limit is taken off the pages (its file stays)."""

import logging

from django.core.files.base import ContentFile
from django.db import migrations

logger = logging.getLogger(__name__)


def shrink_logo(apps, schema_editor):
    # The live helpers on purpose: the copy must be the one a new upload gets.
    from passaparola.lib.images import ImageInvalid, image_shrink
    from passaparola.programme.forms import LOGO_MAX_SIDE

    programme = apps.get_model("programme", "Programme").objects.filter(pk=1).first()
    if programme is None or not programme.logo:
        return
    try:
        with programme.logo.open("rb") as stored:
            data = stored.read()
    except OSError:
        logger.warning("the logo %s cannot be read; left as it is", programme.logo.name)
        return
    try:
        small, suffix = image_shrink(data, max_side=LOGO_MAX_SIDE)
    except ImageInvalid as error:
        logger.warning("the logo %s is taken off the pages: %s", programme.logo.name, error)
        programme.logo = ""
    else:
        programme.logo.save(f"logo{suffix}", ContentFile(small), save=False)
    programme.save(update_fields=["logo"])


class Migration(migrations.Migration):
    dependencies = [("programme", "0004_remove_points_per_fields")]

    operations = [migrations.RunPython(shrink_logo, migrations.RunPython.noop)]
