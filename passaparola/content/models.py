import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def post_image_path(instance: "Post", filename: str) -> str:
    """Store post images under a random name: never a name someone else chose."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"posts/{uuid.uuid4().hex}{suffix if suffix in IMAGE_SUFFIXES else '.img'}"


class Topic(models.Model):
    """A subject posts are about and people can follow (their interests)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonInterest(models.Model):
    """A topic a person said they care about; their feed ranks its posts higher."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interests"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="interested")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["person", "topic"], name="interest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} likes {self.topic_id}"


class Post(models.Model):
    """A piece of content the company offers its people to share.

    Targeting (docs/content.md): audience "everyone" shows the post to all, and the chosen
    teams get it ranked higher; audience "teams" (restricted) shows it only to the chosen
    teams; required teams always see it, pinned at the top of their feed and marked required.
    """

    class Type(models.TextChoices):
        COMPANY = "company", _("Company news")
        INDUSTRY = "industry", _("Industry and thought leadership")
        EMPLOYEE = "employee", _("Employee-centred")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        TEAMS = "teams", _("Only the chosen teams")

    url = models.URLField(_("link"), max_length=1000)
    canonical_url = models.CharField(_("canonical address"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    site_name = models.CharField(_("site name"), max_length=120, blank=True)
    image = models.ImageField(_("image"), upload_to=post_image_path, blank=True)
    # Where the image was read from (the page's og:image); the platform serves its own copy.
    image_url = models.URLField(_("image address"), max_length=1000, blank=True)
    content_type = models.CharField(
        _("content type"), max_length=10, choices=Type.choices, default=Type.COMPANY
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="posts", verbose_name=_("topics")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    teams = models.ManyToManyField(
        "people.Team", blank=True, related_name="posts", verbose_name=_("teams")
    )
    required_teams = models.ManyToManyField(
        "people.Team", blank=True, related_name="required_posts", verbose_name=_("required for")
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts_created"
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts_suggested",
        verbose_name=_("suggested by"),
    )
    source = models.ForeignKey(
        "Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When the post goes (or went) live; for drafts and posts in review, when it is planned.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # Each submission for review is a new round; approvals count within the current round.
    review_round = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            # Covers every column the feed ranks on, so ranking reads the index alone.
            models.Index(
                fields=[
                    "state",
                    "published_at",
                    "audience",
                    "expires_at",
                    "is_pinned",
                    "content_type",
                ],
                name="post_feed",
            ),
            models.Index(fields=["canonical_url"], name="post_canonical_url"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        """Return True when the post is published, its time has come and it has not expired."""
        now = timezone.now()
        return (
            self.state == self.State.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def state_label(self) -> str:
        """Return the state as editors read it: a published post is "Scheduled" until its time
        comes and "Expired" once it is past its end."""
        now = timezone.now()
        if self.state == self.State.PUBLISHED:
            if self.expires_at is not None and self.expires_at <= now:
                return pgettext("post state", "Expired")
            if self.published_at is not None and self.published_at > now:
                return pgettext("post state", "Scheduled")
        return self.get_state_display()


class Caption(models.Model):
    """A suggested text for sharing a post; people may edit it before sharing."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="captions")
    # Empty: suggested for every network; otherwise a key of networks.catalogue.NETWORKS.
    network = models.CharField(_("network"), max_length=20, blank=True)
    text = models.TextField(_("suggested caption"), max_length=3000)

    class Meta:
        verbose_name = _("caption")
        verbose_name_plural = _("captions")

    def __str__(self) -> str:
        return self.text[:40]


