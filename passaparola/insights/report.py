"""The leadership report: one closed month or quarter, its key figures against the one before.

One report, three ways out: the page (`/dashboard/report/`, which prints well), the PDF made
from the same template (`report_pdf`) and the email the worker sends when a period closes
(`insights/report_mail.py`). Everything is read through the dashboard's own functions
(`figures.breakdown`, `figures.top`, `value.value_for`, `leadership.leadership_figures`), so
the report and the dashboard cannot disagree about a period.
"""

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passaparola.content.models import Post
from passaparola.insights.figures import Scope, Totals, breakdown, top
from passaparola.insights.leadership import Leadership, leadership_figures
from passaparola.insights.periods import LAST_MONTH as LAST_MONTH_PRESET
from passaparola.insights.periods import LAST_QUARTER as LAST_QUARTER_PRESET
from passaparola.insights.periods import MONTH, QUARTER, Period, preset
from passaparola.insights.privacy import group_size, individuals_visible, own_rows
from passaparola.insights.value import Estimate, money, value_for
from passaparola.lib.bounds import FIRST_DAY, LAST_DAY
from passaparola.lib.charts import Series, SplitChart, TimeChart, number, split, timeseries
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person, Team
from passaparola.programme.models import Programme, ReportCadence

# How many posts and people the report names.
TOP = 5
# The address names a report by one of these (`?period=last-month`, `?month=2026-10`,
# `?quarter=2026-Q3`); with none, the last closed period of the programme's cadence.
PARAMS = ("period", "month", "quarter")
LAST_MONTH, LAST_QUARTER = "last-month", "last-quarter"
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_QUARTER = re.compile(r"^([0-9]{4})-[Qq]([1-4])$")

# The key figures, in the order shown: (key, label, the Totals attribute).
KEY_FIGURES: list[tuple[str, str | Promise, str]] = [
    ("advocates", _("People who shared"), "active_advocates"),
    ("shares", _("Shares"), "shares"),
    ("human-clicks", _("Human clicks"), "human_clicks"),
    ("leads", _("Leads"), "leads"),
]


def month_period(year: int, month: int) -> Period:
    """Return the calendar month, as a period keyed like "2026-10"."""
    start = date(year, month, 1)
    end = start.replace(day=calendar.monthrange(year, month)[1])
    label = date_format(start, "YEAR_MONTH_FORMAT")
    return Period(start, end, f"{year:04d}-{month:02d}", label, MONTH)


def quarter_period(year: int, quarter: int) -> Period:
    """Return the calendar quarter, as a period keyed like "2026-Q3"."""
    start = date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    label = gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    return Period(start, end, f"{year:04d}-Q{quarter}", label, QUARTER)


