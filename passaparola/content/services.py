"""State changes for content: posts and their review, sources, suggestions, reactions, comments."""

import html
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import nh3
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from passaparola.activity.models import Activity, Verb
from passaparola.activity.services import activity_record
from passaparola.audit.services import audit_record
from passaparola.content.feeds import FeedEntry, canonical_url, feed_read, plain_text
from passaparola.content.images import image_check
from passaparola.content.models import (
    ApprovalStep,
    Caption,
    Comment,
    DigestLog,
    PersonInterest,
    Post,
    PostApproval,
    PostRevision,
    Reaction,
    Source,
    SourceEntry,
    Suggestion,
    Topic,
)
from passaparola.content.selectors import (
    can_approve,
    digest_posts,
    entries_plan,
    live_posts,
    post_current_step,
)
from passaparola.lib.fetch import IMAGE, FetchError, fetch
from passaparola.lib.files import file_delete_on_commit
from passaparola.lib.images import ImageInvalid
from passaparola.notifications.emails import email_send
from passaparola.notifications.models import DigestFrequency, EmailKind
from passaparola.notifications.services import (
    email_allowed,
    webhook_messages_queue,
    webhook_topic_since,
)
from passaparola.notifications.webhooks import WebhookMessage
from passaparola.people.models import Person, Team
from passaparola.programme.selectors import in_language_of, programme_get

logger = logging.getLogger(__name__)


class CaptionText(NamedTuple):
    network: str  # "" for every network
    text: str


class NotAllowed(Exception):
    """The person may not take this step on this post; the message says why."""


# Posts --------------------------------------------------------------------------------------


def _snapshot(post: Post) -> dict[str, object]:
    return {
        "url": post.url,
        "title": post.title,
        "description": post.description,
        "content_type": post.content_type,
        "state": post.state,
        "audience": post.audience,
        "teams": sorted(post.teams.values_list("name", flat=True)),
        "required_teams": sorted(post.required_teams.values_list("name", flat=True)),
        "topics": sorted(post.topics.values_list("name", flat=True)),
        "captions": [
            {"network": network, "text": text}
            for network, text in post.captions.order_by("pk").values_list("network", "text")
        ],
        "is_pinned": post.is_pinned,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "expires_at": post.expires_at.isoformat() if post.expires_at else None,
        "image": post.image.name if post.image else "",
    }


def _revise(post: Post, person: Person | None, action: str, note: str = "") -> PostRevision:
    return PostRevision.objects.create(
        post=post, person=person, action=action, note=note, snapshot=_snapshot(post)
    )


def _captions_set(post: Post, captions: list[CaptionText]) -> None:
    post.captions.all().delete()
    Caption.objects.bulk_create(
        Caption(post=post, network=item.network, text=item.text.strip()[:3000])
        for item in captions
        if item.text.strip()
    )


def _image_store(post: Post, data: bytes) -> None:
    """Check an image with Pillow and store it as the post's image, under a safe name."""
    suffix = image_check(data)
    old = post.image.name if post.image else ""
    post.image.save(f"post{suffix}", ContentFile(data), save=False)
    file_delete_on_commit(post.image.storage, old)


def _image_later(post: Post) -> None:
    # After the commit, so the worker sees the post; and never inside the editor's request.
    from passaparola.content.tasks import download_post_image

    post_id, url = post.pk, post.image_url
    transaction.on_commit(lambda: download_post_image(post_id, url))


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
    captions: list[CaptionText] | None = None,
    topics: list[Topic] | None = None,
    required_teams: list[Team] | None = None,
    is_pinned: bool = False,
    published_at: datetime | None = None,
    expires_at: datetime | None = None,
    image: File | None = None,
    site_name: str = "",
    canonical: str = "",
    source: Source | None = None,
    suggested_by: Person | None = None,
) -> Post:
    """Create a draft post with its suggested captions, targeting and image."""
    post = Post(
        created_by=created_by,
        url=url,
        canonical_url=canonical or (canonical_url(url) if url else ""),
        title=title,
        description=description,
        site_name=site_name,
        image_url=image_url,
        content_type=content_type,
        audience=audience,
        is_pinned=is_pinned,
        published_at=published_at,
        expires_at=expires_at,
        source=source,
        suggested_by=suggested_by,
    )
    if image is not None:
        _image_store(post, image.read())
    post.save()
    post.teams.set(teams or [])
    post.required_teams.set(required_teams or [])
    post.topics.set(topics or [])
    _captions_set(post, [*([CaptionText("", caption)] if caption else []), *(captions or [])])
    _revise(post, created_by, PostRevision.Action.CREATED)
    if image is None and image_url:
        _image_later(post)
    return post


