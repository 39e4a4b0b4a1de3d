from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passaparola.people.names import validate_person_name


class Role(models.TextChoices):
    ADMIN = "admin", _("Programme manager")
    EDITOR = "editor", _("Editor")
    LEAD = "lead", _("Team lead")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Leadership viewer")


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "Person":
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(
        self, email: str, password: str | None = None, **fields: object
    ) -> "Person":
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Someone in the programme; logs in with their email address."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=120, validators=[validate_person_name])
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(_("language"), max_length=8, blank=True)
    hide_from_leaderboards = models.BooleanField(_("hide me from leaderboards"), default=False)
    # Leaders lead by example: insights show them as their own group. A flag on the person,
    # not on a team: leaders sit in the teams they run, and a team's membership changing
    # must not silently change who counts as leadership.
    is_leadership = models.BooleanField(_("leadership"), default=False)
    # A paused person leaves the boards and gets no validation messages or nudges.
    is_paused = models.BooleanField(_("participation paused"), default=False)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    teams: "models.ManyToManyField[Team, Membership]" = models.ManyToManyField(
        "Team", through="Membership", related_name="people"
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Team(models.Model):
    """A group of people by department, location or seniority."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        LOCATION = "location", _("Location")
        SENIORITY = "seniority", _("Seniority")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(_("team lead"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "team"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team}"


class LoginCode(models.Model):
    """A one-time code emailed to a person so they can log in without a password."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="login_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login code for {self.person_id}"


class SsoIdentity(models.Model):
    """The account at the company's identity provider (issuer and subject) behind a person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"sso identity of {self.person_id}"


class ThrottleWindow(models.Model):
    """How many times one client or account did one guarded thing in one window of time.

    Kept in the database so that every web process counts the same hits (see throttle.py).
    The key is a keyed hash: neither addresses nor email addresses are stored.
    """

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="throttle_window_unique"),
        ]
        indexes = [models.Index(fields=["window_start"], name="throttle_window_start")]

    def __str__(self) -> str:
        return f"{self.hits} hits in the window from {self.window_start}"
