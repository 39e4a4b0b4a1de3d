"""People's periodic housekeeping in the background worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passaparola.people.throttle import throttle_windows_prune


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_throttle_windows() -> None:
    """Forget the login and sign-up counters of yesterday and before."""
    throttle_windows_prune()