@transaction.atomic
def post_update(
    *,
    post: Post,
    by: Person | None = None,
    url: str,
    title: str,
    description: str,
    image_url: str,
    content_type: str,
    audience: str,
    teams: list[Team],
    captions: list[CaptionText],
    topics: list[Topic] | None = None,
    required_teams: list[Team] | None = None,
    is_pinned: bool = False,
    published_at: datetime | None = None,
    expires_at: datetime | None = None,
    image: File | None = None,
    clear_image: bool = False,
    site_name: str = "",
    canonical: str = "",
) -> Post:
    """Change a post's content, targeting, schedule, captions and image; keep the history."""
    image_url_changed = image_url != post.image_url
    if published_at is None and post.state == Post.State.PUBLISHED:
        published_at = post.published_at  # a published post keeps its time unless moved
    post.url, post.title, post.description = url, title, description
    post.canonical_url = canonical or canonical_url(url)
    post.site_name, post.image_url = site_name, image_url
    post.content_type, post.audience, post.is_pinned = content_type, audience, is_pinned
    post.published_at, post.expires_at = published_at, expires_at
    post.updated_at = timezone.now()
    fields = [
        "url",
        "canonical_url",
        "title",
        "description",
        "site_name",
        "image_url",
        "content_type",
        "audience",
        "is_pinned",
        "published_at",
        "expires_at",
        "updated_at",
    ]
    if image is not None:
        _image_store(post, image.read())
        fields.append("image")
    elif clear_image and post.image:
        file_delete_on_commit(post.image.storage, post.image.name)
        post.image = ""
        fields.append("image")
    post.save(update_fields=fields)
    post.teams.set(teams)
    post.required_teams.set(required_teams or [])
    post.topics.set(topics or [])
    _captions_set(post, captions)
    _revise(post, by, PostRevision.Action.EDITED)
    if image is None and image_url and (image_url_changed or not post.image):
        _image_later(post)
    return post


def post_image_download(*, post_id: int, url: str) -> bool:
    """Fetch a post's image through the safe fetcher and keep the platform's own copy."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.image_url != url or not url:
        return False  # gone, or the editor changed the address since
    try:
        response = fetch(url, accept=IMAGE)
        with transaction.atomic():
            _image_store(post, response.body)
            post.save(update_fields=["image"])
    except (FetchError, ImageInvalid) as error:
        logger.info("post %s: image %s not kept: %s", post_id, url, error)
        return False
    return True


def approval_required() -> bool:
    """Return True when the programme asks for posts to be approved before publishing."""
    return ApprovalStep.objects.exists()


def _go_live(post: Post, by: Person | None) -> Post:
    now = timezone.now()
    post.state = Post.State.PUBLISHED
    # A planned time still ahead is kept: the post is scheduled and shows up then.
    if post.published_at is None or post.published_at < now:
        post.published_at = now
    post.updated_at = now
    post.save(update_fields=["state", "published_at", "updated_at"])
    if by is not None:
        activity_record(person=by, verb=Verb.POST_PUBLISHED, post=post)
    _revise(post, by, PostRevision.Action.PUBLISHED)
    return post


@transaction.atomic
def post_publish(*, post: Post, by: Person) -> Post:
    """Publish a post, or send it for review first when the programme asks for approval."""
    if post.state == Post.State.PUBLISHED:
        return post
    if approval_required():
        if post.state != Post.State.REVIEW:
            return post_submit(post=post, by=by)
        return post
    return _go_live(post, by)


@transaction.atomic
def post_submit(*, post: Post, by: Person | None) -> Post:
    """Put a post in the review queue, starting a new round of approvals."""
    post.state = Post.State.REVIEW
    post.review_round += 1
    post.updated_at = timezone.now()
    post.save(update_fields=["state", "review_round", "updated_at"])
    _revise(post, by, PostRevision.Action.SUBMITTED)
    return post


@transaction.atomic
def post_approve(*, post: Post, by: Person, note: str = "") -> Post:
    """Approve the step a post waits for; the last approval publishes it."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    step = post_current_step(post)
    if not can_approve(by, post, step):
        raise NotAllowed(_("You cannot approve this post."))
    if step is not None:
        PostApproval.objects.create(
            post=post,
            step=step,
            step_name=step.name,
            round=post.review_round,
            person=by,
            decision=PostApproval.Decision.APPROVED,
            note=note,
        )
        _revise(post, by, PostRevision.Action.APPROVED, note or step.name)
        audit_record(
            actor=by, action="post.approved", target=post, changes={"step": step.name, "note": note}
        )
        if post_current_step(post) is not None:
            return post
    return _go_live(post, by)


