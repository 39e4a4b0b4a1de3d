"""Geometry for small server-rendered SVG charts (no script, no third party)."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def daily_series(counts: dict[date, int], *, end: date, days: int) -> list[tuple[date, int]]:
    """Return (day, count) for each of the `days` days up to `end`, filling gaps with 0."""
    start = end - timedelta(days=days - 1)
    return [
        (start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)
    ]


def bars(
    series: list[tuple[date, int]], *, width: float = 600, height: float = 160, gap: float = 2
) -> list[Bar]:
    """Lay out one bar per value, scaled to the tallest."""
    if not series:
        return []
    top = max(value for _day, value in series) or 1
    step = width / len(series)
    result = []
    for index, (day, value) in enumerate(series):
        bar_height = height * value / top
        result.append(
            Bar(
                label=day.isoformat(),
                value=value,
                x=round(index * step + gap / 2, 2),
                y=round(height - bar_height, 2),
                width=round(max(step - gap, 1), 2),
                height=round(bar_height, 2),
            )
        )
    return result
