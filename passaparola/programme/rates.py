"""The default earned-media-value rates per network, in US dollars (docs/insights.md says
where each figure comes from). The migration that stores them keeps its own copy."""

from dataclasses import dataclass
from decimal import Decimal

DEFAULT_REACH_PERCENT = Decimal("5")


@dataclass(frozen=True)
class DefaultRate:
    cost_per_click: Decimal
    cpm: Decimal
    reach_percent: Decimal = DEFAULT_REACH_PERCENT


# Networks without an advertising market of their own (or without published figures) are
# priced like a general-audience social click and impression: the Facebook figures.
_GENERAL = DefaultRate(Decimal("1.88"), Decimal("20.00"))

DEFAULT_RATES: dict[str, DefaultRate] = {
    "linkedin": DefaultRate(Decimal("7.00"), Decimal("30.00")),
    "x": DefaultRate(Decimal("0.40"), Decimal("1.00")),
    "facebook": _GENERAL,
    "threads": _GENERAL,
    "reddit": DefaultRate(Decimal("1.88"), Decimal("2.50")),
    "xing": _GENERAL,
    "mastodon": _GENERAL,
    "bluesky": _GENERAL,
    "whatsapp": _GENERAL,
    "telegram": _GENERAL,
    "email": _GENERAL,
    "copy": _GENERAL,
}


def default_rate(network: str) -> DefaultRate:
    """Return the default rate of a network; one added later is priced as a general click."""
    return DEFAULT_RATES.get(network, _GENERAL)
