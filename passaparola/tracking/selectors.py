"""Reads of the tracking step: where a short link leads (cached in-process), settings, figures."""

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils.encoding import iri_to_uri

from passaparola.lib.utm import merge_utm
from passaparola.programme.selectors import programme_get
from passaparola.sharing.models import ShortLink
from passaparola.tracking.models import ApiToken, ClickRollup, Conversion, TrackingSettings

# Codes are made of letters and digits (sharing.models.CODE_ALPHABET); anything else is
# answered without asking the database.
CODE_RE = re.compile(r"[A-Za-z0-9]{1,16}")


@dataclass(frozen=True)
class LinkTarget:
    """What the redirect needs to know about one short link."""

    link_id: int
    code: str
    person_id: int
    post_id: int
    network: str
    target: str
    click_param: str


class _TTLCache:
    """A small least-recently-used map whose entries also expire after some seconds."""

    def __init__(self) -> None:
        self.items: OrderedDict[str, tuple[float, LinkTarget]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> LinkTarget | None:
        with self.lock:
            item = self.items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return item[1]

    def put(self, key: str, value: LinkTarget) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + settings.TRACKING_LINK_CACHE_SECONDS, value)
            self.items.move_to_end(key)
            while len(self.items) > settings.TRACKING_LINK_CACHE_SIZE:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_links = _TTLCache()
_settings: tuple[float, TrackingSettings] | None = None


def tracking_settings_get(*, fresh: bool = False) -> TrackingSettings:
    """Return the tracking settings (read from the database at most every few seconds)."""
    global _settings
    now = time.monotonic()
    if not fresh and _settings is not None and _settings[0] > now:
        return _settings[1]
    # The row comes from a migration, so reading never writes.
    row = TrackingSettings.objects.filter(pk=1).first() or TrackingSettings(pk=1)
    _settings = (now + settings.TRACKING_LINK_CACHE_SECONDS, row)
    return row


def caches_clear() -> None:
    """Forget cached links and settings in this process (after an edit)."""
    global _settings
    _links.clear()
    _settings = None


def _load(code: str) -> LinkTarget | None:
    row = (
        ShortLink.objects.filter(code=code)
        .values_list("pk", "person_id", "post_id", "network", "post__url")
        .first()
    )
    if row is None:
        return None
    link_id, person_id, post_id, network, url = row
    if not url.lower().startswith(("https://", "http://")):
        # Never send a visitor to javascript:, data: or a relative address.
        return None
    options = tracking_settings_get()
    target = url
    if options.utm_enabled:
        target = merge_utm(
            url,
            {
                "utm_source": network,
                "utm_medium": options.utm_medium,
                "utm_campaign": programme_get().utm_campaign,
                "utm_content": code,
            },
        )
    # As HttpResponseRedirect would: the Location header must be plain ASCII.
    target = iri_to_uri(target)
    return LinkTarget(
        link_id=link_id,
        code=code,
        person_id=person_id,
        post_id=post_id,
        network=network,
        target=target,
        click_param=options.click_param,
    )


def link_target_cached(code: str) -> LinkTarget | None:
    """Return where a code leads if this process has it cached; never asks the database."""
    return _links.get(code)


def link_target(code: str) -> LinkTarget | None:
    """Return where a short-link code leads, or None for an unknown or malformed code."""
    if CODE_RE.fullmatch(code) is None:
        return None
    found = _links.get(code)
    if found is None:
        found = _load(code)
        if found is None:
            return None
        _links.put(code, found)
    return found


def api_tokens() -> QuerySet[ApiToken]:
    """Return the API tokens, newest first, with how many leads each reported."""
    return ApiToken.objects.annotate(leads=Count("conversions")).order_by("-created_at")


def conversions_recent(*, limit: int = 20) -> QuerySet[Conversion]:
    """Return the latest leads with their share."""
    return Conversion.objects.select_related("link__person", "link__post").order_by("-created_at")[
        :limit
    ]


def rollup_totals(*, since: date, person_id: int | None = None) -> dict[str, int]:
    """Return summed daily figures from `since` on (the days already rolled up)."""
    rows = ClickRollup.objects.filter(day__gte=since)
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    totals = rows.aggregate(
        human_clicks=Sum("human_clicks"),
        unique_visitors=Sum("unique_visitors"),
        bot_visits=Sum("bot_visits"),
        leads=Sum("leads"),
    )
    return {name: value or 0 for name, value in totals.items()}
