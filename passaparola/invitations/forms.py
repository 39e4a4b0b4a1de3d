from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passaparola.invitations.csvimport import IMPORTABLE_ROLES
from passaparola.invitations.models import Invitation, InvitationSettings, Wave
from passaparola.people.models import Person, Team
from passaparola.people.names import PersonNameField

LANGUAGE_CHOICES = [("", _("The programme's language")), *settings.LANGUAGES]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, email (required), teams (several separated by |), role, "
            "location, seniority, wave, language. The first row names the columns."
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.INVITATION_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is too large: at most %(limit)s bytes."),
                params={"limit": settings.INVITATION_IMPORT_MAX_BYTES},
            )
        return upload


class ImportStartForm(forms.Form):
    valid_only = forms.BooleanField(required=False, widget=forms.HiddenInput)
    send_now = forms.BooleanField(
        label=_("Send the invitation emails as soon as the import is done"),
        required=False,
        initial=True,
    )


class InviteForm(forms.Form):
    name = PersonNameField(label=_("Name"))
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, role.label) for role in IMPORTABLE_ROLES]
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wave = forms.ModelChoiceField(
        label=_("Wave"), queryset=Wave.objects.all(), required=False, empty_label=_("No wave")
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    send_now = forms.BooleanField(label=_("Send the invitation now"), required=False, initial=True)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Person.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("This address already has an account."))
        if Invitation.objects.filter(email=email).exists():
            raise ValidationError(
                _("This address is already invited: find it in the list to send it again.")
            )
        return email


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = ["name"]
        labels = {"name": _("New wave")}


class InvitationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    wave = forms.ChoiceField(label=_("Wave"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Invitation.Status.choices],
    )

    def __init__(self, data: object = None) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        waves = [(str(wave.pk), wave.name) for wave in Wave.objects.order_by("created_at")]
        self.fields["wave"].choices = [  # type: ignore[attr-defined]
            ("", _("Any wave")),
            *waves,
            ("none", _("No wave")),
        ]


class InvitationSettingsForm(forms.ModelForm):
    class Meta:
        model = InvitationSettings
        fields = ["link_days", "reminders_enabled", "reminder_days", "open_link_enabled"]


class AcceptForm(forms.Form):
    name = PersonNameField(label=_("Your name"))


class SignupForm(forms.Form):
    name = PersonNameField(label=_("Your name"))
    email = forms.EmailField(label=_("Your work email"))

    def __init__(self, data: object = None, *, domains: set[str]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.domains = domains

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        domain = email.rsplit("@", 1)[-1]
        if domain not in self.domains:
            raise ValidationError(
                _("Use your work address: it must end in %(domains)s."),
                params={"domains": ", ".join(f"@{name}" for name in sorted(self.domains))},
            )
        return email


class SignupCodeForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput)
    code = forms.RegexField(
        label=_("Code from the email"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
    )
