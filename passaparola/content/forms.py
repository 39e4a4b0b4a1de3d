from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from passaparola.content.images import image_check
from passaparola.content.models import ApprovalStep, Comment, Post, Reaction, Topic
from passaparola.content.services import CaptionText
from passaparola.lib.bounds import DayField, IdField, MomentField
from passaparola.lib.images import ImageInvalid
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Team

web_address = URLValidator(schemes=["http", "https"], message=_("Enter a valid URL."))
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _url_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.URLField:
    return forms.URLField(
        label=label,
        required=required,
        max_length=1000,
        assume_scheme="https",
        validators=[web_address],
        help_text=help_text,
    )


def _when_field(label: Any, help_text: Any) -> forms.DateTimeField:
    return MomentField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def _teams_field(
    label: Any, help_text: Any = "", *, checkboxes: bool = True
) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple
        if checkboxes
        else forms.SelectMultiple(attrs={"size": 5}),
        help_text=help_text,
    )


def _topics_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PostForm(forms.ModelForm):
    url = _url_field(_("Link"))
    image_url = _url_field(
        _("Image address"),
        required=False,
        help_text=_("Filled in by the preview; the platform keeps its own copy of the image."),
    )
    image = forms.ImageField(
        label=_("Upload an image"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB. It replaces the image address."),
    )
    clear_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    topics = _topics_field()
    teams = _teams_field(
        _("Teams"),
        _(
            "With 'Everyone' the post is aimed at these teams and ranked higher for them; "
            "with 'Only the chosen teams' nobody else sees it."
        ),
    )
    # A list rather than checkboxes: a second set of team names beside "Teams" reads as noise.
    required_teams = _teams_field(
        _("Required for"),
        _("These teams always see it, pinned at the top of their feed and marked required."),
        checkboxes=False,
    )
    published_at = _when_field(
        _("Publish at"), _("Leave empty to publish at once; a later time schedules the post.")
    )
    expires_at = _when_field(_("Expires at"), _("After this time the post leaves every feed."))

    class Meta:
        model = Post
        fields = [
            "url",
            "title",
            "description",
            "site_name",
            "content_type",
            "topics",
            "audience",
            "teams",
            "required_teams",
            "is_pinned",
            "published_at",
            "expires_at",
            "image_url",
            "canonical_url",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "canonical_url": forms.HiddenInput,
        }
        help_texts = {"is_pinned": _("Pinned posts stay near the top of everyone's feed.")}

    def clean_image(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        upload.seek(0)
        try:
            image_check(upload.read())
        except ImageInvalid as error:
            raise forms.ValidationError(str(error)) from None
        upload.seek(0)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("audience") == Post.Audience.TEAMS and not cleaned.get("teams"):
            self.add_error("teams", _("Choose at least one team, or show the post to everyone."))
        starts, ends = cleaned.get("published_at"), cleaned.get("expires_at")
        if starts and ends and ends <= starts:
            self.add_error("expires_at", _("A post must expire after it is published."))
        return cleaned


class CaptionForm(forms.Form):
    network = forms.ChoiceField(
        label=_("Network"),
        required=False,
        choices=[("", _("Every network"))] + [(key, n.label) for key, n in NETWORKS.items()],
    )
    text = forms.CharField(
        label=_("Suggested caption"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BaseCaptionFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if index:
            # Only the first box is "the" suggested caption; the others read as extras.
            form.fields["text"].label = _("Another caption")

    def captions(self) -> list[CaptionText]:
        """Return the filled-in captions, in order."""
        return [
            CaptionText(form.cleaned_data.get("network", ""), form.cleaned_data["text"].strip())
            for form in self.forms
            if form.cleaned_data.get("text", "").strip()
        ]


CaptionFormSet = forms.formset_factory(
    CaptionForm, formset=BaseCaptionFormSet, extra=2, max_num=30, validate_max=True
)


class SourceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to use the feed's own title."),
    )
    url = _url_field(_("Feed address"), help_text=_("An RSS or Atom feed."))
    interval_minutes = forms.IntegerField(
        label=_("Check every (minutes)"),
        initial=60,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
    )
    daily_cap = forms.IntegerField(
        label=_("At most this many posts a day"),
        initial=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    auto_publish = forms.BooleanField(
        label=_("Publish new entries at once"),
        required=False,
        help_text=_("Otherwise they wait in the review queue."),
    )
    content_type = forms.ChoiceField(
        label=_("Content type"), choices=Post.Type.choices, initial=Post.Type.INDUSTRY
    )
    topics = _topics_field()
    audience = forms.ChoiceField(
        label=_("Audience"), choices=Post.Audience.choices, initial=Post.Audience.EVERYONE
    )
    teams = _teams_field(_("Teams"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("audience") == Post.Audience.TEAMS and not cleaned.get("teams"):
            self.add_error("teams", _("Choose at least one team, or show the posts to everyone."))
        return cleaned


class SourceEditForm(SourceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class SuggestionForm(forms.Form):
    url = _url_field(_("Link"), required=False, help_text=_("An article, a page, a video."))
    text = forms.CharField(
        label=_("Your text"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why it is worth sharing, or a post you would like colleagues to share."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("url") and not cleaned.get("text", "").strip() and not self.errors:
            raise forms.ValidationError(_("Give a link, a text, or both."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=Comment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": Comment.MAX_LENGTH}),
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class TopicForm(forms.Form):
    name = forms.CharField(label=_("New topic"), max_length=60)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Topic.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("This topic already exists."))
        return name


class InterestsForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics you care about"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ApprovalStepForm(forms.Form):
    name = forms.CharField(label=_("Step"), max_length=80)
    approver = forms.ChoiceField(label=_("Who approves"), choices=ApprovalStep.Approver.choices)


class FeedFilterForm(forms.Form):
    # An id rather than a ModelChoiceField: the feed page lists the topics already.
    topic = IdField(required=False)
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *Post.Type.choices], required=False
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


class CalendarForm(forms.Form):
    start = DayField(required=False, input_formats=["%Y-%m-%d"])
    weeks = forms.IntegerField(required=False, min_value=1, max_value=8)