def period_of(unit: str, start: date) -> Period:
    """Return the month or quarter that begins on `start`."""
    if unit == QUARTER:
        return quarter_period(start.year, (start.month - 1) // 3 + 1)
    return month_period(start.year, start.month)


def closed_period(cadence: str, *, today: date | None = None) -> Period:
    """Return the last month (or quarter, for a quarterly report) that is over by today."""
    if cadence == ReportCadence.QUARTERLY:
        return period_of(QUARTER, preset(LAST_QUARTER_PRESET, today=today).start)
    return period_of(MONTH, preset(LAST_MONTH_PRESET, today=today).start)


def period_from(params: Mapping[str, str], *, cadence: str, today: date | None = None) -> Period:
    """Return the period the address asks for, or raise ValidationError saying what is wrong."""
    today = today or timezone.localdate()
    asked = {name: params[name].strip() for name in PARAMS if params.get(name, "").strip()}
    if not asked:
        return closed_period(cadence, today=today)
    if len(asked) > 1:
        raise ValidationError(
            gettext("Ask for one period only: a period, a month or a quarter."), code="several"
        )
    name, value = next(iter(asked.items()))
    if name == "period":
        if value == LAST_MONTH:
            return closed_period(ReportCadence.MONTHLY, today=today)
        if value == LAST_QUARTER:
            return closed_period(ReportCadence.QUARTERLY, today=today)
        raise ValidationError(
            gettext("The period is last-month or last-quarter."), code="invalid_period"
        )
    found = (_MONTH if name == "month" else _QUARTER).match(value)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        message = (
            gettext("Write the month as year and month, such as 2026-10.")
            if name == "month"
            else gettext("Write the quarter as year and quarter, such as 2026-Q3.")
        )
        raise ValidationError(message, code="invalid_format")
    year, part = int(found.group(1)), int(found.group(2))
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ValidationError(
            gettext("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_DAY.year, "last": LAST_DAY.year},
            code="out_of_range",
        )
    period = month_period(year, part) if name == "month" else quarter_period(year, part)
    if period.start > today:
        raise ValidationError(
            gettext("%(period)s has not begun yet.") % {"period": period.label}, code="future"
        )
    return period


def query_of(period: Period) -> str:
    """Return the query string that asks for this period again (for links and the PDF)."""
    return f"quarter={period.key}" if period.unit == QUARTER else f"month={period.key}"


@dataclass
class KeyFigure:
    """One figure of the period with the same figure for the period before."""

    key: str
    label: str
    value: Decimal
    previous: Decimal
    currency: str = ""  # set for amounts of money (the estimate); counts have none

    @property
    def delta(self) -> Decimal:
        return self.value - self.previous

    @property
    def percent(self) -> int | None:
        if not self.previous:
            return None
        return round(100 * (self.value - self.previous) / self.previous)

    def _shown(self, amount: Decimal) -> str:
        if self.currency:
            return money(amount, self.currency)
        return number(int(amount))

    @property
    def text(self) -> str:
        return self._shown(self.value)

    @property
    def previous_text(self) -> str:
        return self._shown(self.previous)

    @property
    def size_text(self) -> str:
        """How much it changed, without the sign (the arrow and the words carry it)."""
        return self._shown(abs(self.delta))


@dataclass(frozen=True)
class Ranked:
    """A post or a person in the report's top list, with their human clicks."""

    name: str
    clicks: int

    @property
    def text(self) -> str:
        return number(self.clicks)


@dataclass
class Report:
    period: Period
    previous: Period
    teams: list[str]  # the teams a team lead's report covers; empty for the whole programme
    totals: Totals
    figures: list[KeyFigure]
    estimate: Estimate
    clicks_chart: TimeChart
    networks_chart: SplitChart
    leadership: Leadership
    top_posts: list[Ranked] = field(default_factory=list)
    top_people: list[Ranked] = field(default_factory=list)
    people_hidden: bool = False  # privacy mode left other people's rows out

    @property
    def running(self) -> bool:
        """Return True while the period is not over: its figures are so far."""
        return self.period.end >= timezone.localdate()

    @property
    def query(self) -> str:
        return query_of(self.period)

    @property
    def changes(self) -> list[KeyFigure]:
        """Return the figures that went up or down, for the summary line of the email."""
        return [figure for figure in self.figures if figure.delta]


def report_for(period: Period, *, viewer: Person, teams: frozenset[int] | None = None) -> Report:
    """Return the report of a period as this viewer may read it (None: every team).

    In privacy mode, a group below the minimum size shows no one's figures but the viewer's
    own; the totals stay.
    """
    team_ids = tuple(sorted(teams)) if teams is not None else ()
    scope = Scope(start=period.start, end=period.end, teams=team_ids)
    previous = period.previous()
    whole = period_of(period.unit, previous.start)
    if whole.end == previous.end:  # a closed period is compared with the whole one before
        previous = whole
    previous_scope = Scope(start=previous.start, end=previous.end, teams=team_ids)
    now, before = breakdown(scope), breakdown(previous_scope)
    estimate = value_for(scope, by_network=now.by_network)
    estimate_before = value_for(previous_scope, by_network=before.by_network)
    figures = [
        KeyFigure(
            key,
            str(label),
            Decimal(getattr(now.totals, name)),
            Decimal(getattr(before.totals, name)),
        )
        for key, label, name in KEY_FIGURES
    ]
    figures.append(
        KeyFigure(
            "value",
            gettext("Earned media value (estimate)"),
            estimate.value,
            estimate_before.value,
            currency=estimate.currency,
        )
    )
    clicks_chart = timeseries(
        sorted(now.per_day.items()),
        series=[
            Series("human_clicks", _("Human clicks"), "series-b"),
            Series("bot_visits", _("Bot visits"), "series-bots", apart=True),
        ],
        title=_("Human clicks"),
        start=period.start,
        end=min(period.end, timezone.localdate()),
    )
    networks_chart = split(
        (
            (key, NETWORKS[key].label if key in NETWORKS else key, found.human_clicks)
            for key, found in now.by_network.items()
        ),
        title=_("Human clicks by network"),
    )
    size = group_size(team_ids or None)
    people = own_rows(
        viewer, top(scope, "person", limit=TOP), group_size=size, person_of=lambda row: row[0]
    )
    names = dict(Person.objects.filter(pk__in=[pk for pk, _n in people]).values_list("pk", "name"))
    posts = top(scope, "post", limit=TOP)
    titles = dict(Post.objects.filter(pk__in=[pk for pk, _n in posts]).values_list("pk", "title"))
    team_names = (
        list(Team.objects.filter(pk__in=team_ids).order_by("name").values_list("name", flat=True))
        if team_ids
        else []
    )
    return Report(
        period=period,
        previous=previous,
        teams=team_names,
        totals=now.totals,
        figures=figures,
        estimate=estimate,
        clicks_chart=clicks_chart,
        networks_chart=networks_chart,
        leadership=leadership_figures(scope, viewer=viewer),
        top_posts=[Ranked(titles.get(pk, ""), n) for pk, n in posts],
        top_people=[Ranked(names.get(pk, ""), n) for pk, n in people],
        people_hidden=not individuals_visible(viewer, size),
    )


def neighbours(period: Period, *, today: date | None = None) -> tuple[Period | None, Period | None]:
    """Return the month or quarter before this one and the one after (None when not begun)."""
    today = today or timezone.localdate()
    before = period.previous().start
    older = period_of(period.unit, before) if before >= FIRST_DAY else None
    after = date.fromordinal(period.end.toordinal() + 1)
    newer = period_of(period.unit, after) if after <= today else None
    return older, newer


def report_pdf(report: Report, *, programme: Programme, made_at: datetime) -> bytes:
    """Return the report as a PDF, drawn from the page's own template in the active language."""
    # Here, not at the top: WeasyPrint takes most of a second to import, and every process
    # (web, worker, each manage.py command) would pay for it at start.
    from passaparola.insights.pdf import pdf_from_html

    brand = reverse("programme:brand_css")
    context = {
        "report": report,
        "paper": True,
        "programme": programme,
        "brand_css": brand,
        "made_at": made_at,
        "report_url": f"{settings.SITE_URL}{reverse('insights:report')}?{report.query}",
    }
    html = render_to_string("insights/report_pdf.html", context)
    colour = f":root {{ --primary: {programme.primary_colour}; }}\n".encode()
    return pdf_from_html(html, resources={brand: (colour, "text/css")})


def report_filename(report: Report) -> str:
    """Return the file name of the report's PDF."""
    return f"leadership-report-{report.period.key}.pdf"
