from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #1f6feb."))


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
    points_per_share = models.PositiveIntegerField(_("points per share"), default=10)
    points_per_click = models.PositiveIntegerField(_("points per human click"), default=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programme")

    def __str__(self) -> str:
        return self.name