@transaction.atomic
def post_return(*, post: Post, by: Person, note: str) -> Post:
    """Send a post in review back to draft, saying what to change."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    step = post_current_step(post)
    if not can_approve(by, post, step):
        raise NotAllowed(_("You cannot review this post."))
    PostApproval.objects.create(
        post=post,
        step=step,
        step_name=step.name if step else _("Review"),
        round=post.review_round,
        person=by,
        decision=PostApproval.Decision.RETURNED,
        note=note,
    )
    post.state = Post.State.DRAFT
    post.updated_at = timezone.now()
    post.save(update_fields=["state", "updated_at"])
    _revise(post, by, PostRevision.Action.RETURNED, note)
    audit_record(actor=by, action="post.returned", target=post, changes={"note": note})
    return post


@transaction.atomic
def post_archive(*, post: Post, by: Person | None = None) -> Post:
    """Take a post out of every feed; its links keep redirecting."""
    post.state = Post.State.ARCHIVED
    post.updated_at = timezone.now()
    post.save(update_fields=["state", "updated_at"])
    _revise(post, by, PostRevision.Action.ARCHIVED)
    return post


@transaction.atomic
def approval_step_add(*, name: str, approver: str) -> ApprovalStep:
    """Add a step at the end of the approval chain."""
    last = ApprovalStep.objects.order_by("-position").values_list("position", flat=True).first()
    return ApprovalStep.objects.create(position=(last or 0) + 1, name=name, approver=approver)


@transaction.atomic
def approval_step_remove(*, step: ApprovalStep) -> None:
    """Remove a step; posts waiting for it move on to the next one."""
    step.delete()


# Topics and interests -----------------------------------------------------------------------


@transaction.atomic
def topic_create(*, name: str) -> Topic:
    """Create a topic posts can be about and people can follow."""
    return Topic.objects.create(name=name.strip())


@transaction.atomic
def topic_delete(*, topic: Topic) -> None:
    """Delete a topic; posts and people simply lose it."""
    topic.delete()


@transaction.atomic
def interests_set(*, person: Person, topics: list[Topic]) -> None:
    """Replace the topics a person follows."""
    wanted = {topic.pk for topic in topics}
    PersonInterest.objects.filter(person=person).exclude(topic_id__in=wanted).delete()
    have = set(PersonInterest.objects.filter(person=person).values_list("topic_id", flat=True))
    PersonInterest.objects.bulk_create(
        PersonInterest(person=person, topic_id=pk) for pk in wanted - have
    )


# Sources ------------------------------------------------------------------------------------


@transaction.atomic
def source_create(
    *,
    created_by: Person,
    name: str,
    url: str,
    interval_minutes: int = 60,
    auto_publish: bool = False,
    daily_cap: int = 5,
    content_type: str = Post.Type.INDUSTRY,
    audience: str = Post.Audience.EVERYONE,
    teams: list[Team] | None = None,
    topics: list[Topic] | None = None,
) -> Source:
    """Add a feed; its first poll is due at once."""
    source = Source.objects.create(
        created_by=created_by,
        name=name,
        url=url,
        interval_minutes=interval_minutes,
        auto_publish=auto_publish,
        daily_cap=daily_cap,
        content_type=content_type,
        audience=audience,
    )
    source.teams.set(teams or [])
    source.topics.set(topics or [])
    return source


@transaction.atomic
def source_update(
    *,
    source: Source,
    name: str,
    url: str,
    is_active: bool,
    interval_minutes: int,
    auto_publish: bool,
    daily_cap: int,
    content_type: str,
    audience: str,
    teams: list[Team],
    topics: list[Topic],
) -> Source:
    """Change a source's settings; a new address starts again without remembered validators."""
    if url != source.url:
        source.etag, source.last_modified = "", ""
    source.name, source.url, source.is_active = name, url, is_active
    source.interval_minutes, source.auto_publish = interval_minutes, auto_publish
    source.daily_cap, source.content_type, source.audience = daily_cap, content_type, audience
    if is_active and source.has_error:
        source.failure_count, source.next_poll_at = 0, timezone.now()
    source.save(
        update_fields=[
            "name",
            "url",
            "is_active",
            "interval_minutes",
            "auto_publish",
            "daily_cap",
            "content_type",
            "audience",
            "etag",
            "last_modified",
            "failure_count",
            "next_poll_at",
        ]
    )
    source.teams.set(teams)
    source.topics.set(topics)
    return source


