"""Shares recorded before the fingerprint ignored the disclosure get it recomputed, so the
identical-caption nudge counts old and new shares alike."""

from django.db import migrations

BATCH = 1000


def recompute(apps, schema_editor):
    # The live function on purpose: the fingerprints must match the ones new shares get.
    from passaparola.sharing.guardrails import fingerprint

    Share = apps.get_model("sharing", "Share")
    policy = apps.get_model("sharing", "SharingPolicy").objects.filter(pk=1).first()
    disclosure = policy.disclosure if policy is not None else ""
    if not disclosure.strip():
        return  # nothing to take out: the stored fingerprints are already right
    changed = []
    for share in Share.objects.exclude(text="").only("pk", "text", "fingerprint").iterator():
        new = fingerprint(share.text, disclosure=disclosure)
        if new != share.fingerprint:
            share.fingerprint = new
            changed.append(share)
        if len(changed) >= BATCH:
            Share.objects.bulk_update(changed, ["fingerprint"])
            changed = []
    Share.objects.bulk_update(changed, ["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [("sharing", "0004_policy_row")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
