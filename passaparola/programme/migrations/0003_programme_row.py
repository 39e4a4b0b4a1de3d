"""The one programme row exists from the start, so reading the settings never writes."""

from django.db import migrations


def create_programme(apps, schema_editor):
    apps.get_model("programme", "Programme").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_goals_and_domains")]

    operations = [migrations.RunPython(create_programme, migrations.RunPython.noop)]
