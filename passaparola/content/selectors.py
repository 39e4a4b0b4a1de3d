"""Reads of content: who may see which post, the ranked feed, the queues and the calendar."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.feeds import FeedEntry
from passaparola.content.models import (
    REACTION_SYMBOLS,
    ApprovalStep,
    Comment,
    DigestLog,
    PersonInterest,
    Post,
    PostApproval,
    Reaction,
    Source,
    SourceEntry,
    Suggestion,
    Topic,
)
from passaparola.notifications.models import DigestFrequency, EmailKind, NotificationPreference
from passaparola.notifications.selectors import email_refusers
from passaparola.people.access import can_edit_content, can_manage_programme
from passaparola.people.models import Membership, Person

# How the feed ranks (docs/content.md): points added up per post, highest first.
REQUIRED_POINTS = 1000  # required for one of my teams: always on top
PINNED_POINTS = 500
TARGETED_POINTS = 30  # aimed at (or restricted to) one of my teams
INTEREST_POINTS = 25  # about a topic I follow
COLLEAGUE_POINTS = 20  # a teammate shared it in the last COLLEAGUE_DAYS
COLLEAGUE_DAYS = 14
# Freshness: (age, points); older posts get nothing for being fresh.
FRESHNESS = ((timedelta(days=1), 100), (timedelta(days=3), 70), (timedelta(days=7), 40),
             (timedelta(days=30), 15))  # fmt: skip
# Only posts of this window (and pinned or required ones) are scored; older ones follow by date.
RANK_WINDOW = timedelta(days=30)
WINDOW_POINTS = 10_000
FEED_PAGE_SIZE = 20


def live_posts(now: datetime | None = None) -> QuerySet[Post]:
    """Return the published posts whose time has come and which have not expired."""
    now = now or timezone.now()
    return Post.objects.filter(state=Post.State.PUBLISHED, published_at__lte=now).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def _my_team_ids(person: Person) -> "QuerySet[Membership, Any]":
    return Membership.objects.filter(person_id=person.pk).values("team_id")


def _targeted_ids(person: Person) -> QuerySet:
    return Post.teams.through.objects.filter(team_id__in=_my_team_ids(person)).values("post_id")


def _required_ids(person: Person) -> QuerySet:
    return Post.required_teams.through.objects.filter(team_id__in=_my_team_ids(person)).values(
        "post_id"
    )


def posts_visible_to(person: Person, now: datetime | None = None) -> QuerySet[Post]:
    """Return the live posts this person may see: everyone's, their teams', required ones."""
    # IN (subquery) rather than joins: no duplicates to remove, and each subquery runs once.
    return live_posts(now).filter(
        Q(audience=Post.Audience.EVERYONE)
        | Q(pk__in=_targeted_ids(person))
        | Q(pk__in=_required_ids(person))
    )


def _signal(rows: QuerySet) -> Q | Exists:
    """Return "the post is among these rows (which have a post_id)", probed the fast way.

    PostgreSQL runs `id IN (subquery)` once as a hashed subplan; correlated EXISTS there get a
    cost estimate past its JIT threshold, and compiling took ~100 ms a page. SQLite probes a
    correlated EXISTS through the unique (post, team|topic) indexes in half the time it takes
    to build and probe the IN lists (bench/feed).
    """
    if connection.vendor == "postgresql":
        return Q(pk__in=rows.values("post_id"))
    return Exists(rows.filter(post_id=OuterRef("pk")))


def feed_for(
    person: Person, *, topic: int | None = None, content_type: str = "", now: datetime | None = None
) -> QuerySet[Post]:
    """Return this person's feed ranked by relevance (docs/content.md), as an annotated queryset.

    Posts of the last RANK_WINDOW (and pinned or required ones) are scored; older posts follow,
    newest first, and the score's lookups run only for posts in the window.
    """
    now = now or timezone.now()
    teams = _my_team_ids(person)
    colleagues = Membership.objects.filter(team_id__in=teams).values("person_id")
    required = _signal(Post.required_teams.through.objects.filter(team_id__in=teams))
    targeted = _signal(Post.teams.through.objects.filter(team_id__in=teams))
    interesting = _signal(
        Post.topics.through.objects.filter(
            topic_id__in=PersonInterest.objects.filter(person_id=person.pk).values("topic_id")
        )
    )
    # Shares are read from their activities: content sits upstream of sharing.
    shared = _signal(
        Activity.objects.filter(
            verb=Verb.SHARE_CREATED,
            person_id__in=colleagues,
            created_at__gte=now - timedelta(days=COLLEAGUE_DAYS),
        ).exclude(person_id=person.pk)
    )

    def bonus(condition: Q | Exists, value: int) -> Case:
        return Case(
            When(condition, then=Value(value)), default=Value(0), output_field=IntegerField()
        )

    relevance = (
        Case(
            *[When(published_at__gte=now - age, then=Value(value)) for age, value in FRESHNESS],
            default=Value(0),
            output_field=IntegerField(),
        )
        + bonus(required, REQUIRED_POINTS)
        + bonus(Q(is_pinned=True), PINNED_POINTS)
        + bonus(targeted, TARGETED_POINTS)
        + bonus(interesting, INTEREST_POINTS)
        + bonus(shared, COLLEAGUE_POINTS)
    )
    in_window = Q(published_at__gte=now - RANK_WINDOW) | Q(is_pinned=True) | Q(required)
    posts = posts_visible_to(person, now)
    if topic:
        posts = posts.filter(
            pk__in=Post.topics.through.objects.filter(topic_id=topic).values("post_id")
        )
    if content_type:
        posts = posts.filter(content_type=content_type)
    return posts.annotate(
        score=Case(
            When(in_window, then=Value(WINDOW_POINTS) + relevance),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-score", "-published_at", "-pk")


def is_required_score(score: int) -> bool:
    """Return True when a feed score says the post is required for the person's team."""
    return score >= WINDOW_POINTS + REQUIRED_POINTS


