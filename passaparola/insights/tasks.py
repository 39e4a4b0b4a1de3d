"""The insights worker: keeps the daily figures in step with the raw rows, and sends the
leadership report when a month or quarter closes."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passaparola.insights.report_mail import report_send, reports_due
from passaparola.insights.rollups import rollup_changed
from passaparola.people.models import Person


@db_periodic_task(crontab(minute="*/5"))
def roll_up_figures() -> None:
    """Every five minutes: rebuild today, yesterday and any older day that changed.

    No Huey task lock: a killed consumer would leave it taken for good on Redis. Two runs at
    once take turns per day (the day's row is locked while it is rebuilt).
    """
    rollup_changed()


@db_periodic_task(crontab(minute="20"))
def send_leadership_reports() -> None:
    """Every hour: email the report of the month or quarter just closed to whoever lacks it."""
    for person_id, period in reports_due(timezone.now()):
        send_leadership_report(person_id, period)


@db_task(retries=3, retry_delay=300)
def send_leadership_report(person_id: int, period: str) -> None:
    """Send one person one period's report (at most once: see report_mail.report_send)."""
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is not None:
        report_send(person=person, period_key=period)
