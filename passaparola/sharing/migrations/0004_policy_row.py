"""The sharing policy exists from the start, so reading it never writes."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("sharing", "SharingPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0003_tokenexpirynotice")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
