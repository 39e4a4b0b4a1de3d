"""Background jobs of recognition: thin wrappers around the services."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passaparola.notifications.tasks import deliver_webhook
from passaparola.people.models import Person
from passaparola.recognition.listener import activities_process
from passaparola.recognition.selectors import quiet_people
from passaparola.recognition.services import (
    challenges_close_due,
    journey_snapshot_take,
    kudos_announcements_queue,
    quiet_nudge_send,
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


@db_periodic_task(crontab(minute="20", hour="*/6"))
def send_quiet_nudges() -> None:
    """Every six hours: nudge the people who went quiet."""
    for person_id in quiet_people(timezone.now()):
        send_quiet_nudge(person_id)


@db_task(retries=3, retry_delay=300)
def send_quiet_nudge(person_id: int) -> None:
    """Nudge one quiet person (at most once per quiet period)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is not None:
        quiet_nudge_send(person=person)


@db_periodic_task(crontab(minute="*"))
def announce_kudos() -> None:
    """Every minute: tell the Slack and Teams channels about new kudos."""
    for delivery_id in kudos_announcements_queue():
        deliver_webhook(delivery_id)
