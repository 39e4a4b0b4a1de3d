from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Post(models.Model):
    """A piece of content the company offers its people to share."""

    class Type(models.TextChoices):
        COMPANY = "company", _("Company news")
        INDUSTRY = "industry", _("Industry and thought leadership")
        EMPLOYEE = "employee", _("Employee-centred")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        TEAMS = "teams", _("Only the chosen teams")

    url = models.URLField(_("link"), max_length=1000)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    image_url = models.URLField(_("image address"), max_length=1000, blank=True)
    content_type = models.CharField(
        _("content type"), max_length=10, choices=Type.choices, default=Type.COMPANY
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Caption(models.Model):
    """A suggested text for sharing a post; people may edit it before sharing."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="captions")
    text = models.TextField(_("suggested caption"), max_length=3000)

    class Meta:
        verbose_name = _("caption")
        verbose_name_plural = _("captions")

    def __str__(self) -> str:
        return self.text[:40]
