"""Who is asking: the client's address as the configured reverse proxies report it."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings


def _header(meta: Mapping[str, Any], name: str) -> str:
    value = meta.get(name, "")
    return value if isinstance(value, str) else ""


def client_ip(meta: Mapping[str, Any]) -> str:
    """Return the client's address from request.META, trusting FORWARDED_FOR_HOPS proxies."""
    hops = settings.FORWARDED_FOR_HOPS
    forwarded = _header(meta, "HTTP_X_FORWARDED_FOR")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",")]
        return chain[-hops] if len(chain) >= hops else chain[0]
    return _header(meta, "REMOTE_ADDR")
