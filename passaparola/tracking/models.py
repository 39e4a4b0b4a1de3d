from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Click(models.Model):
    """One visit through a short link: a person (counted) or a bot (kept apart, never counted)."""

    link = models.ForeignKey("sharing.ShortLink", on_delete=models.CASCADE, related_name="clicks")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_bot = models.BooleanField(default=False)
    # A hash of IP address and user agent with a salt that is thrown away after the day:
    # enough to count unique visitors per day, never enough to recover the address.
    visitor = models.CharField(max_length=32)
    referrer_domain = models.CharField(max_length=255, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        indexes = [models.Index(fields=["link", "created_at"])]

    def __str__(self) -> str:
        return f"{'bot' if self.is_bot else 'human'} click on {self.link_id}"


class DailySalt(models.Model):
    """The random salt for one day's visitor hashes; deleted once the day is over."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class ClickCursor(models.Model):
    """How far the background worker has turned clicks into points and activities."""

    name = models.CharField(max_length=40, unique=True)
    last_click_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_click_id}"
