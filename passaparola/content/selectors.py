"""Reads of posts: the feed and what a person may see."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.people.access import can_edit_content
from passaparola.people.models import Person


def posts_visible_to(person: Person) -> QuerySet[Post]:
    """Return the published posts aimed at this person (everyone's, or one of their teams')."""
    team_ids = person.memberships.values("team_id")
    return (
        Post.objects.filter(state=Post.State.PUBLISHED, published_at__lte=timezone.now())
        .filter(Q(audience=Post.Audience.EVERYONE) | Q(teams__in=team_ids))
        .distinct()
    )


def feed_for(person: Person) -> QuerySet[Post]:
    """Return this person's feed, newest first, with what the cards need."""
    return posts_visible_to(person).prefetch_related("captions").order_by("-published_at", "-pk")


def access_post_by_person(person: Person, post_id: int) -> Post:
    """Return a post this person may see, or raise Http404."""
    if can_edit_content(person):
        post = Post.objects.filter(pk=post_id).first()
    else:
        post = posts_visible_to(person).filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post


def access_post_for_editing(person: Person, post_id: int) -> Post:
    """Return a post this person may edit, or raise Http404."""
    if not can_edit_content(person):
        raise Http404
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post
