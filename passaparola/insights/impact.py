"""One person's impact for a period: the dashboard's figures and charts for them alone, what
each of their posts brought, the leads their shares brought and the engagement measured on
their native Mastodon and Bluesky posts."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Sum

from passaparola.content.models import Post
from passaparola.insights.dashboard import Figure, headline, period_charts
from passaparola.insights.figures import (
    Scope,
    Totals,
    breakdown,
    one_reading,
    read_rows,
    today_groups,
)
from passaparola.insights.filters import InsightFilters
from passaparola.insights.leads import LeadTrace, latest_leads, network_label
from passaparola.insights.periods import day_start
from passaparola.lib.charts import SplitChart, TimeChart
from passaparola.people.models import Person
from passaparola.sharing.engagement import Engagement, engagement_by

# A person's own figures: "active people" and "people who shared" are about a group.
FIGURES = ("shares", "human-clicks", "unique-clicks", "leads", "points")
POSTS_SHOWN = 50
LEADS_SHOWN = 50
_POST_MEASURES = ("shares", "human_clicks", "leads")


@dataclass
class PostRow:
    pk: int
    title: str
    shares: int = 0
    human_clicks: int = 0
    leads: int = 0
    engagement: Engagement | None = None


@dataclass
class NetworkRow:
    key: str
    label: str
    shares: int
    human_clicks: int
    bot_visits: int
    leads: int
    engagement: Engagement | None = None


@dataclass
class Impact:
    person: Person
    filters: InsightFilters
    totals: Totals
    figures: list[Figure]
    shares_chart: TimeChart
    clicks_chart: TimeChart
    networks_chart: SplitChart
    networks: list[NetworkRow] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    more_posts: int = 0
    leads: list[LeadTrace] = field(default_factory=list)
    engagement: Engagement = field(default_factory=Engagement)


def _added(one: Engagement, other: Engagement) -> Engagement:
    return Engagement(
        posts=one.posts + other.posts,
        reposts=one.reposts + other.reposts,
        likes=one.likes + other.likes,
        replies=one.replies + other.replies,
        quotes=one.quotes + other.quotes,
        gone=one.gone + other.gone,
    )


def post_rows(scope: Scope) -> list[PostRow]:
    """Return what each post brought in the scope (shares, human clicks, leads), most first."""
    rows: dict[int, PostRow] = {}
    grouped = (
        read_rows(scope)
        .exclude(post__isnull=True)
        .values("post_id")
        .annotate(**{name: Sum(name) for name in _POST_MEASURES})
    )
    for values in grouped:
        rows[values["post_id"]] = PostRow(
            pk=values["post_id"],
            title="",
            shares=values["shares"] or 0,
            human_clicks=values["human_clicks"] or 0,
            leads=values["leads"] or 0,
        )
    today = today_groups(scope)
    if today is not None:
        for (_person, post_id, _network), figures in today.groups.items():
            if post_id is None:
                continue
            row = rows.setdefault(post_id, PostRow(pk=post_id, title=""))
            for name in _POST_MEASURES:
                setattr(row, name, getattr(row, name) + getattr(figures, name))
    kept = [row for row in rows.values() if row.shares or row.human_clicks or row.leads]
    return sorted(kept, key=lambda row: (-row.human_clicks, -row.leads, -row.shares, row.pk))


@one_reading()
def impact_for(person: Person, filters: InsightFilters) -> Impact:
    """Return one person's impact for the period (and the change from the previous one)."""
    period = filters.period
    scope = Scope(start=period.start, end=period.end, people=(person.pk,))
    result = breakdown(scope)
    previous = None
    if filters.previous is not None:
        before = Scope(start=filters.previous.start, end=filters.previous.end, people=(person.pk,))
        previous = breakdown(before).totals
    shares_chart, clicks_chart, networks_chart = period_charts(result, scope)
    since, until = day_start(period.start), day_start(period.end + timedelta(days=1))
    per_post = engagement_by("post", start=since, end=until, people=[person.pk])
    per_network = engagement_by("network", start=since, end=until, people=[person.pk])
    posts = post_rows(scope)
    # A native post measured in the period is listed even when it brought nothing else yet.
    listed = {row.pk for row in posts}
    posts += [PostRow(pk=pk, title="") for pk in per_post if pk not in listed]
    shown = posts[:POSTS_SHOWN]
    titles = dict(Post.objects.filter(pk__in=[row.pk for row in shown]).values_list("pk", "title"))
    for row in shown:
        row.title = titles.get(row.pk, "")
        row.engagement = per_post.get(row.pk)
    networks = []
    for key in {*result.by_network, *per_network}:
        figures = result.by_network.get(key)
        networks.append(
            NetworkRow(
                key=key,
                label=network_label(key),
                shares=figures.shares if figures else 0,
                human_clicks=figures.human_clicks if figures else 0,
                bot_visits=figures.bot_visits if figures else 0,
                leads=figures.leads if figures else 0,
                engagement=per_network.get(key),
            )
        )
    engagement = Engagement()
    for measured_network in per_network.values():
        engagement = _added(engagement, measured_network)
    return Impact(
        person=person,
        filters=filters,
        totals=result.totals,
        figures=headline(result.totals, previous, keys=FIGURES),
        shares_chart=shares_chart,
        clicks_chart=clicks_chart,
        networks_chart=networks_chart,
        networks=sorted(
            (
                row
                for row in networks
                if row.shares or row.human_clicks or row.bot_visits or row.leads or row.engagement
            ),
            key=lambda row: (-row.human_clicks, row.label),
        ),
        posts=shown,
        more_posts=len(posts) - len(shown),
        leads=latest_leads(scope, since=since, until=until, limit=LEADS_SHOWN),
        engagement=engagement,
    )
