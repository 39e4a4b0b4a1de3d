"""Background jobs of the content step: thin wrappers around the services."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passaparola.content.models import Suggestion
from passaparola.content.selectors import digests_due
from passaparola.content.services import (
    digest_send,
    post_announcements_queue,
    post_image_download,
    source_poll,
    sources_claim_due,
    suggestion_decision_send,
)
from passaparola.notifications.tasks import deliver_webhook
from passaparola.people.models import Person


@db_periodic_task(crontab(minute="*"))
def poll_sources() -> None:
    """Every minute, hand each source that is due to a worker of its own."""
    for source_id in sources_claim_due():
        poll_source(source_id)


@db_task()
def poll_source(source_id: int) -> None:
    """Read one source's feed and import what is new."""
    source_poll(source_id=source_id)


@db_task(retries=2, retry_delay=60)
def download_post_image(post_id: int, url: str) -> None:
    """Keep the platform's own copy of a post's image, so browsers never load it elsewhere."""
    post_image_download(post_id=post_id, url=url)


@db_task(retries=3, retry_delay=30)
def send_suggestion_decision(suggestion_id: int) -> None:
    """Email a person that an editor accepted or declined their suggestion, in their language."""
    suggestion = Suggestion.objects.select_related("person").filter(pk=suggestion_id).first()
    if suggestion is not None:
        suggestion_decision_send(suggestion=suggestion)


@db_periodic_task(crontab(minute="5"))
def send_digests() -> None:
    """Every hour: queue the digest of everyone whose daily or weekly period has come."""
    for person_id, period in digests_due(timezone.now()):
        send_digest(person_id, period)


@db_task(retries=3, retry_delay=300)
def send_digest(person_id: int, period: str) -> None:
    """Send one person's digest for one period (at most once: see services.digest_send)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is not None:
        digest_send(person=person, period=period)


@db_periodic_task(crontab(minute="*"))
def announce_posts() -> None:
    """Every minute: tell the Slack and Teams channels about new posts for everyone."""
    for delivery_id in post_announcements_queue():
        deliver_webhook(delivery_id)