class PostRevision(models.Model):
    """One step in a post's edit history, with what the post looked like after it."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        SUBMITTED = "submitted", _("sent for review")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("sent back")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    note = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["post", "created_at"], name="revision_post_time")]

    def __str__(self) -> str:
        return f"{self.post_id} {self.action}"


class ApprovalStep(models.Model):
    """One sign-off a post needs before it is published; none at all means no approval."""

    class Approver(models.TextChoices):
        EDITOR = "editor", _("An editor or the programme manager")
        ADMIN = "admin", _("The programme manager")

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    approver = models.CharField(
        _("who approves"), max_length=10, choices=Approver.choices, default=Approver.EDITOR
    )

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class PostApproval(models.Model):
    """A reviewer's decision on one step of one review round of a post."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Sent back")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals")
    step = models.ForeignKey(
        ApprovalStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step_name = models.CharField(max_length=80)
    round = models.PositiveIntegerField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        indexes = [models.Index(fields=["post", "round"], name="approval_post_round")]

    def __str__(self) -> str:
        return f"{self.post_id} {self.step_name} {self.decision}"


class Source(models.Model):
    """An RSS or Atom feed whose new entries become posts, published or queued for review."""

    FAILURES_BEFORE_ERROR = 3

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("feed address"), max_length=1000)
    is_active = models.BooleanField(_("active"), default=True)
    interval_minutes = models.PositiveIntegerField(_("check every (minutes)"), default=60)
    auto_publish = models.BooleanField(
        _("publish new entries at once"),
        default=False,
        help_text=_("Otherwise they wait in the review queue."),
    )
    daily_cap = models.PositiveSmallIntegerField(_("at most this many posts a day"), default=5)
    content_type = models.CharField(
        _("content type"), max_length=10, choices=Post.Type.choices, default=Post.Type.INDUSTRY
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="sources", verbose_name=_("topics")
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Post.Audience.choices, default=Post.Audience.EVERYONE
    )
    teams = models.ManyToManyField(
        "people.Team", blank=True, related_name="sources", verbose_name=_("teams")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sources_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Conditional GET: what the server said last time.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("content source")
        verbose_name_plural = _("content sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_error(self) -> bool:
        """Return True once the feed failed several times in a row."""
        return self.failure_count >= self.FAILURES_BEFORE_ERROR


class SourceEntry(models.Model):
    """An entry seen in a source's feed, remembered so it is imported only once."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("imported")
        DUPLICATE = "duplicate", _("already on the platform")
        OVER_CAP = "over_cap", _("over the daily cap")
        UNUSABLE = "unusable", _("no usable link")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=64)  # sha256 of the entry id (or link)
    url = models.CharField(max_length=1000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("source entry")
        verbose_name_plural = _("source entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="source_entry_once"),
        ]
        indexes = [
            models.Index(fields=["source", "outcome", "created_at"], name="source_entry_day"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Suggestion(models.Model):
    """A link or a text someone proposes for the feed; editors accept or decline it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions"
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)
    text = models.TextField(_("your text"), max_length=3000, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url or self.text[:40]


class Reaction(models.Model):
    """A colleague's reaction to a post, inside the platform."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        CELEBRATE = "celebrate", _("Celebrate")
        INSIGHTFUL = "insightful", _("Insightful")
        SUPPORT = "support", _("Support")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "person", "kind"], name="reaction_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.post_id}"


REACTION_SYMBOLS = {
    Reaction.Kind.LIKE: "👍",
    Reaction.Kind.CELEBRATE: "🎉",
    Reaction.Kind.INSIGHTFUL: "💡",
    Reaction.Kind.SUPPORT: "💪",
}


class Comment(models.Model):
    """A colleague's comment on a post, seen by everyone who can see the post."""

    MAX_LENGTH = 1000

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "created_at"], name="comment_post_time")]

    def __str__(self) -> str:
        return self.text[:40]


class DigestLog(models.Model):
    """One digest per person and period: the unique key makes a retry never send twice."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_logs"
    )
    period = models.CharField(max_length=20)  # "daily:2026-11-23" or "weekly:2026-W48"
    since = models.DateTimeField()
    until = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="one_digest_per_period"),
        ]
        indexes = [models.Index(fields=["person", "until"], name="digest_person_until_idx")]

    def __str__(self) -> str:
        return f"digest {self.period} for {self.person_id}"
