"""State changes of recognition. The ledger only grows and each award happens once; every
other change (badges, challenges, rewards, kudos, messages) goes through a function here."""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passaparola.audit.services import audit_record
from passaparola.content.models import Post
from passaparola.lib.files import file_delete_on_commit
from passaparola.lib.models import fields_save
from passaparola.notifications.emails import email_send
from passaparola.notifications.models import EmailKind, Notification, NotificationPreference
from passaparola.notifications.services import (
    email_allowed,
    notification_send,
    webhook_messages_queue,
    webhook_topic_since,
)
from passaparola.notifications.webhooks import WebhookMessage
from passaparola.people.access import MANAGERS
from passaparola.people.models import Membership, Person
from passaparola.programme.selectors import in_language_of, programme_get
from passaparola.recognition.badges import DEFAULT_BADGES
from passaparola.recognition.journey import Metrics
from passaparola.recognition.models import (
    Action,
    Badge,
    BadgeAward,
    Challenge,
    ChallengeWinner,
    JourneySettings,
    JourneySnapshot,
    Kudos,
    PointsEntry,
    PointsScheme,
    Reward,
    RewardClaim,
)
from passaparola.recognition.periods import day_bounds, period_start, utc_day, week_bounds
from passaparola.recognition.selectors import (
    PERSONAL_NUDGE_DAYS,
    badge_name,
    challenge_progress,
    journey_distribution,
    metrics_for,
    points_available,
    points_balance,
    visits_by_person,
)
from passaparola.recognition.sql import expected_totals


class RecognitionError(Exception):
    """A change that cannot be made; the message is for the person who asked."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


# ---------------------------------------------------------------------------------------------
# Settings: the points scheme and the journey thresholds


def scheme_get() -> PointsScheme:
    """Return the points scheme; its row comes from a migration, so reading never writes."""
    return PointsScheme.objects.filter(pk=1).first() or PointsScheme(pk=1)


def _update(instance: Any, fields: dict[str, object]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    fields_save(instance, [*fields.keys(), "updated_at"])


@transaction.atomic
def scheme_update(*, scheme: PointsScheme, fields: dict[str, object]) -> PointsScheme:
    """Change the named settings of the points scheme."""
    _update(scheme, fields)
    return scheme


def journey_settings_get() -> JourneySettings:
    """Return the journey thresholds; their row comes from a migration, so reading never writes."""
    return JourneySettings.objects.filter(pk=1).first() or JourneySettings(pk=1)


@transaction.atomic
def journey_settings_update(
    *, settings: JourneySettings, fields: dict[str, object]
) -> JourneySettings:
    """Change the named journey thresholds."""
    _update(settings, fields)
    return settings


# ---------------------------------------------------------------------------------------------
# The ledger


def points_for(*, action: str, network: str = "", scheme: PointsScheme | None = None) -> int:
    """Return what an action is worth on a network: the scheme's points times the weight."""
    scheme = scheme or scheme_get()
    return round(scheme.base_points(action) * scheme.weight(network) / 100)


@transaction.atomic
def points_award(
    *,
    person: Person,
    action: str,
    key: str,
    points: int | None = None,
    post: Post | None = None,
    network: str = "",
    at: datetime | None = None,
    note: str = "",
) -> PointsEntry | None:
    """Add points for an action once; return None when `key` was already awarded.

    Without `points`, the scheme decides (`points_for`) and the action's daily cap may cut
    the points: the line is still written (with `capped`), so the key stays used. Points
    given by the caller (a challenge bonus, a redemption) are taken as they are.
    """
    when = at or timezone.now()
    capped = False
    cap = 0
    if points is None:
        scheme = scheme_get()
        points = points_for(action=action, network=network, scheme=scheme)
        cap = scheme.daily_cap(action)
    if cap and points > 0:
        # One writer per person at a time, so two awards cannot both fit under the cap.
        list(Person.objects.select_for_update(no_key=True).filter(pk=person.pk).values("pk"))
        start, end = day_bounds(utc_day(when))
        used = sum(
            PointsEntry.objects.filter(
                person=person,
                action=action,
                created_at__gte=start,
                created_at__lt=end,
                points__gt=0,  # capped lines add nothing; the partial index holds the rest
            ).values_list("points", flat=True)
        )
        if used + points > cap:
            points, capped = max(0, cap - used), True
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(
                person=person,
                action=action,
                points=points,
                key=key,
                post=post,
                network=network,
                created_at=when,
                capped=capped,
                note=note[:200],
            )
    except IntegrityError:
        if PointsEntry.objects.filter(key=key).exists():
            return None
        raise