def sources_claim_due(*, now: datetime | None = None, limit: int = 50) -> list[int]:
    """Return the ids of active sources due for a poll, moving each one's next poll on."""
    now = now or timezone.now()
    claimed: list[int] = []
    due = Source.objects.filter(is_active=True, next_poll_at__lte=now).order_by("next_poll_at")
    for source_id, planned, minutes in due.values_list("pk", "next_poll_at", "interval_minutes")[
        :limit
    ]:
        # Claim by moving the time on: another worker that read the same row loses the race.
        won = Source.objects.filter(pk=source_id, next_poll_at=planned).update(
            next_poll_at=now + timedelta(minutes=max(minutes, 5))
        )
        if won:
            claimed.append(source_id)
    return claimed


@dataclass
class PollResult:
    imported: int = 0
    duplicates: int = 0
    over_cap: int = 0
    unusable: int = 0
    deferred: bool = False  # some entries wait for the next day's cap
    not_modified: bool = False
    error: str = ""


def source_poll(*, source_id: int, now: datetime | None = None) -> PollResult:
    """Read a source's feed and import its new entries; a broken feed is recorded, not raised."""
    now = now or timezone.now()
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return PollResult(error="gone")
    try:
        feed = feed_read(source.url, etag=source.etag, last_modified=source.last_modified)
    except FetchError as error:
        return _source_failed(source, str(error), now)
    except Exception:
        # Whatever a hostile or broken feed does, the worker carries on with the next one.
        logger.exception("source %s: the feed could not be read", source.pk)
        return _source_failed(source, _("The feed could not be read."), now)
    result = PollResult(not_modified=feed.not_modified)
    if not feed.not_modified:
        result = _entries_import(source, feed.entries, now)
        source.etag, source.last_modified = feed.etag, feed.last_modified
        if result.deferred:
            # Entries wait for tomorrow's cap: read the whole feed again next time.
            source.etag, source.last_modified = "", ""
    source.last_polled_at = source.last_success_at = now
    source.failure_count, source.last_error = 0, ""
    source.next_poll_at = now + timedelta(minutes=max(source.interval_minutes, 5))
    source.save(
        update_fields=[
            "etag",
            "last_modified",
            "last_polled_at",
            "last_success_at",
            "failure_count",
            "last_error",
            "next_poll_at",
        ]
    )
    return result


def _source_failed(source: Source, message: str, now: datetime) -> PollResult:
    source.failure_count += 1
    source.last_error = message[:1000]
    source.last_polled_at = now
    # Back off: twice the interval per failure in a row, at most a day.
    delay = min(max(source.interval_minutes, 5) * 2 ** min(source.failure_count, 8), 24 * 60)
    source.next_poll_at = now + timedelta(minutes=delay)
    source.save(update_fields=["failure_count", "last_error", "last_polled_at", "next_poll_at"])
    return PollResult(error=message)


@transaction.atomic
def _entries_import(source: Source, entries: list[FeedEntry], now: datetime) -> PollResult:
    result = PollResult()
    teams, topics = list(source.teams.all()), list(source.topics.all())
    first_poll = not SourceEntry.objects.filter(source=source).exists()
    for entry, outcome in entries_plan(
        source=source, entries=entries, cap=source.daily_cap, now=now
    ):
        post = None
        if outcome == SourceEntry.Outcome.IMPORTED:
            post = _entry_post(source, entry, teams, topics)
            result.imported += 1
        elif outcome == SourceEntry.Outcome.DUPLICATE:
            result.duplicates += 1
        elif outcome == SourceEntry.Outcome.OVER_CAP:
            result.over_cap += 1
            if not first_poll:
                result.deferred = True
                continue  # not remembered: it is considered again tomorrow
        else:
            result.unusable += 1
        SourceEntry.objects.create(
            source=source,
            key=entry.key,
            url=entry.url,
            title=entry.title[:300],
            outcome=outcome,
            post=post,
            created_at=now,
        )
    return result


