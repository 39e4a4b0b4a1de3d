from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    POST_PUBLISHED = "post_published", _("published a post")
    POST_VIEWED = "post_viewed", _("read a post")
    SHARE_CREATED = "share_created", _("shared a post")
    CLICK_RECEIVED = "click_received", _("received a click")
    CONVERSION = "conversion", _("brought a lead")
    CONVERSION_REJECTED = "conversion_rejected", _("had a lead rejected")
    REACTION = "reaction", _("reacted to a post")
    COMMENT = "comment", _("commented on a post")
    SUGGESTION_MADE = "suggestion_made", _("suggested content")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("had a suggestion accepted")
    NETWORK_CONNECTED = "network_connected", _("connected a network")
    INVITATION_ACCEPTED = "invitation_accepted", _("accepted an invitation")


class Activity(models.Model):
    """One step a person took along the data flow; points, journey and insights read these."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    post = models.ForeignKey(
        "content.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    network = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The row the step made or concerns, so what reads the activity can tell one from another:
    # the short link of a share, the click, the conversion (lead), the invitation.
    source_id = models.BigIntegerField(null=True, blank=True)
    # A click from a visitor new to this link that day (visitor hashes change every day).
    unique_visitor = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["person", "verb", "created_at"]),
            # The feed asks, post by post, whether colleagues shared it lately.
            models.Index(fields=["post", "verb", "created_at"], name="activity_post_verb_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.verb}"
