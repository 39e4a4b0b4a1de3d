"""Slowing down guessing and flooding: how often one client or one account may do a thing.

Failed logins (password and emailed code) are counted by django-axes, which locks the account
and the client address out for a while (settings AXES_*). What axes does not cover (asking
for login codes, signing up through the company link, confirming a sign-up code, posting
leads) is counted here: one atomic upsert per hit on `ThrottleWindow`, in fixed windows, in the
database every web process shares. (django-ratelimit needs an atomic shared cache, Redis or
memcached, and refuses the database cache; the embedded mode has neither.)
"""

import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from passaparola.lib.clients import client_ip
from passaparola.people.models import ThrottleWindow


@dataclass(frozen=True)
class Rule:
    """At most `limit` hits per `seconds` for one identity (a client address, an account)."""

    scope: str
    limit: int
    seconds: int


def _key(scope: str, identity: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"{scope}|{identity}".encode(errors="replace"), "sha256").hexdigest()


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = math.floor(now.timestamp() / seconds) * seconds
    return datetime.fromtimestamp(epoch, tz=now.tzinfo)


def _hit(key: str, start: datetime) -> int:
    table = connection.ops.quote_name(ThrottleWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, hits) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (key, window_start) DO UPDATE SET hits = "
            f"{table}.hits + 1 RETURNING hits",
            [key, start],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 1


def throttle_hit(rule: Rule, *identities: str, now: datetime | None = None) -> int:
    """Count one hit for each identity; return 0 when allowed, else the seconds to wait.

    Every identity is counted even when an earlier one is already over its limit, so that
    the work done does not depend on which one is (no timing hint about accounts).
    """
    now = now or timezone.now()
    start = _window_start(now, rule.seconds)
    over = False
    for identity in identities:
        if identity and _hit(_key(rule.scope, identity), start) > rule.limit:
            over = True
    if not over:
        return 0
    return max(1, math.ceil((start + timedelta(seconds=rule.seconds) - now).total_seconds()))


def throttle_windows_prune(*, now: datetime | None = None) -> int:
    """Delete windows that ended more than a day ago; return how many."""
    now = now or timezone.now()
    deleted, _ = ThrottleWindow.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return deleted


def throttled_response(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 Too Many Requests, with a message that says how long to wait and Retry-After."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "people/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


# django-axes hooks (settings AXES_*): the same account key and client address as above, and
# the same page as every other pause.


def axes_username(request: HttpRequest, credentials: dict[str, object] | None) -> str:
    """The account an attempt was for: its email address, trimmed and in lower case."""
    value = (credentials or {}).get("email") or request.POST.get("email", "")
    return str(value).strip().lower()[:254]


def axes_client_ip(request: HttpRequest) -> str:
    return client_ip(request.META)


def axes_lockout(
    request: HttpRequest, original_response: HttpResponse | None, credentials: object
) -> HttpResponse:
    cool_off = settings.AXES_COOLOFF_TIME
    return throttled_response(request, int(cool_off.total_seconds()))
