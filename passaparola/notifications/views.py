from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from passaparola.notifications.emails import unsubscribe_token_read
from passaparola.notifications.forms import PreferencesForm, WebhookForm
from passaparola.notifications.models import EmailKind
from passaparola.notifications.selectors import (
    access_notification_by_person,
    access_webhook_by_person,
    notifications_for,
    preference_get,
    webhooks_all,
)
from passaparola.notifications.services import (
    email_kind_turn_off,
    notifications_mark_read,
    preferences_update,
    webhook_create,
    webhook_delete,
)
from passaparola.people.access import can_manage_programme
from passaparola.people.http import AuthedRequest
from passaparola.people.models import Person


@login_required
def centre(request: AuthedRequest) -> HttpResponse:
    """A person's own notifications, newest first."""
    notifications = notifications_for(request.user)
    unread = sum(1 for notification in notifications if notification.read_at is None)
    return render(
        request,
        "notifications/centre.html",
        {
            "notifications": notifications,
            "unread": unread,
            "can_manage": can_manage_programme(request.user),
        },
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


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    """A person's own notification settings: digest frequency and which emails they get."""
    me = request.user
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, instance=preference_get(me)
    )
    if request.method == "POST" and form.is_valid():
        preferences_update(
            person=me,
            digest_frequency=form.cleaned_data["digest_frequency"],
            email_digest=form.cleaned_data["email_digest"],
            email_recognition=form.cleaned_data["email_recognition"],
            email_reminders=form.cleaned_data["email_reminders"],
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "can_manage": can_manage_programme(me)},
    )


# Mail providers POST here without a CSRF token (RFC 8058); the signed token is the credential.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Turn one kind of email off from the link in an email, without logging in."""
    found = unsubscribe_token_read(token)
    person = None
    if found is not None:
        person = Person.objects.filter(pk=found[0], is_active=True).first()
    if found is None or person is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    kind = EmailKind(found[1])
    done = request.method == "POST"
    if done:
        # A link checker may open the link (GET); only the button or the mail client's
        # one-click POST turns the email off.
        email_kind_turn_off(person=person, kind=kind)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": kind, "done": done, "token": token, "person": person},
    )


@login_required
def webhooks(request: AuthedRequest) -> HttpResponse:
    """Slack and Microsoft Teams webhooks, for programme managers."""
    if not can_manage_programme(request.user):
        raise Http404
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        webhook_create(
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            url=form.cleaned_data["url"],
            on_posts=form.cleaned_data["on_posts"],
            on_kudos=form.cleaned_data["on_kudos"],
        )
        messages.success(request, _("The webhook is added."))
        return redirect("notifications:webhooks")
    return render(
        request, "notifications/webhooks.html", {"form": form, "endpoints": webhooks_all()}
    )


@login_required
@require_POST
def webhook_delete_view(request: AuthedRequest, endpoint_id: int) -> HttpResponse:
    """Remove a webhook."""
    endpoint = access_webhook_by_person(request.user, endpoint_id)
    webhook_delete(endpoint=endpoint)
    messages.success(request, _("The webhook is removed."))
    return redirect("notifications:webhooks")
