"""Reading the programme's settings, and the language to write to someone in."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.utils import translation

from passaparola.lib.images import ImageInvalid, image_icon
from passaparola.lib.request_memo import once_per_request
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person
from passaparola.programme.models import NetworkRate, Programme
from passaparola.programme.rates import default_rate

logger = logging.getLogger(__name__)

ICON_SIDE = 64
DEFAULT_ICON = "img/favicon.png"


@once_per_request("programme")
def programme_get() -> Programme:
    """Return the programme; its row is made by a migration, so reading never writes."""
    # A database emptied by hand still gets the defaults; the first save stores them.
    return Programme.objects.filter(pk=1).first() or Programme(pk=1)


def rates_get() -> dict[str, NetworkRate]:
    """Return every network's earned-media-value rate, in the catalogue's order: the stored row,
    else the default (unsaved; the rows are made by a migration, so reading never writes)."""
    stored = {rate.network: rate for rate in NetworkRate.objects.filter(network__in=NETWORKS)}
    rates = {}
    for network in NETWORKS:
        rate = stored.get(network)
        if rate is None:
            default = default_rate(network)
            rate = NetworkRate(
                network=network,
                cost_per_click=default.cost_per_click,
                cpm=default.cpm,
                reach_percent=default.reach_percent,
            )
        rates[network] = rate
    return rates


def language_of(person: Person | None = None, *, preferred: str = "") -> str:
    """Return the language to write to someone in: the person's own (or `preferred`, for an
    address without an account yet), else the programme's default, else LANGUAGE_CODE."""
    own = person.language if person is not None else preferred
    for code in (own, programme_get().default_language):
        if code:
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
    return str(settings.LANGUAGE_CODE)


@contextmanager
def in_language_of(person: Person | None = None, *, preferred: str = "") -> Iterator[str]:
    """Write what follows in the language of `language_of`; yield that language."""
    language = language_of(person, preferred=preferred)
    with translation.override(language):
        yield language


def programme_icon() -> bytes:
    """Return the browser tab's icon as PNG bytes: the programme's logo drawn square, else the
    icon shipped with the platform."""
    programme = programme_get()
    if programme.logo:
        icon = _logo_icon(programme.logo.name, programme.updated_at.timestamp())
        if icon is not None:
            return icon
    return _default_icon()


@lru_cache(maxsize=4)
def _logo_icon(name: str, version: float) -> bytes | None:
    # `version` (the settings' last change) keys the cache: a new logo makes a new icon.
    try:
        with default_storage.open(name) as stored:
            return image_icon(stored.read(), side=ICON_SIDE)
    except (OSError, ImageInvalid):
        logger.warning("the logo %s cannot be drawn as an icon", name)
        return None


@lru_cache(maxsize=1)
def _default_icon() -> bytes:
    found = finders.find(DEFAULT_ICON)
    assert isinstance(found, str), f"static file {DEFAULT_ICON} is missing"
    return Path(found).read_bytes()
