"""Awarding points: the ledger only grows, and each award happens once."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.people.models import Person
from passaparola.recognition.models import PointsEntry


def points_award(
    *,
    person: Person,
    action: str,
    points: int,
    key: str,
    post: Post | None = None,
    network: str = "",
    at: datetime | None = None,
) -> PointsEntry | None:
    """Add points for an action once; return None when `key` was already awarded."""
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(
                person=person,
                action=action,
                points=points,
                key=key,
                post=post,
                network=network,
                created_at=at or timezone.now(),
            )
    except IntegrityError:
        return None
