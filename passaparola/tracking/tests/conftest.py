"""Every tracking test starts with empty caches (links, settings, GeoIP, spool, rate limits)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from passaparola.tracking.geo import geo_reset
from passaparola.tracking.selectors import caches_clear
from passaparola.tracking.spool import spool_reset


@pytest.fixture(autouse=True)
def _fresh_tracking_caches() -> Iterator[None]:
    caches_clear()
    geo_reset()
    spool_reset()
    cache.clear()  # the lead endpoint's rate limits
    yield
    caches_clear()
    geo_reset()
    spool_reset()
