"""Reading a person's notifications."""

from django.http import Http404

from passaparola.notifications.models import Notification
from passaparola.people.models import Person


def notifications_for(person: Person, *, limit: int = 50) -> list[Notification]:
    """Return a person's latest notifications, newest first."""
    return list(Notification.objects.filter(person=person)[:limit])


def unread_count(person: Person) -> int:
    """Return how many of a person's notifications are unread."""
    return Notification.objects.filter(person=person, read_at__isnull=True).count()


def access_notification_by_person(person: Person, notification_id: int) -> Notification:
    """Return the person's own notification, or raise Http404."""
    notification = Notification.objects.filter(pk=notification_id, person=person).first()
    if notification is None:
        raise Http404
    return notification
