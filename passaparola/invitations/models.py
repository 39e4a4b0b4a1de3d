"""Inviting people: waves, invitations, CSV imports and the company invite link."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passaparola.people.models import Role


def new_nonce() -> str:
    """Return a fresh random value that invitation links are signed with."""
    return secrets.token_urlsafe(12)


def new_link_key() -> str:
    """Return a fresh, unguessable key for the company invite link."""
    return secrets.token_urlsafe(18)


def reminder_days_validator(value: str) -> None:
    """Accept a list such as "3, 7": whole days, increasing, at most five reminders."""
    try:
        days = [int(part) for part in value.replace(",", " ").split()]
    except ValueError:
        raise ValidationError(_("Write whole numbers of days, such as 3, 7.")) from None
    if len(days) > 5:
        raise ValidationError(_("Send at most five reminders."))
    if any(day < 1 or day > 60 for day in days):
        raise ValidationError(_("Each reminder comes between 1 and 60 days after the invitation."))
    if days != sorted(set(days)):
        raise ValidationError(_("Write the days in increasing order, each once."))


class Wave(models.Model):
    """A group of people invited together: a pilot group first, then the rest."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An invitation to one email address, with what happened to it."""

    class Status(models.TextChoices):
        NOT_SENT = "not_sent", _("Not sent yet")
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        JOINED = "joined", _("Joined")
        BOUNCED = "bounced", _("Bounced")
        REVOKED = "revoked", _("Revoked")

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(_("language"), max_length=8, blank=True)
    teams = models.ManyToManyField("people.Team", blank=True, related_name="invitations")
    wave = models.ForeignKey(
        Wave, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    # Changing it makes every link sent so far stop working (revoking does).
    nonce = models.CharField(max_length=32, default=new_nonce)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_job = models.ForeignKey(
        "ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["wave", "created_at"])]

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    @property
    def status(self) -> str:
        """Return how far this invitation got."""
        if self.revoked_at:
            return self.Status.REVOKED
        if self.joined_at:
            return self.Status.JOINED
        if self.bounced_at:
            return self.Status.BOUNCED
        if self.opened_at:
            return self.Status.OPENED
        if self.sent_at:
            return self.Status.SENT
        return self.Status.NOT_SENT

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_open(self) -> bool:
        """Return True while the invitation can still be accepted."""
        return not (self.revoked_at or self.joined_at)


class InvitationSettings(models.Model):
    """How invitations and their reminders behave (one row, pk=1)."""

    link_days = models.PositiveSmallIntegerField(
        _("invitation links work for (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reminders_enabled = models.BooleanField(_("send reminders"), default=True)
    reminder_days = models.CharField(
        _("reminders after (days)"),
        max_length=40,
        default="3, 7",
        blank=True,
        validators=[reminder_days_validator],
        help_text=_(
            "Days after the invitation when a reminder goes to those who have not joined, "
            "such as 3, 7. The number of days is the number of reminders."
        ),
    )
    open_link_enabled = models.BooleanField(
        _("company invite link"),
        default=False,
        help_text=_(
            "Anyone with the link and an address at one of the company email domains can join."
        ),
    )
    open_link_key = models.CharField(max_length=40, default=new_link_key)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invitation settings")
        verbose_name_plural = _("invitation settings")

    def __str__(self) -> str:
        return "invitation settings"

    def schedule(self) -> list[int]:
        """Return the reminder days, in order; empty when reminders are off."""
        if not self.reminders_enabled:
            return []
        return [int(part) for part in self.reminder_days.replace(",", " ").split()]


class ImportJob(models.Model):
    """One uploaded CSV file of people to invite: checked first, imported only when asked."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200, blank=True)
    # The file itself until it is imported; it holds personal data, so it is emptied then.
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    # Rows without errors whose address is new: the ones an import creates invitations for.
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    # Rows whose address already has an account or an invitation: left alone, not errors.
    existing_rows = models.PositiveIntegerField(default=0)
    # The first errors found: {"row": 12, "column": "email", "code": "...", "value": "..."}.
    errors = models.JSONField(default=list, blank=True)
    new_teams = models.JSONField(default=list, blank=True)
    new_waves = models.JSONField(default=list, blank=True)
    valid_only = models.BooleanField(default=False)
    send_now = models.BooleanField(default=False)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        """Return how far the current step (checking or importing) has come."""
        if self.status in {self.Status.INVALID, self.Status.READY, self.Status.DONE}:
            return 100
        if self.status == self.Status.IMPORTING:
            done, total = self.processed_rows, self.valid_rows
        else:
            done, total = self.checked_rows, self.total_rows
        return min(100, int(100 * done / total)) if total else 0

    @property
    def is_running(self) -> bool:
        """Return True while the worker is checking or importing."""
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}


class SignupRequest(models.Model):
    """Someone who asked to join through the company invite link, until they confirm."""

    email = models.EmailField()
    name = models.CharField(max_length=120)
    language = models.CharField(max_length=8, blank=True)
    code_hash = models.CharField(max_length=128)
    nonce = models.CharField(max_length=32, default=new_nonce)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self) -> str:
        return f"signup request {self.pk}"