@transaction.atomic
def points_reverse(
    *, entry: PointsEntry | None = None, key: str = "", reason: str = ""
) -> PointsEntry | None:
    """Correct a ledger line with an opposite line (never an edit); None if already corrected.

    The correction carries the moment of the line it corrects, so the same periods move.
    """
    if entry is None:
        entry = PointsEntry.objects.filter(key=key).first()
        if entry is None:
            raise RecognitionError(_("There is no points entry with this key."))
    if entry.action in (Action.REVERSAL, Action.REDEMPTION):
        raise RecognitionError(_("Corrections and redeemed rewards cannot be corrected."))
    try:
        with transaction.atomic():
            correction = entry.reversal_line(note=reason)
            correction.save()
            return correction
    except IntegrityError:
        if PointsEntry.objects.filter(reverses=entry).exists():
            return None
        raise


@transaction.atomic
def points_totals_rebuild() -> int:
    """Recompute every total from the ledger (after a restore, or to repair); return rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers wait while the totals are rebuilt, so none is counted twice or lost.
            cursor.execute("LOCK TABLE recognition_pointsentry IN SHARE MODE")
        cursor.execute("DELETE FROM recognition_pointstotal")
        cursor.execute(
            "INSERT INTO recognition_pointstotal (person_id, period, start, points) "
            + expected_totals(connection.vendor),
            None,
        )
        return int(cursor.rowcount)


# ---------------------------------------------------------------------------------------------
# Taking part


@transaction.atomic
def participation_pause(*, person: Person) -> None:
    """Pause a person's participation: off the boards, no validation messages or nudges."""
    person.is_paused = True
    person.paused_at = timezone.now()
    person.save(update_fields=["is_paused", "paused_at"])


@transaction.atomic
def participation_resume(*, person: Person) -> None:
    """Take a person back into the programme."""
    person.is_paused = False
    person.paused_at = None
    person.save(update_fields=["is_paused", "paused_at"])


@transaction.atomic
def leaderboard_visibility_set(*, person: Person, hidden: bool) -> None:
    """Show or hide a person on the public boards."""
    person.hide_from_leaderboards = hidden
    person.save(update_fields=["hide_from_leaderboards"])


# ---------------------------------------------------------------------------------------------
# Badges


@transaction.atomic
def badges_create_defaults() -> int:
    """Add the built-in badges that are missing from the catalogue; return how many."""
    created = 0
    for default in DEFAULT_BADGES:
        _badge, was_created = Badge.objects.get_or_create(
            slug=default.slug,
            defaults={
                "rule": default.rule,
                "threshold": default.threshold,
                "position": default.position,
                "default_image": f"{default.slug}.svg",
            },
        )
        created += was_created
    return created


@transaction.atomic
def badge_create(*, fields: dict[str, object]) -> Badge:
    """Add a badge to the catalogue."""
    badge = Badge(**fields)
    badge.full_clean()
    badge.save()
    return badge


@transaction.atomic
def badge_update(*, badge: Badge, fields: dict[str, object]) -> Badge:
    """Change the named fields of a badge; a replaced image file goes after the commit."""
    old_image = badge.image.name if badge.image else ""
    for name, value in fields.items():
        setattr(badge, name, value)
    badge.full_clean()
    badge.save(update_fields=list(fields))
    if old_image and badge.image.name != old_image:
        file_delete_on_commit(badge.image.storage, old_image)
    return badge


