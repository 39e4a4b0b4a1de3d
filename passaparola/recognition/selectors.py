"""Reads of recognition: points and boards, the journey, badges, challenges, rewards, kudos."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.templatetags.static import static
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.lib.bounds import day_param
from passaparola.notifications.models import EmailKind, NotificationPreference
from passaparola.notifications.selectors import email_refusers
from passaparola.people.access import access_at_risk_teams, can_manage_programme, led_team_ids
from passaparola.people.models import Membership, Person, Team
from passaparola.people.selectors import people_in_teams
from passaparola.programme.privacy import individuals_visible
from passaparola.recognition import journey
from passaparola.recognition.badges import DEFAULTS_BY_SLUG
from passaparola.recognition.journey import Metrics, NextStep, Stage
from passaparola.recognition.models import (
    Action,
    Badge,
    BadgeAward,
    Challenge,
    ChallengeWinner,
    JourneySettings,
    JourneySnapshot,
    PointsEntry,
    PointsTotal,
    Reward,
    RewardClaim,
)
from passaparola.recognition.periods import (
    ALL_TIME_START,
    PERIODS,
    next_start,
    period_start,
    previous_start,
    utc_day,
)
from passaparola.recognition.sql import mismatches
from passaparola.tracking.models import Click

# ---------------------------------------------------------------------------------------------
# Points and boards


@dataclass
class Standing:
    rank: int
    person: Person
    points: int


@dataclass
class TeamStanding:
    rank: int
    team: Team
    points: int
    members: int

    @property
    def per_member(self) -> float:
        return round(self.points / self.members, 1) if self.members else 0.0


def _period_for_days(days: int | None) -> str:
    """Map the older "last N days" arguments onto the calendar period that fits them."""
    if days is None:
        return "all"
    if days <= 7:
        return "week"
    if days <= 31:
        return "month"
    if days <= 92:
        return "quarter"
    return "all"


def resolve_period(period: str | None, start: str | date | None = None) -> tuple[str, date]:
    """Return a known period and the first day of one of its periods (the current by default)."""
    if period not in PERIODS:
        period = "month"
    current = period_start(period, utc_day())
    if isinstance(start, str):
        start = day_param(start)
    if not isinstance(start, date) or start > current or period_start(period, start) != start:
        start = current
    return period, start


def period_navigation(period: str, start: date) -> dict[str, date | None]:
    """Return the starts of the previous and next periods (None where there is none)."""
    if period == "all":
        return {"previous": None, "next": None}
    following = next_start(period, start)
    return {
        "previous": previous_start(period, start),
        "next": following if following <= utc_day() else None,
    }


def _visible() -> Q:
    """People shown on public boards: active, not hiding and not paused."""
    return Q(person__is_active=True, person__hide_from_leaderboards=False, person__is_paused=False)


def _off_boards() -> QuerySet[Person, Any]:
    """Return the (few) people not shown on public boards, as a subquery of ids."""
    return Person.objects.filter(
        Q(is_active=False) | Q(hide_from_leaderboards=True) | Q(is_paused=True)
    ).values("pk")


def _team_members(team_id: int) -> list[int]:
    # Fetched first: filtering the totals by a list of ids lets the database look each one
    # up, where a join would walk the whole period.
    return list(Membership.objects.filter(team_id=team_id).values_list("person_id", flat=True))


def _totals(period: str, start: date | None) -> QuerySet[PointsTotal]:
    period, start = resolve_period(period, start)
    return PointsTotal.objects.filter(period=PERIODS[period], start=start)


def _ranked(rows: list[tuple[Person, int]]) -> list[Standing]:
    standings: list[Standing] = []
    for position, (person, points) in enumerate(rows, start=1):
        rank = position
        if standings and standings[-1].points == points:
            rank = standings[-1].rank  # people level on points share a rank
        standings.append(Standing(rank, person, points))
    return standings


def leaderboard(
    *,
    period: str = "month",
    start: date | None = None,
    team_id: int | None = None,
    limit: int = 50,
    days: int | None = None,
) -> list[Standing]:
    """Return the top people by points in a period, leaving out anyone hidden or paused."""
    if days is not None:
        period = _period_for_days(days)
    totals = _totals(period, start).filter(_visible(), points__gt=0)
    if team_id is not None:
        totals = totals.filter(person_id__in=_team_members(team_id))
    rows = totals.select_related("person").order_by("-points", "person_id")[:limit]
    return _ranked([(row.person, row.points) for row in rows])


def rank_of(
    person: Person,
    *,
    period: str = "month",
    start: date | None = None,
    team_id: int | None = None,
    days: int | None = None,
) -> int | None:
    """Return where the person stands among the people on the board (1 is first), or None
    without points. Hidden and paused people see where they would stand."""
    if days is not None:
        period = _period_for_days(days)
    totals = _totals(period, start)
    mine = totals.filter(person=person).values_list("points", flat=True).first()
    if mine is None or mine <= 0:
        return None
    ahead = totals.filter(points__gt=mine).exclude(person=person)
    if team_id is not None:
        return ahead.filter(_visible(), person__memberships__team_id=team_id).count() + 1
    # One walk of the (period, start, -points) index; the few people off the boards are left
    # out by a subquery (hashed once on PostgreSQL), never by a join per row.
    return ahead.exclude(person__in=_off_boards()).count() + 1


def points_total(
    person: Person, days: int | None = None, *, period: str | None = None, start: date | None = None
) -> int:
    """Return a person's points in a period (all time by default); spending never lowers it."""
    if period is None:
        period = _period_for_days(days)
    value = _totals(period, start).filter(person=person).values_list("points", flat=True).first()
    return value or 0


