"""Reads for the dashboard and personal impact pages. Insights read; they never write."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.lib.charts import Bar, bars, daily_series
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.models import Share
from passaparola.tracking.models import Click


@dataclass
class Summary:
    days: int
    active_people: int = 0
    shares: int = 0
    human_clicks: int = 0
    unique_clicks: int = 0
    bot_clicks: int = 0
    points: int = 0
    share_bars: list[Bar] = field(default_factory=list)
    click_bars: list[Bar] = field(default_factory=list)
    top_posts: list[dict[str, object]] = field(default_factory=list)
    top_people: list[dict[str, object]] = field(default_factory=list)
    by_network: list[dict[str, object]] = field(default_factory=list)


def _per_day(queryset: QuerySet, field_name: str) -> dict[date, int]:
    rows = queryset.annotate(day=TruncDate(field_name)).values("day").annotate(n=Count("pk"))
    return {row["day"]: row["n"] for row in rows}


def _click_counts(clicks: QuerySet[Click]) -> dict[str, int]:
    return clicks.aggregate(
        human=Count("pk", filter=Q(is_bot=False)),
        bots=Count("pk", filter=Q(is_bot=True)),
        unique=Count("visitor", filter=Q(is_bot=False), distinct=True),
    )


def _earned(entries: QuerySet[PointsEntry]) -> QuerySet[PointsEntry]:
    # Spending points on a reward is not a loss of what the programme earned.
    return entries.exclude(action=PointsEntry.Action.REDEMPTION)


def _by_network(clicks: QuerySet[Click]) -> list[dict[str, object]]:
    rows = list(
        clicks.values(network=F("link__network"))
        .annotate(
            human=Count("pk", filter=Q(is_bot=False)), bots=Count("pk", filter=Q(is_bot=True))
        )
        .order_by("-human")
    )
    for row in rows:
        network = NETWORKS.get(str(row["network"]))
        row["label"] = network.label if network else row["network"]
    return rows


def programme_summary(*, days: int = 30) -> Summary:
    """Return the programme's figures for the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    today = timezone.localdate()
    clicks = Click.objects.filter(created_at__gte=since)
    shares = Share.objects.filter(created_at__gte=since)
    counts = _click_counts(clicks)
    summary = Summary(
        days=days,
        active_people=Activity.objects.filter(created_at__gte=since)
        # Joining, or a lead the company took back, is not taking part.
        .exclude(verb__in=[Verb.INVITATION_ACCEPTED, Verb.CONVERSION_REJECTED])
        .values("person_id")
        .distinct()
        .count(),
        shares=shares.count(),
        human_clicks=counts["human"],
        unique_clicks=counts["unique"],
        bot_clicks=counts["bots"],
        points=_earned(PointsEntry.objects.filter(created_at__gte=since)).aggregate(
            t=Sum("points")
        )["t"]
        or 0,
    )
    summary.share_bars = bars(daily_series(_per_day(shares, "created_at"), end=today, days=days))
    summary.click_bars = bars(
        daily_series(_per_day(clicks.filter(is_bot=False), "created_at"), end=today, days=days)
    )
    summary.top_posts = list(
        Post.objects.annotate(
            human_clicks=Count(
                "short_links__clicks",
                filter=Q(
                    short_links__clicks__is_bot=False, short_links__clicks__created_at__gte=since
                ),
            )
        )
        .filter(human_clicks__gt=0)
        .order_by("-human_clicks")
        .values("pk", "title", "human_clicks")[:10]
    )
    summary.top_people = list(
        Person.objects.annotate(
            human_clicks=Count(
                "short_links__clicks",
                filter=Q(
                    short_links__clicks__is_bot=False, short_links__clicks__created_at__gte=since
                ),
            )
        )
        .filter(human_clicks__gt=0)
        .order_by("-human_clicks")
        .values("pk", "name", "human_clicks")[:10]
    )
    summary.by_network = _by_network(clicks)
    return summary


def person_summary(person: Person, *, days: int = 30) -> Summary:
    """Return one person's own impact over the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    today = timezone.localdate()
    clicks = Click.objects.filter(link__person=person, created_at__gte=since)
    shares = Share.objects.filter(person=person, created_at__gte=since)
    counts = _click_counts(clicks)
    summary = Summary(
        days=days,
        shares=shares.count(),
        human_clicks=counts["human"],
        unique_clicks=counts["unique"],
        bot_clicks=counts["bots"],
        points=_earned(PointsEntry.objects.filter(person=person, created_at__gte=since)).aggregate(
            t=Sum("points")
        )["t"]
        or 0,
    )
    summary.share_bars = bars(daily_series(_per_day(shares, "created_at"), end=today, days=days))
    summary.click_bars = bars(
        daily_series(_per_day(clicks.filter(is_bot=False), "created_at"), end=today, days=days)
    )
    summary.top_posts = list(
        clicks.filter(is_bot=False)
        .values(post_id=F("link__post_id"), title=F("link__post__title"))
        .annotate(human_clicks=Count("pk"))
        .order_by("-human_clicks")[:10]
    )
    summary.by_network = _by_network(clicks)
    return summary
