"""Points live in recognition.PointsScheme (its row took over these values in its migration)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0003_programme_row"),
        # The points scheme's row copies these two values before they go.
        ("recognition", "0005_settings_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="programme", name="points_per_share"),
        migrations.RemoveField(model_name="programme", name="points_per_click"),
    ]
