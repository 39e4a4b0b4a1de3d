import secrets
import string

from django.conf import settings
from django.db import models
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


class Share(models.Model):
    """A person sharing a post to a network through their short link."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="shares")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="shares")
    network = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} shared {self.post_id} on {self.network}"
