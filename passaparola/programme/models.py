import decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passaparola.lib.request_memo import forget

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #1f6feb."))

# ISO 4217 codes the rates may be given in; amounts are shown with the code after the number.
CURRENCIES = (
    "AUD", "BGN", "BRL", "CAD", "CHF", "CZK", "DKK", "EUR", "GBP", "HUF",
    "INR", "JPY", "NOK", "NZD", "PLN", "RON", "SEK", "SGD", "USD", "ZAR",
)  # fmt: skip
# High enough for a click or a thousand impressions in any of those currencies, low enough to
# catch a slip of the keyboard.
MAX_RATE = decimal.Decimal("100000")


class ReportCadence(models.TextChoices):
    """How often the leadership report goes out (insights/report.py)."""

    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    OFF = "off", _("Not emailed")


class Programme(models.Model):
    """The one advocacy programme this installation runs: branding and rules."""

    name = models.CharField(_("platform name"), max_length=80, default="Passaparola")
    company = models.CharField(_("company"), max_length=120, default="", blank=True)
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f6feb", validators=[hex_colour]
    )
    default_language = models.CharField(_("default language"), max_length=8, default="en")
    utm_campaign = models.SlugField(
        _("UTM campaign"),
        max_length=60,
        default="advocacy",
        help_text=_("Sent as utm_campaign on every tracked link."),
    )
    allowed_email_domains = models.TextField(
        _("company email domains"),
        blank=True,
        help_text=_(
            "One per line, such as acme.com. People with an address at these domains may join "
            "through the invite link or single sign-on; leave empty to allow invitations only."
        ),
    )
    # Goals from the seeds' advice: set expectations, then show progress against them.
    goal_audience = models.TextField(
        _("target audience"),
        blank=True,
        help_text=_("Who the programme wants to reach, for example buyers in manufacturing."),
    )
    goal_people = models.PositiveIntegerField(
        _("people sharing each month"), default=0, help_text=_("0 means no goal.")
    )
    goal_hours_per_week = models.DecimalField(
        _("hours a week asked of each person"),
        max_digits=4,
        decimal_places=1,
        default=decimal.Decimal("0"),
        validators=[MinValueValidator(decimal.Decimal("0")), MaxValueValidator(40)],
        help_text=_("0 means not set."),
    )
    goal_shares_per_month = models.PositiveIntegerField(
        _("shares a month"), default=0, help_text=_("0 means no goal.")
    )
    goal_leads_per_month = models.PositiveIntegerField(
        _("leads a month"), default=0, help_text=_("0 means no goal.")
    )
    # The published benchmarks behind the default rates are in US dollars.
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        choices=[(code, code) for code in CURRENCIES],
        help_text=_("The currency of the rates below; changing it does not convert them."),
    )
    # People at risk: they shared at least `at_risk_early_shares` times in their first
    # `at_risk_early_weeks` weeks and then nothing for `at_risk_quiet_days` days.
    at_risk_early_weeks = models.PositiveSmallIntegerField(
        _("first weeks after joining"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text=_("How many weeks after joining count as someone's first weeks (1 to 26)."),
    )
    at_risk_early_shares = models.PositiveSmallIntegerField(
        _("shares in the first weeks"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many shares in the first weeks make someone an early sharer."),
    )
    at_risk_quiet_days = models.PositiveSmallIntegerField(
        _("quiet days"),
        default=21,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("Days without a share before an early sharer is shown as at risk (7 to 365)."),
    )
    # Privacy mode, for works councils: small groups are shown only as aggregates.
    privacy_mode = models.BooleanField(
        _("privacy mode"),
        default=False,
        help_text=_(
            "Below the minimum group size, team leads, editors and leadership viewers see only "
            "totals, no one's individual figures. Everyone still sees their own."
        ),
    )
    privacy_min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("The fewest people a group needs before individual figures show (2 to 100)."),
    )
    # The leadership report: which period it covers, and whether it is emailed at all.
    report_cadence = models.CharField(
        _("leadership report"),
        max_length=10,
        choices=ReportCadence.choices,
        default=ReportCadence.MONTHLY,
        help_text=_(
            "Emailed to leadership viewers and programme managers on the first day of each "
            "month or quarter, with the figures of the one just closed."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programme")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        forget("programme")  # the page goes on with the row as saved

    def allowed_domains(self) -> set[str]:
        """Return the company email domains, lower case, without a leading @."""
        return {
            line.strip().lstrip("@").lower()
            for line in self.allowed_email_domains.replace(",", " ").split()
            if line.strip().lstrip("@")
        }


def _rate_validators() -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(decimal.Decimal("0")), MaxValueValidator(MAX_RATE)]


class NetworkRate(models.Model):
    """What a click and a thousand impressions would cost on one network if the programme
    bought them: the basis of earned media value, an estimate (docs/insights.md)."""

    network = models.CharField(max_length=20, unique=True)
    cost_per_click = models.DecimalField(
        _("cost per click"), max_digits=9, decimal_places=2, validators=_rate_validators()
    )
    cpm = models.DecimalField(
        _("cost per thousand impressions"),
        max_digits=9,
        decimal_places=2,
        validators=_rate_validators(),
    )
    # The share of a person's followers or connections who see one of their posts.
    reach_percent = models.DecimalField(
        _("followers who see a share (%)"),
        max_digits=5,
        decimal_places=2,
        default=decimal.Decimal("5"),
        validators=[MinValueValidator(decimal.Decimal("0")), MaxValueValidator(100)],
    )
    impressions_enabled = models.BooleanField(_("count estimated impressions"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network rate")
        verbose_name_plural = _("network rates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_per_click__gte=0, cpm__gte=0, reach_percent__gte=0),
                name="networkrate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.network


class ReportDelivery(models.Model):
    """One leadership report emailed to one person: the row is the claim that sends it once.

    Written only through `services.report_delivery_claim` and friends, called by the worker
    that sends the report (insights/report_mail.py); a failed send removes its row again.
    """

    period = models.CharField(max_length=10)  # "2026-11" for a month, "2026-Q4" for a quarter
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("leadership report sent")
        verbose_name_plural = _("leadership reports sent")
        constraints = [
            models.UniqueConstraint(fields=["period", "person"], name="one_report_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.period} to {self.person_id}"
