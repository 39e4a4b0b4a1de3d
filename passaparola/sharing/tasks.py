"""Background jobs of the sharing step: thin wrappers around the services."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passaparola.sharing.models import ConnectedAccount
from passaparola.sharing.selectors import expiring_accounts
from passaparola.sharing.services import (
    engagement_measure,
    scheduled_share_post,
    scheduled_shares_due,
    scheduled_shares_release_stale,
    token_expiry_notice_send,
)


@db_task()
def post_scheduled_share(scheduled_id: int) -> None:
    """Post one scheduled share; the service makes sure it goes out at most once."""
    scheduled_share_post(scheduled_id=scheduled_id)


@db_periodic_task(crontab(minute="*"))
def post_due_shares() -> None:
    """Every minute: requeue shares a dead worker left behind, then post the due ones.

    No Huey task lock: a consumer killed while holding one would leave it taken for good (on
    Redis it never expires) and nothing would be posted again. Two runs at once are safe:
    each share is claimed in the database before it goes out (services._claim).
    """
    scheduled_shares_release_stale()
    for scheduled_id in scheduled_shares_due():
        post_scheduled_share(scheduled_id)


@db_periodic_task(crontab(minute="20", hour="*/6"))
def send_token_expiry_notices() -> None:
    """Every six hours: tell people whose connected account's token runs out soon."""
    for account_id in expiring_accounts(timezone.now()):
        send_token_expiry_notice(account_id)


@db_task(retries=3, retry_delay=300)
def send_token_expiry_notice(account_id: int) -> None:
    """Tell one person their connected account needs reconnecting soon (once per expiry)."""
    account = ConnectedAccount.objects.select_related("person").filter(pk=account_id).first()
    if account is not None:
        token_expiry_notice_send(account=account)


@db_periodic_task(crontab(minute="*/10"))
def measure_engagement() -> None:
    """Every ten minutes: read the counts of native Mastodon and Bluesky posts that are due.

    Readings come 1 h, 6 h, 1, 3, 7, 14 and 30 days after posting (services.ENGAGEMENT_SCHEDULE).
    No Huey task lock, for the reason post_due_shares gives: each row is claimed in the
    database, so two runs at once never read the same post.
    """
    engagement_measure()
