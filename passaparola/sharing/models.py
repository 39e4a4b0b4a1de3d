import secrets
import string

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 10  # about 59 bits: not guessable, still short to type


def new_code() -> str:
    """Return a fresh, unguessable short-link code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class ShortLink(models.Model):
    """One person's tracked link to one post on one network."""

    code = models.CharField(max_length=16, unique=True, default=new_code)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="short_links"
    )
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="short_links")
    network = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("short link")
        verbose_name_plural = _("short links")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "post", "network"], name="shortlink_one_per_network"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ShareMethod(models.TextChoices):
    LINK = "link", _("share link")
    NATIVE = "native", _("posted for you")


class Share(models.Model):
    """A person sharing a post to a network through their short link."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="shares")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="shares")
    network = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    # A hash of the text without links, case or extra spaces: spots many identical captions.
    fingerprint = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=10, choices=ShareMethod.choices, default=ShareMethod.LINK)
    remote_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [
            models.Index(fields=["person", "created_at"]),
            models.Index(fields=["post", "fingerprint"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} shared {self.post_id} on {self.network}"


class SharingPolicy(models.Model):
    """The programme's sharing rules: disclosure, caps and hours (one row, pk=1)."""

    disclosure = models.CharField(
        _("disclosure"),
        max_length=100,
        blank=True,
        help_text=_(
            "Added to every text a network takes, for example #AcmeEmployee. Shown ready to copy "
            "where a network takes only the link."
        ),
    )
    daily_cap = models.PositiveSmallIntegerField(
        _("shares per person per day"), default=0, help_text=_("0 means no cap.")
    )
    weekly_cap = models.PositiveSmallIntegerField(
        _("shares per person per week"), default=0, help_text=_("0 means no cap.")
    )
    hours_start = models.TimeField(
        _("sharing starts at"), null=True, blank=True, help_text=_("Leave empty for any time.")
    )
    hours_end = models.TimeField(
        _("sharing ends at"), null=True, blank=True, help_text=_("Leave empty for any time.")
    )
    weekends = models.BooleanField(_("allow sharing at weekends"), default=True)
    identical_threshold = models.PositiveSmallIntegerField(
        _("identical caption nudge"),
        default=5,
        help_text=_(
            "Nudge people when this many colleagues already shared the same text. 0 turns it off."
        ),
    )
    stagger_minutes = models.PositiveSmallIntegerField(
        _("minutes between suggested times"),
        default=15,
        help_text=_("Suggested times for scheduled shares keep colleagues this far apart."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sharing policy")
        verbose_name_plural = _("sharing policy")

    def __str__(self) -> str:
        return "sharing policy"


class BlockedTerm(models.Model):
    """A word, phrase or pattern that may not appear in a shared text, with the reason why."""

    class Kind(models.TextChoices):
        WORD = "word", _("Word")
        PHRASE = "phrase", _("Phrase")
        PATTERN = "pattern", _("Regular expression")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORD)
    pattern = models.CharField(_("word, phrase or pattern"), max_length=200)
    reason = models.CharField(
        _("reason shown to people"),
        max_length=300,
        help_text=_("For example: we do not name competitors."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blocked term")
        verbose_name_plural = _("blocked terms")
        ordering = ["kind", "pattern"]
        constraints = [
            # The checks compare without case (guardrails.validate_term_is_new); the database
            # holds the line too, for the requests that race.
            models.UniqueConstraint(
                Lower("pattern"),
                name="sharing_blockedterm_pattern_unique",
                violation_error_message=_("This word, phrase or pattern is blocked already."),
            )
        ]

    def __str__(self) -> str:
        return self.pattern


class SharingPreference(models.Model):
    """What a person told us once about how they share, such as their Mastodon server."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sharing_preference"
    )
    mastodon_instance = models.CharField(_("Mastodon server"), max_length=253, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sharing preference")
        verbose_name_plural = _("sharing preferences")

    def __str__(self) -> str:
        return f"preferences of {self.person_id}"


class MastodonServer(models.Model):
    """Our app as registered on one Mastodon server (POST /api/v1/apps), with its limits."""

    domain = models.CharField(max_length=253, unique=True)
    client_id = models.CharField(max_length=200, blank=True)
    client_secret = models.TextField(blank=True)  # encrypted with passaparola.lib.crypto
    redirect_uri = models.URLField(max_length=500, blank=True)
    max_characters = models.PositiveIntegerField(default=500)
    characters_reserved_per_url = models.PositiveSmallIntegerField(default=23)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Mastodon server")
        verbose_name_plural = _("Mastodon servers")

    def __str__(self) -> str:
        return self.domain


class ConnectedAccount(models.Model):
    """A person's account on a network we can post to for them; tokens encrypted at rest."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Connected")
        EXPIRED = "expired", _("Needs reconnecting")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connected_accounts"
    )
    network = models.CharField(max_length=20)
    remote_id = models.CharField(max_length=200)
    handle = models.CharField(max_length=200, blank=True)
    # The Mastodon server or Bluesky PDS this account lives on; empty for LinkedIn and X.
    server = models.CharField(max_length=300, blank=True)
    # Encrypted with passaparola.lib.crypto; never shown, never logged.
    access_token = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    secret = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    last_error = models.CharField(max_length=300, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")
        constraints = [
            models.UniqueConstraint(fields=["person", "network"], name="one_account_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.handle or self.remote_id}"


def new_idempotency_key() -> str:
    """Return a fresh key that names one scheduled share for its whole life."""
    return secrets.token_hex(16)


class ScheduledShare(models.Model):
    """A share the worker posts for a person through their connected account at a set time."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Scheduled")
        POSTING = "posting", _("Going out")
        SENT = "sent", _("Posted")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scheduled_shares"
    )
    post = models.ForeignKey(
        "content.Post", on_delete=models.CASCADE, related_name="scheduled_shares"
    )
    network = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    scheduled_for = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # Sent with every attempt (Mastodon's Idempotency-Key) so retries never post twice.
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    # A key some networks let us choose for the post itself (Bluesky's record key), fixed
    # before the first attempt so a retry finds the post the first attempt made.
    remote_key = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # True when an attempt may have reached the network without our hearing back.
    uncertain = models.BooleanField(default=False)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    error_code = models.CharField(max_length=20, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    share = models.OneToOneField(
        Share, null=True, blank=True, on_delete=models.SET_NULL, related_name="scheduled"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled share")
        verbose_name_plural = _("scheduled shares")
        ordering = ["scheduled_for"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.network} at {self.scheduled_for:%Y-%m-%d %H:%M}"

    @property
    def is_editable(self) -> bool:
        """Return True while the share has not started going out."""
        return self.status == self.Status.QUEUED


class TokenExpiryNotice(models.Model):
    """The one email about a connected account's token running out (per expiry date)."""

    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    token_expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "token_expires_at"], name="one_notice_per_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"expiry notice for {self.account_id}"


class ShareEngagement(models.Model):
    """What a network counted on a post we made for a person: measured, never estimated.

    The worker reads the counts a few times in the 30 days after posting
    (services.ENGAGEMENT_SCHEDULE) and keeps the last reading; a post deleted on the network
    keeps the counts it had.
    """

    class State(models.TextChoices):
        MEASURING = "measuring", _("Measuring")
        DONE = "done", _("Measured")
        GONE = "gone", _("Deleted on the network")
        UNREADABLE = "unreadable", _("Cannot be read")

    share = models.OneToOneField(
        Share, on_delete=models.CASCADE, primary_key=True, related_name="engagement"
    )
    # Copied from the share so the figures per person, post and network read one table.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_engagements"
    )
    post = models.ForeignKey(
        "content.Post", on_delete=models.CASCADE, related_name="share_engagements"
    )
    network = models.CharField(max_length=20)
    # The Mastodon server the status lives on; empty for Bluesky (read from the AppView).
    server = models.CharField(max_length=300, blank=True)
    # The status id (Mastodon) or at:// URI (Bluesky); emptied when the person is erased.
    remote_id = models.CharField(max_length=300, blank=True)
    posted_at = models.DateTimeField()
    reposts = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    fetches = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.MEASURING)
    # When the worker reads the counts next; None once measuring has stopped.
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    # The run that took this row (a random token): two workers never read the same row.
    claim = models.CharField(max_length=32, blank=True)
    gone_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("measured engagement")
        verbose_name_plural = _("measured engagement")
        indexes = [
            models.Index(fields=["state", "next_fetch_at"]),
            models.Index(fields=["person", "posted_at"]),
            models.Index(fields=["post", "posted_at"]),
            models.Index(fields=["posted_at"]),
        ]

    def __str__(self) -> str:
        return f"engagement of share {self.share_id}"

    @property
    def total(self) -> int:
        """Return every interaction counted: reposts, likes, replies and quotes."""
        return self.reposts + self.likes + self.replies + self.quotes


MAX_AUDIENCE = 1_000_000_000  # more followers than any account has


class AudienceSize(models.Model):
    """How many followers or connections a person says they have on a network: optional,
    entered by them, and used only for the estimated reach (docs/insights.md)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audience_sizes"
    )
    network = models.CharField(max_length=20)
    size = models.PositiveIntegerField(
        _("followers or connections"),
        validators=[MaxValueValidator(MAX_AUDIENCE)],
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("audience size")
        verbose_name_plural = _("audience sizes")
        constraints = [
            models.UniqueConstraint(fields=["person", "network"], name="one_audience_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.network}: {self.size}"
