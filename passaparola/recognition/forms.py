from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from passaparola.content.models import Post
from passaparola.lib.bounds import MomentField
from passaparola.networks.catalogue import NETWORKS
from passaparola.recognition.badges import IMAGES
from passaparola.recognition.models import (
    SCHEME_ACTIONS,
    Badge,
    Challenge,
    JourneySettings,
    PointsScheme,
    Reward,
)

MAX_BADGE_BYTES = 512_000
MAX_BADGE_SIDE = 1024
MAX_WEIGHT = 500
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class PointsSchemeForm(forms.ModelForm):
    """Points and daily caps per action, and one weight per network (added in __init__)."""

    class Meta:
        model = PointsScheme
        fields = [f"points_{action}" for action in SCHEME_ACTIONS] + [
            f"cap_{action}" for action in SCHEME_ACTIONS
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, network in NETWORKS.items():
            self.fields[f"weight_{key}"] = forms.IntegerField(
                label=_("Weight of %(network)s (%%)") % {"network": network.label},
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=self.instance.weight(key),
                help_text=_("100 counts an action on this network at its full points."),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("weight_")]

    def action_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"points_{action}"], self[f"cap_{action}"]) for action in SCHEME_ACTIONS]

    def changed_fields(self) -> dict[str, object]:
        """Return the changed model fields, with the weights gathered into one."""
        changed = {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if not name.startswith("weight_")
        }
        weights = {key: self.cleaned_data[f"weight_{key}"] for key in NETWORKS}
        if weights != {key: self.instance.weight(key) for key in NETWORKS}:
            changed["network_weights"] = weights
        return changed


class JourneySettingsForm(forms.ModelForm):
    class Meta:
        model = JourneySettings
        fields = [
            "reader_views",
            "engaged_interactions",
            "sharer_shares",
            "light_bulb_clicks",
            "multi_channel_networks",
            "visible_clicks",
            "conversation_leads",
            "ambassador_shares",
            "ambassador_clicks",
            "creator_suggestions",
            "influencer_clicks",
            "influencer_leads",
            "window_days",
        ]


class PreferencesForm(forms.Form):
    hide_from_leaderboards = forms.BooleanField(
        label=_("Hide me from the public leaderboards"),
        required=False,
        help_text=_("You still see your own points and where you would stand."),
    )
    paused = forms.BooleanField(
        label=_("Pause my participation"),
        required=False,
        help_text=_(
            "While paused you are off every board and receive no weekly messages or nudges. "
            "Come back whenever you like."
        ),
    )


def validate_badge_image(image: Any) -> None:
    """Accept a small PNG, JPEG, GIF or WebP that Pillow can read; refuse anything else."""
    if image.size > MAX_BADGE_BYTES:
        raise ValidationError(_("The image must be smaller than 500 KB."))
    try:
        with Image.open(image) as opened:
            opened.verify()
            if opened.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                raise ValidationError(_("Use a PNG, JPEG, GIF or WebP image."))
            width, height = opened.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("This file is not an image we can read.")) from error
    if width > MAX_BADGE_SIDE or height > MAX_BADGE_SIDE:
        raise ValidationError(_("The image must be at most 1024 by 1024 pixels."))
    image.seek(0)


class BadgeForm(forms.ModelForm):
    default_image = forms.ChoiceField(
        label=_("Built-in image"),
        choices=[(name, name.removesuffix(".svg").replace("-", " ")) for name in IMAGES],
        help_text=_("Shown when no image is uploaded."),
    )

    class Meta:
        model = Badge
        fields = [
            "slug",
            "name",
            "description",
            "rule",
            "threshold",
            "image",
            "default_image",
            "is_active",
            "position",
        ]
        help_texts = {
            "name": _("Leave empty to use the built-in, translated name."),
            "image": _("A PNG, JPEG, GIF or WebP up to 500 KB and 1024 by 1024 pixels."),
        }

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if not image or image == self.instance.image:
            return image
        validate_badge_image(image)
        return image

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("name") and not self.instance.name:
            from passaparola.recognition.badges import DEFAULTS_BY_SLUG

            if cleaned.get("slug") not in DEFAULTS_BY_SLUG:
                self.add_error("name", _("Give the badge a name."))
        return cleaned


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_FORMAT)


class ChallengeForm(forms.ModelForm):
    starts_at = MomentField(
        label=_("Starts"), widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )
    ends_at = MomentField(
        label=_("Ends"), widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "description",
            "metric",
            "goal",
            "scope",
            "team",
            "posts",
            "starts_at",
            "ends_at",
            "reward_points",
            "reward_text",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "posts": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        since = timezone.now() - timedelta(days=180)
        posts = Post.objects.filter(state=Post.State.PUBLISHED, published_at__gte=since)
        if self.instance.pk:
            posts = posts | self.instance.posts.all()
        self.fields["posts"].queryset = posts.distinct().order_by("-published_at")  # type: ignore[attr-defined]
        self.fields["team"].empty_label = _("Everyone")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A challenge ends after it starts."))
        return cleaned


class RewardForm(forms.ModelForm):
    class Meta:
        model = Reward
        fields = ["name", "description", "price", "stock", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (the person sees it)"),
        required=False,
        max_length=300,
        widget=forms.TextInput,
    )


class KudosForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="",
        error_messages={"required": _("Write a few words of thanks.")},
    )

    def clean_message(self) -> str:
        message = " ".join(self.cleaned_data["message"].split())
        if not message:
            raise ValidationError(_("Write a few words of thanks."))
        return message
