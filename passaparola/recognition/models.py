"""Recognition: the points ledger and its totals, the scheme, badges, challenges, rewards,
kudos and the advocacy journey."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise as _StrPromise
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Everything that can put a line in the points ledger."""

    SHARE = "share", _("Share")
    CLICK = "click", _("Human click received")
    UNIQUE_CLICK = "unique_click", _("Unique visitor")
    LEAD = "lead", _("Lead")
    REACTION = "reaction", _("Reaction")
    COMMENT = "comment", _("Comment")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("Accepted suggestion")
    INVITATION_ACCEPTED = "invitation_accepted", _("Accepted invitation")
    NETWORK_CONNECTED = "network_connected", _("Connected network")
    CHALLENGE = "challenge", _("Challenge reward")
    REDEMPTION = "redemption", _("Reward redeemed")
    REVERSAL = "reversal", _("Correction")


# The actions the programme prices in its points scheme, in the order the settings show them.
SCHEME_ACTIONS: list[str] = [
    Action.SHARE,
    Action.CLICK,
    Action.UNIQUE_CLICK,
    Action.LEAD,
    Action.REACTION,
    Action.COMMENT,
    Action.SUGGESTION_ACCEPTED,
    Action.INVITATION_ACCEPTED,
    Action.NETWORK_CONNECTED,
]


class PointsEntry(models.Model):
    """One line of the append-only points ledger; `key` makes every award happen once.

    The database refuses changes to a line (a trigger) and keeps `PointsTotal` in step with
    every insert and delete (triggers too), so bulk inserts can never leave the boards behind.
    """

    Action = Action

    # Indexed by the (person, action, created_at) index below, which also serves the cap.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="points_entries",
        db_index=False,
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    points = models.IntegerField()
    # Unique through the constraint below (a plain unique=True would add a LIKE index).
    key = models.CharField(max_length=200)
    post = models.ForeignKey(
        "content.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network = models.CharField(max_length=20, blank=True)
    # When the action happened: periods and boards count it here. A correction carries the
    # moment of the line it corrects, so it lands in the same week, month and quarter.
    created_at = models.DateTimeField(default=timezone.now)
    # When the line was written.
    recorded_at = models.DateTimeField(default=timezone.now)
    # True when the daily cap for this action cut the points (possibly to zero).
    capped = models.BooleanField(default=False)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reversal"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(fields=["created_at", "person"]),
            models.Index(fields=["person", "action", "created_at"]),
            # The daily caps add up only the lines that earned something: once a person is at
            # the cap, further lines hold 0 points, so this stays small however busy the day.
            models.Index(
                fields=["person", "action", "created_at"],
                condition=models.Q(points__gt=0),
                name="points_entry_earned_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="points_entry_key_unique"),
            models.CheckConstraint(
                condition=Q(action="reversal", reverses__isnull=False)
                | (~Q(action="reversal") & Q(reverses__isnull=True)),
                name="points_reversal_references_its_entry",
            ),
            models.CheckConstraint(
                condition=~Q(action="redemption") | Q(points__lte=0),
                name="points_redemption_deducts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.points:+d} ({self.action})"

    def reversal_line(self, *, note: str = "") -> "PointsEntry":
        """Return the (unsaved) line that takes this one back; its key makes it happen once."""
        return PointsEntry(
            person_id=self.person_id,
            action=Action.REVERSAL,
            points=-self.points,
            key=f"reversal:{self.pk}",
            post_id=self.post_id,
            network=self.network,
            # The moment of the corrected line, so the same week, month and quarter move.
            created_at=self.created_at,
            reverses=self,
            note=note[:200],
        )


class PointsTotal(models.Model):
    """A person's points in one week, month, quarter or all time, kept by database triggers.

    Periods are calendar periods in UTC (weeks start on Monday); all time has start 1970-01-01.
    Redemptions are left out: spending points never lowers a person's place on the boards.
    """

    class Period(models.TextChoices):
        WEEK = "w", _("Week")
        MONTH = "m", _("Month")
        QUARTER = "q", _("Quarter")
        ALL = "a", _("All time")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_totals"
    )
    period = models.CharField(max_length=1, choices=Period.choices)
    start = models.DateField()
    points = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("points total")
        verbose_name_plural = _("points totals")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "start", "person"], name="points_total_unique"
            ),
        ]
        indexes = [
            # Top of the board and "how many are ahead of me" both walk this index.
            models.Index(fields=["period", "start", "-points", "person"], name="points_total_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.period}{self.start}: {self.points}"


def _points_field(label: "_StrPromise", default: int) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label, default=default, validators=[MaxValueValidator(10_000)]
    )


def _cap_field(default: int) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        _("daily cap (points)"),
        default=default,
        validators=[MaxValueValidator(100_000)],
        help_text=_("The most a person can earn with this action in a day; 0 means no cap."),
    )