def _entry_post(source: Source, entry: FeedEntry, teams: list[Team], topics: list[Topic]) -> Post:
    post = post_create(
        created_by=source.created_by,
        url=entry.url,
        canonical=entry.canonical_url,
        title=entry.title,
        description=entry.summary,
        image_url=entry.image_url,
        site_name=source.name[:120],
        content_type=source.content_type,
        audience=source.audience,
        teams=teams,
        topics=topics,
        source=source,
    )
    if source.auto_publish:
        activity_record(person=source.created_by, verb=Verb.POST_PUBLISHED, post=post)
        return _go_live(post, None)
    return post_submit(post=post, by=None)


# Suggestions --------------------------------------------------------------------------------


def _tell_suggester(suggestion: Suggestion) -> None:
    from passaparola.content.tasks import send_suggestion_decision

    suggestion_id = suggestion.pk
    transaction.on_commit(lambda: send_suggestion_decision(suggestion_id))


@transaction.atomic
def suggestion_create(*, person: Person, url: str = "", text: str = "") -> Suggestion:
    """Record a person's proposal of a link or a text for the feed."""
    suggestion = Suggestion.objects.create(person=person, url=url.strip(), text=text.strip())
    activity_record(person=person, verb=Verb.SUGGESTION_MADE)
    return suggestion


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, by: Person) -> Post:
    """Turn a suggestion into a draft post crediting the person, and tell them."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != Suggestion.State.PENDING:
        raise NotAllowed(_("This suggestion was already decided."))
    text = suggestion.text
    post = post_create(
        created_by=by,
        url=suggestion.url,
        title=plain_text(text, 120) if text else suggestion.url[:300],
        description=text,
        content_type=Post.Type.EMPLOYEE,
        captions=[CaptionText("", text)] if text else [],
        suggested_by=suggestion.person,
    )
    suggestion.state, suggestion.post = Suggestion.State.ACCEPTED, post
    suggestion.decided_by, suggestion.decided_at = by, timezone.now()
    suggestion.save(update_fields=["state", "post", "decided_by", "decided_at"])
    activity_record(person=suggestion.person, verb=Verb.SUGGESTION_ACCEPTED, post=post)
    _tell_suggester(suggestion)
    return post


@transaction.atomic
def suggestion_decline(*, suggestion: Suggestion, by: Person, reason: str) -> Suggestion:
    """Decline a suggestion with a reason, and tell the person."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != Suggestion.State.PENDING:
        raise NotAllowed(_("This suggestion was already decided."))
    suggestion.state, suggestion.reason = Suggestion.State.DECLINED, reason.strip()
    suggestion.decided_by, suggestion.decided_at = by, timezone.now()
    suggestion.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    _tell_suggester(suggestion)
    return suggestion


# Reactions and comments ---------------------------------------------------------------------


@transaction.atomic
def post_view_record(*, person: Person, post: Post) -> bool:
    """Record that a person read a post, once per person, post and day; True when recorded."""
    # The page reports the view with a small POST (content/post_detail.html): reading never writes.
    today = timezone.localdate()
    seen = Activity.objects.filter(
        person=person, verb=Verb.POST_VIEWED, post=post, created_at__date=today
    ).exists()
    if seen:
        return False
    activity_record(person=person, verb=Verb.POST_VIEWED, post=post)
    return True


@transaction.atomic
def reaction_toggle(*, post: Post, person: Person, kind: str) -> bool:
    """Add the person's reaction, or take it back; return True when it is now there."""
    deleted, _rows = Reaction.objects.filter(post=post, person=person, kind=kind).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, person=person, kind=kind)
    except IntegrityError:
        return True  # a double click: the reaction is there
    # One activity per person and post, however often they toggle: no points for fidgeting.
    if not Activity.objects.filter(person=person, verb=Verb.REACTION, post=post).exists():
        activity_record(person=person, verb=Verb.REACTION, post=post)
    return True


