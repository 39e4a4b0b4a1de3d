"""The visitor's country from a MaxMind-format database, when one is configured."""

import ipaddress
import logging
import threading
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# (reader or None,) once GEOIP_PATH has been read; the hot path then only takes a tuple item.
_state: tuple[Any] | None = None
_lock = threading.Lock()


def _open(path: str) -> Any:
    if not path:
        return None
    import maxminddb

    try:
        # MODE_AUTO memory-maps the file: lookups need no system call.
        return maxminddb.open_database(path)
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as error:
        logger.warning("GeoIP database %s cannot be read: %s", path, error)
        return None


def _reader() -> Any:
    global _state
    if _state is None:
        with _lock:
            if _state is None:
                _state = (_open(settings.GEOIP_PATH),)
    return _state[0]


def country_of(ip: str) -> str:
    """Return the two-letter country code of an address, or "" when unknown."""
    reader = _reader()
    if reader is None or not ip:
        return ""
    try:
        record = reader.get(ipaddress.ip_address(ip))
    except (ValueError, RuntimeError):  # RuntimeError: a damaged database
        return ""
    if not isinstance(record, dict):
        return ""
    for key in ("country", "registered_country"):
        place = record.get(key)
        if isinstance(place, dict):
            code = place.get("iso_code")
            if isinstance(code, str) and len(code) == 2:
                return code.upper()
    return ""


def geo_reset() -> None:
    """Forget the open database (after GEOIP_PATH changes in tests)."""
    global _state
    with _lock:
        _state = None