class PointsScheme(models.Model):
    """How many points each action is worth, per-network weights and daily caps (one row)."""

    points_share = _points_field(_("points per share"), 10)
    points_click = _points_field(_("points per human click received"), 2)
    points_unique_click = _points_field(_("extra points per unique visitor"), 1)
    points_lead = _points_field(_("points per lead"), 25)
    points_reaction = _points_field(_("points per reaction"), 1)
    points_comment = _points_field(_("points per comment"), 2)
    points_suggestion_accepted = _points_field(_("points per accepted suggestion"), 15)
    points_invitation_accepted = _points_field(_("points per accepted invitation"), 10)
    points_network_connected = _points_field(_("points per connected network"), 5)
    cap_share = _cap_field(50)
    cap_click = _cap_field(100)
    cap_unique_click = _cap_field(50)
    cap_lead = _cap_field(0)
    cap_reaction = _cap_field(10)
    cap_comment = _cap_field(20)
    cap_suggestion_accepted = _cap_field(0)
    cap_invitation_accepted = _cap_field(50)
    cap_network_connected = _cap_field(0)
    # {network key: percent}; a network that is not listed weighs 100%.
    network_weights = models.JSONField(_("network weights"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points scheme")
        verbose_name_plural = _("points scheme")

    def __str__(self) -> str:
        return "points scheme"

    def base_points(self, action: str) -> int:
        """Return the points the scheme gives for an action before weights and caps."""
        return int(getattr(self, f"points_{action}", 0))

    def daily_cap(self, action: str) -> int:
        """Return the daily cap for an action; 0 means no cap."""
        return int(getattr(self, f"cap_{action}", 0))

    def weight(self, network: str) -> int:
        """Return a network's weight in percent."""
        value = (self.network_weights or {}).get(network, 100)
        return int(value) if isinstance(value, int) and value >= 0 else 100


class JourneySettings(models.Model):
    """The thresholds that place a person on the advocacy journey (one row; see docs/journey.md)."""

    reader_views = models.PositiveIntegerField(_("reader: posts read"), default=1)
    engaged_interactions = models.PositiveIntegerField(
        _("internally engaged: reactions and comments"), default=1
    )
    sharer_shares = models.PositiveIntegerField(_("sharer: shares"), default=1)
    light_bulb_clicks = models.PositiveIntegerField(_("light bulb: visits received"), default=1)
    multi_channel_networks = models.PositiveIntegerField(
        _("multi-channel: networks shared to"), default=3
    )
    visible_clicks = models.PositiveIntegerField(_("visible: visits received"), default=25)
    conversation_leads = models.PositiveIntegerField(_("in conversation: leads"), default=1)
    ambassador_shares = models.PositiveIntegerField(_("ambassador: shares"), default=15)
    ambassador_clicks = models.PositiveIntegerField(_("ambassador: visits received"), default=100)
    creator_suggestions = models.PositiveIntegerField(
        _("content creator: accepted suggestions"), default=1
    )
    influencer_clicks = models.PositiveIntegerField(_("influencer: visits received"), default=300)
    influencer_leads = models.PositiveIntegerField(_("influencer: leads"), default=3)
    window_days = models.PositiveIntegerField(
        _("count activity of the last N days"),
        default=0,
        validators=[MaxValueValidator(3650)],
        help_text=_("0 counts everything a person ever did."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("journey settings")
        verbose_name_plural = _("journey settings")

    def __str__(self) -> str:
        return "journey settings"


class JourneySnapshot(models.Model):
    """How many people stood at one stage of the journey on one day."""

    day = models.DateField()
    stage = models.CharField(max_length=20)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "stage"], name="journey_snapshot_unique"),
        ]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.stage}: {self.people}"


