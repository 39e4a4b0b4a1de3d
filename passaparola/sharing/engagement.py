"""Measured engagement: what Mastodon and Bluesky counted on the posts we made for people.

Reads only, importing no services, so the insights pages may use them (sharing.selectors
imports the services, which insights may not). The counts are the networks' own, measured and
never estimated; a post's last reading counts in the period the post was made. A post deleted
on the network since keeps the counts it had.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum

from passaparola.sharing.models import ShareEngagement

Grouping = Literal["share", "post", "person", "network"]
_KEYS: dict[str, str] = {
    "share": "share_id",
    "post": "post_id",
    "person": "person_id",
    "network": "network",
}


@dataclass(frozen=True)
class Engagement:
    """Measured totals over some native posts."""

    posts: int = 0  # native posts read at least once
    reposts: int = 0
    likes: int = 0
    replies: int = 0
    quotes: int = 0
    gone: int = 0  # of those posts, the ones deleted on the network since

    @property
    def total(self) -> int:
        """Return every interaction counted: reposts, likes, replies and quotes."""
        return self.reposts + self.likes + self.replies + self.quotes


_SUMS = {
    "posts": Count("pk"),
    "reposts": Sum("reposts"),
    "likes": Sum("likes"),
    "replies": Sum("replies"),
    "quotes": Sum("quotes"),
    "gone": Count("pk", filter=Q(state=ShareEngagement.State.GONE)),
}


def _engagement(values: dict[str, Any]) -> Engagement:
    return Engagement(**{name: values.get(name) or 0 for name in _SUMS})


def measured(
    *,
    start: datetime,
    end: datetime,
    people: Iterable[int] | QuerySet[Any] | None = None,
    posts: Iterable[int] | QuerySet[Any] | None = None,
    networks: Iterable[str] | None = None,
) -> QuerySet[ShareEngagement]:
    """Return the read engagement rows of native posts made in [start, end), filtered.

    `people` and `posts` take ids or a queryset of ids (a team's members, say).
    """
    rows = ShareEngagement.objects.filter(
        fetched_at__isnull=False, posted_at__gte=start, posted_at__lt=end
    )
    if people is not None:
        rows = rows.filter(person_id__in=people)
    if posts is not None:
        rows = rows.filter(post_id__in=posts)
    if networks is not None:
        rows = rows.filter(network__in=list(networks))
    return rows


def engagement_for(
    *,
    start: datetime,
    end: datetime,
    people: Iterable[int] | QuerySet[Any] | None = None,
    posts: Iterable[int] | QuerySet[Any] | None = None,
    networks: Iterable[str] | None = None,
) -> Engagement:
    """Return the measured totals of the native posts made in [start, end)."""
    rows = measured(start=start, end=end, people=people, posts=posts, networks=networks)
    return _engagement(rows.aggregate(**_SUMS))


def engagement_by(
    grouping: Grouping,
    *,
    start: datetime,
    end: datetime,
    people: Iterable[int] | QuerySet[Any] | None = None,
    posts: Iterable[int] | QuerySet[Any] | None = None,
    networks: Iterable[str] | None = None,
) -> dict[Any, Engagement]:
    """Return the measured totals per share, post, person or network (by id or network key)."""
    key = _KEYS[grouping]
    rows = measured(start=start, end=end, people=people, posts=posts, networks=networks)
    return {
        values[key]: _engagement(values) for values in rows.order_by().values(key).annotate(**_SUMS)
    }
