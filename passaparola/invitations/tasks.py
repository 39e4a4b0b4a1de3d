"""Background work for invitations: checking and importing files, sending, reminders."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passaparola.invitations import emails, services
from passaparola.invitations.models import ImportJob, SignupRequest

SEND_BATCH = 100


@db_task()
def check_import(job_id: int) -> None:
    """Check every row of an uploaded file."""
    services.import_check(job_id=job_id)


@db_task(retries=2, retry_delay=30)
def run_import(job_id: int) -> None:
    """Import a checked file, then send its invitations when the manager asked to."""
    created = services.import_run(job_id=job_id)
    if created and ImportJob.objects.filter(pk=job_id, send_now=True).exists():
        send_many(created, "invitation")


def send_many(invitation_ids: list[int], kind: str) -> None:
    """Queue the sending in batches, each over one mail connection."""
    for start in range(0, len(invitation_ids), SEND_BATCH):
        send_invitations(invitation_ids[start : start + SEND_BATCH], kind)


@db_task(retries=3, retry_delay=60)
def send_invitations(invitation_ids: list[int], kind: str) -> None:
    """Send invitations, resends or reminders."""
    emails.invitations_deliver(invitation_ids=invitation_ids, kind=kind)


@db_task(retries=3, retry_delay=30)
def send_signup_code(signup_id: int) -> None:
    """Make and email the code that confirms an address given on the invite link; the queue
    carries only the request's id."""
    signup = SignupRequest.objects.filter(pk=signup_id).first()
    if signup is not None:
        emails.signup_deliver(signup=signup)


@db_periodic_task(crontab(minute="*/15"))
def send_due_reminders() -> None:
    """Remind those who have not joined, on the configured schedule."""
    due = services.reminders_claim_due()
    send_many([reminder.invitation_id for reminder in due], "reminder")


@db_periodic_task(crontab(minute="40", hour="3"))
def prune() -> None:
    """Forget old import files and expired signup requests."""
    services.imports_prune()
    services.signup_requests_prune()
