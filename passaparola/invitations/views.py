import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.invitations import csvimport, tasks
from passaparola.invitations.forms import (
    AcceptForm,
    ImportStartForm,
    ImportUploadForm,
    InvitationFilterForm,
    InvitationSettingsForm,
    InviteForm,
    SignupCodeForm,
    SignupForm,
    WaveForm,
)
from passaparola.invitations.models import ImportJob
from passaparola.invitations.selectors import (
    access_import_by_manager,
    access_invitation_by_manager,
    access_wave_by_manager,
    invitation_from_token,
    invitations_matching,
    recent_imports,
    signup_from_token,
    wave_figures,
)
from passaparola.invitations.services import (
    ImportNotAllowed,
    JoinRefused,
    import_create,
    import_start,
    invitation_create,
    invitation_mark_bounced,
    invitation_opened,
    invitation_resend,
    invitation_revoke,
    invitation_settings_get,
    invitation_settings_update,
    open_link_rotate,
    person_join,
    signup_confirm_code,
    signup_confirm_link,
    signup_request_create,
    wave_create,
    wave_send,
)
from passaparola.lib.clients import client_ip
from passaparola.people.access import can_manage_programme
from passaparola.people.http import AuthedRequest
from passaparola.people.models import Person
from passaparola.people.throttle import Rule, throttle_hit, throttled_response
from passaparola.programme.selectors import programme_get

PAGE_SIZE = 25
ERRORS_PAGE_SIZE = 50
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
TEMPLATE_CSV = (
    "name,email,teams,role,location,seniority,wave,language\r\n"
    "Maria Rossi,maria.rossi@example.com,Sales|Marketing,member,Milan,Senior,Pilot,it\r\n"
)


# The company invite link is open to anyone who has it: a client address may ask for 20
# sign-ups and try 20 codes in 15 minutes, an address 10 codes (each code allows 5 tries).
SIGNUPS_PER_CLIENT = Rule("signup-client", limit=20, seconds=15 * 60)
SIGNUP_CODES_PER_CLIENT = Rule("signup-code-client", limit=20, seconds=15 * 60)
SIGNUP_CODES_PER_ADDRESS = Rule("signup-code-address", limit=10, seconds=15 * 60)


def _manager(request: AuthedRequest) -> None:
    if not can_manage_programme(request.user):
        raise Http404


def _join_and_log_in(request: HttpRequest, person: Person) -> HttpResponse:
    login(request, person, backend="passaparola.people.backends.EmailBackend")
    response = redirect("accounts:welcome")
    if person.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language, samesite="Lax")
    return response


# For programme managers ----------------------------------------------------------------------


@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    """Invitations by wave: sent, opened, joined, bounced; the list with its actions."""
    _manager(request)
    form = InvitationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    invitations = invitations_matching(
        wave=filters.get("wave", ""), status=filters.get("status", ""), search=filters.get("q", "")
    )
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "figures": wave_figures(),
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "wave_form": WaveForm(),
        "invite_settings": invitation_settings_get(),
    }
    return render(request, "invitations/overview.html", context)


@login_required
def invite_new(request: AuthedRequest) -> HttpResponse:
    """Invite one person."""
    _manager(request)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = invitation_create(
            by=request.user,
            email=data["email"],
            name=data["name"],
            role=data["role"],
            teams=list(data["teams"]),
            wave=data["wave"],
            language=data["language"],
        )
        if data["send_now"]:
            tasks.send_invitations([invitation.pk], "invitation")
            messages.success(request, _("The invitation is on its way."))
        else:
            messages.success(request, _("The invitation is saved; send it with its wave."))
        return redirect("invitations:overview")
    return render(request, "invitations/invite.html", {"form": form})


@login_required
@require_POST
def wave_new(request: AuthedRequest) -> HttpResponse:
    """Add a wave."""
    _manager(request)
    form = WaveForm(request.POST)
    if form.is_valid():
        wave_create(name=form.cleaned_data["name"])
        messages.success(request, _("The wave is added."))
    else:
        for error in form.errors.get("name", []):
            messages.error(request, str(error))
    return redirect("invitations:overview")


