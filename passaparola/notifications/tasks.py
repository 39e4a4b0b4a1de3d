"""Sending messages in the background worker: thin wrappers around the services.

Digests (content), quiet-spell nudges (recognition), token-expiry emails (sharing) and the
news told to Slack and Teams (content, recognition) are queued by the apps that decide them.
"""

from huey.contrib.djhuey import db_task

from passaparola.notifications import services
from passaparola.people.models import Person


@db_task(retries=3, retry_delay=30)
def send_login_code(email: str) -> None:
    """Make a one-time login code for the active account with this address and email it.

    The web request queues this for every address asked, known or not, so that both answers
    cost the same and their timing does not tell whether an account exists. The code itself
    never travels through the queue.
    """
    person = Person.objects.filter(email__iexact=email, is_active=True).first()
    if person is not None:
        services.login_code_send(person=person)


@db_task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> None:
    """Email a notification once, branded and in the person's language."""
    services.notification_email_send(notification_id=notification_id)


@db_task(retries=5, retry_delay=60)
def deliver_webhook(delivery_id: int) -> None:
    """Post one message to a Slack or Teams webhook; retried when the endpoint fails."""
    services.webhook_deliver(delivery_id=delivery_id)
