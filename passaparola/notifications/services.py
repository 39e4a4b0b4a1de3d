"""Creating notifications, once per key, in the person's own language."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from passaparola.notifications.models import Notification
from passaparola.people.models import Person
from passaparola.programme.services import programme_get


def language_of(person: Person) -> str:
    """Return the language a person reads messages in."""
    return person.language or programme_get().default_language


@contextmanager
def in_language_of(person: Person) -> Iterator[None]:
    """Write what follows in the person's language."""
    with translation.override(language_of(person)):
        yield


@transaction.atomic
def notification_send(
    *,
    person: Person,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str | None = None,
    email: bool = False,
) -> Notification | None:
    """Notify a person (and email them after commit); return None when `key` was used before."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                person=person,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url[:300],
                key=key,
                email_wanted=email,
            )
    except IntegrityError:
        if key is not None and Notification.objects.filter(key=key).exists():
            return None
        raise
    if email:
        # Imported here: tasks import this module's helpers.
        from passaparola.notifications.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email(notification.pk))
    return notification


@transaction.atomic
def notifications_mark_read(*, person: Person, notification_id: int | None = None) -> int:
    """Mark one of the person's notifications, or all of them, as read."""
    unread = Notification.objects.filter(person=person, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
