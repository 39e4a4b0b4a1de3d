from django import forms
from django.utils.translation import gettext_lazy as _

from passaparola.content.models import Post
from passaparola.people.models import Team


class PostForm(forms.ModelForm):
    caption = forms.CharField(
        label=_("Suggested caption"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People see it as a starting point and can change it before sharing."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Post
        fields = ["url", "title", "description", "image_url", "content_type", "audience", "teams"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("audience") == Post.Audience.TEAMS and not cleaned.get("teams"):
            self.add_error("teams", _("Choose at least one team, or show the post to everyone."))
        return cleaned
