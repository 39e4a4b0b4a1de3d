from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.lib.http import AuthedRequest
from passaparola.notifications.selectors import access_notification_by_person, notifications_for
from passaparola.notifications.services import notifications_mark_read


@login_required
def centre(request: AuthedRequest) -> HttpResponse:
    """A person's own notifications, newest first."""
    notifications = notifications_for(request.user)
    unread = sum(1 for notification in notifications if notification.read_at is None)
    return render(
        request,
        "notifications/centre.html",
        {"notifications": notifications, "unread": unread},
    )


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    """Mark every notification of the person as read."""
    notifications_mark_read(person=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:centre")


@login_required
@require_POST
def open_notification(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Mark one notification as read and go where it leads."""
    notification = access_notification_by_person(request.user, notification_id)
    notifications_mark_read(person=request.user, notification_id=notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:centre")
