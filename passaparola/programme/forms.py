import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from passaparola.programme.models import Programme

MAX_LOGO_BYTES = 1_000_000
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
        logo = self.cleaned_data.get("logo")
        if not logo or logo == self.instance.logo:
            return logo
        if logo.size > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo must be smaller than 1 MB."))
        try:
            with Image.open(logo) as image:
                image.verify()
                if image.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                    raise ValidationError(_("Use a PNG, JPEG, GIF or WebP image."))
        except (UnidentifiedImageError, OSError) as error:
            raise ValidationError(_("This file is not an image we can read.")) from error
        logo.seek(0)
        return logo


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
