"""The points scheme and the journey thresholds exist from the start, so reading never writes."""

from django.db import migrations


def create_rows(apps, schema_editor):
    programme = apps.get_model("programme", "Programme").objects.filter(pk=1).first()
    # The first schemes lived on the programme; carry a manager's choice over.
    initial = {}
    if programme is not None:
        initial = {
            "points_share": programme.points_per_share,
            "points_click": programme.points_per_click,
        }
    apps.get_model("recognition", "PointsScheme").objects.get_or_create(pk=1, defaults=initial)
    apps.get_model("recognition", "JourneySettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0004_default_badges"),
        ("programme", "0003_programme_row"),
    ]

    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