@dataclass
class FeedPage:
    posts: list[Post]
    number: int
    has_next: bool

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self) -> Iterator[Post]:
        return iter(self.posts)

    def __len__(self) -> int:
        return len(self.posts)


def feed_page(
    person: Person, *, page: int = 1, topic: int | None = None, content_type: str = ""
) -> FeedPage:
    """Return one page of the feed, with reactions and colleagues' shares attached to each post.

    Two steps: rank every visible post reading only narrow columns (the post_feed index covers
    them), then load the page's posts in full. No COUNT(*) over the whole feed: one row more
    than a page tells whether there is a next one.
    """
    page = max(page, 1)
    start = (page - 1) * FEED_PAGE_SIZE
    ranked = list(
        feed_for(person, topic=topic, content_type=content_type).values_list(  # type: ignore[misc]
            "pk", "score"
        )[start : start + FEED_PAGE_SIZE + 1]
    )
    required = {pk for pk, score in ranked if is_required_score(score)}
    ids = [pk for pk, _score in ranked[:FEED_PAGE_SIZE]]
    loaded = (
        Post.objects.filter(pk__in=ids).select_related("suggested_by").prefetch_related("topics")
    )
    by_id = {post.pk: post for post in loaded}
    posts = [by_id[pk] for pk in ids if pk in by_id]
    for post in posts:
        post.is_required = post.pk in required  # type: ignore[attr-defined]
    attach_engagement(person, posts)
    _attach_colleague_shares(person, posts)
    return FeedPage(posts=posts, number=page, has_next=len(ranked) > FEED_PAGE_SIZE)


@dataclass
class ReactionCount:
    kind: str
    label: str
    symbol: str
    count: int
    mine: bool

    @property
    def pressed(self) -> str:
        """Return the button's aria-pressed value."""
        return "true" if self.mine else "false"


