"""Background jobs of recognition: thin wrappers around the services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from passaparola.recognition.listener import activities_process
from passaparola.recognition.services import (
    challenges_close_due,
    journey_snapshot_take,
    validation_messages_send,
)


@db_periodic_task(crontab(minute="*/5"))
def process_activities() -> None:
    """Every five minutes, score any activity the signal missed and give the badges reached."""
    while activities_process():
        pass


@db_periodic_task(crontab(minute="*/15"))
def close_challenges() -> None:
    """Every quarter of an hour, close the challenges that ended and reward their winners."""
    challenges_close_due()


@db_periodic_task(crontab(minute="20", hour="0"))
def snapshot_journey() -> None:
    """Every night, record how many people stood at each stage of the journey."""
    journey_snapshot_take()


@db_periodic_task(crontab(minute="0", hour="8", day_of_week="1"))
def send_validation_messages() -> None:
    """Every Monday morning, tell people what their shares brought last week."""
    validation_messages_send()
