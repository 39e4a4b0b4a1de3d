"""In-app notifications; the email copy is sent by the worker."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one person, shown in their notification centre and optionally emailed."""

    class Kind(models.TextChoices):
        VALIDATION = "validation", _("Your week")
        KUDOS = "kudos", _("Kudos")
        BADGE = "badge", _("Badge")
        CHALLENGE = "challenge", _("Challenge")
        REWARD = "reward", _("Reward")
        LEAD_PROMPT = "lead_prompt", _("Recognise your team")
        OTHER = "other", _("Message")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # Written in the person's language when the notification is created.
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # A path on this site that the notification leads to.
    url = models.CharField(max_length=300, blank=True)
    # Makes a notification happen once (for example one validation message per person and week).
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id}"


class EmailKind(models.TextChoices):
    """The kinds of email a person can turn on or off."""

    DIGEST = "digest", _("Digest of new posts")
    RECOGNITION = "recognition", _("Recognition messages")
    REMINDERS = "reminders", _("Reminders and nudges")


class DigestFrequency(models.TextChoices):
    OFF = "off", _("Never")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class NotificationPreference(models.Model):
    """How a person wants to hear from the platform; no row means the defaults."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digest_frequency = models.CharField(
        _("digest of new posts"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    email_digest = models.BooleanField(_("email me the digest"), default=True)
    email_recognition = models.BooleanField(
        _("email me recognition messages (kudos, badges, my week)"), default=True
    )
    email_reminders = models.BooleanField(
        _("email me reminders (quiet spells, reconnecting accounts)"), default=True
    )
    # When the last "we miss you" nudge went out; at most one per NOTIFICATIONS_QUIET_DAYS.
    last_nudge_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"preferences of {self.person_id}"


class WebhookEndpoint(models.Model):
    """A Slack or Microsoft Teams incoming webhook told about new posts and kudos."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack")
        TEAMS = "teams", _("Microsoft Teams")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A secret in itself (whoever has it can post to the channel): never shown in full again.
    url = models.URLField(_("webhook address"), max_length=1000)
    on_posts = models.BooleanField(_("new posts for everyone"), default=True)
    on_kudos = models.BooleanField(_("kudos"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Only events after these moments are announced (a new endpoint does not replay history).
    posts_cursor = models.DateTimeField(default=timezone.now)
    kudos_cursor = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def url_hint(self) -> str:
        """Return the start of the address, enough to recognise it."""
        return self.url[:32] + "…" if len(self.url) > 32 else self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint; the unique key makes an event go out once."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    key = models.CharField(max_length=40)  # "post:12" or "kudos:7"
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "key"], name="one_delivery_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.key} to {self.endpoint_id}"