RULE_METRIC: dict[str, str] = {
    Badge.Rule.SHARES: "shares",
    Badge.Rule.CLICKS: "clicks",
    Badge.Rule.LEADS: "leads",
    Badge.Rule.NETWORKS: "networks",
    Badge.Rule.STREAK_WEEKS: "streak_weeks",
    Badge.Rule.INTERACTIONS: "interactions",
    Badge.Rule.SUGGESTIONS: "suggestions",
    Badge.Rule.POINTS: "points",
}


@transaction.atomic
def badges_award(*, person: Person, metrics: Metrics | None = None) -> list[BadgeAward]:
    """Give a person every active badge their counts now reach; each badge only once."""
    missing = list(Badge.objects.filter(is_active=True).exclude(awards__person=person))
    if not missing:
        return []
    if metrics is None:
        metrics = metrics_for([person.pk], streaks=True, points=True).get(person.pk, Metrics())
    awarded: list[BadgeAward] = []
    for badge in missing:
        if getattr(metrics, RULE_METRIC[badge.rule]) < badge.threshold:
            continue
        try:
            with transaction.atomic():
                award = BadgeAward.objects.create(person=person, badge=badge)
        except IntegrityError:
            continue  # earned in the meantime, by a concurrent run
        awarded.append(award)
        with in_language_of(person):
            title = _("New badge: %(name)s") % {"name": badge_name(badge)}
        notification_send(
            person=person,
            kind=Notification.Kind.BADGE,
            title=title,
            url=reverse("recognition:badges"),
            key=f"badge:{badge.pk}:{person.pk}",
        )
    return awarded


# ---------------------------------------------------------------------------------------------
# Challenges


@transaction.atomic
def challenge_create(*, by: Person, fields: dict[str, object], posts: list[Post]) -> Challenge:
    """Set a new challenge."""
    challenge = Challenge(created_by=by, **fields)
    challenge.full_clean()
    challenge.save()
    challenge.posts.set(posts)
    return challenge


@transaction.atomic
def challenge_update(
    *, challenge: Challenge, fields: dict[str, object], posts: list[Post]
) -> Challenge:
    """Change a challenge that has not closed yet."""
    if challenge.closed_at is not None:
        raise RecognitionError(_("This challenge has closed and can no longer change."))
    for name, value in fields.items():
        setattr(challenge, name, value)
    challenge.full_clean()
    challenge.save(update_fields=list(fields))
    challenge.posts.set(posts)
    return challenge


