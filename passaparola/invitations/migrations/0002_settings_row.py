"""The invitation settings exist from the start, so reading them never writes."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("invitations", "InvitationSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("invitations", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
