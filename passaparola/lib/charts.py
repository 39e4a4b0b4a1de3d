"""Geometry for small server-rendered SVG charts (no script, no third party).

Nothing here draws: the functions work out where each bar, tick and label goes and what it says
in the active language, and the templates `_timeseries.html` and `_split.html` write the SVG.
Positions across are percentages of the chart's width and positions down are pixels, so the
SVG stretches to any width without scaling its text, which stays readable on a phone. Every
coordinate is handed to the templates as a string with a dot, whatever the language.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from html import escape
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, get_format, number_format
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Heights in pixels: the main panel's plot, an apart panel's plot, the two-line readout above a
# plot (the value of the bar under the pointer or the keyboard focus) and each line of date
# labels below (days; or months, with the year on a second line).
MAIN_PLOT = 160
APART_PLOT = 64
READOUT = 36
X_LABEL_LINE = 14
# Up to a quarter, a bar a day; up to about thirteen months, a bar a week; then a bar a month.
DAILY_MAX_DAYS = 92
WEEKLY_MAX_DAYS = 400
# Date labels must not touch on the narrowest plot we expect: a card in a column of
# `grid-2` (320 px at least) or on a 390 px phone, less its padding and the y axis. At 11 px
# a character of a label is at most about 7.5 px wide (measured in Chromium: 6.1 to 7.7).
NARROW_PLOT_PX = 240
CHAR_PX = 7.5
LABEL_GAP_PX = 10
# A bar fills most of its slot, but a lone bar (one day) stays a bar, not a wall.
BAR_FILL = 0.8
BAR_MAX_WIDTH = 10.0


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


# Numbers and dates in the active language


@dataclass(frozen=True)
class _Locale:
    """What labels need from the active language, worked out once per language."""

    separator: str
    grouping: object
    months: tuple[str, ...]  # abbreviated, in the case the language writes full month names
    formats: dict[str, list[tuple[bool, str]] | str]  # a format as parts, or the format itself


# Format characters labels draw without Django's date formatter, which is slow for a few hundred
# labels a chart: the day, the month and the year. Anything else goes to Django.
_FAST_DATE = frozenset("djmnYyMb")


def _parts(fmt: str) -> list[tuple[bool, str]] | str:
    """Return a date format as (is a code, character) parts, or itself if Django must draw it."""
    parts, escaped = [], False
    for char in fmt:
        if escaped:
            parts.append((False, char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif not char.isalpha():
            parts.append((False, char))
        elif char in _FAST_DATE:
            parts.append((True, char))
        else:
            return fmt
    return parts


@cache  # formats are settings: fixed for the life of the process, one entry per language
def _locale(language: str | None) -> _Locale:
    # Month names abbreviated keep the case the language gives full ones: "Dec", but "dec".
    month = "M" if date_format(date(2000, 1, 1), "F")[:1].isupper() else "b"
    formats: dict[str, list[tuple[bool, str]] | str] = {}
    for name in ("MONTH_DAY_FORMAT", "DATE_FORMAT", "YEAR_MONTH_FORMAT", "F"):
        result, escaped = [], False
        for char in str(get_format(name)):
            if not escaped and char in "FNE":
                char = month
            escaped = char == "\\" and not escaped
            result.append(char)
        formats[name] = _parts("".join(result))
    return _Locale(
        separator=str(get_format("THOUSAND_SEPARATOR")),
        grouping=get_format("NUMBER_GROUPING"),
        months=tuple(date_format(date(2000, m, 1), month) for m in range(1, 13)),
        formats=formats,
    )


def number(value: int) -> str:
    """Return a whole number with the active language's thousands separator."""
    here = _locale(get_language())
    if here.grouping == 3:
        return f"{value:,}".replace(",", here.separator)
    return str(number_format(value, force_grouping=True))


def _date(day: date, name: str) -> str:
    here = _locale(get_language())
    parts = here.formats[name]
    if isinstance(parts, str):
        return date_format(day, parts)
    text = []
    for code, char in parts:
        if not code:
            text.append(char)
        elif char == "j":
            text.append(str(day.day))
        elif char == "d":
            text.append(f"{day.day:02d}")
        elif char == "n":
            text.append(str(day.month))
        elif char == "m":
            text.append(f"{day.month:02d}")
        elif char == "Y":
            text.append(f"{day.year:04d}")
        elif char == "y":
            text.append(f"{day.year % 100:02d}")
        else:  # M or b: the month, abbreviated
            text.append(here.months[day.month - 1])
    return "".join(text)