@transaction.atomic
def challenge_close(*, challenge_id: int) -> list[ChallengeWinner]:
    """Close a challenge that has ended: record its winners, give bonus points, tell them."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge_id)
    now = timezone.now()
    if challenge.closed_at is not None or challenge.ends_at > now:
        return []
    progress = challenge_progress(challenge)
    if challenge.scope == Challenge.Scope.TOGETHER:
        together = sum(progress.values()) >= challenge.goal
        winning = progress if together else {}
    else:
        winning = {pid: n for pid, n in progress.items() if n >= challenge.goal}
    ChallengeWinner.objects.bulk_create(
        [
            ChallengeWinner(challenge=challenge, person_id=pid, progress=n)
            for pid, n in winning.items()
        ],
        ignore_conflicts=True,
    )
    winners = list(ChallengeWinner.objects.filter(challenge=challenge).select_related("person"))
    for winner in winners:
        person = winner.person
        if challenge.reward_points:
            points_award(
                person=person,
                action=Action.CHALLENGE,
                points=challenge.reward_points,
                key=f"challenge:{challenge.pk}:{person.pk}",
            )
        with in_language_of(person):
            title = _("You met the challenge “%(title)s”") % {"title": challenge.title}
            parts = []
            if challenge.reward_points:
                parts.append(
                    ngettext(
                        "%(points)s bonus point is yours.",
                        "%(points)s bonus points are yours.",
                        challenge.reward_points,
                    )
                    % {"points": challenge.reward_points}
                )
            if challenge.reward_text:
                parts.append(_("Your reward: %(reward)s") % {"reward": challenge.reward_text})
        notification_send(
            person=person,
            kind=Notification.Kind.CHALLENGE,
            title=title,
            body=" ".join(parts),
            url=reverse("recognition:challenge", args=[challenge.pk]),
            key=f"challenge:{challenge.pk}:{person.pk}",
            email=True,
        )
    challenge.closed_at = now
    challenge.save(update_fields=["closed_at"])
    return winners


def challenges_close_due() -> int:
    """Close every challenge whose end has passed; return how many closed."""
    due = Challenge.objects.filter(closed_at__isnull=True, ends_at__lte=timezone.now())
    closed = 0
    for challenge_id in due.values_list("pk", flat=True):
        challenge_close(challenge_id=challenge_id)
        closed += 1
    return closed


# ---------------------------------------------------------------------------------------------
# Rewards


@transaction.atomic
def reward_create(*, fields: dict[str, object]) -> Reward:
    """Add a reward to the catalogue."""
    reward = Reward(**fields)
    reward.full_clean()
    reward.save()
    return reward


@transaction.atomic
def reward_update(*, reward: Reward, fields: dict[str, object]) -> Reward:
    """Change the named fields of a reward."""
    for name, value in fields.items():
        setattr(reward, name, value)
    reward.full_clean()
    reward.save(update_fields=list(fields))
    return reward


def _lock_person(person_id: int) -> None:
    # Claims and approvals of one person happen one at a time, so the balance holds.
    list(Person.objects.select_for_update(no_key=True).filter(pk=person_id).values("pk"))


@transaction.atomic
def reward_claim(*, person: Person, reward: Reward) -> RewardClaim:
    """Ask for a reward; its price is held from the person's points until a manager decides."""
    _lock_person(person.pk)
    reward = Reward.objects.get(pk=reward.pk)
    if not reward.is_active:
        raise RecognitionError(_("This reward cannot be claimed at the moment."))
    if reward.stock is not None and reward.stock <= 0:
        raise RecognitionError(_("This reward is out of stock."))
    available = points_available(person)
    if available < reward.price:
        raise RecognitionError(
            _("This reward costs %(price)s points and you have %(available)s available.")
            % {"price": reward.price, "available": max(available, 0)}
        )
    claim = RewardClaim.objects.create(person=person, reward=reward, price=reward.price)
    for manager in Person.objects.filter(is_active=True, role__in=MANAGERS):
        with in_language_of(manager):
            title = _("%(name)s claims “%(reward)s”") % {"name": person.name, "reward": reward.name}
        notification_send(
            person=manager,
            kind=Notification.Kind.REWARD,
            title=title,
            url=reverse("recognition:claims"),
            key=f"claim:{claim.pk}:{manager.pk}",
        )
    return claim


@transaction.atomic
def reward_claim_cancel(*, claim: RewardClaim, person: Person) -> None:
    """Withdraw one's own claim while it waits for approval."""
    changed = RewardClaim.objects.filter(
        pk=claim.pk, person=person, state=RewardClaim.State.PENDING
    ).update(state=RewardClaim.State.CANCELLED, decided_at=timezone.now())
    if not changed:
        raise RecognitionError(_("This claim was already decided."))


