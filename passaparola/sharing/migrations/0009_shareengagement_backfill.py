"""Measure the native Mastodon and Bluesky posts of the last 30 days made before this release."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.db import migrations
from django.utils import timezone

# The schedule as it was when this migration was written (services.ENGAGEMENT_SCHEDULE).
SCHEDULE = [timedelta(hours=h) for h in (1, 6, 24, 72, 168, 336, 720)]


def backfill(apps, schema_editor):
    ScheduledShare = apps.get_model("sharing", "ScheduledShare")
    ShareEngagement = apps.get_model("sharing", "ShareEngagement")
    ConnectedAccount = apps.get_model("sharing", "ConnectedAccount")
    now = timezone.now()
    servers = {
        (account.person_id, account.network): account.server
        for account in ConnectedAccount.objects.filter(network__in=["mastodon", "bluesky"])
    }
    sent = (
        ScheduledShare.objects.filter(
            status="sent",
            share__isnull=False,
            share__engagement__isnull=True,
            network__in=["mastodon", "bluesky"],
            sent_at__gte=now - SCHEDULE[-1],
        )
        .exclude(remote_id="")
        .select_related("share")
    )
    rows = []
    for scheduled in sent.iterator(chunk_size=1000):
        share = scheduled.share
        server = servers.get((scheduled.person_id, scheduled.network), "")
        if scheduled.network == "mastodon" and not server:
            server = urlsplit(scheduled.remote_url).netloc
            if not server:
                continue
        upcoming = next(
            (share.created_at + o for o in SCHEDULE if share.created_at + o > now), None
        )
        if upcoming is None:
            continue
        rows.append(
            ShareEngagement(
                share=share,
                person_id=share.person_id,
                post_id=share.post_id,
                network=share.network,
                server=server,
                remote_id=scheduled.remote_id,
                posted_at=share.created_at,
                next_fetch_at=upcoming,
            )
        )
    ShareEngagement.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0008_shareengagement")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
