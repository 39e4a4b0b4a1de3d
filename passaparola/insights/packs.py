"""Packed figures: every person's (or every post's) figures of a day, or of a closed month, in
one row, so that whole-programme questions over long periods read a few rows.

A day's pack is written with the day's `DailyFigure` rows (rollups.py), from the same groups;
a month's pack is the sum of its days' packs, written once the month is over. Reading a period
takes the months it covers whole and the days around them, and sums them by id with numpy:
who brought the most clicks this year, or how many people took part, costs a dozen rows and a
few milliseconds of arithmetic, however many clicks there were.
"""

import zlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
from django.db.models import Q

from passaparola.insights.measures import MEASURES, Figures, Key
from passaparola.insights.models import DayTotal, Pack

COLUMNS = ("id", "network", *MEASURES)
Of = Pack.Of
Array = npt.NDArray[np.int64]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


# Writing ------------------------------------------------------------------------------------


def _encode(ids: Array, network: Array, networks: list[str], table: Array) -> tuple[str, bytes]:
    columns = np.vstack([ids, network, table]).astype("<i4")
    return ",".join(networks), zlib.compress(columns.tobytes(), 1)


def _write(of: str, span: str, start: date, found: "Decoded | None") -> None:
    if found is None or not len(found.ids):
        if span == Pack.Span.DAY:
            Pack.objects.filter(of=of, span=span, start=start).delete()
            return
        # An empty month is still packed: a month without a pack is one not packed yet.
        empty = np.zeros(0, dtype=np.int64)
        found = Decoded(empty, empty, [], np.zeros((len(MEASURES), 0), dtype=np.int64))
    networks, data = _encode(found.ids, found.network, found.networks, found.table)
    Pack.objects.update_or_create(
        of=of,
        span=span,
        start=start,
        defaults={"networks": networks, "size": len(found.ids), "data": data},
    )


def _from_entries(entries: Mapping[tuple[int, str], list[int]]) -> "Decoded | None":
    if not entries:
        return None
    networks = sorted({network for _key, network in entries})
    index = {network: i for i, network in enumerate(networks)}
    keys = sorted(entries, key=lambda kn: (kn[0], index[kn[1]]))
    rows = np.array(
        [(key, index[network], *entries[(key, network)]) for key, network in keys],
        dtype=np.int64,
    ).reshape(len(keys), len(COLUMNS))
    return Decoded(ids=rows[:, 0], network=rows[:, 1], networks=networks, table=rows[:, 2:].T)


def pack_day(day: date, groups: Mapping[Key, Figures]) -> None:
    """Write the day's packs and totals from its groups (person, post, network)."""
    people: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    posts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for (person_id, post_id, network), figures in groups.items():
        values = [getattr(figures, name) for name in MEASURES]
        if not any(values):
            continue
        targets = [people[(person_id, network)], totals[network]]
        if post_id is not None:
            targets.append(posts[(post_id, network)])
        for target in targets:
            for i, value in enumerate(values):
                target[i] += value
    _write(Of.PERSON, Pack.Span.DAY, day, _from_entries(people))
    _write(Of.POST, Pack.Span.DAY, day, _from_entries(posts))
    DayTotal.objects.filter(day=day).delete()
    DayTotal.objects.bulk_create(
        DayTotal(day=day, network=network, **dict(zip(MEASURES, values, strict=True)))
        for network, values in totals.items()
    )


def pack_month(first: date) -> None:
    """Write the month's packs: the sums of its days' packs, by id and network."""
    last = month_end(first)
    for of in (Of.PERSON, Of.POST):
        days = Pack.objects.filter(of=of, span=Pack.Span.DAY, start__gte=first, start__lte=last)
        _write(of, Pack.Span.MONTH, first, _combined([_decode(pack) for pack in days]))


def _combined(parts: list["Decoded"]) -> "Decoded | None":
    if not parts:
        return None
    networks = sorted({name for part in parts for name in part.networks})
    index = np.array(range(len(networks)), dtype=np.int64)
    position = {name: i for i, name in enumerate(networks)}
    ids = np.concatenate([part.ids for part in parts])
    network = np.concatenate(
        [
            np.array([position[name] for name in part.networks], dtype=np.int64)[part.network]
            for part in parts
        ]
    )
    table = np.concatenate([part.table for part in parts], axis=1)
    keys, inverse = np.unique(ids * len(index) + network, return_inverse=True)
    summed = np.vstack(
        [np.bincount(inverse, weights=row, minlength=len(keys)) for row in table]
    ).astype(np.int64)
    return Decoded(
        ids=keys // len(index), network=keys % len(index), networks=networks, table=summed
    )


