"""The one way the platform fetches a URL someone typed in: safe against server-side forgery.

Every hop (the first request and each redirect) is checked the same way:

- only http and https, no user name or password in the address;
- the host name is resolved once and the connection goes to the address that was checked
  (the socket is pinned to that IP; TLS still verifies the certificate for the host name), so
  a DNS answer that changes between the check and the connection cannot reach inside;
- every resolved address must be public: loopback, private, link-local (the cloud metadata
  service at 169.254.169.254), carrier-grade NAT, multicast, reserved, unspecified, IPv6
  unique-local and site-local, and IPv4 addresses hidden inside IPv6 (mapped, 6to4, Teredo,
  NAT64) are refused. Loopback is allowed only when the test-only setting
  FETCH_ALLOW_LOOPBACK is on;
- at most MAX_REDIRECTS redirects, connect and read timeouts plus a deadline for the whole
  body, a size cap enforced while streaming, and the content type checked before reading.
"""

import ipaddress
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NAT64 prefixes carry an IPv4 address in their last 32 bits (RFC 6052, RFC 8215).
NAT64_NETWORKS = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
)
# Not all of these are caught by Python's is_private / is_global in every version.
EXTRA_BLOCKED = (
    ipaddress.IPv4Network("100.64.0.0/10"),  # carrier-grade NAT
    ipaddress.IPv4Network("0.0.0.0/8"),
    ipaddress.IPv4Network("192.0.0.0/24"),
    ipaddress.IPv4Network("198.18.0.0/15"),
    ipaddress.IPv4Network("240.0.0.0/4"),
    ipaddress.IPv6Network("fc00::/7"),  # unique local
    ipaddress.IPv6Network("fec0::/10"),  # site local (deprecated, still routable inside)
    ipaddress.IPv6Network("fe80::/10"),
    ipaddress.IPv6Network("2001:db8::/32"),
    ipaddress.IPv6Network("100::/64"),
)


@dataclass(frozen=True)
class Accept:
    """What a caller is ready to receive: media types, a size cap and an Accept header."""

    types: tuple[str, ...]
    max_bytes: int
    header: str
    suffixes: tuple[str, ...] = ()

    def allows(self, content_type: str) -> bool:
        return content_type in self.types or any(content_type.endswith(s) for s in self.suffixes)


PAGE = Accept(
    types=("text/html", "application/xhtml+xml"),
    max_bytes=1_000_000,
    header="text/html,application/xhtml+xml;q=0.9",
)
FEED = Accept(
    types=(
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "application/x-rdf+xml",
    ),
    max_bytes=2_000_000,
    header="application/atom+xml,application/rss+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8",
    suffixes=("+xml",),
)
IMAGE = Accept(
    types=("image/jpeg", "image/png", "image/gif", "image/webp"),
    max_bytes=5_000_000,
    header="image/jpeg,image/png,image/gif,image/webp",
)


class FetchError(Exception):
    """The address could not be fetched; the message can be shown to the person who typed it."""


class UnsafeURL(FetchError):
    """The address, or one it redirected to, is not one the platform may reach."""


