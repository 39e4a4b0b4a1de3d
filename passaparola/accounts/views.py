import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate as auth_authenticate
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.accounts.forms import (
    CodeLoginForm,
    CodeRequestForm,
    DirectoryFilterForm,
    EraseForm,
    InterestsForm,
    LanguageForm,
    LeadershipForm,
    LeaveForm,
    PasswordLoginForm,
    ProfileForm,
    RoleForm,
)
from passaparola.accounts.privacy import ERASED_DOMAIN, person_erase, person_export_record
from passaparola.content.models import PersonInterest, Topic
from passaparola.content.selectors import feed_for
from passaparola.content.services import interests_set
from passaparola.governance.selectors import (
    policy_acceptance_of,
    policy_current,
    policy_pending_for,
)
from passaparola.invitations.models import Invitation, Wave
from passaparola.invitations.services import JoinRefused, person_join
from passaparola.lib.clients import client_ip
from passaparola.lib.redirects import next_url as lib_next_url
from passaparola.lib.redirects import redirect_next
from passaparola.notifications.forms import PreferencesForm
from passaparola.notifications.models import NotificationPreference
from passaparola.notifications.selectors import preference_get
from passaparola.notifications.services import preferences_update
from passaparola.notifications.tasks import send_login_code
from passaparola.people import sso
from passaparola.people.access import access_person_for_managing, can_manage_programme
from passaparola.people.http import AuthedRequest
from passaparola.people.models import Membership, Person, SsoIdentity
from passaparola.people.selectors import directory
from passaparola.people.services import (
    person_leadership_set,
    person_leave,
    person_profile_update,
    person_role_set,
    person_set_language,
    sso_identity_link,
)
from passaparola.people.throttle import Rule, throttle_hit, throttled_response
from passaparola.programme.selectors import programme_get
from passaparola.recognition.services import participation_pause, participation_resume
from passaparola.sharing.models import ConnectedAccount, Share

logger = logging.getLogger(__name__)
DIRECTORY_PAGE_SIZE = 50
# Asking for login codes: a mailbox gets at most 5 in 15 minutes, a client address 20.
CODE_REQUESTS_PER_ADDRESS = Rule("login-code-address", limit=5, seconds=15 * 60)
CODE_REQUESTS_PER_CLIENT = Rule("login-code-client", limit=20, seconds=15 * 60)


def _code_form(data: object = None) -> CodeRequestForm:
    # Its own ids, so each label on the login page leads to its own field.
    return CodeRequestForm(data, auto_id="code_%s")  # type: ignore[arg-type]


def _login_and_go(request: HttpRequest, person: Person) -> HttpResponse:
    login(request, person, backend="passaparola.people.backends.EmailBackend")
    response = redirect_next(request)
    if person.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language, samesite="Lax")
    return response


def _login_page(
    request: HttpRequest, form: PasswordLoginForm, sso_error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "code_form": _code_form(),
        "sso_enabled": sso.is_enabled(),
        "sso_name": settings.OIDC_PROVIDER_NAME,
        "sso_error": sso_error,
    }
    return render(request, "accounts/login.html", context, status=status)