@login_required
@require_POST
def wave_send_view(request: AuthedRequest, wave_id: int | None = None) -> HttpResponse:
    """Send the invitations of a wave that have not gone out yet."""
    _manager(request)
    wave = access_wave_by_manager(request.user, wave_id) if wave_id is not None else None
    ids = wave_send(wave=wave, by=request.user)
    tasks.send_many(ids, "invitation")
    messages.success(request, _("%(count)s invitations are on their way.") % {"count": len(ids)})
    return redirect("invitations:overview")


@login_required
@require_POST
def resend(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    """Send an open invitation again."""
    invitation = access_invitation_by_manager(request.user, invitation_id)
    if not invitation.is_open:
        messages.error(request, _("This invitation was accepted or revoked; it cannot be sent."))
        return redirect("invitations:overview")
    invitation_resend(invitation=invitation, by=request.user)
    tasks.send_invitations([invitation.pk], "resend")
    messages.success(request, _("The invitation is sent again."))
    return redirect("invitations:overview")


@login_required
@require_POST
def revoke(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    """Withdraw an invitation."""
    invitation = access_invitation_by_manager(request.user, invitation_id)
    invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation is revoked: its link no longer works."))
    return redirect("invitations:overview")


@login_required
@require_POST
def bounced(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    """Record that the invitation's mail bounced."""
    invitation = access_invitation_by_manager(request.user, invitation_id)
    invitation_mark_bounced(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation is marked as bounced; no reminder will go."))
    return redirect("invitations:overview")


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    """Reminders, link validity and the company invite link."""
    _manager(request)
    current = invitation_settings_get()
    form = InvitationSettingsForm(
        request.POST if request.method == "POST" else None, instance=current
    )
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            invitation_settings_update(by=request.user, fields=changed)
        messages.success(request, _("The invitation settings are saved."))
        return redirect("invitations:settings")
    context = {
        "form": form,
        "link": settings.SITE_URL + reverse("invitations:join", args=[current.open_link_key]),
        "open_link_enabled": current.open_link_enabled,
        "domains": sorted(programme_get().allowed_domains()),
    }
    return render(request, "invitations/settings.html", context)


@login_required
@require_POST
def link_rotate(request: AuthedRequest) -> HttpResponse:
    """Give the invite link a new address."""
    _manager(request)
    open_link_rotate(by=request.user)
    messages.success(request, _("The invite link has a new address; the old one stopped working."))
    return redirect("invitations:settings")


@login_required
def import_upload(request: AuthedRequest) -> HttpResponse:
    """Upload a CSV file of people to invite; it is checked before anything is imported."""
    _manager(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_create(by=request.user, filename=upload.name, data=upload.read())
        except csvimport.ImportFileError as problem:
            form.add_error("file", csvimport.message_for(problem.as_error()))
        else:
            tasks.check_import(job.pk)
            return redirect("invitations:import", job_id=job.pk)
    context = {"form": form, "imports": recent_imports()}
    return render(
        request, "invitations/import_upload.html", context, status=400 if form.errors else 200
    )


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    """A CSV file with the columns and one example row."""
    _manager(request)
    response = HttpResponse(TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-to-invite.csv"'
    return response


def _error_rows(job: ImportJob, page_number: str | None) -> object:
    page = Paginator(job.errors, ERRORS_PAGE_SIZE).get_page(page_number)
    page.object_list = [
        {
            "row": error.get("row"),
            "column": error.get("column"),
            "message": csvimport.message_for(error),
        }
        for error in page.object_list
    ]
    return page


@login_required
def import_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    """An import: its progress, the errors by row, and the choice to import."""
    job = access_import_by_manager(request.user, job_id)
    context = {
        "job": job,
        "errors": _error_rows(job, request.GET.get("page")),
        "start_form": ImportStartForm(),
        "valid_only_form": ImportStartForm(initial={"valid_only": True}, auto_id="valid_%s"),
        "more_errors": job.error_rows > len(job.errors),
    }
    return render(request, "invitations/import_detail.html", context)


@login_required
def import_progress(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The progress bar, polled by htmx while the worker checks or imports."""
    job = access_import_by_manager(request.user, job_id)
    response = render(request, "invitations/_import_progress.html", {"job": job})
    if not job.is_running and request.headers.get("HX-Request"):
        # Done: reload the page to show the errors or the result.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_start_view(request: AuthedRequest, job_id: int) -> HttpResponse:
    """Import a checked file: all of it when it has no errors, or its valid rows on request."""
    job = access_import_by_manager(request.user, job_id)
    form = ImportStartForm(request.POST)
    if not form.is_valid():
        return redirect("invitations:import", job_id=job.pk)
    try:
        job = import_start(
            job=job,
            by=request.user,
            valid_only=form.cleaned_data["valid_only"],
            send_now=form.cleaned_data["send_now"],
        )
    except ImportNotAllowed:
        messages.error(
            request,
            _("This file has errors: fix them and upload it again, or import the valid rows only."),
        )
        return redirect("invitations:import", job_id=job.pk)
    tasks.run_import(job.pk)
    return redirect("invitations:import", job_id=job.pk)


# For the people invited ----------------------------------------------------------------------


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: confirm your name and join."""
    invitation = invitation_from_token(token)
    if invitation is None or invitation.revoked_at:
        return render(request, "invitations/link_invalid.html", status=404)
    if request.method == "GET":
        invitation_opened(invitation=invitation)
    if invitation.joined_at:
        return render(request, "invitations/link_used.html", status=410)
    form = AcceptForm(
        request.POST if request.method == "POST" else None, initial={"name": invitation.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = person_join(
                email=invitation.email,
                name=form.cleaned_data["name"],
                language=invitation.language or get_language() or "",
                via="invitation",
            )
        except JoinRefused:
            return render(request, "invitations/account_closed.html", status=403)
        return _join_and_log_in(request, person)
    return render(request, "invitations/accept.html", {"form": form, "invitation": invitation})


def pixel(request: HttpRequest, token: str) -> HttpResponse:
    """A one-pixel image in the invitation email that tells us it was opened."""
    invitation = invitation_from_token(token, check_age=False)
    if invitation is not None:
        invitation_opened(invitation=invitation, now=timezone.now())
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


def join(request: HttpRequest, key: str) -> HttpResponse:
    """The company invite link: join with a work address, confirmed by an emailed code."""
    current = invitation_settings_get()
    domains = programme_get().allowed_domains()
    if not current.open_link_enabled or key != current.open_link_key or not domains:
        return render(request, "invitations/link_invalid.html", status=404)
    if request.method == "POST":
        wait = throttle_hit(SIGNUPS_PER_CLIENT, client_ip(request.META))
        if wait:
            return throttled_response(request, wait)
    form = SignupForm(request.POST if request.method == "POST" else None, domains=domains)
    if request.method == "POST" and form.is_valid():
        signup = signup_request_create(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            language=get_language() or "",
        )
        if signup is None:
            form.add_error(None, _("Too many requests for this address. Try again in an hour."))
        else:
            tasks.send_signup_code(signup.pk)
            code_form = SignupCodeForm(initial={"email": signup.email})
            return render(request, "invitations/signup_code.html", {"form": code_form})
    return render(
        request,
        "invitations/join.html",
        {"form": form, "domains": sorted(domains)},
        status=400 if form.errors else 200,
    )


@require_POST
def signup_code(request: HttpRequest) -> HttpResponse:
    """Confirm the address with the code from the email."""
    form = SignupCodeForm(request.POST)
    wait = throttle_hit(
        SIGNUP_CODES_PER_ADDRESS, str(request.POST.get("email", "")).strip().lower()[:254]
    ) + throttle_hit(SIGNUP_CODES_PER_CLIENT, client_ip(request.META))
    if wait:
        return throttled_response(request, wait)
    if form.is_valid():
        try:
            person = signup_confirm_code(
                email=form.cleaned_data["email"], code=form.cleaned_data["code"]
            )
        except JoinRefused:
            return render(request, "invitations/account_closed.html", status=403)
        if person is not None:
            return _join_and_log_in(request, person)
        form.add_error("code", _("This code is wrong or has expired. Ask for a new one."))
    return render(request, "invitations/signup_code.html", {"form": form}, status=400)


def signup_link(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm the address with the link from the email (a button, so mail scanners do not)."""
    signup = signup_from_token(token)
    if signup is None or signup.used_at or signup.expires_at <= timezone.now():
        return render(request, "invitations/link_invalid.html", status=404)
    if request.method == "POST":
        try:
            person = signup_confirm_link(signup=signup)
        except JoinRefused:
            return render(request, "invitations/account_closed.html", status=403)
        if person is None:
            return render(request, "invitations/link_invalid.html", status=404)
        return _join_and_log_in(request, person)
    return render(request, "invitations/signup_confirm.html", {"signup": signup})
