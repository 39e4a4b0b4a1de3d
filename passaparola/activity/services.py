"""Recording what people do, one activity per step of the data flow."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from passaparola.activity.models import Activity, Verb

if TYPE_CHECKING:
    from passaparola.content.models import Post
    from passaparola.people.models import Person


def activity_record(
    *,
    person: "Person",
    verb: Verb,
    post: "Post | None" = None,
    network: str = "",
    at: datetime | None = None,
) -> Activity:
    """Record that a person took a step."""
    return Activity.objects.create(
        person=person, verb=verb, post=post, network=network, created_at=at or timezone.now()
    )
