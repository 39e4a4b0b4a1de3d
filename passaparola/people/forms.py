from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
