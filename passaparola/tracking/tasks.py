"""Background jobs of the tracking step: thin wrappers around the services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passaparola.tracking.services import clicks_process, salts_prune


@db_periodic_task(crontab(minute="*"))
def process_clicks() -> None:
    """Every minute, turn new human clicks into points and activities."""
    while clicks_process():
        pass


@db_periodic_task(crontab(minute="5", hour="0"))
def prune_salts() -> None:
    """Every night, forget the salts of past days."""
    salts_prune()