@transaction.atomic
def reward_claim_approve(*, claim: RewardClaim, by: Person) -> RewardClaim:
    """Approve a claim: take one from stock and deduct the points, both exactly once."""
    claim = (
        RewardClaim.objects.select_for_update().select_related("reward", "person").get(pk=claim.pk)
    )
    if claim.state != RewardClaim.State.PENDING:
        raise RecognitionError(_("This claim was already decided."))
    _lock_person(claim.person_id)
    balance = points_balance(claim.person)
    if balance < claim.price:
        raise RecognitionError(
            _("%(name)s has %(balance)s points, fewer than the %(price)s this reward costs.")
            % {"name": claim.person.name, "balance": balance, "price": claim.price}
        )
    # A conditional decrement: two approvals of the last item cannot both take it.
    limited = Reward.objects.filter(pk=claim.reward_id, stock__isnull=False)
    if limited.exists() and not limited.filter(stock__gt=0).update(stock=F("stock") - 1):
        raise RecognitionError(_("This reward is out of stock."))
    entry = points_award(
        person=claim.person,
        action=Action.REDEMPTION,
        points=-claim.price,
        key=f"claim:{claim.pk}",
        note=claim.reward.name[:200],
    )
    if entry is None:
        raise RecognitionError(_("The points for this claim were already deducted."))
    claim.state = RewardClaim.State.APPROVED
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.save(update_fields=["state", "decided_at", "decided_by"])
    audit_record(
        actor=by,
        action="reward_claim.approved",
        target=claim,
        changes={"reward": claim.reward.name, "points": -claim.price},
    )
    with in_language_of(claim.person):
        title = _("Your reward “%(reward)s” is approved") % {"reward": claim.reward.name}
        body = ngettext(
            "%(points)s point was deducted.", "%(points)s points were deducted.", claim.price
        ) % {"points": claim.price}
    notification_send(
        person=claim.person,
        kind=Notification.Kind.REWARD,
        title=title,
        body=body,
        url=reverse("recognition:rewards"),
        key=f"claim:{claim.pk}:approved",
        email=True,
    )
    return claim


@transaction.atomic
def reward_claim_decline(*, claim: RewardClaim, by: Person, note: str = "") -> RewardClaim:
    """Decline a claim; the points it held are free again."""
    claim = (
        RewardClaim.objects.select_for_update().select_related("reward", "person").get(pk=claim.pk)
    )
    if claim.state != RewardClaim.State.PENDING:
        raise RecognitionError(_("This claim was already decided."))
    claim.state = RewardClaim.State.DECLINED
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.note = note[:300]
    claim.save(update_fields=["state", "decided_at", "decided_by", "note"])
    audit_record(
        actor=by,
        action="reward_claim.declined",
        target=claim,
        changes={"reward": claim.reward.name, "note": claim.note},
    )
    with in_language_of(claim.person):
        title = _("Your claim for “%(reward)s” was declined") % {"reward": claim.reward.name}
    notification_send(
        person=claim.person,
        kind=Notification.Kind.REWARD,
        title=title,
        body=claim.note,
        url=reverse("recognition:rewards"),
        key=f"claim:{claim.pk}:declined",
        email=True,
    )
    return claim


# ---------------------------------------------------------------------------------------------
# Kudos and validation messages


@transaction.atomic
def kudos_send(*, sender: Person, recipient: Person, message: str) -> Kudos:
    """Thank a person; they are told in the platform and by email."""
    if recipient.pk == sender.pk:
        raise RecognitionError(_("Kudos are for someone else."))
    kudos = Kudos.objects.create(sender=sender, recipient=recipient, message=message[:280])
    with in_language_of(recipient):
        title = _("%(name)s sent you kudos") % {"name": sender.name}
    notification_send(
        person=recipient,
        kind=Notification.Kind.KUDOS,
        title=title,
        body=kudos.message,
        url=reverse("recognition:journey"),
        email=True,
    )
    return kudos


def _times(visits: int, usual: float) -> str:
    ratio = visits / usual
    return f"{ratio:.0f}" if ratio >= 2.95 or ratio.is_integer() else f"{ratio:.1f}"


def validation_text(visits: int, usual: float) -> tuple[str, str]:
    """Return the title and body of a week's validation message, in the active language."""
    if usual > 0 and visits >= 2 * usual:
        title = ngettext(
            "Your shares brought %(visits)s visit last week, %(times)s times your usual",
            "Your shares brought %(visits)s visits last week, %(times)s times your usual",
            visits,
        ) % {"visits": visits, "times": _times(visits, usual)}
    elif usual > 0 and visits > usual:
        title = ngettext(
            "Your shares brought %(visits)s visit last week, more than your usual",
            "Your shares brought %(visits)s visits last week, more than your usual",
            visits,
        ) % {"visits": visits}
    else:
        title = ngettext(
            "Your shares brought %(visits)s visit last week",
            "Your shares brought %(visits)s visits last week",
            visits,
        ) % {"visits": visits}
    body = _(
        "Every visit is someone who opened what you shared, thanks to you. "
        "Your journey page shows what comes next."
    )
    return title, body


