from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

query_name = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_]{0,39}$",
    _("Use letters, digits and underscores, starting with a letter."),
)


class Click(models.Model):
    """One visit through a short link: a person (counted) or a bot (kept apart, never counted)."""

    link = models.ForeignKey("sharing.ShortLink", on_delete=models.CASCADE, related_name="clicks")
    # Given by the web process when it answers the redirect; makes ingestion idempotent.
    uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_bot = models.BooleanField(default=False)
    # A hash of IP address and user agent with a salt that is thrown away after the day:
    # enough to count unique visitors per day, never enough to recover the address.
    visitor = models.CharField(max_length=32)
    referrer_domain = models.CharField(max_length=255, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    country = models.CharField(max_length=2, blank=True)

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
    """How far the background worker has turned clicks into activities (cursor "points", a
    name kept from when tracking wrote the points itself)."""

    name = models.CharField(max_length=40, unique=True)
    last_click_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_click_id}"


class SpoolFile(models.Model):
    """How far ingestion has read one click spool file of one web process."""

    name = models.CharField(max_length=200, unique=True)
    offset = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.offset}"


class TrackingSettings(models.Model):
    """How the redirect tags links, how leads count and how long raw clicks are kept."""

    utm_enabled = models.BooleanField(
        _("add UTM parameters"),
        default=True,
        help_text=_("Add utm_source, utm_medium, utm_campaign and utm_content to every link."),
    )
    utm_medium = models.SlugField(_("UTM medium"), max_length=40, default="social")
    click_param = models.CharField(
        _("click id parameter"),
        max_length=40,
        default="pp_click",
        blank=True,
        validators=[query_name],
        help_text=_(
            "Added to the landing address with an opaque id of the click, so the website "
            "snippet can report a lead. Leave empty to add nothing."
        ),
    )
    attribution_days = models.PositiveIntegerField(
        _("attribution window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A lead counts for the share when it comes this many days after the click."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep raw clicks (days)"),
        default=90,
        validators=[MinValueValidator(2), MaxValueValidator(3650)],
        help_text=_("Older clicks are summed into daily figures and then deleted."),
    )
    allowed_origins = models.TextField(
        _("website origins"),
        blank=True,
        help_text=_(
            "One per line, such as https://www.acme.com: the sites whose pages may report "
            "leads with the snippet."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tracking settings")
        verbose_name_plural = _("tracking settings")

    def __str__(self) -> str:
        return "tracking settings"

    def origins(self) -> set[str]:
        """Return the allowed website origins, normalised."""
        return {line.strip().rstrip("/").lower() for line in self.allowed_origins.split()}


class ApiToken(models.Model):
    """A secret that lets the company's own servers report leads; only its hash is kept."""

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Conversion(models.Model):
    """A lead brought by a share: reported by the company's server or by its website."""

    class Source(models.TextChoices):
        API = "api", _("Server postback")
        WEB = "web", _("Website snippet")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for its click")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    # One lead per key: "api:<external id>" or "web:<click id>".
    key = models.CharField(max_length=160, unique=True)
    link = models.ForeignKey(
        "sharing.ShortLink", on_delete=models.CASCADE, related_name="conversions"
    )
    click_uuid = models.UUIDField(null=True, blank=True)
    external_id = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversions"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.source} lead on {self.link_id} ({self.state})"


class ClickRollup(models.Model):
    """Daily figures per post, person and network; they outlive the raw clicks."""

    day = models.DateField()
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=20)
    human_clicks = models.PositiveIntegerField(default=0)
    unique_visitors = models.PositiveIntegerField(default=0)
    bot_visits = models.PositiveIntegerField(default=0)
    leads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily click figures")
        verbose_name_plural = _("daily click figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "post", "person", "network"], name="clickrollup_one_per_group"
            )
        ]
        indexes = [models.Index(fields=["person", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.person_id}/{self.post_id}/{self.network}"