def day_label(day: date) -> str:
    """Return a day and month, short: "Dec 2", "2 Dic", "2 dec"."""
    return _date(day, "MONTH_DAY_FORMAT")


def full_label(day: date) -> str:
    """Return a day with its year, months abbreviated: "Dec 2, 2026", "2 dec 2026"."""
    return _date(day, "DATE_FORMAT")


def month_label(day: date, *, year: bool = True) -> str:
    """Return the month of `day`, short, with or without its year: "Dec 2026", "Dec"."""
    return _date(day, "YEAR_MONTH_FORMAT" if year else "F")


def span_label(start: date, end: date) -> str:
    """Return the days from `start` to `end` as a person reads them."""
    if start == end:
        return full_label(start)
    return _("%(start)s – %(end)s") % {"start": full_label(start), "end": full_label(end)}  # noqa: RUF001


# Time series


@dataclass(frozen=True)
class Series:
    """One measure to draw: stacked with the others in the main panel, or in a panel apart.

    Bot visits go apart, so that they are never added to (or mistaken for) human clicks.
    """

    key: str
    label: str | Promise
    css: str
    apart: bool = False


@dataclass
class Bucket:
    """The days one bar stands for, and their figures."""

    start: date
    end: date
    label: str
    values: dict[str, int]
    cells: list[str] = field(default_factory=list)  # the values as shown, in series order
    current: bool = False  # today is one of its days: the figures are so far
    future: bool = False  # it starts after today: nothing to show yet


@dataclass
class Segment:
    css: str
    y: str
    height: str


@dataclass
class Point:
    """One bar of a panel: its slot (the area that answers the pointer) and its segments."""

    slot_x: str
    slot_width: str
    bar_x: str
    bar_width: str
    segments: list[Segment]
    when: str
    values: str
    title: str
    svg: str = ""  # the markup, drawn here: Django's templates take milliseconds for a hundred


def _point_svg(point: Point, *, top: int, height: int) -> str:
    """Return a bar as SVG: focusable, titled, with its readout shown on hover and focus."""
    bars = "".join(
        f'<rect class="{escape(segment.css)}" x="{point.bar_x}" y="{segment.y}" '
        f'width="{point.bar_width}" height="{segment.height}"/>'
        for segment in point.segments
    )
    return mark_safe(
        f'<g class="point" tabindex="0" role="img"><title>{escape(point.title)}</title>'
        f'<rect class="slot" x="{point.slot_x}" y="{top}" width="{point.slot_width}" '
        f'height="{height}"/>{bars}<text class="readout" x="0" y="13">'
        f'<tspan class="readout-when">{escape(point.when)}</tspan>'
        f'<tspan x="0" dy="17">{escape(point.values)}</tspan></text></g>'
    )


@dataclass
class Tick:
    position: str  # "42.5%" across, or "87" pixels down
    label: str
    anchor: str = "middle"
    year: str = ""  # under a month: the year, on the first month and on each January


@dataclass
class Panel:
    series: list[Series]
    height: int
    plot_top: int
    plot_height: int
    baseline: int
    labels_y: int
    years_y: int
    axis_width: int
    y_ticks: list[Tick]
    points: list[Point]
    summary: str
    empty: bool


@dataclass
class TimeChart:
    title: str
    unit: str  # "day", "week" or "month"
    unit_label: str
    column: str  # the table's first heading
    series: list[Series]
    buckets: list[Bucket]  # the ones to show in the table: none after today
    panels: list[Panel]
    x_ticks: list[Tick]
    totals: list[str]
    empty: bool

    @property
    def legend(self) -> bool:
        return len(self.series) > 1


def bucket_unit(start: date, end: date) -> str:
    """Return how many days one bar stands for over this range: "day", "week" or "month"."""
    days = (end - start).days + 1
    if days <= DAILY_MAX_DAYS:
        return "day"
    if days <= WEEKLY_MAX_DAYS:
        return "week"
    return "month"


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def bucket_spans(start: date, end: date, unit: str) -> list[tuple[date, date]]:
    """Return the (first, last) day of each bar: days, weeks from Monday, or calendar months.

    The first and last bucket are cut to the range, so a bar never counts a day outside it.
    """
    spans = []
    first = start
    while first <= end:
        if unit == "day":
            after = first + timedelta(days=1)
        elif unit == "week":
            after = first + timedelta(days=7 - first.weekday())
        else:
            after = _next_month(first)
        last = min(after - timedelta(days=1), end)
        spans.append((first, last))
        first = after
    return spans


