"""The tracking settings exist from the start, so reading them never writes."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("tracking", "TrackingSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("tracking", "0002_clicks_spool_leads_rollups")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
