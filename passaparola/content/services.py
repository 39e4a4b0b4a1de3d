"""State changes for posts: create, edit, publish, archive."""

from django.db import transaction
from django.utils import timezone

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.content.models import Caption, Post
from passaparola.people.models import Person, Team


@transaction.atomic
def post_create(
    *,
    created_by: Person,
    url: str,
    title: str,
    description: str = "",
    image_url: str = "",
    content_type: str = Post.Type.COMPANY,
    audience: str = Post.Audience.EVERYONE,
    teams: list[Team] | None = None,
    caption: str = "",
) -> Post:
    """Create a draft post with its suggested caption."""
    post = Post.objects.create(
        created_by=created_by,
        url=url,
        title=title,
        description=description,
        image_url=image_url,
        content_type=content_type,
        audience=audience,
    )
    post.teams.set(teams or [])
    if caption.strip():
        Caption.objects.create(post=post, text=caption.strip())
    return post


@transaction.atomic
def post_update(
    *,
    post: Post,
    url: str,
    title: str,
    description: str,
    image_url: str,
    content_type: str,
    audience: str,
    teams: list[Team],
    caption: str,
) -> Post:
    """Change a post's content, targeting and suggested caption."""
    post.url, post.title, post.description = url, title, description
    post.image_url, post.content_type, post.audience = image_url, content_type, audience
    post.save(
        update_fields=["url", "title", "description", "image_url", "content_type", "audience"]
    )
    post.teams.set(teams)
    first = post.captions.order_by("pk").first()
    if caption.strip() and first:
        first.text = caption.strip()
        first.save(update_fields=["text"])
    elif caption.strip():
        Caption.objects.create(post=post, text=caption.strip())
    elif first:
        first.delete()
    return post


@transaction.atomic
def post_publish(*, post: Post, by: Person) -> Post:
    """Publish a post so it appears in the feeds of the people it targets."""
    if post.state == Post.State.PUBLISHED:
        return post
    post.state = Post.State.PUBLISHED
    post.published_at = timezone.now()
    post.save(update_fields=["state", "published_at"])
    activity_record(person=by, verb=Verb.POST_PUBLISHED, post=post)
    return post


@transaction.atomic
def post_archive(*, post: Post) -> Post:
    """Take a post out of every feed; its links keep redirecting."""
    post.state = Post.State.ARCHIVED
    post.save(update_fields=["state"])
    return post
