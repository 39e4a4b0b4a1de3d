from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from passaparola.lib.bounds import FIRST_DAY, LAST_DAY
from passaparola.lib.jsonbody import JsonBodyError, json_object_read
from passaparola.lib.utm import add_param
from passaparola.people.access import can_manage_programme
from passaparola.people.http import AuthedRequest
from passaparola.people.throttle import Rule, throttle_hit
from passaparola.tracking.forms import ApiTokenForm, TrackingSettingsForm
from passaparola.tracking.models import ApiToken
from passaparola.tracking.selectors import (
    LinkTarget,
    api_tokens,
    conversions_recent,
    link_target,
    tracking_settings_get,
)
from passaparola.tracking.services import (
    LeadError,
    api_token_check,
    api_token_create,
    api_token_revoke,
    click_record,
    click_ref,
    client_ip,
    lead_from_server,
    lead_from_website,
    spool_waiting,
    tracking_settings_update,
)

LEAD_BODY_LIMIT = 4096
LEADS_PER_MINUTE = 30


def redirect_response(request: HttpRequest, target: LinkTarget) -> HttpResponse:
    """Answer the redirect for a known link; a GET is recorded first, a HEAD never."""
    location = target.target
    if request.method == "GET":
        click_id = click_record(target=target, meta=request.META)
        if target.click_param:
            location = add_param(
                location, target.click_param, click_ref(code=target.code, click_id=click_id)
            )
    response = HttpResponseRedirect(location)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


@require_safe
def redirect_view(request: HttpRequest, code: str) -> HttpResponse:
    """Send the visitor on to the post, recording the click first; HEAD is not counted."""
    target = link_target(code)
    if target is None:
        return render(request, "tracking/unknown_link.html", status=404)
    return redirect_response(request, target)


@require_safe
def short_redirect_view(request: HttpRequest, code: str) -> HttpResponse:
    """The redirect on the short-link domain, whose 404 page stands on its own."""
    target = link_target(code)
    if target is None:
        return short_not_found(request)
    return redirect_response(request, target)


def short_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The tiny page for anything but a known link on the short-link domain."""
    return render(
        request, "tracking/short_not_found.html", {"site_url": settings.SITE_URL}, status=404
    )


# Leads


def _json_body(request: HttpRequest) -> dict[str, object]:
    try:
        return json_object_read(request.body, max_bytes=LEAD_BODY_LIMIT)
    except JsonBodyError as error:
        raise LeadError(str(error)) from None


def _text(data: dict[str, object], name: str) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise LeadError(f"{name} must be a string")
    return str(value)


@csrf_exempt
@require_POST
def lead_postback(request: HttpRequest) -> JsonResponse:
    """Server-to-server: the company's systems report a lead with a bearer token."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    token = api_token_check(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return JsonResponse({"error": "a valid bearer token is required"}, status=401)
    try:
        data = _json_body(request)
        value = None
        if data.get("value") not in (None, ""):
            try:
                value = Decimal(str(data["value"])).quantize(Decimal("0.01"))
            except InvalidOperation as error:
                raise LeadError("value must be a number") from error
            if not value.is_finite() or abs(value) >= Decimal("1e10"):
                raise LeadError("value is out of range")
            if value < 0:
                raise LeadError("value must not be negative")
        at: datetime | None = None
        if data.get("occurred_at"):
            try:
                at = parse_datetime(_text(data, "occurred_at"))
            except ValueError:  # well formed, but no such day or time (2026-02-30)
                at = None
            if at is None or at.tzinfo is None or not FIRST_DAY <= at.date() <= LAST_DAY:
                raise LeadError("occurred_at must be an ISO 8601 time with a time zone")
        result = lead_from_server(
            token=token,
            external_id=_text(data, "external_id"),
            click=_text(data, "click"),
            link_code=_text(data, "link"),
            value=value,
            at=at,
        )
    except LeadError as error:
        return JsonResponse({"error": str(error)}, status=400)
    conversion = result.conversion
    return JsonResponse(
        {"id": conversion.pk, "state": conversion.state, "created": result.created},
        status=201 if result.created else 200,
    )


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Allow-Methods"] = "POST"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    response["Vary"] = "Origin"
    return response


# Counted in the database every web process shares (people/throttle.py), not in one process.
LEADS_PER_CLIENT = Rule("website-leads-client", limit=LEADS_PER_MINUTE, seconds=60)


@csrf_exempt
def lead_snippet(request: HttpRequest) -> HttpResponse:
    """The website snippet reports a lead for the click that brought the visitor."""
    origin = request.headers.get("Origin", "").strip().rstrip("/").lower()
    if origin not in tracking_settings_get().origins():
        return JsonResponse({"error": "this origin may not report leads"}, status=403)
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204), origin)
    if request.method != "POST":
        return _cors(JsonResponse({"error": "use POST"}, status=405), origin)
    wait = throttle_hit(LEADS_PER_CLIENT, client_ip(request.META))
    if wait:
        response = JsonResponse({"error": "too many leads, try later"}, status=429)
        response["Retry-After"] = str(wait)
        return _cors(response, origin)
    try:
        data = _json_body(request)
        result = lead_from_website(
            click=_text(data, "click"), external_id=_text(data, "external_id")
        )
    except LeadError as error:
        return _cors(JsonResponse({"error": str(error)}, status=400), origin)
    return _cors(
        JsonResponse({"state": result.conversion.state}, status=202 if result.created else 200),
        origin,
    )


# Settings page


def _manager(request: AuthedRequest) -> None:
    if not can_manage_programme(request.user):
        raise Http404


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    """Tracking settings, API tokens and the website snippet, for programme managers."""
    _manager(request)
    form = TrackingSettingsForm(
        request.POST if request.method == "POST" else None, instance=tracking_settings_get()
    )
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            tracking_settings_update(fields=changed)
        messages.success(request, _("The tracking settings are saved."))
        return redirect("tracking:settings")
    return _settings_page(request, form=form, token_form=ApiTokenForm())


def _settings_page(
    request: AuthedRequest,
    *,
    form: TrackingSettingsForm,
    token_form: ApiTokenForm,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "tracking/settings.html",
        {
            "form": form,
            "token_form": token_form,
            "tokens": api_tokens(),
            "secret": secret,
            "leads": conversions_recent(),
            "waiting": spool_waiting(),
            "snippet_url": settings.SITE_URL + settings.STATIC_URL + "tracking/passaparola.js",
            "postback_url": settings.SITE_URL + "/tracking/postback",
        },
        status=status,
    )


@login_required
@require_POST
def token_create_view(request: AuthedRequest) -> HttpResponse:
    """Create an API token and show its secret once."""
    _manager(request)
    token_form = ApiTokenForm(request.POST)
    form = TrackingSettingsForm(instance=tracking_settings_get())
    if not token_form.is_valid():
        return _settings_page(request, form=form, token_form=token_form, status=400)
    _token, secret = api_token_create(name=token_form.cleaned_data["name"], by=request.user)
    # Shown in this answer only: it is not kept anywhere but as a hash.
    return _settings_page(request, form=form, token_form=ApiTokenForm(), secret=secret)


@login_required
@require_POST
def token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke an API token."""
    _manager(request)
    token = get_object_or_404(ApiToken, pk=pk)
    api_token_revoke(token=token)
    messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
    return redirect("tracking:settings")
