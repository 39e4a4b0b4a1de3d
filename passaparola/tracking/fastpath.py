"""The redirect's fast path: a WSGI wrapper that answers cached short links before Django.

Every click from every network comes through /s/<code>. Once a process has seen a code (the
first visit goes through Django and fills the cache), later visits need no database, session,
language, CSRF or template work: this wrapper checks the host, records the click in the spool
and answers the 302 itself. Everything else (unknown or uncached codes, other methods, an
HTTPS redirect still to make, a day whose visitor salt this process has not read yet) goes
to Django unchanged.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from passaparola.tracking.selectors import CODE_RE, LinkTarget, link_target_cached
from passaparola.tracking.services import click_record, click_ref, salt_cached

PREFIX = "/s/"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Rules:
    """The settings the fast path needs, read once (settings lookups cost on every request)."""

    def __init__(self) -> None:
        self.enabled = settings.TRACKING_FAST_PATH
        self.forwarded_host = settings.USE_X_FORWARDED_HOST
        self.allowed_hosts = list(settings.ALLOWED_HOSTS)
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self.hosts: dict[str, bool] = {}

    def host_allowed(self, environ: dict[str, Any]) -> bool:
        if self.forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
            return False  # let Django apply its own rules to forwarded hosts
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        allowed = self.hosts.get(host)
        if allowed is None:
            domain, _port = split_domain_port(host)
            allowed = bool(domain) and validate_host(domain, self.allowed_hosts)
            if len(self.hosts) < 100:  # Host headers are few unless someone makes them up
                self.hosts[host] = allowed
        return allowed

    def secure_enough(self, environ: dict[str, Any]) -> bool:
        if not self.ssl_redirect:
            return True
        if self.proxy_ssl_header:
            name, value = self.proxy_ssl_header
            return str(environ.get(name, "")).split(",")[0].strip() == value
        return environ.get("wsgi.url_scheme") == "https"

    def cached_target(self, environ: dict[str, Any]) -> LinkTarget | None:
        """Return the cached link when the fast path may answer this request, else None."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return None
        code = path[len(PREFIX) :]
        if CODE_RE.fullmatch(code) is None:
            return None
        target = link_target_cached(code)
        if target is None or not self.host_allowed(environ) or not self.secure_enough(environ):
            return None
        if salt_cached(datetime.now(UTC).date()) is None:
            return None
        return target


def redirect_headers(location: str) -> list[tuple[str, str]]:
    """Return the headers of the redirect, as the Django view sends them."""
    return [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Location", location),
        ("Cache-Control", "private, no-store"),
        ("Referrer-Policy", "no-referrer-when-downgrade"),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Length", "0"),
    ]


class FastRedirect:
    """Wrap the Django WSGI application with the fast path for cached short links."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.rules = _Rules()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        target = self.rules.cached_target(environ) if self.rules.enabled else None
        if target is None:
            return self.app(environ, start_response)
        location = target.target
        if environ["REQUEST_METHOD"] == "GET":
            click_id = click_record(target=target, meta=environ)
            if target.click_param:
                # Both parts are letters, digits, "_" and "-": nothing to escape.
                base, hash_mark, fragment = location.partition("#")
                separator = "&" if "?" in base else "?"
                reference = click_ref(code=target.code, click_id=click_id)
                location = f"{base}{separator}{target.click_param}={reference}{hash_mark}{fragment}"
        start_response("302 Found", redirect_headers(location))
        return [b""]
