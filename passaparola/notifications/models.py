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
