"""Recording what people do, one activity per step of the data flow."""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.activity.signals import activities_recorded

if TYPE_CHECKING:
    from passaparola.content.models import Post
    from passaparola.people.models import Person


def _announce(activities: list[Activity]) -> None:
    # After the commit, so listeners never see a step that is rolled back, and a listener
    # that fails (logged) cannot undo the step: its own catch-up job reads what it missed.
    def announce_activities() -> None:
        activities_recorded.send(sender=Activity, activities=activities)

    # A function, not a partial: Django names it (__qualname__) when it logs a failure.
    transaction.on_commit(announce_activities, robust=True)


@transaction.atomic
def activity_record(
    *,
    person: "Person",
    verb: Verb,
    post: "Post | None" = None,
    network: str = "",
    at: datetime | None = None,
    source_id: int | None = None,
) -> Activity:
    """Record that a person took a step."""
    activity = Activity.objects.create(
        person=person,
        verb=verb,
        post=post,
        network=network,
        created_at=at or timezone.now(),
        source_id=source_id,
    )
    _announce([activity])
    return activity


@transaction.atomic
def activities_record_many(*, activities: Sequence[Activity]) -> list[Activity]:
    """Record many steps at once (the click worker); one insert per thousand rows."""
    if not activities:
        return []
    created = Activity.objects.bulk_create(activities, batch_size=1000)
    _announce(created)
    return created
