from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from passaparola.content.models import Topic
from passaparola.people.models import Role, Team
from passaparola.people.names import PersonNameField


class PasswordLoginForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class CodeRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email"))


class CodeLoginForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput)
    code = forms.RegexField(
        label=_("Code from the email"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class ProfileForm(forms.Form):
    name = PersonNameField(label=_("Name"))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The programme's language")), *settings.LANGUAGES],
        required=False,
    )


class LeaveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I want to leave the programme and close my account."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class LeadershipForm(forms.Form):
    is_leadership = forms.BooleanField(
        label=_("Leadership"),
        required=False,
        help_text=_("Insights show leadership as its own group: who shared, and what it brought."),
    )


class EraseForm(forms.Form):
    email = forms.CharField(label=_("Type the person's email address to confirm"))

    def __init__(self, data: object = None, *, expected: str) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.expected = expected

    def clean_email(self) -> str:
        value = self.cleaned_data["email"].strip().lower()
        if value != self.expected.lower():
            raise forms.ValidationError(_("This is not the person's address."))
        return value


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("Any team"),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Any role")), *Role.choices], required=False
    )
    wave = forms.ChoiceField(label=_("Wave"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Taking part")),
            ("paused", _("Paused")),
            ("left", _("Left or erased")),
            ("all", _("Everyone")),
        ],
    )

    def __init__(self, data: object = None, *, waves: list[tuple[str, str]]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["wave"].choices = [("", _("Any wave")), *waves]  # type: ignore[attr-defined]


class InterestsForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics you care about"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
