"""The badges a new programme starts with; the catalogue page can edit or restore them."""

from django.db import migrations

# (slug, rule, threshold, position). Names and descriptions stay blank so the translated
# defaults in passaparola.recognition.badges show until a manager writes their own.
DEFAULTS = [
    ("first-share", "shares", 1, 10),
    ("first-visit", "clicks", 1, 20),
    ("ten-shares", "shares", 10, 30),
    ("joined-the-conversation", "interactions", 1, 40),
    ("hundred-visits", "clicks", 100, 50),
    ("first-lead", "leads", 1, 60),
    ("five-networks", "networks", 5, 70),
    ("four-week-streak", "streak_weeks", 4, 80),
    ("content-creator", "suggestions", 1, 90),
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    Badge = apps.get_model("recognition", "Badge")
    for slug, rule, threshold, position in DEFAULTS:
        Badge.objects.get_or_create(
            slug=slug,
            defaults={
                "rule": rule,
                "threshold": threshold,
                "position": position,
                "default_image": f"{slug}.svg",
            },
        )


class Migration(migrations.Migration):

    dependencies = [("recognition", "0003_ledger_triggers")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