def login_view(request: HttpRequest) -> HttpResponse:
    """Log in with email and password, or ask for a code by email."""
    if request.user.is_authenticated:
        return redirect("content:feed")
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = auth_authenticate(
            request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if person is not None:
            return _login_and_go(request, person)
        form.add_error(None, _("That email and password do not match an account."))
    return _login_page(request, form)


@require_POST
def code_request(request: HttpRequest) -> HttpResponse:
    """Email a one-time login code; the answer never reveals whether the account exists."""
    form = _code_form(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/login.html",
            {"form": PasswordLoginForm(), "code_form": form},
            status=400,
        )
    email = form.cleaned_data["email"].strip().lower()
    wait = throttle_hit(CODE_REQUESTS_PER_ADDRESS, email) + throttle_hit(
        CODE_REQUESTS_PER_CLIENT, client_ip(request.META)
    )
    if wait:
        return throttled_response(request, wait)
    # Known or not, the same work: the worker looks the address up, makes the code and sends it.
    send_login_code(email)
    return render(
        request,
        "accounts/code.html",
        {"form": CodeLoginForm(initial={"email": email}), "next": lib_next_url(request)},
    )


@require_POST
def code_login(request: HttpRequest) -> HttpResponse:
    """Log in with the one-time code from the email."""
    form = CodeLoginForm(request.POST)
    if form.is_valid():
        person = auth_authenticate(
            request, email=form.cleaned_data["email"], code=form.cleaned_data["code"]
        )
        if person is not None:
            return _login_and_go(request, person)
        form.add_error("code", _("This code is wrong or has expired. Ask for a new one."))
    return render(request, "accounts/code.html", {"form": form}, status=400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("accounts:login")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remembering it for a logged-in person."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect_next(request)
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        person_set_language(person=request.user, language=code)
    response = redirect_next(request)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response


# Single sign-on ------------------------------------------------------------------------------


def _sso_redirect_uri() -> str:
    return settings.SITE_URL + reverse("accounts:sso_callback")


def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the company's identity provider."""
    if not sso.is_enabled():
        raise Http404
    next_url = lib_next_url(request, request.GET.get("next", ""))
    try:
        target = sso.start(
            redirect_uri=_sso_redirect_uri(), session=request.session, next_url=next_url
        )
    except sso.SsoError as error:
        logger.warning("single sign-on could not start: %s", error)
        return _login_page(request, PasswordLoginForm(), str(error.message), status=502)
    return redirect(target)


def sso_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: check everything, then log the person in."""
    if not sso.is_enabled():
        raise Http404
    pending = sso.pop_pending(request.session, request.GET.get("state", ""))
    try:
        if pending is None:
            raise sso.SsoError(_("The sign-in expired or was already used. Please try again."))
        if request.GET.get("error") or not request.GET.get("code"):
            raise sso.SsoError(
                _("The sign-in was cancelled or refused."), request.GET.get("error", "no code")
            )
        identity = sso.complete(
            code=request.GET["code"], pending=pending, redirect_uri=_sso_redirect_uri()
        )
        person, created = _sso_person(identity)
    except sso.SsoError as error:
        logger.info("single sign-on refused: %s", error)
        return _login_page(request, PasswordLoginForm(), str(error.message), status=400)
    sso_identity_link(person=person, issuer=identity.issuer, subject=identity.subject)
    login(request, person, backend="passaparola.people.backends.EmailBackend")
    if created:
        response = redirect("accounts:welcome")
    else:
        response = redirect_next(request, candidate=str(pending.get("next") or ""))
    if person.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language, samesite="Lax")
    return response


def _sso_person(identity: sso.Identity) -> tuple[Person, bool]:
    """Return the person behind a verified identity, creating them where allowed."""
    known = (
        SsoIdentity.objects.select_related("person")
        .filter(issuer=identity.issuer, subject=identity.subject)
        .first()
    )
    person = known.person if known else Person.objects.filter(email__iexact=identity.email).first()
    if person is not None:
        if not person.is_active:
            raise sso.SsoError(_("This account is closed. Ask the programme manager."))
        return person, False
    domain = identity.email.rsplit("@", 1)[-1]
    invited = Invitation.objects.filter(
        email=identity.email, revoked_at__isnull=True, joined_at__isnull=True
    ).exists()
    if domain not in programme_get().allowed_domains() and not invited:
        raise sso.SsoError(
            _(
                "Accounts can be created only for company email addresses, and %(email)s is "
                "not one. Ask the programme manager for an invitation."
            )
            % {"email": identity.email}
        )
    try:
        person = person_join(
            email=identity.email, name=identity.name, language=get_language() or "", via="sso"
        )
    except JoinRefused:
        raise sso.SsoError(_("This account is closed. Ask the programme manager.")) from None
    return person, True


# My account ----------------------------------------------------------------------------------


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    """My account: name and language, taking part, my data, leaving."""
    me = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={"name": me.name, "language": me.language},
    )
    if request.method == "POST" and form.is_valid():
        person_profile_update(
            person=me, name=form.cleaned_data["name"], language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your details are saved."))
        response = redirect("accounts:account")
        if me.language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, me.language, samesite="Lax")
        return response
    context = {
        "form": form,
        "acceptances": policy_acceptance_of(me),
        "policy": policy_current(),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def account_pause(request: AuthedRequest) -> HttpResponse:
    """Pause taking part, or take part again."""
    if request.POST.get("paused") == "1":
        participation_pause(person=request.user)
        messages.success(
            request,
            _("You are paused: you are off the boards and get no nudges. Come back any time."),
        )
    else:
        participation_resume(person=request.user)
        messages.success(request, _("Welcome back: you take part again."))
    return redirect("accounts:account")


@login_required
def account_leave(request: AuthedRequest) -> HttpResponse:
    """Leave the programme, after a confirmation."""
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person_leave(person=request.user)
        logout(request)
        messages.info(request, _("You have left the programme. Thank you for taking part."))
        return redirect("accounts:login")
    return render(request, "accounts/leave.html", {"form": form})


def _export_response(person: Person, data: dict[str, object]) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{person.pk}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_export(request: AuthedRequest) -> HttpResponse:
    """Download everything the platform holds about me, as JSON."""
    data = person_export_record(person=request.user, by=request.user)
    return _export_response(request.user, data)


# Onboarding ----------------------------------------------------------------------------------


def _accounts_url() -> str:
    try:
        return reverse("sharing:accounts")
    except NoReverseMatch:
        return ""


@login_required
def welcome(request: AuthedRequest) -> HttpResponse:
    """The first steps, each ticked once done: the policy, interests, networks, notifications
    and a first share."""
    me = request.user
    context = {
        "policy": policy_current(),
        "policy_pending": policy_pending_for(me),
        "interests": PersonInterest.objects.filter(person=me).count(),
        "networks": ConnectedAccount.objects.filter(
            person=me, status=ConnectedAccount.Status.ACTIVE
        ).count(),
        "notifications_chosen": NotificationPreference.objects.filter(person=me).exists(),
        "shared": Share.objects.filter(person=me).exists(),
        "accounts_url": _accounts_url(),
    }
    return render(request, "accounts/welcome.html", context)


@login_required
def welcome_interests(request: AuthedRequest) -> HttpResponse:
    """Pick the topics you care about: your feed shows them first."""
    me = request.user
    chosen = Topic.objects.filter(interested__person=me)
    form = InterestsForm(
        request.POST if request.method == "POST" else None, initial={"topics": chosen}
    )
    if request.method == "POST" and form.is_valid():
        interests_set(person=me, topics=list(form.cleaned_data["topics"]))
        return redirect("accounts:welcome_networks")
    return render(request, "accounts/welcome_interests.html", {"form": form})


@login_required
def welcome_networks(request: AuthedRequest) -> HttpResponse:
    """Connect your networks, so sharing is one click."""
    return render(request, "accounts/welcome_networks.html", {"accounts_url": _accounts_url()})


@login_required
def welcome_notifications(request: AuthedRequest) -> HttpResponse:
    """Choose the digest and the emails you want, before anything is sent."""
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, instance=preference_get(request.user)
    )
    if request.method == "POST" and form.is_valid():
        preferences_update(
            person=request.user,
            digest_frequency=form.cleaned_data["digest_frequency"],
            email_digest=form.cleaned_data["email_digest"],
            email_recognition=form.cleaned_data["email_recognition"],
            email_reminders=form.cleaned_data["email_reminders"],
        )
        return redirect("accounts:welcome_share")
    return render(request, "accounts/welcome_notifications.html", {"form": form})


@login_required
def welcome_share(request: AuthedRequest) -> HttpResponse:
    """A first share: one post from your feed, and how sharing works."""
    post = feed_for(request.user).first()
    return render(request, "accounts/welcome_share.html", {"post": post})


# The people directory, for programme managers ------------------------------------------------


@login_required
def directory_view(request: AuthedRequest) -> HttpResponse:
    """Everyone in the programme: search, filter by team, role and wave."""
    if not can_manage_programme(request.user):
        raise Http404
    waves = [(str(pk), name) for pk, name in Wave.objects.values_list("pk", "name")]
    form = DirectoryFilterForm(request.GET or None, waves=[*waves, ("none", _("No wave"))])
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    people = directory(
        search=data.get("q", ""),
        team_id=data["team"].pk if data.get("team") else None,
        role=data.get("role", ""),
        wave=data.get("wave", ""),
        state=data.get("state", ""),
    )
    page = Paginator(people, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "total": people.count()}
    return render(request, "accounts/directory.html", context)


@login_required
def person_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    """One person for the programme manager: teams, invitation, policy, role, data."""
    person = access_person_for_managing(request.user, person_id)
    context = {
        "person": person,
        "memberships": Membership.objects.filter(person=person).select_related("team"),
        "invitation": Invitation.objects.filter(person=person).select_related("wave").first(),
        "acceptances": policy_acceptance_of(person),
        "role_form": RoleForm(initial={"role": person.role}),
        "leadership_form": LeadershipForm(initial={"is_leadership": person.is_leadership}),
        "is_self": person.pk == request.user.pk,
        "is_erased": person.email.endswith("@" + ERASED_DOMAIN),
    }
    return render(request, "accounts/person.html", context)


@login_required
@require_POST
def person_role(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Change someone's role."""
    person = access_person_for_managing(request.user, person_id)
    form = RoleForm(request.POST)
    if person.pk == request.user.pk:
        messages.error(
            request, _("You cannot change your own role; ask another programme manager.")
        )
    elif not person.is_active:
        messages.error(request, _("This person has left; their role cannot change."))
    elif form.is_valid():
        person_role_set(person=person, role=form.cleaned_data["role"], by=request.user)
        messages.success(request, _("The role is changed."))
    else:
        messages.error(request, _("Choose one of the roles."))
    return redirect("accounts:person", person_id=person.pk)


@login_required
@require_POST
def person_leadership(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Mark someone as leadership, or no longer."""
    person = access_person_for_managing(request.user, person_id)
    form = LeadershipForm(request.POST)
    if not person.is_active:
        messages.error(request, _("This person has left; their leadership cannot change."))
    elif form.is_valid():
        is_leadership = form.cleaned_data["is_leadership"]
        person_leadership_set(person=person, is_leadership=is_leadership, by=request.user)
        if is_leadership:
            messages.success(request, _("%(name)s now counts as leadership.") % {"name": person})
        else:
            messages.success(
                request, _("%(name)s no longer counts as leadership.") % {"name": person}
            )
    return redirect("accounts:person", person_id=person.pk)


@login_required
def person_export_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Download a person's data for them (a subject access request); audited."""
    person = access_person_for_managing(request.user, person_id)
    return _export_response(person, person_export_record(person=person, by=request.user))


@login_required
def person_erase_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Erase a person after the manager types their address; the figures stay the same."""
    person = access_person_for_managing(request.user, person_id)
    if person.pk == request.user.pk:
        messages.error(
            request, _("You cannot erase your own account; ask another programme manager.")
        )
        return redirect("accounts:person", person_id=person.pk)
    if person.email.endswith("@" + ERASED_DOMAIN):
        messages.info(request, _("This person is already erased."))
        return redirect("accounts:person", person_id=person.pk)
    form = EraseForm(request.POST if request.method == "POST" else None, expected=person.email)
    if request.method == "POST" and form.is_valid():
        person_erase(person=person, by=request.user)
        messages.success(
            request, _("The person is erased. Their shares and clicks still count, anonymously.")
        )
        return redirect("accounts:directory")
    return render(request, "accounts/erase.html", {"person": person, "form": form})
