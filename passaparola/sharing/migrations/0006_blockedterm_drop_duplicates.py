"""A term blocked twice (in any case) keeps its first entry, so the next migration can forbid
the same term twice."""

from django.db import migrations


def drop_duplicates(apps, schema_editor):
    BlockedTerm = apps.get_model("sharing", "BlockedTerm")
    seen = set()
    for term in BlockedTerm.objects.order_by("created_at", "pk"):
        key = term.pattern.strip().lower()
        if key in seen:
            term.delete()
        else:
            seen.add(key)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0005_share_fingerprint_without_disclosure")]

    operations = [migrations.RunPython(drop_duplicates, migrations.RunPython.noop)]