def nice_ticks(peak: int, *, target: int = 4) -> list[int]:
    """Return whole-number ticks from 0, in steps of 1, 2 or 5 times a power of ten, up to `peak`.

    The last tick is the first step at or above the peak, so the tallest bar fits.
    """
    peak = max(int(peak), 1)
    raw = peak / target
    magnitude = 1
    while magnitude * 10 <= raw:
        magnitude *= 10
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = -(-peak // step) * step
    return list(range(0, top + 1, step))


def _value(values: Mapping[str, int] | object, key: str) -> int:
    found = values.get(key, 0) if isinstance(values, Mapping) else getattr(values, key, 0)
    return int(found or 0)


def _pct(value: float) -> str:
    return f"{round(value, 3):g}%"


def _px(value: float) -> str:
    return f"{round(value, 1):g}"


def _place(chosen: list[tuple[int, str, str]], count: int) -> list[Tick] | None:
    """Put each label under its bar, or None if two would touch on the narrowest plot.

    A label centred under its bar that would stick out of the plot starts (or ends) there
    instead. On a wider plot the bars move apart and the labels keep their width, so labels
    that fit on the narrowest plot fit on every one.
    """
    ticks: list[Tick] = []
    right = -float(LABEL_GAP_PX)
    for index, label, year in chosen:
        width = max(len(label), len(year)) * CHAR_PX
        slot_left = index * NARROW_PLOT_PX / count
        middle = slot_left + NARROW_PLOT_PX / count / 2
        if count > 1 and middle - width / 2 < 0:
            left = slot_left
            tick = Tick(_pct(index * 100 / count), label, "start", year)
        elif count > 1 and middle + width / 2 > NARROW_PLOT_PX:
            left = (index + 1) * NARROW_PLOT_PX / count - width
            tick = Tick(_pct((index + 1) * 100 / count), label, "end", year)
        else:
            left = middle - width / 2
            tick = Tick(_pct((index + 0.5) * 100 / count), label, "middle", year)
        if left < right + LABEL_GAP_PX:
            return None
        right = left + width
        ticks.append(tick)
    return ticks


def _pick(choices: Iterable[list[tuple[int, str, str]]], count: int) -> list[Tick]:
    """Return the first choice of labels that fits, or else the last label of the last one."""
    last: list[tuple[int, str, str]] = []
    for chosen in choices:
        ticks = _place(chosen, count)
        if ticks is not None:
            return ticks
        last = chosen[-1:]
    return _place(last, count) or []


def _x_ticks(spans: list[tuple[date, date]], unit: str) -> list[Tick]:
    """Date labels under the bars: days, Mondays or months, as many as fit on a phone.

    Days and Mondays are counted back from the last, which keeps the latest day (often today)
    labelled; months at a step of 2 or more start on January, so a year reads the same way.
    """
    start, end = spans[0][0], spans[-1][1]
    count = len(spans)
    index_of = {}
    for index, (first, last) in enumerate(spans):
        for offset in range((last - first).days + 1):
            index_of[first + timedelta(days=offset)] = index
    if unit == "day":
        if (end - start).days < 31:
            candidates = [(i, day_label(first), "") for i, (first, _last) in enumerate(spans)]
        else:
            mondays = [first for first, _last in spans if first.weekday() == 0]
            candidates = [(index_of[day], day_label(day), "") for day in mondays]
        steps = (1, 2, 3, 4, 5, 6, 7, 8, 10, 14)
        return _pick((candidates[::-step][::-1] for step in steps), count)
    if unit == "week":
        firsts = []
        month = date(start.year, start.month, 1)
        while month <= end:
            if month >= start:
                firsts.append(month)
            month = _next_month(month)
    else:
        firsts = [first for first, _last in spans if first.day == 1]

    def every(step: int) -> list[tuple[int, str, str]]:
        picked = [day for day in firsts if (day.month - 1) % step == 0] or firsts[:1]
        return [
            (
                index_of[day],
                month_label(day, year=False),
                str(day.year) if n == 0 or day.month == 1 else "",
            )
            for n, day in enumerate(picked)
        ]

    return _pick((every(step) for step in (1, 2, 3, 4, 6, 12)), count)


def _panel(
    series: list[Series],
    buckets: list[Bucket],
    *,
    title: str,
    unit_label: str,
    plot: int,
    label_lines: int,
) -> Panel:
    shown = [bucket for bucket in buckets if not bucket.future]
    stacked = [
        sum(max(bucket.values[s.key], 0) for s in series) for bucket in shown
    ]  # a negative figure (points taken back) draws no bar; the table shows it
    ticks = nice_ticks(max(stacked, default=0))
    top = ticks[-1]
    plot_top = READOUT + 6
    baseline = plot_top + plot
    count = len(buckets)
    slot = 100 / count
    bar_width = min(slot * BAR_FILL, BAR_MAX_WIDTH)
    points = []
    so_far = " " + _("(so far)")
    figure = _("%(series)s: %(value)s")
    for index, bucket in enumerate(buckets):
        if bucket.future:
            continue
        segments, level = [], float(baseline)
        for s in series:
            value = max(bucket.values[s.key], 0)
            if not value:
                continue
            # A small figure stays visible: never less than a pixel tall.
            height = max(plot * value / top, 1.0)
            level -= height
            segments.append(Segment(css=s.css, y=_px(level), height=_px(height)))
        when = bucket.label + (so_far if bucket.current else "")
        values = "; ".join(
            figure % {"series": s.label, "value": number(bucket.values[s.key])} for s in series
        )
        point = Point(
            slot_x=_pct(index * slot),
            slot_width=_pct(slot),
            bar_x=_pct(index * slot + (slot - bar_width) / 2),
            bar_width=_pct(bar_width),
            segments=segments,
            when=when,
            values=values,
            title=f"{when} — {values}",
        )
        point.svg = _point_svg(point, top=plot_top, height=plot)
        points.append(point)
    widest = max(len(number(tick)) for tick in ticks)
    totals = []
    for s in series:
        figures = [bucket.values[s.key] for bucket in shown]
        total = sum(figures)
        peak = max(figures, default=0)
        peak_bucket = shown[figures.index(peak)] if figures else None
        if peak > 0 and peak_bucket is not None:
            totals.append(
                _("%(series)s: %(total)s in all, at most %(peak)s (%(when)s)")
                % {
                    "series": s.label,
                    "total": number(total),
                    "peak": number(peak),
                    "when": peak_bucket.label,
                }
            )
        else:
            totals.append(
                _("%(series)s: %(total)s in all") % {"series": s.label, "total": number(total)}
            )
    period = span_label(buckets[0].start, buckets[-1].end)
    summary = f"{title} ({unit_label}), {period}. " + "; ".join(totals) + "."
    return Panel(
        series=series,
        height=baseline + 8 + X_LABEL_LINE * label_lines,
        plot_top=plot_top,
        plot_height=plot,
        baseline=baseline,
        labels_y=baseline + 4 + X_LABEL_LINE,
        years_y=baseline + 4 + 2 * X_LABEL_LINE,
        axis_width=round(widest * CHAR_PX) + 10,
        y_ticks=[
            Tick(position=_px(baseline - plot * tick / top), label=number(tick)) for tick in ticks
        ],
        points=points,
        summary=summary,
        empty=not any(stacked),
    )


def timeseries(
    rows: Iterable[tuple[date, Mapping[str, int] | Any]],
    *,
    series: Sequence[Series],
    title: str | Promise,
    start: date | None = None,
    end: date | None = None,
) -> TimeChart:
    """Lay out figures per day as dated bars from `start` to `end` (both included).

    `rows` gives a day and its figures, as a mapping or an object with one attribute per
    series key; days without a row count as zero and days outside the range are left out.
    Long ranges are added up per week (from Monday) or per calendar month. The series that are
    not `apart` are stacked in the main panel; each apart series gets a small panel of its own,
    under the same dates.
    """
    by_day: dict[date, Mapping[str, int] | Any] = dict(rows)
    if start is None:
        start = min(by_day, default=timezone.localdate())
    if end is None:
        end = max(by_day, default=start)
    if start > end:
        raise ValueError(f"a chart cannot run from {start} back to {end}")
    today = timezone.localdate()
    unit = bucket_unit(start, end)
    spans = bucket_spans(start, end, unit)
    buckets = []
    for first, last in spans:
        values = dict.fromkeys((s.key for s in series), 0)
        for offset in range((last - first).days + 1):
            figures = by_day.get(first + timedelta(days=offset))
            if figures is not None:
                for s in series:
                    values[s.key] += _value(figures, s.key)
        whole_month = unit == "month" and last == _next_month(first) - timedelta(days=1)
        if whole_month and first.day == 1:
            label = date_format(first, "YEAR_MONTH_FORMAT")
        else:
            label = span_label(first, last)
        buckets.append(
            Bucket(
                start=first,
                end=last,
                label=label,
                values=values,
                cells=[number(values[s.key]) for s in series],
                current=first <= today <= last,
                future=first > today,
            )
        )
    unit_label = {"day": _("per day"), "week": _("per week"), "month": _("per month")}[unit]
    caption = str(title)
    x_ticks = _x_ticks(spans, unit)
    lines = 2 if any(tick.year for tick in x_ticks) else 1
    together = [s for s in series if not s.apart]
    groups = [(together, MAIN_PLOT)] if together else []
    groups += [([s], APART_PLOT) for s in series if s.apart]
    panels = [
        _panel(group, buckets, title=caption, unit_label=unit_label, plot=plot, label_lines=lines)
        for group, plot in groups
    ]
    # One axis width for every panel, so their bars stand under the same dates.
    axis_width = max((panel.axis_width for panel in panels), default=0)
    for panel in panels:
        panel.axis_width = axis_width
    shown = [bucket for bucket in buckets if not bucket.future]
    return TimeChart(
        title=caption,
        unit=unit,
        unit_label=unit_label,
        column={"day": _("Day"), "week": _("Week"), "month": _("Month")}[unit],
        series=list(series),
        buckets=shown,
        panels=panels,
        x_ticks=x_ticks,
        totals=[number(sum(bucket.values[s.key] for bucket in shown)) for s in series],
        empty=all(panel.empty for panel in panels),
    )


# A split: one figure divided among a few things (networks), as horizontal bars


SPLIT_ROW = 40


@dataclass
class SplitRow:
    key: str
    label: str
    value: str
    share: str
    width: str
    top: str
    label_y: str
    bar_y: str
    title: str


@dataclass
class SplitChart:
    title: str
    rows: list[SplitRow]
    total: str
    height: int
    css: str
    summary: str
    empty: bool


def _share(value: int, total: int) -> str:
    if not value:
        return "0%"
    percent = round(100 * value / total)
    return "<1%" if percent == 0 else f"{percent}%"


def split(
    items: Iterable[tuple[str, str | Promise, int]],
    *,
    title: str | Promise,
    css: str = "series-a",
    rest: tuple[str, str | Promise, int] | None = None,
) -> SplitChart:
    """Lay out (key, label, value) items as horizontal bars, largest first, with their shares.

    Items with nothing are left out; bars are scaled to the largest value. `rest` (the items
    not listed, added up) comes last, whatever its size.
    """
    kept = sorted(
        ((key, str(label), int(value)) for key, label, value in items if value > 0),
        key=lambda item: (-item[2], item[1]),
    )
    if rest is not None and rest[2] > 0:
        kept.append((rest[0], str(rest[1]), int(rest[2])))
    total = sum(value for _key, _label, value in kept)
    peak = max((value for _key, _label, value in kept), default=1)
    rows = []
    for index, (key, label, value) in enumerate(kept):
        share = _share(value, total)
        top = index * SPLIT_ROW
        rows.append(
            SplitRow(
                key=key,
                label=label,
                value=number(value),
                share=share,
                width=_pct(max(100 * value / peak, 0.5)),
                top=_px(top),
                label_y=_px(top + 14),
                bar_y=_px(top + 20),
                title=_("%(label)s: %(value)s (%(share)s)")
                % {"label": label, "value": number(value), "share": share},
            )
        )
    caption = str(title)
    summary = f"{caption}. " + "; ".join(row.title for row in rows) + "." if rows else f"{caption}."
    return SplitChart(
        title=caption,
        rows=rows,
        total=number(total),
        height=max(len(rows) * SPLIT_ROW, SPLIT_ROW),
        css=css,
        summary=summary,
        empty=not rows,
    )