@dataclass(frozen=True)
class FetchResponse:
    url: str  # the final address, after redirects
    status: int  # 200, or 304 for a conditional request that found nothing new
    content_type: str  # media type without parameters, lower case
    charset: str  # the charset parameter of Content-Type, "" when absent
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def address_is_public(ip: IPAddress, *, allow_loopback: bool = False) -> bool:
    """Return True when the address is one the platform may connect to."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            # A public site is never reached through a mapped address; refuse them all.
            return False
        embedded = _embedded_ipv4(ip)
        if embedded:
            # An IPv4 address carried inside IPv6 must pass the IPv4 rules itself.
            return all(address_is_public(inner) for inner in embedded)
    if ip.is_loopback:
        return allow_loopback
    if (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    return not any(ip in network for network in EXTRA_BLOCKED if network.version == ip.version)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return list(ip.teredo)
    for network in NAT64_NETWORKS:
        if ip in network:
            return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise FetchError(_("The address %(host)s could not be found.") % {"host": host}) from error
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        # Drop an IPv6 zone id ("fe80::1%eth0"): the address itself decides.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(_("The address %(host)s could not be found.") % {"host": host})
    return addresses


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as written, without brackets, lower case
    port: int
    path: str  # path and query
    host_header: str


def _parse(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(_("This is not a valid web address.")) from error
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UnsafeURL(_("Only http and https addresses can be fetched."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(_("Addresses with a user name or password are not fetched."))
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeURL(_("This is not a valid web address."))
    try:
        host = host.encode("idna").decode("ascii") if not _is_ip_literal(host) else host
    except UnicodeError as error:
        raise UnsafeURL(_("This is not a valid web address.")) from error
    default_port = 443 if scheme == "https" else 80
    port = port or default_port
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == default_port else f"{shown_host}:{port}"
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(scheme=scheme, host=host, port=port, path=path, host_header=host_header)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_url(url: str) -> None:
    """Raise UnsafeURL unless the address is http(s) and every address it resolves to is public."""
    target = _parse(url)
    _checked_address(target)


def _checked_address(target: _Target) -> IPAddress:
    allow_loopback = bool(getattr(settings, "FETCH_ALLOW_LOOPBACK", False))
    addresses = _resolve(target.host, target.port)
    # One bad answer is enough to refuse: a name that also points inside is not trusted.
    for address in addresses:
        if not address_is_public(address, allow_loopback=allow_loopback):
            raise UnsafeURL(_("This address points to a private or reserved network."))
    return addresses[0]


def _pool(target: _Target, address: IPAddress) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(
        connect=float(getattr(settings, "FETCH_CONNECT_TIMEOUT", 5)),
        read=float(getattr(settings, "FETCH_READ_TIMEOUT", 10)),
    )
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(
        str(address), target.port, timeout=timeout, retries=False, maxsize=1
    )


def pinned_pool(url: str) -> tuple[urllib3.HTTPConnectionPool, str, str]:
    """Return a pool connected to the checked address of `url`, with its Host header and path.

    For other server-side calls (APIs, webhooks): the name is resolved once, every answer must
    be public, and the connection goes to that address, so DNS cannot be re-pointed inside.
    """
    target = _parse(url)
    return _pool(target, _checked_address(target)), target.host_header, target.path


def _media_type(header: str) -> tuple[str, str]:
    media, _sep, params = header.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _eq, value = param.strip().partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def fetch(
    url: str,
    *,
    accept: Accept,
    etag: str = "",
    last_modified: str = "",
    extra_headers: Iterable[tuple[str, str]] = (),
) -> FetchResponse:
    """Fetch a URL safely (see the module docstring) and return its body, or raise FetchError."""
    deadline = time.monotonic() + float(getattr(settings, "FETCH_TOTAL_TIMEOUT", 20))
    headers = {
        "User-Agent": getattr(settings, "FETCH_USER_AGENT", "Passaparola"),
        "Accept": accept.header,
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    headers.update(dict(extra_headers))
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = _parse(current)
        address = _checked_address(target)
        pool = _pool(target, address)
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
            try:
                if response.status in REDIRECT_STATUSES:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchError(_("The site answered with a redirect to nowhere."))
                    current = urljoin(current, location.strip())
                    continue
                return _finish(current, response, accept, deadline)
            finally:
                response.release_conn()
        except urllib3.exceptions.SSLError as error:
            raise FetchError(_("The site's secure connection could not be verified.")) from error
        except (urllib3.exceptions.TimeoutError, TimeoutError) as error:
            raise FetchError(_("The site took too long to answer.")) from error
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(_("The site could not be reached.")) from error
        except OSError as error:
            raise FetchError(_("The site could not be reached.")) from error
        finally:
            pool.close()
    raise FetchError(_("The site redirected too many times."))


def _finish(
    url: str, response: urllib3.BaseHTTPResponse, accept: Accept, deadline: float
) -> FetchResponse:
    content_type, charset = _media_type(response.headers.get("Content-Type", ""))
    plain_headers = {key.lower(): value for key, value in response.headers.items()}
    if response.status == 304:
        return FetchResponse(
            url=url,
            status=304,
            content_type=content_type,
            charset=charset,
            body=b"",
            headers=plain_headers,
        )
    if response.status != 200:
        raise FetchError(
            _("The site answered with an error (HTTP %(status)s).") % {"status": response.status}
        )
    if not accept.allows(content_type):
        raise FetchError(
            _("The site sent %(type)s, which is not what was expected here.")
            % {"type": content_type or _("an unknown type")}
        )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > accept.max_bytes:
        raise FetchError(_("The page is too large to read."))
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise FetchError(_("The site took too long to answer."))
        # read1 returns what has arrived instead of waiting for a full chunk, so a server that
        # drips one byte at a time still meets the deadline.
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        body.extend(chunk)
        if len(body) > accept.max_bytes:
            raise FetchError(_("The page is too large to read."))
    return FetchResponse(
        url=url,
        status=200,
        content_type=content_type,
        charset=charset,
        body=bytes(body),
        headers=plain_headers,
    )