def validation_messages_send(*, week_start: date | None = None) -> int:
    """Tell each person whose shares brought visits in a week (the last full one by default),
    then prompt team leads to recognise them; return how many messages were sent."""
    # One transaction per message (notification_send), not one for the whole programme:
    # a failure half-way keeps what was sent, and the keys make a rerun send only the rest.
    if week_start is None:
        week_start = period_start("week", utc_day()) - timedelta(days=7)
    start, end = week_bounds(week_start)
    visits = visits_by_person(start, end)
    # "Usual" is the weekly average of the four weeks before.
    before = visits_by_person(start - timedelta(days=28), start)
    sent = 0
    for person in Person.objects.filter(pk__in=list(visits), is_active=True, is_paused=False):
        with in_language_of(person):
            title, body = validation_text(visits[person.pk], before.get(person.pk, 0) / 4)
        if notification_send(
            person=person,
            kind=Notification.Kind.VALIDATION,
            title=title,
            body=body,
            url=reverse("recognition:journey"),
            key=f"validation:{week_start.isoformat()}:{person.pk}",
            email=True,
        ):
            sent += 1
    return sent + lead_prompts_send(week_start=week_start, visits=visits)


def lead_prompts_send(*, week_start: date, visits: dict[int, int]) -> int:
    """Prompt each team lead to thank the team members whose shares brought visits."""
    active = {
        pk
        for pk in Person.objects.filter(
            pk__in=list(visits), is_active=True, is_paused=False
        ).values_list("pk", flat=True)
    }
    teams: dict[int, set[int]] = {}
    for person_id, team_id in Membership.objects.filter(person_id__in=active).values_list(
        "person_id", "team_id"
    ):
        teams.setdefault(team_id, set()).add(person_id)
    names = dict(Person.objects.filter(pk__in=active).values_list("pk", "name"))
    sent = 0
    leads = Membership.objects.filter(
        is_lead=True, team_id__in=list(teams), person__is_active=True, person__is_paused=False
    ).select_related("person")
    people_of_lead: dict[int, tuple[Person, set[int]]] = {}
    for membership in leads:
        lead, members = people_of_lead.setdefault(membership.person_id, (membership.person, set()))
        members.update(teams[membership.team_id] - {lead.pk})
    for lead, members in people_of_lead.values():
        if not members:
            continue
        best = sorted(members, key=lambda pk: (-visits[pk], names[pk]))
        with in_language_of(lead):
            shown = ", ".join(names[pk] for pk in best[:3])
            others = len(best) - 3
            if others > 0:
                title = ngettext(
                    "%(names)s and %(count)s other had a good week",
                    "%(names)s and %(count)s others had a good week",
                    others,
                ) % {"names": shown, "count": others}
            else:
                title = _("%(names)s had a good week") % {"names": shown}
            body = _(
                "Their shares brought visits last week. A word of thanks goes a long way: "
                "send them kudos."
            )
        if notification_send(
            person=lead,
            kind=Notification.Kind.LEAD_PROMPT,
            title=title,
            body=body,
            url=reverse("recognition:kudos"),
            key=f"lead_prompt:{week_start.isoformat()}:{lead.pk}",
        ):
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# The journey over time


@transaction.atomic
def journey_snapshot_take(*, day: date | None = None) -> dict[str, int]:
    """Record how many people stood at each stage at the end of a day (today by default)."""
    day = day or utc_day()
    _start, end = day_bounds(day)
    until = min(end, timezone.now())
    counts = journey_distribution(journey_settings_get(), until=until)
    for stage, people in counts.items():
        JourneySnapshot.objects.update_or_create(day=day, stage=stage, defaults={"people": people})
    return counts


# ---------------------------------------------------------------------------------------------
# Gentle nudges for people who went quiet, and kudos told to Slack and Teams


