"""The filters of a scope, as a condition on raw rows reached through their short link.

The read model filters its own rows (`figures.closed_rows`); raw rows of today (clicks, leads) and
rows kept per short link's owner, post and network (`origins.ClickOrigin`) take the same
filters through this one function, so every table on a page counts the same people and posts.
"""

from typing import TYPE_CHECKING

from django.db.models import Q

from passaparola.content.models import Post
from passaparola.people.models import Membership

if TYPE_CHECKING:
    from passaparola.insights.figures import Scope


def scope_q(scope: "Scope", *, via: str = "") -> Q:
    """Return the condition for the scope's filters on rows with person, post and network.

    `via` is the path to those fields: "" for a row that has them, "link__" for a click or a
    lead (its short link has them).
    """
    condition = Q()
    if scope.teams:
        members = Membership.objects.filter(team_id__in=scope.teams).values("person_id")
        condition &= Q(**{f"{via}person_id__in": members})
    if scope.networks:
        condition &= Q(**{f"{via}network__in": scope.networks})
    if scope.topics:
        tagged = Post.objects.filter(topics__in=scope.topics).values("pk")
        condition &= Q(**{f"{via}post_id__in": tagged})
    if scope.content_types:
        condition &= Q(**{f"{via}post__content_type__in": scope.content_types})
    if scope.posts:
        condition &= Q(**{f"{via}post_id__in": scope.posts})
    if scope.people:
        condition &= Q(**{f"{via}person_id__in": scope.people})
    return condition