class Badge(models.Model):
    """A badge in the catalogue, earned once when a person's count reaches the threshold."""

    class Rule(models.TextChoices):
        SHARES = "shares", _("Shares")
        CLICKS = "clicks", _("Human clicks received")
        LEADS = "leads", _("Leads")
        NETWORKS = "networks", _("Networks shared to")
        STREAK_WEEKS = "streak_weeks", _("Weeks in a row with a share")
        INTERACTIONS = "interactions", _("Reactions and comments")
        SUGGESTIONS = "suggestions", _("Accepted suggestions")
        POINTS = "points", _("Points earned")

    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    # Blank name and description show the translated defaults of a built-in badge.
    name = models.CharField(_("name"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    rule = models.CharField(_("earned for"), max_length=20, choices=Rule.choices)
    threshold = models.PositiveIntegerField(
        _("threshold"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    image = models.ImageField(_("image"), upload_to="badges/", blank=True)
    # A file in recognition/static/recognition/badges/, shown when no image is uploaded.
    default_image = models.CharField(max_length=60, blank=True)
    is_active = models.BooleanField(_("can be earned"), default=True)
    position = models.PositiveIntegerField(_("position"), default=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["position", "threshold", "pk"]

    def __str__(self) -> str:
        return self.slug


class BadgeAward(models.Model):
    """A badge a person earned; the database allows each badge once per person."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "badge"], name="badge_award_once"),
        ]

    def __str__(self) -> str:
        return f"{self.badge_id} for {self.person_id}"


class Challenge(models.Model):
    """A goal over a period, for one team or everyone, with an optional reward."""

    class Metric(models.TextChoices):
        SHARES = "shares", _("Shares")
        CLICKS = "clicks", _("Human clicks received")
        POINTS = "points", _("Points")

    class Scope(models.TextChoices):
        EACH = "each", _("Each person reaches the goal")
        TOGETHER = "together", _("Everyone together reaches the goal")

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    metric = models.CharField(_("measure"), max_length=10, choices=Metric.choices)
    goal = models.PositiveIntegerField(
        _("goal"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    scope = models.CharField(_("who"), max_length=10, choices=Scope.choices, default=Scope.EACH)
    team = models.ForeignKey(
        "people.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="challenges",
        help_text=_("Leave empty for everyone."),
    )
    posts = models.ManyToManyField(
        "content.Post",
        verbose_name=_("posts"),
        blank=True,
        related_name="challenges",
        help_text=_("Only shares and clicks of these posts count; none selected means any post."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    reward_points = models.PositiveIntegerField(
        _("bonus points for each winner"), default=0, validators=[MaxValueValidator(100_000)]
    )
    reward_text = models.CharField(_("reward"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="challenge_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ChallengeWinner(models.Model):
    """A person who met a challenge's goal, recorded once when the challenge closes."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="winners")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_wins"
    )
    progress = models.PositiveIntegerField(default=0)
    won_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "person"], name="challenge_winner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} won {self.challenge_id}"


class Reward(models.Model):
    """An item of the rewards catalogue, with a price in points and a stock."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    price = models.PositiveIntegerField(
        _("price in points"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    # Empty means unlimited.
    stock = models.PositiveIntegerField(
        _("in stock"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
        help_text=_("Leave empty for no limit."),
    )
    is_active = models.BooleanField(_("can be claimed"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["price", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0), name="reward_stock_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RewardClaim(models.Model):
    """A person's claim of a reward, approved or declined by a programme manager."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reward_claims"
    )
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="claims")
    price = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} claims {self.reward_id} ({self.state})"


class Kudos(models.Model):
    """A word of thanks from a team lead (or the programme manager) to a person."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received"
    )
    message = models.CharField(_("message"), max_length=280)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"kudos {self.sender_id} -> {self.recipient_id}"


class RecognitionCursor(models.Model):
    """How far the background worker has looked at new activities (points it missed, badges)."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_id}"
