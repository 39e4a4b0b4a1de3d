"""The advocacy journey: eleven stages from the seed article, the rules that place a person on
them, and the one next step to suggest. Plain logic over counts; the counts come from
`selectors.metrics_for`, the thresholds from `JourneySettings` (see docs/journey.md).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from passaparola.recognition.models import JourneySettings


class Stage(models.TextChoices):
    OBSERVER = "observer", _("Observer")
    READER = "reader", _("Reader")
    ENGAGED = "engaged", _("Internally engaged")
    SHARER = "sharer", _("Sharer")
    LIGHT_BULB = "light_bulb", _("Light bulb")
    MULTI_CHANNEL = "multi_channel", _("Multi-channel")
    VISIBLE = "visible", _("Visible")
    CONVERSATION = "conversation", _("In conversation")
    AMBASSADOR = "ambassador", _("Ambassador")
    CREATOR = "creator", _("Content creator")
    INFLUENCER = "influencer", _("Influencer")


ORDER: list[str] = list(Stage.values)

DESCRIPTIONS: dict[str, str | Promise] = {
    Stage.OBSERVER: _("Knows about the programme and watches from a distance."),
    Stage.READER: _("Reads the posts in the feed."),
    Stage.ENGAGED: _("Reacts to and comments on posts inside the company."),
    Stage.SHARER: _("Shares posts with their own network."),
    Stage.LIGHT_BULB: _("Has seen a share bring visits: the value is clear."),
    Stage.MULTI_CHANNEL: _("Shares on several networks."),
    Stage.VISIBLE: _("Their shares bring a steady stream of visits."),
    Stage.CONVERSATION: _("Their shares start conversations that become leads."),
    Stage.AMBASSADOR: _("A high performer the programme can count on."),
    Stage.CREATOR: _("Brings their own content to the programme."),
    Stage.INFLUENCER: _("A trusted voice whose network listens."),
}

# What to do to reach each stage, and the page where it is done.
NEXT_STEPS: dict[str, tuple[str | Promise, str]] = {
    Stage.READER: (_("Open your feed and read a post that interests you."), "content:feed"),
    Stage.ENGAGED: (
        _("React to or comment on a post your colleagues will like."),
        "content:feed",
    ),
    Stage.SHARER: (
        _("Share a post with your network, in your own words: it takes one click."),
        "content:feed",
    ),
    Stage.LIGHT_BULB: (
        _("Share a post your network cares about: the first visit through your link is close."),
        "content:feed",
    ),
    Stage.MULTI_CHANNEL: (
        _("Try another network: the people who follow you there will see it too."),
        "content:feed",
    ),
    Stage.VISIBLE: (
        _("Keep sharing regularly: every post brings a few more visits."),
        "content:feed",
    ),
    Stage.CONVERSATION: (
        _("Share a product or event post: a visitor who gets in touch starts a conversation."),
        "content:feed",
    ),
    Stage.AMBASSADOR: (
        _("Keep going: steady sharing and visits make you one of the programme's ambassadors."),
        "content:feed",
    ),
    Stage.CREATOR: (
        _("Suggest a post of your own: a story, an article or an idea for the team."),
        "content:feed",
    ),
    Stage.INFLUENCER: (
        _("Your network listens: more visits and leads make you an influencer."),
        "content:feed",
    ),
}
TOP_STEP: tuple[str | Promise, str] = (
    _("You are at the top of the journey. Help a colleague take their next step."),
    "recognition:leaderboard",
)

METRIC_LABELS: dict[str, str | Promise] = {
    "views": _("posts read"),
    "interactions": _("reactions and comments"),
    "shares": _("shares"),
    "networks": _("networks"),
    "clicks": _("visits"),
    "leads": _("leads"),
    "suggestions": _("accepted suggestions"),
}


@dataclass
class Metrics:
    """What a person did, counted from their activities."""

    views: int = 0
    interactions: int = 0
    shares: int = 0
    networks: int = 0
    clicks: int = 0
    leads: int = 0
    suggestions: int = 0
    # Longest run of consecutive weeks with a share (badges only).
    streak_weeks: int = 0
    points: int = 0


@dataclass
class Requirement:
    metric: str
    current: int
    needed: int

    @property
    def label(self) -> str | Promise:
        return METRIC_LABELS[self.metric]

    @property
    def met(self) -> bool:
        return self.current >= self.needed

    @property
    def shown(self) -> int:
        """Return the count for a progress bar, never past the threshold."""
        return min(self.current, self.needed)


@dataclass
class NextStep:
    stage: str
    text: str | Promise
    url_name: str
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def stage_label(self) -> str | Promise:
        return Stage(self.stage).label


def _rules(settings: JourneySettings) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        (Stage.READER, [("views", settings.reader_views)]),
        (Stage.ENGAGED, [("interactions", settings.engaged_interactions)]),
        (Stage.SHARER, [("shares", settings.sharer_shares)]),
        (Stage.LIGHT_BULB, [("clicks", settings.light_bulb_clicks)]),
        (Stage.MULTI_CHANNEL, [("networks", settings.multi_channel_networks)]),
        (Stage.VISIBLE, [("clicks", settings.visible_clicks)]),
        (Stage.CONVERSATION, [("leads", settings.conversation_leads)]),
        (
            Stage.AMBASSADOR,
            [("shares", settings.ambassador_shares), ("clicks", settings.ambassador_clicks)],
        ),
        (Stage.CREATOR, [("suggestions", settings.creator_suggestions)]),
        (
            Stage.INFLUENCER,
            [("clicks", settings.influencer_clicks), ("leads", settings.influencer_leads)],
        ),
    ]


def _shortcut(stage: str, metrics: Metrics) -> bool:
    """Doing something further along also counts for the first steps."""
    if stage == Stage.READER:
        # Someone who reacts or shares has read the post, even without a recorded view.
        return metrics.interactions > 0 or metrics.shares > 0
    if stage == Stage.ENGAGED:
        # Sharing is engagement too; nobody stays behind for never pressing a reaction.
        return metrics.shares > 0
    return False


def _requirements(needs: list[tuple[str, int]], metrics: Metrics) -> list[Requirement]:
    return [Requirement(metric, getattr(metrics, metric), needed) for metric, needed in needs]


def stage_of(metrics: Metrics, settings: JourneySettings) -> str:
    """Return the furthest stage whose thresholds, and all before it, the counts meet."""
    stage: str = Stage.OBSERVER
    for candidate, needs in _rules(settings):
        reached = _shortcut(candidate, metrics) or all(
            requirement.met for requirement in _requirements(needs, metrics)
        )
        if not reached:
            break
        stage = candidate
    return stage


def next_step(stage: str, metrics: Metrics, settings: JourneySettings) -> NextStep:
    """Return the single next step from a stage, with progress towards its thresholds."""
    position = ORDER.index(stage)
    if position + 1 >= len(ORDER):
        text, url_name = TOP_STEP
        return NextStep(stage=stage, text=text, url_name=url_name)
    target = ORDER[position + 1]
    needs = dict(_rules(settings))[target]
    text, url_name = NEXT_STEPS[target]
    missing = [requirement for requirement in _requirements(needs, metrics) if not requirement.met]
    return NextStep(stage=target, text=text, url_name=url_name, requirements=missing)
