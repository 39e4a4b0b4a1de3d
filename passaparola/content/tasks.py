"""Background jobs of the content step: thin wrappers around the services."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from passaparola.content.models import Suggestion
from passaparola.content.services import post_image_download, source_poll, sources_claim_due
from passaparola.programme.selectors import programme_get


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
    if suggestion is None or suggestion.state == Suggestion.State.PENDING:
        return
    person = suggestion.person
    programme = programme_get()
    with translation.override(person.language or programme.default_language):
        context = {"person": person, "suggestion": suggestion, "programme": programme}
        subject = render_to_string("content/email/suggestion_subject.txt", context).strip()
        text = render_to_string("content/email/suggestion.txt", context)
    send_mail(subject, text, None, [person.email])
