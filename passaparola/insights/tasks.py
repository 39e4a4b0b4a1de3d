"""The insights worker: keeps the daily figures in step with the raw rows."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passaparola.insights.rollups import rollup_changed


@db_periodic_task(crontab(minute="*/5"))
def roll_up_figures() -> None:
    """Every five minutes: rebuild today, yesterday and any older day that changed.

    No Huey task lock: a killed consumer would leave it taken for good on Redis. Two runs at
    once take turns per day (the day's row is locked while it is rebuilt).
    """
    rollup_changed()
