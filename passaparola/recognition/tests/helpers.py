"""Small builders shared by the recognition tests."""

from datetime import datetime

from django.utils import timezone

from passaparola.activity.models import Activity
from passaparola.content.models import Post
from passaparola.people.models import Person
from passaparola.sharing.models import ShortLink
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.tracking.models import Click


def act(
    person: Person,
    verb: str,
    count: int = 1,
    *,
    at: datetime | None = None,
    post: Post | None = None,
    network: str = "",
) -> None:
    """Record `count` activities of one kind for a person."""
    Activity.objects.bulk_create(
        Activity(
            person=person, verb=verb, post=post, network=network, created_at=at or timezone.now()
        )
        for _ in range(count)
    )


def link_for(person: Person, post: Post, network: str = "linkedin") -> ShortLink:
    return shortlink_get_or_create(person=person, post=post, network=network)


def visits(link: ShortLink, count: int, *, at: datetime, bot: bool = False) -> None:
    """Record `count` visits through a short link at a moment."""
    Click.objects.bulk_create(
        Click(
            link=link,
            created_at=at,
            is_bot=bot,
            visitor=f"{index:032x}",
            user_agent="Twitterbot/1.0" if bot else "Mozilla/5.0",
        )
        for index in range(count)
    )
