from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passaparola.tracking.models import TrackingSettings


class TrackingSettingsForm(forms.ModelForm):
    class Meta:
        model = TrackingSettings
        fields = [
            "utm_enabled",
            "utm_medium",
            "click_param",
            "attribution_days",
            "retention_days",
            "allowed_origins",
        ]
        widgets = {"allowed_origins": forms.Textarea(attrs={"rows": 3})}

    def clean_click_param(self) -> str:
        name = self.cleaned_data["click_param"].strip()
        if name.lower().startswith("utm_"):
            raise ValidationError(_("Choose a name that does not start with utm_."))
        return name

    def clean_allowed_origins(self) -> str:
        origins = []
        for line in self.cleaned_data["allowed_origins"].split():
            try:
                parts = urlsplit(line.strip())
                port = parts.port
            except ValueError as error:
                raise ValidationError(
                    _("%(origin)s is not an origin such as https://www.acme.com."),
                    params={"origin": line},
                ) from error
            if (
                parts.scheme not in {"http", "https"}
                or not parts.hostname
                or parts.path not in {"", "/"}
                or parts.query
                or parts.fragment
                or parts.username
            ):
                raise ValidationError(
                    _("%(origin)s is not an origin such as https://www.acme.com."),
                    params={"origin": line},
                )
            origin = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")
            origins.append(origin.lower())
        return "\n".join(dict.fromkeys(origins))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Where the token is used, such as CRM or web shop."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the token a name."))
        return name
