"""The short-link domain serves the redirect and a tiny page for anything else, nothing more."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ShortLinkHostMiddleware:
    """On the short-link domain (SHORT_LINK_URL), route with the short-link URLconf only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        short = (urlsplit(settings.SHORT_LINK_URL).hostname or "").lower()
        site = (urlsplit(settings.SITE_URL).hostname or "").lower()
        self.short_host = short if short != site else ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.short_host and request.get_host().rsplit(":", 1)[0].lower() == self.short_host:
            request.urlconf = "passaparola.tracking.short_urls"  # type: ignore[attr-defined]
        return self.get_response(request)
