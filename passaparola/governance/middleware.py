"""Members accept the current social media policy before they use the platform."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from passaparola.governance.selectors import policy_pending_for

# Paths that stay open to a person who has not accepted yet: reading and accepting the policy,
# logging in and out, the language switch, assets, short links and joining the programme.
EXEMPT_NAMES = [
    "governance:policy",
    "governance:policy_accept",
    "accounts:login",
    "accounts:logout",
    "accounts:language",
    "accounts:code_request",
    "accounts:code_login",
    "accounts:sso_start",
    "accounts:sso_callback",
    "accounts:account_leave",
    "accounts:account_export",
]
EXEMPT_PREFIXES = [
    "/s/",
    "/healthz",
    "/favicon.ico",
    "/admin/",
    "/invitations/accept/",
    "/invitations/o/",
    "/join/",
    # One-click unsubscribe works for anyone holding the link, accepted policy or not.
    "/notifications/unsubscribe/",
]


class PolicyAcceptanceMiddleware:
    """Send a logged-in person to the policy page until they accept its current version."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt(self) -> tuple[str, ...]:
        if self._exempt is None:
            prefixes = [settings.STATIC_URL, settings.MEDIA_URL, *EXEMPT_PREFIXES]
            names = [reverse(name, urlconf=settings.ROOT_URLCONF) for name in EXEMPT_NAMES]
            self._exempt = tuple(prefixes + names)
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The path first: exempt requests (short links above all) never load the session.
        if request.path.startswith(self.exempt()):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if policy_pending_for(user) is None:
            return self.get_response(request)
        target = reverse("governance:policy", urlconf=settings.ROOT_URLCONF)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            # htmx would swap the policy page into a fragment: ask for a full navigation.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