def attach_engagement(person: Person, posts: list[Post]) -> None:
    """Give each post its reaction counts (and the person's own) and its number of comments."""
    ids = [post.pk for post in posts]
    counts: dict[tuple[int, str], int] = defaultdict(int)
    mine: set[tuple[int, str]] = set()
    for post_id, kind, total, own in (
        Reaction.objects.filter(post_id__in=ids)
        .values_list("post_id", "kind")
        .annotate(total=Count("pk"), own=Count("pk", filter=Q(person_id=person.pk)))
    ):
        counts[(post_id, kind)] = total
        if own:
            mine.add((post_id, kind))
    comments = dict(
        Comment.objects.filter(post_id__in=ids)
        .values_list("post_id")
        .annotate(total=Count("pk"))
        .values_list("post_id", "total")
    )
    for post in posts:
        post.reaction_counts = [  # type: ignore[attr-defined]
            ReactionCount(
                kind=kind,
                label=str(label),
                symbol=REACTION_SYMBOLS[Reaction.Kind(kind)],
                count=counts[(post.pk, kind)],
                mine=(post.pk, kind) in mine,
            )
            for kind, label in Reaction.Kind.choices
        ]
        post.comment_count = comments.get(post.pk, 0)  # type: ignore[attr-defined]


def _attach_colleague_shares(person: Person, posts: list[Post]) -> None:
    colleagues = Membership.objects.filter(team_id__in=_my_team_ids(person)).values("person_id")
    shared = dict(
        Activity.objects.filter(
            verb=Verb.SHARE_CREATED,
            post_id__in=[post.pk for post in posts],
            person_id__in=colleagues,
        )
        .exclude(person_id=person.pk)
        .values_list("post_id")
        .annotate(people=Count("person_id", distinct=True))
        .values_list("post_id", "people")
    )
    for post in posts:
        post.shared_by_colleagues = shared.get(post.pk, 0)  # type: ignore[attr-defined]


def topics_with_interest(person: Person) -> QuerySet[Topic]:
    """Return every topic, each marked when this person follows it."""
    return Topic.objects.annotate(
        followed=Exists(PersonInterest.objects.filter(person_id=person.pk, topic_id=OuterRef("pk")))
    ).order_by("name")


def topics_overview() -> QuerySet[Topic]:
    """Return every topic with how many posts it tags and how many people follow it."""
    return Topic.objects.annotate(
        post_count=Count("posts", distinct=True), people_count=Count("interested", distinct=True)
    ).order_by("name")


def access_post_by_person(person: Person, post_id: int) -> Post:
    """Return a post this person may see, or raise Http404."""
    if can_edit_content(person):
        post = Post.objects.filter(pk=post_id).first()
    else:
        post = posts_visible_to(person).filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post


def access_live_post_by_person(person: Person, post_id: int) -> Post:
    """Return a live post this person may see and engage with, or raise Http404."""
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


def access_comment_for_removal(person: Person, comment_id: int) -> Comment:
    """Return a comment this person may remove (their own, or any for editors), or raise Http404."""
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    if comment.person_id == person.pk or can_edit_content(person):
        # Their own comment on a post they can no longer see stays removable.
        return comment
    raise Http404


def comments_for(post: Post) -> list[Comment]:
    """Return a post's comments, oldest first, with their authors."""
    return list(post.comments.select_related("person").order_by("created_at", "pk"))


# The review queue ---------------------------------------------------------------------------


def post_current_step(post: Post) -> ApprovalStep | None:
    """Return the approval step a post in review waits for (None: no steps configured)."""
    done = PostApproval.objects.filter(
        post=post, round=post.review_round, decision=PostApproval.Decision.APPROVED
    ).values("step_id")
    return ApprovalStep.objects.exclude(pk__in=done).order_by("position").first()


def can_approve(person: Person, post: Post, step: ApprovalStep | None) -> bool:
    """Return True when this person may decide on this step of this post."""
    if post.state != Post.State.REVIEW or not can_edit_content(person):
        return False
    # Four eyes: nobody approves what they wrote themselves (imports have no author as such).
    if post.source_id is None and post.created_by_id == person.pk:
        return False
    if step is not None and step.approver == ApprovalStep.Approver.ADMIN:
        return can_manage_programme(person)
    return True