def quiet_nudge_send(*, person: Person, now: datetime | None = None) -> bool:
    """Send one gentle "we miss you" email, at most once per NOTIFICATIONS_QUIET_DAYS."""
    now = now or timezone.now()
    if person.is_paused or not email_allowed(person, EmailKind.REMINDERS):
        return False
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_QUIET_DAYS)
    preference, _created = NotificationPreference.objects.get_or_create(person=person)
    previous = preference.last_nudge_at
    # A conditional update is the claim: two workers cannot both nudge.
    claimed = (
        NotificationPreference.objects.filter(pk=preference.pk)
        .filter(Q(last_nudge_at__isnull=True) | Q(last_nudge_at__lte=cutoff))
        .update(last_nudge_at=now)
    )
    if not claimed:
        return False
    try:
        email_send(
            person=person,
            template="recognition/email/nudge",
            kind=EmailKind.REMINDERS,
            context={
                "days": settings.NOTIFICATIONS_QUIET_DAYS,
                "feed_url": settings.SITE_URL + reverse("content:feed"),
            },
        )
    except Exception:
        NotificationPreference.objects.filter(pk=preference.pk).update(last_nudge_at=previous)
        raise
    return True


@transaction.atomic
def personal_nudge_send(*, person: Person, by: Person, now: datetime | None = None) -> Notification:
    """Send one friendly private message from a manager or team lead, at most one a fortnight.

    It never says that someone went quiet or how long ago: it invites them back to the feed.
    In-app always; by email too when they want reminders. Recorded in the audit log.
    """
    now = now or timezone.now()
    if person.is_paused or not person.is_active:
        raise RecognitionError(
            _("%(name)s has paused taking part; they get no messages like this.")
            % {"name": person.name}
        )
    preference, _created = NotificationPreference.objects.get_or_create(person=person)
    # A conditional update is the claim: two clicks (or two managers) cannot both send.
    cutoff = now - timedelta(days=PERSONAL_NUDGE_DAYS)
    claimed = (
        NotificationPreference.objects.filter(pk=preference.pk)
        .filter(Q(last_nudge_at__isnull=True) | Q(last_nudge_at__lte=cutoff))
        .update(last_nudge_at=now)
    )
    if not claimed:
        raise RecognitionError(
            _(
                "%(name)s had a friendly message in the last %(days)s days; "
                "there is no need for another yet."
            )
            % {"name": person.name, "days": PERSONAL_NUDGE_DAYS}
        )
    with in_language_of(person):
        title = _("A hello from %(name)s") % {"name": by.name}
        body = _(
            "There are new posts in your feed you might like to share. Have a look whenever "
            "you have a moment; taking part is always up to you."
        )
    notification = notification_send(
        person=person,
        kind=Notification.Kind.OTHER,
        title=title,
        body=body,
        url=reverse("content:feed"),
        email=email_allowed(person, EmailKind.REMINDERS),
    )
    assert notification is not None  # no key: never refused as a repeat
    audit_record(actor=by, action="person.nudged", target=person)
    return notification


def _kudos_message(kudos: Kudos, programme_name: str) -> WebhookMessage:
    title = _("%(sender)s sent kudos to %(recipient)s") % {
        "sender": kudos.sender.name,
        "recipient": kudos.recipient.name,
    }
    return WebhookMessage(
        key=f"kudos:{kudos.pk}",
        occurred_at=kudos.created_at,
        title=title,
        text=kudos.message,
        line=f"{title}: “{kudos.message}”",
        link=settings.SITE_URL + reverse("recognition:leaderboard"),
        link_text=programme_name,
    )


@transaction.atomic
def kudos_announcements_queue(*, now: datetime | None = None) -> list[int]:
    """Tell the Slack and Teams channels about kudos given since they last heard; return the
    ids of the deliveries to send."""
    now = now or timezone.now()
    since = webhook_topic_since(topic="kudos")
    if since is None:
        return []
    kudos_list = Kudos.objects.filter(created_at__gt=since, created_at__lte=now).select_related(
        "sender", "recipient"
    )
    programme = programme_get()
    with in_language_of():
        messages = [_kudos_message(kudos, programme.name) for kudos in kudos_list]
    return webhook_messages_queue(topic="kudos", messages=messages, until=now)
