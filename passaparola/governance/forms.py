from django import forms
from django.utils.translation import gettext_lazy as _

from passaparola.governance.models import PolicyVersion
from passaparola.lib.bounds import DayField
from passaparola.people.models import Person


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["title", "text", "changes"]
        widgets = {"text": forms.Textarea(attrs={"rows": 16})}


class PolicyAcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I have read the policy and I will follow it."),
        error_messages={"required": _("Tick the box to accept the policy.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Who"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone")
    )
    action = forms.ChoiceField(label=_("What"), required=False)
    since = DayField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = DayField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_type = forms.CharField(required=False, widget=forms.HiddenInput)
    target_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: object = None,
        *,
        actors: object,
        actions: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.fields["actor"].queryset = actors  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", _("Any action")), *actions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date comes after the end date."))
        return cleaned
