from django import forms
from django.utils.translation import gettext_lazy as _

from passaparola.lib.fetch import FetchError
from passaparola.notifications.models import NotificationPreference, WebhookEndpoint
from passaparola.notifications.webhooks import webhook_url_check


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["digest_frequency", "email_digest", "email_recognition", "email_reminders"]
        widgets = {"digest_frequency": forms.RadioSelect}


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("The incoming webhook address Slack or Microsoft Teams gave you (https only)."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "kind", "url", "on_posts", "on_kudos"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            webhook_url_check(url)
        except FetchError as error:
            raise forms.ValidationError(str(error)) from error
        return url

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("on_posts") and not cleaned.get("on_kudos"):
            raise forms.ValidationError(_("Pick at least one event to send."))
        return cleaned
