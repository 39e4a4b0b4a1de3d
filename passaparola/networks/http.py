"""The HTTP transport every provider uses: urllib3, no automatic retries, typed errors.

Retries belong to the worker, which knows whether a post may already have gone out, so this
layer never retries on its own. A timeout after the request was sent is `Uncertain`.
"""

import ipaddress
import json
import logging
import socket
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from django.conf import settings
from django.utils import timezone
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from passaparola.lib.fetch import FetchError, pinned_pool
from passaparola.networks.base import (
    AuthExpired,
    RateLimited,
    Rejected,
    Transient,
    Uncertain,
)

logger = logging.getLogger(__name__)

USER_AGENT = "Passaparola (+https://github.com/passaparola) urllib3"
_pool = urllib3.PoolManager(retries=False, headers={"User-Agent": USER_AGENT})


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """Return the JSON body, or an empty dict when there is none or it is not JSON."""
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}

    def header(self, name: str) -> str:
        """Return a response header, case-insensitively."""
        return self.headers.get(name.lower(), "")


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Response:
    """Send one request and return the answer; raise Transient/Uncertain when there is none."""
    headers = dict(headers or {})
    headers.setdefault("Accept", "application/json")
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    timeout = urllib3.Timeout(connect=5.0, read=float(settings.SHARING_HTTP_TIMEOUT))
    try:
        if settings.SHARING_ALLOW_PRIVATE_HOSTS:
            raw = _pool.request(
                method, url, body=body, headers=headers, timeout=timeout, redirect=False
            )
        else:
            # People name their own servers (Mastodon, Bluesky): connect only to the public
            # address we checked, never to whatever the name resolves to a moment later.
            try:
                pool, host, path = pinned_pool(url)
            except FetchError as error:
                raise Rejected(str(error)) from error
            headers.setdefault("User-Agent", USER_AGENT)
            headers["Host"] = host
            raw = pool.request(
                method, path, body=body, headers=headers, timeout=timeout, redirect=False
            )
    except ReadTimeoutError as error:
        raise Uncertain("no answer in time; the post may have gone out") from error
    except (ConnectTimeoutError, NewConnectionError) as error:
        raise Transient("could not connect") from error
    except ProtocolError as error:
        # The connection dropped: the request may or may not have been processed.
        raise Uncertain("the connection was cut") from error
    except HTTPError as error:
        raise Transient(str(error)) from error
    return Response(
        status=raw.status,
        headers={key.lower(): value for key, value in raw.headers.items()},
        body=raw.data,
    )


def retry_after_seconds(response: Response, *reset_headers: str) -> int:
    """Return how long to wait after a 429, from Retry-After or a reset header, at least 1 s."""
    now = timezone.now()
    for name in ("retry-after", *reset_headers):
        value = response.header(name).strip()
        if not value:
            continue
        if value.isdigit():
            number = int(value)
            # Epoch seconds (X, Bluesky) are large; delays (Retry-After) are small.
            seconds = number - int(now.timestamp()) if number > 1_000_000_000 else number
            return max(1, seconds)
        try:
            when = parsedate_to_datetime(value)  # HTTP date
        except (TypeError, ValueError):
            try:
                when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
        return max(1, int((when - now).total_seconds()))
    return 60


def exhausted_for(response: Response, remaining_header: str, reset_header: str) -> int:
    """Return the seconds to wait when a good answer says no request is left, else 0."""
    if response.header(remaining_header).strip() != "0":
        return 0
    return retry_after_seconds(response, reset_header)


def raise_for_status(response: Response, *reset_headers: str) -> None:
    """Turn the common failures into typed errors: 401, 429, 5xx and other 4xx."""
    if response.status < 400:
        return
    message = describe(response)
    if response.status == 401:
        raise AuthExpired(message, status=401)
    if response.status == 429:
        raise RateLimited(
            message, retry_after=retry_after_seconds(response, *reset_headers), status=429
        )
    if response.status >= 500:
        raise Transient(message, status=response.status)
    raise Rejected(message, status=response.status)


def describe(response: Response) -> str:
    """Return the network's own words for an error, short enough to show and store."""
    data = response.json()
    if isinstance(data, dict):
        for key in ("detail", "message", "error_description", "error", "title"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value[:300]
    return f"HTTP {response.status}"


def check_public_host(host: str) -> None:
    """Refuse servers on private, loopback or link-local addresses (we call them server-side)."""
    if settings.SHARING_ALLOW_PRIVATE_HOSTS:
        return
    hostname = urlsplit(f"//{host}").hostname or ""
    try:
        infos = socket.getaddrinfo(hostname, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise Rejected("this server cannot be found") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        if not address.is_global:
            raise Rejected("this server is not on the public internet")
