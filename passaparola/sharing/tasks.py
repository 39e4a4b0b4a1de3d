"""Background jobs of the sharing step: thin wrappers around the services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from passaparola.sharing.services import (
    scheduled_share_post,
    scheduled_shares_due,
    scheduled_shares_release_stale,
)


@db_task()
def post_scheduled_share(scheduled_id: int) -> None:
    """Post one scheduled share; the service makes sure it goes out at most once."""
    scheduled_share_post(scheduled_id=scheduled_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("sharing-post-due")
def post_due_shares() -> None:
    """Every minute: requeue shares a dead worker left behind, then post the due ones."""
    scheduled_shares_release_stale()
    for scheduled_id in scheduled_shares_due():
        post_scheduled_share(scheduled_id)
