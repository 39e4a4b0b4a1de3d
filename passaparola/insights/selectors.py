"""Reads for the dashboard and personal impact pages, from the read model (figures.py)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from passaparola.content.models import Post
from passaparola.insights.figures import Scope, breakdown, one_reading, top
from passaparola.lib.charts import Bar, bars, daily_series
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person


@dataclass
class Summary:
    days: int
    active_people: int = 0
    active_advocates: int = 0
    shares: int = 0
    human_clicks: int = 0
    unique_clicks: int = 0
    bot_clicks: int = 0
    leads: int = 0
    points: int = 0
    share_bars: list[Bar] = field(default_factory=list)
    click_bars: list[Bar] = field(default_factory=list)
    top_posts: list[dict[str, object]] = field(default_factory=list)
    top_people: list[dict[str, object]] = field(default_factory=list)
    by_network: list[dict[str, object]] = field(default_factory=list)


def _last_days(days: int, **filters: tuple[int, ...]) -> Scope:
    today = timezone.localdate()
    return Scope(start=today - timedelta(days=days - 1), end=today, **filters)  # type: ignore[arg-type]


def _summary(scope: Scope, days: int) -> Summary:
    result = breakdown(scope)
    totals = result.totals
    summary = Summary(
        days=days,
        active_people=totals.active_people,
        active_advocates=totals.active_advocates,
        shares=totals.shares,
        human_clicks=totals.human_clicks,
        unique_clicks=totals.unique_visitors,
        bot_clicks=totals.bot_visits,
        leads=totals.leads,
        points=totals.points,
    )
    per_day = result.per_day
    summary.share_bars = bars(
        daily_series({d: f.shares for d, f in per_day.items()}, end=scope.end, days=days)
    )
    summary.click_bars = bars(
        daily_series({d: f.human_clicks for d, f in per_day.items()}, end=scope.end, days=days)
    )
    networks = sorted(result.by_network.items(), key=lambda item: -item[1].human_clicks)
    summary.by_network = [
        {
            "network": key,
            "label": NETWORKS[key].label if key in NETWORKS else key,
            "human": figures.human_clicks,
            "bots": figures.bot_visits,
        }
        for key, figures in networks
        if figures.human_clicks or figures.bot_visits
    ]
    return summary


@one_reading()
def programme_summary(*, days: int = 30) -> Summary:
    """Return the programme's figures for the last `days` days (read model; today live)."""
    scope = _last_days(days)
    summary = _summary(scope, days)
    posts = top(scope, "post")
    titles = dict(Post.objects.filter(pk__in=[pk for pk, _ in posts]).values_list("pk", "title"))
    summary.top_posts = [
        {"pk": pk, "title": titles.get(pk, ""), "human_clicks": n} for pk, n in posts
    ]
    people = top(scope, "person")
    names = dict(Person.objects.filter(pk__in=[pk for pk, _ in people]).values_list("pk", "name"))
    summary.top_people = [
        {"pk": pk, "name": names.get(pk, ""), "human_clicks": n} for pk, n in people
    ]
    return summary
