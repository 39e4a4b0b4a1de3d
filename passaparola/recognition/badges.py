"""The built-in badges: translated names and descriptions, and the images shipped with them."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DefaultBadge:
    slug: str
    rule: str
    threshold: int
    position: int
    name: str | Promise
    description: str | Promise


DEFAULT_BADGES = [
    DefaultBadge(
        "first-share", "shares", 1, 10, _("First share"), _("You shared a post for the first time.")
    ),
    DefaultBadge(
        "first-visit", "clicks", 1, 20, _("First visit"), _("Someone opened a link you shared.")
    ),
    DefaultBadge("ten-shares", "shares", 10, 30, _("Ten shares"), _("You shared ten times.")),
    DefaultBadge(
        "joined-the-conversation",
        "interactions",
        1,
        40,
        _("Joined the conversation"),
        _("You reacted to or commented on a post."),
    ),
    DefaultBadge(
        "hundred-visits",
        "clicks",
        100,
        50,
        _("A hundred visits"),
        _("Your shares brought a hundred people to our content."),
    ),
    DefaultBadge(
        "first-lead", "leads", 1, 60, _("First lead"), _("One of your shares brought a lead.")
    ),
    DefaultBadge(
        "five-networks", "networks", 5, 70, _("Five networks"), _("You shared on five networks.")
    ),
    DefaultBadge(
        "four-week-streak",
        "streak_weeks",
        4,
        80,
        _("Four weeks in a row"),
        _("You shared something every week for four weeks."),
    ),
    DefaultBadge(
        "content-creator",
        "suggestions",
        1,
        90,
        _("Content creator"),
        _("A post you suggested was published."),
    ),
]

DEFAULTS_BY_SLUG = {badge.slug: badge for badge in DEFAULT_BADGES}
# The images in recognition/static/recognition/badges/ a manager can pick from.
IMAGES = [f"{badge.slug}.svg" for badge in DEFAULT_BADGES] + ["badge.svg"]
