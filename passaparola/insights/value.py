"""Earned media value and reach: estimates, never measurements (docs/insights.md).

What advertising would have cost to get what people's shares got for free:

    value of a network = human clicks x cost per click
                         + estimated impressions x cost per thousand impressions / 1,000
                           (only where the programme manager counts impressions)
    estimated impressions of a network = the sum over its shares of the sharer's followers
                                         there x the share of followers who see a post

Clicks are measured (bots left out); the rates and the impressions are estimates. Shares by
people who entered no audience size add no impressions: nothing is made up for them.

`emv` and `impressions_by_network` are plain arithmetic on their inputs; `value_for` reads
those inputs for a scope (rates, the currency, who shared where, audience sizes).
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.db.models import Sum
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext

from passaparola.insights.figures import Scope, breakdown, read_rows, today_groups
from passaparola.insights.rollups import Figures
from passaparola.networks.catalogue import NETWORKS
from passaparola.programme.selectors import programme_get, rates_get
from passaparola.sharing.audience import audience_people, audience_sizes

CENT = Decimal("0.01")
THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)


class Rate(Protocol):
    """A network's rates as the programme manager set them (programme.NetworkRate)."""

    cost_per_click: Decimal
    cpm: Decimal
    reach_percent: Decimal
    impressions_enabled: bool


@dataclass(frozen=True)
class Reach:
    """Estimated impressions on one network, from the audience sizes of those who shared."""

    shares_with_audience: int = 0  # shares by people who entered an audience size there
    audience: int = 0  # the followers those shares went out to, summed share by share
    impressions: int = 0  # audience x the share of followers who see a post, rounded


@dataclass(frozen=True)
class NetworkValue:
    """One network's part of the estimate, with every input of its formula."""

    network: str
    label: str | Promise
    shares: int
    human_clicks: int
    cost_per_click: Decimal
    clicks_value: Decimal
    reach: Reach
    reach_percent: Decimal
    cpm: Decimal
    impressions_counted: bool  # the manager counts impressions on this network
    impressions_value: Decimal
    value: Decimal


@dataclass(frozen=True)
class Estimate:
    """Earned media value and estimated reach over some figures, with the inputs shown."""

    currency: str
    networks: list[NetworkValue] = field(default_factory=list)
    value: Decimal = Decimal("0.00")
    clicks_value: Decimal = Decimal("0.00")
    impressions_value: Decimal = Decimal("0.00")
    human_clicks: int = 0
    impressions: int = 0  # estimated, every network, counted in the value or not
    shares: int = 0
    shares_with_audience: int = 0

    @property
    def counts_impressions(self) -> bool:
        """Return True when impressions add to the value on some network shown."""
        return any(row.impressions_counted for row in self.networks)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def impressions_by_network(
    shares_by_sharer: Mapping[tuple[int, str], int],
    audiences: Mapping[tuple[int, str], int],
    rates: Mapping[str, Rate],
) -> dict[str, Reach]:
    """Return the estimated impressions per network.

    `shares_by_sharer` counts shares by (person id, network); `audiences` gives the audience
    size by (person id, network). Every share reaches the sharer's audience times the network's
    share of followers who see a post; shares without an audience size reach nobody here.
    """
    with_audience: dict[str, int] = defaultdict(int)
    audience: dict[str, int] = defaultdict(int)
    for (person_id, network), count in shares_by_sharer.items():
        size = audiences.get((person_id, network), 0)
        if size > 0 and count > 0:
            with_audience[network] += count
            audience[network] += count * size
    reach = {}
    for network, count in with_audience.items():
        rate = rates.get(network)
        percent = rate.reach_percent if rate is not None else Decimal(0)
        seen = (Decimal(audience[network]) * percent / HUNDRED).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        reach[network] = Reach(
            shares_with_audience=count,
            audience=audience[network],
            impressions=int(seen),
        )
    return reach


def emv(
    by_network: Mapping[str, Figures],
    rates: Mapping[str, Rate],
    *,
    currency: str,
    reach: Mapping[str, Reach] | None = None,
) -> Estimate:
    """Return the earned media value of these figures per network at these rates.

    Each network's parts are rounded to the cent (half up) and the total is their sum, so the
    rows shown add up to the total shown.
    """
    reach = reach or {}
    rows = []
    for network in dict.fromkeys([*by_network, *reach]):
        rate = rates.get(network)
        if rate is None:  # a network no longer in the catalogue: no rate, no value
            continue
        figures = by_network.get(network) or Figures()
        seen = reach.get(network) or Reach()
        if not (figures.human_clicks or seen.impressions or figures.shares):
            continue
        clicks_value = _cents(rate.cost_per_click * figures.human_clicks)
        impressions_value = (
            _cents(rate.cpm * seen.impressions / THOUSAND)
            if rate.impressions_enabled
            else Decimal("0.00")
        )
        spec = NETWORKS.get(network)
        rows.append(
            NetworkValue(
                network=network,
                label=spec.label if spec is not None else network,
                shares=figures.shares,
                human_clicks=figures.human_clicks,
                cost_per_click=rate.cost_per_click,
                clicks_value=clicks_value,
                reach=seen,
                reach_percent=rate.reach_percent,
                cpm=rate.cpm,
                impressions_counted=rate.impressions_enabled,
                impressions_value=impressions_value,
                value=clicks_value + impressions_value,
            )
        )
    rows.sort(key=lambda row: (-row.value, -row.human_clicks, row.network))
    return Estimate(
        currency=currency,
        networks=rows,
        value=sum((row.value for row in rows), Decimal("0.00")),
        clicks_value=sum((row.clicks_value for row in rows), Decimal("0.00")),
        impressions_value=sum((row.impressions_value for row in rows), Decimal("0.00")),
        human_clicks=sum(row.human_clicks for row in rows),
        impressions=sum(row.reach.impressions for row in rows),
        shares=sum(row.shares for row in rows),
        shares_with_audience=sum(row.reach.shares_with_audience for row in rows),
    )


def shares_by_sharer(scope: Scope) -> dict[tuple[int, str], int]:
    """Return the scope's shares by (person id, network), of people who entered an audience
    size (the others add no impressions), closed days and today alike."""
    found: dict[tuple[int, str], int] = defaultdict(int)
    rows = (
        read_rows(scope)
        .filter(shares__gt=0, person_id__in=audience_people())
        .values("person_id", "network")
        .annotate(total=Sum("shares"))
        .values_list("person_id", "network", "total")
    )
    for person_id, network, total in rows:
        found[(person_id, network)] += total
    today = today_groups(scope)
    if today is not None:
        for (person_id, _post_id, network), figures in today.groups.items():
            if figures.shares and network:
                found[(person_id, network)] += figures.shares
    return dict(found)


def value_for(scope: Scope, *, by_network: Mapping[str, Figures] | None = None) -> Estimate:
    """Return the earned media value and estimated reach of a scope.

    Pass `by_network` when the page has it already (`figures.breakdown(scope).by_network`).
    """
    if by_network is None:
        by_network = breakdown(scope).by_network
    rates = rates_get()
    sharers = shares_by_sharer(scope)
    audiences = audience_sizes({person_id for person_id, _network in sharers})
    reach = impressions_by_network(sharers, audiences, rates)
    return emv(by_network, rates, currency=programme_get().currency, reach=reach)


def money(amount: Decimal, currency: str) -> str:
    """Return an amount with two decimals in the reader's number format and its currency."""
    number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return gettext("%(amount)s %(currency)s") % {"amount": number, "currency": currency}
