from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate as auth_authenticate
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.notifications.tasks import send_login_code
from passaparola.people.forms import CodeLoginForm, CodeRequestForm, LanguageForm, PasswordLoginForm
from passaparola.people.models import Person
from passaparola.people.services import login_code_check, login_code_create, person_set_language


def _code_form(data: object = None) -> CodeRequestForm:
    # Its own ids, so each label on the login page leads to its own field.
    return CodeRequestForm(data, auto_id="code_%s")  # type: ignore[arg-type]


def _safe_next(request: HttpRequest, default: str = "content:feed") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(redirect(default).url)


def _login_and_go(request: HttpRequest, person: Person) -> HttpResponse:
    login(request, person, backend="passaparola.people.backends.EmailBackend")
    response = redirect(_safe_next(request))
    if person.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language, samesite="Lax")
    return response


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
            return _login_and_go(request, person)  # type: ignore[arg-type]
        form.add_error(None, _("That email and password do not match an account."))
    return render(request, "people/login.html", {"form": form, "code_form": _code_form()})


@require_POST
def code_request(request: HttpRequest) -> HttpResponse:
    """Email a one-time login code; the answer never reveals whether the account exists."""
    form = _code_form(request.POST)
    if not form.is_valid():
        return render(
            request,
            "people/login.html",
            {"form": PasswordLoginForm(), "code_form": form},
            status=400,
        )
    email = form.cleaned_data["email"].strip().lower()
    person = Person.objects.filter(email__iexact=email, is_active=True).first()
    if person is not None:
        code = login_code_create(person=person)
        send_login_code(person.pk, code)
    return render(
        request,
        "people/code.html",
        {"form": CodeLoginForm(initial={"email": email}), "next": request.POST.get("next", "")},
    )


@require_POST
def code_login(request: HttpRequest) -> HttpResponse:
    """Log in with the one-time code from the email."""
    form = CodeLoginForm(request.POST)
    if form.is_valid():
        person = login_code_check(email=form.cleaned_data["email"], code=form.cleaned_data["code"])
        if person is not None:
            return _login_and_go(request, person)
        form.add_error("code", _("This code is wrong or has expired. Ask for a new one."))
    return render(request, "people/code.html", {"form": form}, status=400)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("people:login")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remembering it for a logged-in person."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect(_safe_next(request))
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        person_set_language(person=request.user, language=code)  # type: ignore[arg-type]
    response = redirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response