def comment_clean(text: str) -> str:
    """Return a comment's text with any markup removed and its length capped."""
    return plain_text_keep_lines(text)[: Comment.MAX_LENGTH].strip()


def plain_text_keep_lines(text: str) -> str:
    """Strip markup (nh3) but keep the line breaks people typed."""
    lines = [
        html.unescape(nh3.clean(line, tags=set(), clean_content_tags={"script", "style"}))
        for line in text.replace("\r\n", "\n").split("\n")
    ]
    return "\n".join(line.rstrip() for line in lines).strip()


@transaction.atomic
def comment_create(*, post: Post, person: Person, text: str) -> Comment:
    """Add a colleague's comment to a post."""
    comment = Comment.objects.create(post=post, person=person, text=comment_clean(text))
    activity_record(person=person, verb=Verb.COMMENT, post=post)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment) -> None:
    """Remove a comment (its author or an editor asked)."""
    comment.delete()


# Digests and news for chat channels ---------------------------------------------------------

DIGEST_PERIOD_LENGTH = {
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(days=7),
}


def post_share_url(post: Post) -> str:
    """Return the absolute address of a post's page, opened at its share panel."""
    return settings.SITE_URL + reverse("content:post", args=[post.pk]) + "#share-title"


def digest_send(*, person: Person, period: str, now: datetime | None = None) -> bool:
    """Email a person the new posts aimed at them for one period, once; return True if sent.

    The DigestLog row is the claim: it is committed before the email goes, so a retry or a
    second worker finds it and sends nothing. A failed send removes it again for the retry.
    """
    now = now or timezone.now()
    if person.is_paused or not email_allowed(person, EmailKind.DIGEST):
        return False
    frequency = DigestFrequency(period.split(":", 1)[0])
    previous = DigestLog.objects.filter(person=person).order_by("-until").first()
    since = previous.until if previous else now - DIGEST_PERIOD_LENGTH[frequency]
    try:
        with transaction.atomic():
            log = DigestLog.objects.create(person=person, period=period, since=since, until=now)
    except IntegrityError:
        return False
    posts, total = digest_posts(person, since=since, until=now)
    if not posts:
        return False
    log.posts = total
    try:
        email_send(
            person=person,
            template="content/email/digest",
            kind=EmailKind.DIGEST,
            context={
                "posts": [(post, post_share_url(post)) for post in posts],
                "total": total,
                "more": total - len(posts),
                "frequency": frequency,
                "feed_url": settings.SITE_URL + reverse("content:feed"),
                "since": since,
            },
        )
    except Exception:
        log.delete()
        raise
    log.sent_at = timezone.now()
    log.save(update_fields=["posts", "sent_at"])
    return True


def _post_message(post: Post, programme_name: str) -> WebhookMessage:
    assert post.published_at is not None
    return WebhookMessage(
        key=f"post:{post.pk}",
        occurred_at=post.published_at,
        title=_("New on %(programme)s: %(title)s")
        % {"programme": programme_name, "title": post.title},
        text=post.description[:500],
        link=post_share_url(post),
        link_text=_("Read and share"),
    )


@transaction.atomic
def post_announcements_queue(*, now: datetime | None = None) -> list[int]:
    """Tell the Slack and Teams channels about posts for everyone that went live since they
    last heard; return the ids of the deliveries to send.

    Only posts for everyone are announced: a channel is not a team's audience.
    """
    now = now or timezone.now()
    since = webhook_topic_since(topic="posts")
    if since is None:
        return []
    posts = live_posts(now).filter(
        audience=Post.Audience.EVERYONE, published_at__gt=since, published_at__lte=now
    )
    programme = programme_get()
    with in_language_of():
        messages = [_post_message(post, programme.name) for post in posts]
    return webhook_messages_queue(topic="posts", messages=messages, until=now)


def suggestion_decision_send(*, suggestion: Suggestion) -> bool:
    """Email a person that an editor accepted or declined their suggestion; False if pending."""
    if suggestion.state == Suggestion.State.PENDING:
        return False
    email_send(
        person=suggestion.person,
        template="content/email/suggestion",
        context={"suggestion": suggestion},
    )
    return True