def points_spent(person: Person) -> int:
    """Return the points a person spent on approved rewards."""
    spent = PointsEntry.objects.filter(person=person, action=Action.REDEMPTION).aggregate(
        total=Sum("points")
    )["total"]
    return -(spent or 0)


def points_balance(person: Person) -> int:
    """Return the points a person can still spend: earned minus spent."""
    return points_total(person, period="all") - points_spent(person)


def points_reserved(person: Person) -> int:
    """Return the points held by the person's claims that wait for approval."""
    reserved = RewardClaim.objects.filter(person=person, state=RewardClaim.State.PENDING).aggregate(
        total=Sum("price")
    )["total"]
    return reserved or 0


def points_available(person: Person) -> int:
    """Return the points a person can use for a new claim."""
    return points_balance(person) - points_reserved(person)


def points_history(person: Person, *, limit: int = 50) -> list[PointsEntry]:
    """Return a person's latest ledger lines, newest first."""
    return list(
        PointsEntry.objects.filter(person=person)
        .select_related("post")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def team_board(*, period: str = "month", start: date | None = None) -> list[TeamStanding]:
    """Return teams by points per member: the board that does not favour large teams.

    Members are the team's active people who have not paused; people who hide from the
    boards still count here, since a team's figure names nobody.
    """
    period, start = resolve_period(period, start)
    out = Person.objects.filter(Q(is_active=False) | Q(is_paused=True)).values("pk")
    out_sql, out_params = out.query.sql_with_params()
    with connection.cursor() as cursor:
        # Totals straight to memberships: the ORM would join every person in between.
        cursor.execute(
            # Django's own SQL for the subquery; every value goes as a parameter.
            "SELECT m.team_id, SUM(t.points) FROM recognition_pointstotal t"  # noqa: S608
            " JOIN people_membership m ON m.person_id = t.person_id"
            f" WHERE t.period = %s AND t.start = %s AND t.person_id NOT IN ({out_sql})"
            " GROUP BY m.team_id",
            [PERIODS[period], start, *out_params],
        )
        points = dict(cursor.fetchall())
    members = dict(
        Membership.objects.exclude(person__in=out)
        .values_list("team")
        .annotate(n=Count("person", distinct=True))
        .values_list("team", "n")
    )
    teams = Team.objects.in_bulk([pk for pk, total in points.items() if pk and total > 0])
    rows = sorted(
        (
            TeamStanding(0, teams[pk], points[pk], members.get(pk, 0))
            for pk in teams
            if members.get(pk)
        ),
        key=lambda row: (-row.per_member, row.team.name),
    )
    for position, row in enumerate(rows, start=1):
        row.rank = position
        if position > 1 and rows[position - 2].per_member == row.per_member:
            row.rank = rows[position - 2].rank
    return rows


def points_totals_check() -> list[tuple[int, str, str, int]]:
    """Return (person, period, start, difference) for every total the ledger disagrees with."""
    with connection.cursor() as cursor:
        cursor.execute(mismatches(connection.vendor), None)
        return [(row[0], row[1], str(row[2]), row[3]) for row in cursor.fetchall()]


# ---------------------------------------------------------------------------------------------
# Counting what people did: the input of the journey, badges and messages

VERB_METRIC: dict[str, str] = {
    Verb.POST_VIEWED: "views",
    Verb.REACTION: "interactions",
    Verb.COMMENT: "interactions",
    Verb.SHARE_CREATED: "shares",
    Verb.CLICK_RECEIVED: "clicks",
    Verb.CONVERSION: "leads",
    Verb.SUGGESTION_ACCEPTED: "suggestions",
}


def longest_streak(weeks: Iterable[date]) -> int:
    """Return the longest run of consecutive weeks among the given week starts."""
    best = run = 0
    previous: date | None = None
    for week in sorted(set(weeks)):
        run = run + 1 if previous is not None and week - previous == timedelta(days=7) else 1
        best = max(best, run)
        previous = week
    return best


def metrics_for(
    person_ids: Iterable[int] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    streaks: bool = False,
    points: bool = False,
) -> dict[int, Metrics]:
    """Return each person's counts from their activities (only people with any)."""
    ids = None if person_ids is None else list(person_ids)
    activities = Activity.objects.all()
    if ids is not None:
        activities = activities.filter(person_id__in=ids)
    if since is not None:
        activities = activities.filter(created_at__gte=since)
    if until is not None:
        activities = activities.filter(created_at__lt=until)
    result: dict[int, Metrics] = defaultdict(Metrics)
    for person_id, verb, count in (
        activities.filter(verb__in=list(VERB_METRIC))
        .values_list("person_id", "verb")
        .annotate(n=Count("pk"))
        .values_list("person_id", "verb", "n")
    ):
        metrics = result[person_id]
        name = VERB_METRIC[verb]
        setattr(metrics, name, getattr(metrics, name) + count)
    shares = activities.filter(verb=Verb.SHARE_CREATED)
    for person_id, networks in (
        shares.exclude(network="")
        .values_list("person_id")
        .annotate(n=Count("network", distinct=True))
        .values_list("person_id", "n")
    ):
        result[person_id].networks = networks
    if streaks:
        weeks: dict[int, list[date]] = defaultdict(list)
        for person_id, week in (
            shares.annotate(week=TruncWeek("created_at", tzinfo=UTC))
            .values_list("person_id", "week")
            .distinct()
        ):
            weeks[person_id].append(week.date() if isinstance(week, datetime) else week)
        for person_id, starts in weeks.items():
            result[person_id].streak_weeks = longest_streak(starts)
    if points:
        totals = PointsTotal.objects.filter(period="a", start=ALL_TIME_START)
        if ids is not None:
            totals = totals.filter(person_id__in=ids)
        for person_id, value in totals.values_list("person_id", "points"):
            result[person_id].points = value
    return dict(result)


def visits_by_person(since: datetime, until: datetime) -> dict[int, int]:
    """Return the human visits each person's links brought between two moments."""
    return dict(
        Click.objects.filter(is_bot=False, created_at__gte=since, created_at__lt=until)
        .values_list("link__person")
        .annotate(n=Count("pk"))
        .values_list("link__person", "n")
    )


def shares_by_person(since: datetime, until: datetime) -> dict[int, int]:
    """Return how many times each person shared between two moments."""
    return dict(
        Activity.objects.filter(
            verb=Verb.SHARE_CREATED, created_at__gte=since, created_at__lt=until
        )
        .values_list("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )


# ---------------------------------------------------------------------------------------------
# The journey


@dataclass
class JourneyStep:
    stage: str
    label: str
    description: str
    reached: bool
    current: bool


@dataclass
class Journey:
    stage: str
    metrics: Metrics
    next_step: NextStep
    steps: list[JourneyStep] = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def position(self) -> int:
        return journey.ORDER.index(self.stage) + 1


def _window(settings: JourneySettings, until: datetime | None) -> datetime | None:
    if not settings.window_days:
        return None
    return (until or timezone.now()) - timedelta(days=settings.window_days)


def journey_of(person: Person, settings: JourneySettings) -> Journey:
    """Return where a person stands on the journey and their single next step."""
    metrics = metrics_for([person.pk], since=_window(settings, None)).get(person.pk, Metrics())
    stage = journey.stage_of(metrics, settings)
    position = journey.ORDER.index(stage)
    steps = [
        JourneyStep(
            stage=value,
            label=str(Stage(value).label),
            description=str(journey.DESCRIPTIONS[value]),
            reached=index <= position,
            current=index == position,
        )
        for index, value in enumerate(journey.ORDER)
    ]
    return Journey(stage, metrics, journey.next_step(stage, metrics, settings), steps)


def journey_stages(settings: JourneySettings, *, until: datetime | None = None) -> dict[int, str]:
    """Return the stage of every active person who had joined by `until` (now by default)."""
    people = Person.objects.filter(is_active=True)
    if until is not None:
        people = people.filter(date_joined__lt=until)
    metrics = metrics_for(since=_window(settings, until), until=until)
    empty = Metrics()
    return {
        person_id: journey.stage_of(metrics.get(person_id, empty), settings)
        for person_id in people.values_list("pk", flat=True)
    }


def journey_distribution(
    settings: JourneySettings, *, until: datetime | None = None
) -> dict[str, int]:
    """Return how many people stand at each stage, every stage listed."""
    counts = dict.fromkeys(journey.ORDER, 0)
    for stage in journey_stages(settings, until=until).values():
        counts[stage] += 1
    return counts


@dataclass
class SnapshotRow:
    stage: str
    label: str
    counts: list[int]

    @property
    def change(self) -> int:
        return self.counts[-1] - self.counts[0] if len(self.counts) > 1 else 0


def journey_history(*, limit: int = 8) -> tuple[list[date], list[SnapshotRow]]:
    """Return the last snapshot days (oldest first) and each stage's counts on them."""
    days = sorted(
        JourneySnapshot.objects.order_by("-day").values_list("day", flat=True).distinct()[:limit]
    )
    counts = {
        (day, stage): people
        for day, stage, people in JourneySnapshot.objects.filter(day__in=days).values_list(
            "day", "stage", "people"
        )
    }
    rows = [
        SnapshotRow(stage, str(Stage(stage).label), [counts.get((day, stage), 0) for day in days])
        for stage in journey.ORDER
    ]
    return days, rows


# ---------------------------------------------------------------------------------------------
# Badges


def badge_name(badge: Badge) -> str:
    """Return the badge's name, or its translated default."""
    default = DEFAULTS_BY_SLUG.get(badge.slug)
    return badge.name or (str(default.name) if default else badge.slug)


def badge_description(badge: Badge) -> str:
    """Return the badge's description, or its translated default."""
    default = DEFAULTS_BY_SLUG.get(badge.slug)
    return badge.description or (str(default.description) if default else "")


def badge_image_url(badge: Badge) -> str:
    """Return the address of the badge's image: the uploaded one, else a shipped one."""
    if badge.image:
        return str(badge.image.url)
    return static(f"recognition/badges/{badge.default_image or 'badge.svg'}")


@dataclass
class BadgeView:
    badge: Badge
    name: str
    description: str
    image_url: str
    awarded_at: datetime | None = None
    holders: int = 0


def _badge_view(badge: Badge, awarded_at: datetime | None = None, holders: int = 0) -> BadgeView:
    return BadgeView(
        badge,
        badge_name(badge),
        badge_description(badge),
        badge_image_url(badge),
        awarded_at,
        holders,
    )


def badges_of(person: Person) -> list[BadgeView]:
    """Return the badges a person can earn or has earned, earned ones with their date."""
    earned = dict(BadgeAward.objects.filter(person=person).values_list("badge_id", "awarded_at"))
    badges = Badge.objects.filter(Q(is_active=True) | Q(pk__in=list(earned)))
    return [_badge_view(badge, earned.get(badge.pk)) for badge in badges]


def badge_catalogue() -> list[BadgeView]:
    """Return every badge with how many people hold it, for the managers' catalogue."""
    badges = Badge.objects.annotate(holders=Count("awards"))
    return [_badge_view(badge, holders=badge.holders) for badge in badges]


def access_badge_for_managing(person: Person, badge_id: int) -> Badge:
    """Return a badge a programme manager edits, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    badge = Badge.objects.filter(pk=badge_id).first()
    if badge is None:
        raise Http404
    return badge


# ---------------------------------------------------------------------------------------------
# Challenges


def challenges_visible_to(person: Person) -> QuerySet[Challenge]:
    """Return the challenges for everyone and for the person's teams (managers see all)."""
    challenges = Challenge.objects.select_related("team")
    if can_manage_programme(person):
        return challenges
    return challenges.filter(Q(team__isnull=True) | Q(team__memberships__person=person)).distinct()


def access_challenge_by_person(person: Person, challenge_id: int) -> Challenge:
    """Return a challenge the person may see, or raise Http404."""
    challenge = challenges_visible_to(person).filter(pk=challenge_id).first()
    if challenge is None:
        raise Http404
    return challenge


def access_challenge_for_managing(person: Person, challenge_id: int) -> Challenge:
    """Return a challenge a programme manager edits, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    return access_challenge_by_person(person, challenge_id)


def challenge_participants(challenge: Challenge) -> QuerySet[Person]:
    """Return the active people the challenge is for."""
    people = Person.objects.filter(is_active=True)
    if challenge.team_id is not None:
        people = people.filter(memberships__team_id=challenge.team_id)
    return people


def challenge_progress(
    challenge: Challenge, person_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Return each participant's count towards the goal (only people with some)."""
    participants = challenge_participants(challenge).values("pk")
    if person_ids is not None:
        participants = participants.filter(pk__in=list(person_ids))
    posts = list(challenge.posts.values_list("pk", flat=True))
    window = Q(created_at__gte=challenge.starts_at, created_at__lt=challenge.ends_at)
    counts: QuerySet[Any, Any]
    if challenge.metric == Challenge.Metric.POINTS:
        entries = PointsEntry.objects.filter(window, person__in=participants).exclude(
            action__in=[Action.REDEMPTION, Action.CHALLENGE]
        )
        if posts:
            entries = entries.filter(post_id__in=posts)
        counts = entries.values_list("person_id").annotate(n=Sum("points"))
    else:
        verb = (
            Verb.SHARE_CREATED
            if challenge.metric == Challenge.Metric.SHARES
            else Verb.CLICK_RECEIVED
        )
        activities = Activity.objects.filter(window, verb=verb, person__in=participants)
        if posts:
            activities = activities.filter(post_id__in=posts)
        counts = activities.values_list("person_id").annotate(n=Count("pk"))
    return {person_id: n for person_id, n in counts.values_list("person_id", "n") if n > 0}


@dataclass
class ChallengeView:
    challenge: Challenge
    mine: int
    together: int
    reached: int
    participants: int
    winners: list[Person]
    unnamed: int  # of those who reached the goal, people who are not named (hidden, paused)
    is_open: bool
    is_upcoming: bool
    is_participant: bool

    @property
    def my_bar(self) -> int:
        return min(self.mine, self.challenge.goal)

    @property
    def together_bar(self) -> int:
        return min(self.together, self.challenge.goal)


def challenge_view(challenge: Challenge, person: Person) -> ChallengeView:
    """Return a challenge as one person sees it: their progress and who met the goal."""
    now = timezone.now()
    progress = challenge_progress(challenge)
    participants = challenge_participants(challenge)
    if challenge.closed_at:
        winners_qs = ChallengeWinner.objects.filter(challenge=challenge).values("person")
        winners = Person.objects.filter(pk__in=winners_qs)
    else:
        ahead = [pid for pid, n in progress.items() if n >= challenge.goal]
        winners = Person.objects.filter(pk__in=ahead)
    # Only the people who met the goal are named, never those who did not.
    public = list(
        winners.filter(is_active=True, hide_from_leaderboards=False, is_paused=False).order_by(
            "name"
        )
    )
    # One set of people behind both the count and the names, so they always agree.
    reached = winners.count()
    return ChallengeView(
        challenge=challenge,
        mine=progress.get(person.pk, 0),
        together=sum(progress.values()),
        reached=reached,
        participants=participants.count(),
        winners=public,
        unnamed=reached - len(public),
        is_open=challenge.starts_at <= now < challenge.ends_at,
        is_upcoming=now < challenge.starts_at,
        is_participant=participants.filter(pk=person.pk).exists(),
    )


# ---------------------------------------------------------------------------------------------
# Rewards


def rewards_catalogue(*, include_inactive: bool = False) -> QuerySet[Reward]:
    """Return the rewards people can claim (all of them for managers)."""
    rewards = Reward.objects.all()
    return rewards if include_inactive else rewards.filter(is_active=True)


def claims_of(person: Person) -> QuerySet[RewardClaim]:
    """Return a person's claims, newest first."""
    return RewardClaim.objects.filter(person=person).select_related("reward", "decided_by")


def claims_for_managers(*, state: str | None = None) -> QuerySet[RewardClaim]:
    """Return every claim (or those in one state), newest first."""
    claims = RewardClaim.objects.select_related("person", "reward", "decided_by")
    return claims.filter(state=state) if state else claims


def access_reward_by_person(person: Person, reward_id: int) -> Reward:
    """Return a reward the person may claim, or raise Http404."""
    reward = Reward.objects.filter(pk=reward_id, is_active=True).first()
    if reward is None:
        raise Http404
    return reward


def access_reward_for_managing(person: Person, reward_id: int) -> Reward:
    """Return a reward a programme manager edits, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    reward = Reward.objects.filter(pk=reward_id).first()
    if reward is None:
        raise Http404
    return reward


def access_claim_by_owner(person: Person, claim_id: int) -> RewardClaim:
    """Return the person's own claim, or raise Http404."""
    claim = RewardClaim.objects.filter(pk=claim_id, person=person).first()
    if claim is None:
        raise Http404
    return claim


def access_claim_for_managing(person: Person, claim_id: int) -> RewardClaim:
    """Return a claim a programme manager decides on, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    claim = RewardClaim.objects.filter(pk=claim_id).select_related("person", "reward").first()
    if claim is None:
        raise Http404
    return claim


# ---------------------------------------------------------------------------------------------
# Kudos


def can_send_kudos(person: Person) -> bool:
    """Return True for team leads and programme managers."""
    return can_manage_programme(person) or bool(led_team_ids(person))


def kudos_recipients(person: Person) -> QuerySet[Person]:
    """Return the people this person may send kudos to: the members of the teams they lead
    (anyone, for programme managers), never themselves."""
    people = Person.objects.filter(is_active=True).exclude(pk=person.pk)
    if can_manage_programme(person):
        return people
    return people.filter(memberships__team_id__in=led_team_ids(person)).distinct()


def access_kudos_recipient(sender: Person, person_id: int) -> Person:
    """Return a person the sender may thank, or raise Http404."""
    recipient = kudos_recipients(sender).filter(pk=person_id).first()
    if recipient is None:
        raise Http404
    return recipient


@dataclass
class TeamMemberWeek:
    person: Person
    shares: int
    visits: int


def team_week(lead: Person, *, since: datetime, until: datetime) -> list[TeamMemberWeek]:
    """Return the lead's team members with what they did in the period, busiest first."""
    people = list(kudos_recipients(lead).filter(is_paused=False).order_by("name"))
    visits = visits_by_person(since, until)
    shares = shares_by_person(since, until)
    rows = [
        TeamMemberWeek(person, shares.get(person.pk, 0), visits.get(person.pk, 0))
        for person in people
    ]
    return sorted(rows, key=lambda row: (-row.visits, -row.shares, row.person.name))


# A programme manager or team lead may send someone one friendly message a fortnight, and
# not within a fortnight of the automatic quiet nudge either: both share `last_nudge_at`.
PERSONAL_NUDGE_DAYS = 14


def access_nudge_recipient(viewer: Person, person_id: int) -> Person:
    """Return someone taking part whom the viewer may send a friendly message, or raise 404.

    Whom they follow on the people at risk page: anyone for a programme manager, a member of
    a team they lead for a team lead, never themselves, and nobody the privacy mode hides.
    """
    teams = access_at_risk_teams(viewer)
    if teams is not None and not individuals_visible(viewer, people_in_teams(teams).count()):
        raise Http404
    person = people_in_teams(teams).exclude(pk=viewer.pk).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def personal_nudge_due(last_nudge_at: datetime | None, now: datetime) -> bool:
    """Return True when a friendly message may go to someone last nudged at this moment."""
    return last_nudge_at is None or last_nudge_at <= now - timedelta(days=PERSONAL_NUDGE_DAYS)


def quiet_people(now: datetime) -> list[int]:
    """Return the ids of people with no activity for NOTIFICATIONS_QUIET_DAYS, not nudged since."""
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_QUIET_DAYS)
    return list(
        Person.objects.filter(is_active=True, is_paused=False, date_joined__lte=cutoff)
        .exclude(pk__in=Activity.objects.filter(created_at__gt=cutoff).values("person_id"))
        .exclude(pk__in=email_refusers(EmailKind.REMINDERS))
        .exclude(
            pk__in=NotificationPreference.objects.filter(last_nudge_at__gt=cutoff).values(
                "person_id"
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
