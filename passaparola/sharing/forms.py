from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passaparola.lib.bounds import MomentField
from passaparola.networks.bluesky.transport import APP_PASSWORD_RE
from passaparola.networks.catalogue import NETWORKS
from passaparola.networks.mastodon.transport import normalise_domain
from passaparola.networks.providers import PROVIDERS
from passaparola.sharing.audience import AUDIENCE_NETWORKS
from passaparola.sharing.guardrails import MAX_TEXT, validate_term, validate_term_is_new
from passaparola.sharing.models import MAX_AUDIENCE, BlockedTerm, SharingPolicy


class ComposeForm(forms.Form):
    """The person's own words for a share."""

    text = forms.CharField(label=_("Your text"), max_length=MAX_TEXT, required=False)
    hashtags = forms.CharField(label=_("Hashtags"), max_length=300, required=False)
    accept_nudges = forms.BooleanField(required=False)


class ShareForm(ComposeForm):
    instance = forms.CharField(label=_("Your Mastodon server"), max_length=253, required=False)

    def clean_instance(self) -> str:
        value = self.cleaned_data["instance"]
        if not value:
            return ""
        domain = normalise_domain(value)
        if not domain:
            raise ValidationError(_("Enter your server's name, such as mastodon.social."))
        return domain


class ScheduleForm(ComposeForm):
    network = forms.ChoiceField(
        label=_("Network"), choices=[(key, p.label) for key, p in PROVIDERS.items()]
    )
    when = MomentField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    slot = MomentField(required=False)
    now = forms.BooleanField(required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("now"):
            data["at"] = timezone.now()
        elif data.get("slot"):
            data["at"] = data["slot"]
        elif data.get("when"):
            data["at"] = data["when"]
        else:
            raise ValidationError(_("Pick a time, or post it now."))
        return data


class ScheduleEditForm(ComposeForm):
    when = MomentField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_when(self) -> datetime:
        return self.cleaned_data["when"]


class MastodonInstanceForm(forms.Form):
    instance = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=253,
        help_text=_("The part after the second @ of your address, such as mastodon.social."),
    )

    def clean_instance(self) -> str:
        domain = normalise_domain(self.cleaned_data["instance"])
        if not domain:
            raise ValidationError(_("Enter your server's name, such as mastodon.social."))
        return domain


class AudienceForm(forms.Form):
    """How many followers or connections a person has on each network; every field optional."""

    def __init__(self, data: Any = None, *, sizes: dict[str, int]) -> None:
        super().__init__(data, initial=dict(sizes))
        for network in AUDIENCE_NETWORKS:
            self.fields[network] = forms.IntegerField(
                label=_("Followers or connections on %(network)s")
                % {"network": NETWORKS[network].label},
                required=False,
                min_value=0,
                max_value=MAX_AUDIENCE,
                error_messages={
                    "invalid": _("Enter a whole number, such as 850, or leave it empty."),
                    "min_value": _("An audience cannot be smaller than 0."),
                    "max_value": _("At most %(limit_value)s."),
                },
                widget=forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"}),
            )

    def sizes(self) -> dict[str, int | None]:
        """Return the cleaned sizes by network; None where the field was left empty."""
        return {network: self.cleaned_data.get(network) for network in AUDIENCE_NETWORKS}


class BlueskyConnectForm(forms.Form):
    handle = forms.CharField(
        label=_("Your Bluesky handle"), max_length=253, help_text=_("Such as ada.bsky.social.")
    )
    app_password = forms.CharField(
        label=_("An app password"),
        max_length=19,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Create one in Bluesky under Settings, Privacy and security, App passwords. "
            "Never use your main password; you can revoke an app password at any time."
        ),
    )

    def clean_handle(self) -> str:
        return self.cleaned_data["handle"].strip().lstrip("@").lower()

    def clean_app_password(self) -> str:
        value = self.cleaned_data["app_password"].strip().lower()
        if not APP_PASSWORD_RE.match(value):
            raise ValidationError(
                _("This does not look like an app password (xxxx-xxxx-xxxx-xxxx).")
            )
        return value


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SharingPolicy
        fields = [
            "disclosure",
            "daily_cap",
            "weekly_cap",
            "hours_start",
            "hours_end",
            "weekends",
            "identical_threshold",
            "stagger_minutes",
        ]
        widgets = {
            "hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("hours_start")) != bool(data.get("hours_end")):
            raise ValidationError(_("Set both the start and the end of sharing hours, or neither."))
        weekly, daily = data.get("weekly_cap") or 0, data.get("daily_cap") or 0
        if weekly and daily and weekly < daily:
            raise ValidationError(_("The weekly cap cannot be lower than the daily cap."))
        return data


class BlockedTermForm(forms.ModelForm):
    class Meta:
        model = BlockedTerm
        fields = ["kind", "pattern", "reason"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kind, pattern = data.get("kind"), data.get("pattern")
        if kind and pattern:
            try:
                validate_term(str(kind), str(pattern))
                validate_term_is_new(str(pattern))
            except ValidationError as error:
                self.add_error("pattern", error)
        return data
