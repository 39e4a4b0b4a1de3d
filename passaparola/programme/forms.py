import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from passaparola.lib.images import ImageInvalid, image_shrink
from passaparola.networks.catalogue import NETWORKS
from passaparola.programme.models import CURRENCIES, MAX_RATE, NetworkRate, Programme

MAX_LOGO_BYTES = 1_000_000
# Pages show the logo in a header a few dozen pixels high (twice that on dense screens), and
# the favicon is drawn from it: 512 pixels leave room for both.
LOGO_MAX_SIDE = 512
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class ProgrammeForm(forms.ModelForm):
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)

    class Meta:
        model = Programme
        fields = [
            "name",
            "company",
            "logo",
            "primary_colour",
            "default_language",
            "utm_campaign",
            "allowed_email_domains",
        ]
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "allowed_email_domains": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_allowed_email_domains(self) -> str:
        value = self.cleaned_data.get("allowed_email_domains", "")
        domains = [item.strip().lstrip("@").lower() for item in value.replace(",", " ").split()]
        for domain in domains:
            if not DOMAIN.match(domain):
                raise ValidationError(
                    _("%(domain)s is not a domain name such as acme.com."),
                    params={"domain": domain},
                )
        return "\n".join(dict.fromkeys(domains))

    def clean_logo(self) -> object:
        """Keep a small, clean copy of a new logo: every page shows it, so a huge image (or a
        decompression bomb) must never reach a browser."""
        logo = self.cleaned_data.get("logo")
        if not logo or logo == self.instance.logo:
            return logo
        if logo.size > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo must be smaller than 1 MB."))
        logo.seek(0)
        try:
            small, suffix = image_shrink(logo.read(), max_side=LOGO_MAX_SIDE)
        except ImageInvalid as error:
            raise ValidationError(str(error)) from None
        content_type = "image/jpeg" if suffix == ".jpg" else "image/png"
        return SimpleUploadedFile(f"logo{suffix}", small, content_type=content_type)


class GoalsForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "goal_audience",
            "goal_people",
            "goal_hours_per_week",
            "goal_shares_per_month",
            "goal_leads_per_month",
        ]
        widgets = {"goal_audience": forms.Textarea(attrs={"rows": 3})}


def _rate_field(label: str, maximum: Decimal) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=maximum,
        max_digits=9,
        decimal_places=2,
        error_messages={
            "required": _("Enter a number; 0 leaves this out of the estimate."),
            "min_value": _("A rate cannot be negative."),
            "max_value": _("At most %(limit_value)s."),
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


class RatesForm(forms.Form):
    """The currency and, per network, the rates that earned media value is estimated with."""

    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[(code, code) for code in CURRENCIES],
        help_text=_("The currency of the rates below; changing it does not convert them."),
    )

    def __init__(self, data: Any = None, *, currency: str, rates: dict[str, NetworkRate]) -> None:
        initial: dict[str, object] = {"currency": currency}
        for network, rate in rates.items():
            initial.update(
                {
                    f"{network}-cost_per_click": rate.cost_per_click,
                    f"{network}-cpm": rate.cpm,
                    f"{network}-reach_percent": rate.reach_percent,
                    f"{network}-impressions_enabled": rate.impressions_enabled,
                }
            )
        super().__init__(data, initial=initial)
        self.networks = list(rates)
        for network in self.networks:
            name = str(NETWORKS[network].label)
            self.fields[f"{network}-cost_per_click"] = _rate_field(
                _("Cost per click on %(network)s") % {"network": name}, MAX_RATE
            )
            self.fields[f"{network}-cpm"] = _rate_field(
                _("Cost per thousand impressions on %(network)s") % {"network": name}, MAX_RATE
            )
            self.fields[f"{network}-reach_percent"] = _rate_field(
                _("Followers on %(network)s who see a share (%%)") % {"network": name},
                Decimal("100"),
            )
            self.fields[f"{network}-impressions_enabled"] = forms.BooleanField(
                label=_("Count estimated impressions on %(network)s") % {"network": name},
                required=False,
            )

    def rows(self) -> list[dict[str, Any]]:
        """Return one row a network with its bound fields, for a table."""
        return [
            {
                "network": network,
                "label": NETWORKS[network].label,
                "fields": [
                    self[f"{network}-{name}"]
                    for name in ("cost_per_click", "cpm", "reach_percent", "impressions_enabled")
                ],
            }
            for network in self.networks
        ]

    def rates(self) -> dict[str, dict[str, object]]:
        """Return the cleaned rates by network and field."""
        return {
            network: {
                name: self.cleaned_data[f"{network}-{name}"]
                for name in ("cost_per_click", "cpm", "reach_percent", "impressions_enabled")
            }
            for network in self.networks
        }


class InsightSettingsForm(forms.ModelForm):
    """When someone counts as at risk, privacy mode for small groups, the leadership report."""

    class Meta:
        model = Programme
        fields = [
            "at_risk_early_weeks",
            "at_risk_early_shares",
            "at_risk_quiet_days",
            "privacy_mode",
            "privacy_min_group_size",
            "report_cadence",
        ]
