"""The default earned-media-value rates, one row a network, so the estimate has its inputs from
the start and a manager sees (and changes) what it is based on. US dollars; the sources are in
docs/insights.md. A frozen copy of programme/rates.py as it was when this was written."""

from decimal import Decimal

from django.db import migrations

GENERAL = ("1.88", "20.00")
DEFAULTS = {
    "linkedin": ("7.00", "30.00"),
    "x": ("0.40", "1.00"),
    "facebook": GENERAL,
    "threads": GENERAL,
    "reddit": ("1.88", "2.50"),
    "xing": GENERAL,
    "mastodon": GENERAL,
    "bluesky": GENERAL,
    "whatsapp": GENERAL,
    "telegram": GENERAL,
    "email": GENERAL,
    "copy": GENERAL,
}


def create_rates(apps, schema_editor):
    NetworkRate = apps.get_model("programme", "NetworkRate")
    for network, (cost_per_click, cpm) in DEFAULTS.items():
        NetworkRate.objects.get_or_create(
            network=network,
            defaults={
                "cost_per_click": Decimal(cost_per_click),
                "cpm": Decimal(cpm),
                "reach_percent": Decimal("5"),
                "impressions_enabled": False,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("programme", "0006_currency_and_network_rates")]

    operations = [migrations.RunPython(create_rates, migrations.RunPython.noop)]