@dataclass
class ReviewItem:
    post: Post
    step: ApprovalStep | None
    may_decide: bool


def review_queue(person: Person) -> list[ReviewItem]:
    """Return the posts waiting for review, each with the step it waits for."""
    steps = list(ApprovalStep.objects.order_by("position"))
    posts = list(
        Post.objects.filter(state=Post.State.REVIEW)
        .select_related("created_by", "source")
        .prefetch_related("approvals")
        .order_by("updated_at", "pk")[:200]
    )
    items = []
    for post in posts:
        done = {
            a.step_id
            for a in post.approvals.all()
            if a.round == post.review_round and a.decision == PostApproval.Decision.APPROVED
        }
        step = next((s for s in steps if s.pk not in done), None)
        items.append(ReviewItem(post=post, step=step, may_decide=can_approve(person, post, step)))
    return items


def review_state(person: Person, post: Post) -> ReviewItem | None:
    """Return where a post in review stands for this person, or None when it is not in review."""
    if post.state != Post.State.REVIEW:
        return None
    step = post_current_step(post)
    return ReviewItem(post=post, step=step, may_decide=can_approve(person, post, step))


def pending_suggestions() -> QuerySet[Suggestion]:
    """Return the suggestions waiting for an editor, oldest first."""
    return (
        Suggestion.objects.filter(state=Suggestion.State.PENDING)
        .select_related("person")
        .order_by("created_at", "pk")
    )


def suggestions_decided() -> QuerySet[Suggestion]:
    """Return the decided suggestions, latest decision first, with who was involved."""
    return (
        Suggestion.objects.exclude(state=Suggestion.State.PENDING)
        .select_related("person", "decided_by", "post")
        .order_by("-decided_at", "-pk")
    )


def access_suggestion_for_deciding(person: Person, suggestion_id: int) -> Suggestion:
    """Return a suggestion an editor may decide on, or raise Http404."""
    if not can_edit_content(person):
        raise Http404
    suggestion = Suggestion.objects.select_related("person").filter(pk=suggestion_id).first()
    if suggestion is None:
        raise Http404
    return suggestion


# Sources ------------------------------------------------------------------------------------


