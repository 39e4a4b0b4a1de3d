from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointsEntry(models.Model):
    """One line of the append-only points ledger; `key` makes every award happen once."""

    class Action(models.TextChoices):
        SHARE = "share", _("Share")
        CLICK = "click", _("Human click received")
        LEAD = "lead", _("Lead")
        REVERSAL = "reversal", _("Correction")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    points = models.IntegerField()
    key = models.CharField(max_length=120, unique=True)
    post = models.ForeignKey(
        "content.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["created_at", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.points:+d} ({self.action})"
