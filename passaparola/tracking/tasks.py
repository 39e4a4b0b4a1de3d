"""Background jobs of the tracking step: thin wrappers around the services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from passaparola.tracking.services import clicks_catch_up, clicks_rollup_and_prune, salts_prune


@db_periodic_task(crontab(minute="*"))
def process_clicks() -> None:
    """Every minute: ingest the click spool, then click activities and waiting leads."""
    # No Huey task lock: a consumer killed mid-run would leave it taken for good (it has no
    # expiry on Redis), and clicks would stop being recorded. Two runs at once are safe: each
    # step takes turns through a lock that a crash releases (the spool's file lock, the
    # Redis spool's lock with a timeout, row locks in the database).
    clicks_catch_up()


@db_periodic_task(crontab(minute="5", hour="0"))
def prune_salts() -> None:
    """Every night, forget the salts of past days."""
    salts_prune()


@db_periodic_task(crontab(minute="20", hour="0"))
@lock_task("tracking-rollup")
def rollup_clicks() -> None:
    """Every night, sum finished days into daily figures and delete clicks past retention."""
    clicks_rollup_and_prune()