def sources_overview() -> QuerySet[Source]:
    """Return every source with how many posts it brought today and in total."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    imported = Q(entries__outcome=SourceEntry.Outcome.IMPORTED)
    return Source.objects.annotate(
        imported_total=Count("entries", filter=imported),
        imported_today=Count("entries", filter=imported & Q(entries__created_at__gte=midnight)),
    ).order_by("name")


def access_source_for_editing(person: Person, source_id: int) -> Source:
    """Return a source this person may manage, or raise Http404."""
    if not can_edit_content(person):
        raise Http404
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        raise Http404
    return source


def _local_midnight(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def entries_plan(
    *, source: Source | None, entries: list[FeedEntry], cap: int, now: datetime
) -> list[tuple[FeedEntry, str]]:
    """Return what importing these entries would do with each new one (a SourceEntry outcome).

    New means not seen in this source before; a link already on the platform is a duplicate;
    the newest come first, up to the source's daily cap (counted per local day). Past the cap,
    the backlog found by a source's first poll is skipped for good, while entries that arrive
    later wait for the next day (source_poll does not record them).
    """
    seen: set[str] = set()
    used = 0
    if source is not None:
        seen = set(
            SourceEntry.objects.filter(source=source, key__in=[e.key for e in entries]).values_list(
                "key", flat=True
            )
        )
        used = SourceEntry.objects.filter(
            source=source,
            outcome=SourceEntry.Outcome.IMPORTED,
            created_at__gte=_local_midnight(now),
        ).count()
    known = set(
        Post.objects.filter(
            canonical_url__in=[e.canonical_url for e in entries if e.canonical_url]
        ).values_list("canonical_url", flat=True)
    )
    plan: list[tuple[FeedEntry, str]] = []
    for entry in entries:
        if entry.key in seen:
            continue
        seen.add(entry.key)
        if not entry.url:
            outcome = SourceEntry.Outcome.UNUSABLE
        elif entry.canonical_url in known:
            outcome = SourceEntry.Outcome.DUPLICATE
        elif used >= cap:
            outcome = SourceEntry.Outcome.OVER_CAP
        else:
            outcome = SourceEntry.Outcome.IMPORTED
            known.add(entry.canonical_url)
            used += 1
        plan.append((entry, outcome))
    return plan


# The calendar -------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    posts: list[Post] = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        """Return True when nothing is published or scheduled that day."""
        return not any(post.state == Post.State.PUBLISHED for post in self.posts)


@dataclass
class CalendarWeek:
    start: date
    days: list[CalendarDay]

    @property
    def published(self) -> int:
        return sum(1 for d in self.days for p in d.posts if p.state == Post.State.PUBLISHED)

    @property
    def gaps(self) -> int:
        return sum(1 for day in self.days if day.is_gap)


def calendar_weeks(*, start: date, weeks: int) -> list[CalendarWeek]:
    """Return the posts published, scheduled or planned on each day of some weeks from a Monday."""
    monday = start - timedelta(days=start.weekday())
    zone = timezone.get_current_timezone()
    begin = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(monday + timedelta(weeks=weeks), time.min, tzinfo=zone)
    days = {
        monday + timedelta(days=n): CalendarDay(day=monday + timedelta(days=n))
        for n in range(weeks * 7)
    }
    posts = (
        Post.objects.filter(published_at__gte=begin, published_at__lt=end)
        .exclude(state=Post.State.ARCHIVED)
        .only("pk", "title", "state", "published_at", "content_type", "is_pinned")
        .order_by("published_at", "pk")
    )
    for post in posts:
        assert post.published_at is not None
        days[timezone.localtime(post.published_at).date()].posts.append(post)
    ordered = list(days.values())
    return [
        CalendarWeek(start=ordered[n * 7].day, days=ordered[n * 7 : n * 7 + 7])
        for n in range(weeks)
    ]


# Digests ------------------------------------------------------------------------------------


def digest_period(frequency: str, now: datetime) -> str | None:
    """Return the key of the digest period now falls in, or None when it is not time yet."""
    local = timezone.localtime(now)
    hour = settings.NOTIFICATIONS_DIGEST_HOUR
    if frequency == DigestFrequency.DAILY:
        return f"daily:{local.date().isoformat()}" if local.hour >= hour else None
    if frequency == DigestFrequency.WEEKLY:
        if local.weekday() == 0 and local.hour < hour:
            return None
        year, week, _day = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return None


def digests_due(now: datetime) -> list[tuple[int, str]]:
    """Return (person id, period) for everyone whose digest period has come and not been sent."""
    people = Person.objects.filter(is_active=True, is_paused=False).exclude(
        pk__in=email_refusers(EmailKind.DIGEST)
    )
    frequencies = dict(
        NotificationPreference.objects.filter(person__in=people).values_list(
            "person_id", "digest_frequency"
        )
    )
    due: list[tuple[int, str]] = []
    periods: dict[str, str | None] = {
        frequency: digest_period(frequency, now) for frequency in DigestFrequency.values
    }
    for person_id in people.values_list("pk", flat=True).order_by("pk"):
        period = periods[frequencies.get(person_id, DigestFrequency.WEEKLY)]
        if period is not None:
            due.append((person_id, period))
    # At most two periods are current (today's and this week's): no long IN list of people.
    sent = set(
        DigestLog.objects.filter(period__in={period for _person_id, period in due}).values_list(
            "person_id", "period"
        )
    )
    return [item for item in due if item not in sent]


def digest_posts(person: Person, *, since: datetime, until: datetime) -> tuple[list[Post], int]:
    """Return the top posts published for this person in (since, until], by feed rank, and
    how many there were in all."""
    new = feed_for(person, now=until).filter(published_at__gt=since, published_at__lte=until)
    posts = list(new[: settings.NOTIFICATIONS_DIGEST_POSTS])
    total = len(posts) if len(posts) < settings.NOTIFICATIONS_DIGEST_POSTS else new.count()
    return posts, total
