"""Where to go after a form: the `next` address a page carries, only ever as a local URL.

A `next` value comes from the browser, so it is read as an address and nothing else: never
as a view name (Django's `redirect()` would try to reverse "welcome" and fail), never on
another host or scheme, never as a protocol-relative or backslash trick.
"""

from urllib.parse import urlsplit

from django.core.exceptions import DisallowedRedirect
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

MAX_NEXT_LENGTH = 2000


def next_url(request: HttpRequest, candidate: str | None = None) -> str:
    """Return the local address to go to next, or "" when the candidate is not one.

    Without a candidate it is read from the form, then from the query string.
    """
    if candidate is None:
        candidate = request.POST.get("next") or request.GET.get("next") or ""
    target = candidate.strip()
    if (
        not target
        or len(target) > MAX_NEXT_LENGTH
        or not target.startswith("/")
        or "\x00" in target
        or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return ""
    return target


def redirect_next(
    request: HttpRequest, default: str = "content:feed", candidate: str | None = None
) -> HttpResponseRedirect:
    """Redirect to the safe `next` address, or to `default` (a view name or a path)."""
    return HttpResponseRedirect(next_url(request, candidate) or resolve_url(default))


def leave_for(
    request: HttpRequest,
    target: str,
    destination: str,
    schemes: tuple[str, ...] = ("https", "mailto"),
) -> HttpResponse:
    """Send the browser on to another site after a form, as a page rather than a redirect.

    The content security policy allows forms to post only to this site (`form-action 'self'`),
    and browsers apply that to where a form's redirect leads too. So the answer is a short page
    with a `Refresh` header, which browsers follow as a new navigation, and a link to follow by
    hand if they do not (a mail client that will not open, say).
    """
    if urlsplit(target).scheme.lower() not in schemes or any(c in target for c in "\r\n"):
        raise DisallowedRedirect(f"Unsafe redirect to URL with scheme {urlsplit(target).scheme!r}")
    response = render(request, "leaving.html", {"target": target, "destination": destination})
    response["Refresh"] = f"0;url={target}"
    response["Cache-Control"] = "no-store"
    return response