# Reading ------------------------------------------------------------------------------------


@dataclass
class Decoded:
    ids: Array
    network: Array
    networks: list[str]
    table: Array  # one row per measure


def _decode(pack: Pack) -> Decoded:
    raw = np.frombuffer(zlib.decompress(bytes(pack.data)), dtype="<i4")
    table = raw.reshape(len(COLUMNS), pack.size).astype(np.int64)
    return Decoded(
        ids=table[0],
        network=table[1],
        networks=pack.networks.split(","),
        table=table[2:],
    )


@dataclass
class Sums:
    """Figures summed by id over a period: `measure[id]`, and `seen[id]` for ids with a row."""

    seen: npt.NDArray[np.bool_]
    by_measure: dict[str, Array]

    def has(self, key: int) -> bool:
        return 0 <= key < len(self.seen) and bool(self.seen[key])

    def get(self, measure: str, key: int) -> int:
        values = self.by_measure[measure]
        return int(values[key]) if 0 <= key < len(values) else 0

    def ids_with(self, measure: str) -> set[int]:
        return set(np.flatnonzero(self.by_measure[measure] > 0).tolist())

    def top(self, measure: str, limit: int) -> list[tuple[int, int]]:
        """The `limit` ids with the most of `measure` (ties by id), only those above zero."""
        values = self.by_measure[measure]
        positive = np.flatnonzero(values > 0)
        if len(positive) > limit:
            # Everyone tied with the last place is a candidate; the exact order comes next.
            threshold = np.partition(values[positive], len(positive) - limit)[len(positive) - limit]
            positive = positive[values[positive] >= threshold]
        order = np.lexsort((positive, -values[positive]))[:limit]
        return [(int(positive[i]), int(values[positive[i]])) for i in order]


def covering(start: date, last: date) -> tuple[list[date], list[date]]:
    """The months lying whole in [start, last], and the other days of the range."""
    months: list[date] = []
    days: list[date] = []
    day = start
    while day <= last:
        if day.day == 1 and month_end(day) <= last:
            months.append(day)
            day = month_end(day) + timedelta(days=1)
        else:
            days.append(day)
            day += timedelta(days=1)
    return months, days


def sums(of: str, start: date, last: date, *, networks: tuple[str, ...] = ()) -> Sums:
    """Figures by person or post over the closed days from `start` to `last` (both included)."""
    months, days = covering(start, last)
    packs = list(
        Pack.objects.filter(of=of).filter(
            Q(span=Pack.Span.MONTH, start__in=months) | Q(span=Pack.Span.DAY, start__in=days)
        )
    )  # a few hundred kilobytes each, compressed
    # A month not packed yet (its last day was built before it ended) is read day by day.
    missing = set(months) - {pack.start for pack in packs if pack.span == Pack.Span.MONTH}
    if missing:
        packs += Pack.objects.filter(of=of, span=Pack.Span.DAY).filter(_months_q(sorted(missing)))
    # Summed pack by pack: memory holds one pack and the sums, whatever the period's length.
    seen = np.zeros(0, dtype=bool)
    by_measure = {name: np.zeros(0, dtype=np.int64) for name in MEASURES}
    for pack in packs:
        found = _decode(pack)
        ids, table = found.ids, found.table
        if networks:
            wanted = [i for i, name in enumerate(found.networks) if name in networks]
            keep = np.isin(found.network, wanted)
            ids, table = ids[keep], table[:, keep]
        if not len(ids):
            continue
        length = int(ids.max()) + 1
        if length > len(seen):
            seen = np.pad(seen, (0, length - len(seen)))
            by_measure = {name: np.pad(v, (0, length - len(v))) for name, v in by_measure.items()}
        seen[ids] = True
        for i, name in enumerate(MEASURES):
            column = table[i]
            if column.any():
                by_measure[name][:length] += np.bincount(
                    ids, weights=column, minlength=length
                ).astype(np.int64)
    return Sums(seen=seen, by_measure=by_measure)


def _months_q(months: list[date]) -> Q:
    q = Q()
    for first in months:
        q |= Q(start__gte=first, start__lte=month_end(first))
    return q
