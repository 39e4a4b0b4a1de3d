"""Recognition listens: the one place where activities become points.

Sharing, tracking, content and invitations only record activities (`passaparola.activity`);
they never write the ledger. Every point a person earns for something they did reaches the
ledger through `activities_score`, reached by two doors:

- at once, `on_activities_recorded` receives the `activities_recorded` signal after the
  transaction that recorded the activities commits: a share, a reaction, a comment, an
  accepted invitation, a confirmed lead, a batch of clicks from the tracking worker;
- later, `activities_process` (the periodic job) walks every activity after its cursor,
  scores any the signal missed (a crash between the commit and the receiver), then gives the
  people concerned the badges they reached.

What an activity earns is decided here: the scheme's points with the network's weight
(`points_for`), the action's daily cap per person (per UTC day), the unique-visitor extra,
and corrections. Ledger keys come from the activity's source (`share:<link>`,
`click:<click>`, `unique:<click>`, `lead:<conversion>`, `invitation:<invitation>`) or from the
activity itself (`activity:<id>`), so scoring the same activities again changes nothing.
Bonus points and redemptions are not activities: challenges and rewards call `points_award`.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncDate

from passaparola.activity.models import Activity, Verb
from passaparola.people.models import Person
from passaparola.recognition.journey import Metrics
from passaparola.recognition.models import Action, PointsEntry, PointsScheme, RecognitionCursor
from passaparola.recognition.periods import day_bounds, utc_day
from passaparola.recognition.selectors import metrics_for
from passaparola.recognition.services import badges_award, points_for, scheme_get

Key = Callable[[Activity], str | None]

# At most this many values in one `IN (...)`, well under SQLite's limit on parameters.
CHUNK = 2000


def _by_source(prefix: str) -> Key:
    def key(activity: Activity) -> str | None:
        # Activities recorded before they named their source were awarded where they happened.
        return f"{prefix}:{activity.source_id}" if activity.source_id else None

    return key


def _by_activity(activity: Activity) -> str | None:
    return f"activity:{activity.pk}" if activity.pk else None


# What each verb earns, and the key that makes it happen once. A share names its short link,
# so a person earns the share points once per post and network however often they share.
AWARDS: dict[str, tuple[str, Key]] = {
    Verb.SHARE_CREATED: (Action.SHARE, _by_source("share")),
    Verb.CLICK_RECEIVED: (Action.CLICK, _by_source("click")),
    Verb.CONVERSION: (Action.LEAD, _by_source("lead")),
    Verb.INVITATION_ACCEPTED: (Action.INVITATION_ACCEPTED, _by_source("invitation")),
    Verb.REACTION: (Action.REACTION, _by_activity),
    Verb.COMMENT: (Action.COMMENT, _by_activity),
    Verb.SUGGESTION_ACCEPTED: (Action.SUGGESTION_ACCEPTED, _by_activity),
    Verb.NETWORK_CONNECTED: (Action.NETWORK_CONNECTED, _by_activity),
}
# A click from a visitor new to the link that day earns this on top of the click.
UNIQUE_VISITOR: tuple[str, Key] = (Action.UNIQUE_CLICK, _by_source("unique"))
# Verbs that take an earlier award back, with the key of the line they correct.
REVERSALS: dict[str, Key] = {
    Verb.CONVERSION_REJECTED: _by_source("lead"),
}


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _lines(activities: Iterable[Activity], scheme: PointsScheme) -> list[PointsEntry]:
    """Return the ledger lines the activities earn before caps, one per key, in their order."""
    lines: dict[str, PointsEntry] = {}
    worth: dict[tuple[str, str], int] = {}
    for activity in activities:
        rules = [AWARDS[activity.verb]] if activity.verb in AWARDS else []
        if activity.verb == Verb.CLICK_RECEIVED and activity.unique_visitor:
            rules.append(UNIQUE_VISITOR)
        for action, key_of in rules:
            key = key_of(activity)
            if key is None or key in lines:
                continue
            if (action, activity.network) not in worth:
                worth[action, activity.network] = points_for(
                    action=action, network=activity.network, scheme=scheme
                )
            points = worth[action, activity.network]
            if action == Action.UNIQUE_CLICK and points <= 0:
                continue  # no extra for new visitors in this scheme: no line for each click
            lines[key] = PointsEntry(
                person_id=activity.person_id,
                action=action,
                points=points,
                key=key,
                post_id=activity.post_id,
                network=activity.network,
                created_at=activity.created_at,
            )
    return list(lines.values())


def _unwritten(lines: list[PointsEntry]) -> list[PointsEntry]:
    """Return the lines whose key is not in the ledger yet."""
    written: set[str] = set()
    for keys in _chunks([line.key for line in lines]):
        written.update(PointsEntry.objects.filter(key__in=keys).values_list("key", flat=True))
    return [line for line in lines if line.key not in written]


def _apply_caps(lines: list[PointsEntry], scheme: PointsScheme) -> None:
    """Cut the lines to the daily caps, per person, action and UTC day, counting the ledger.

    A line that does not fit is kept with the points that fit (possibly 0) and `capped`, as
    `points_award` does, so its key stays used and the person's history shows why.
    """
    limited = [line for line in lines if line.points > 0 and scheme.daily_cap(line.action)]
    if not limited:
        return
    days = {utc_day(line.created_at) for line in limited}
    start, end = day_bounds(min(days))[0], day_bounds(max(days))[1]
    used: dict[tuple[int, str, date], int] = defaultdict(int)
    people = sorted({line.person_id for line in limited})
    actions = sorted({line.action for line in limited})
    for chunk in _chunks(people):
        rows = (
            PointsEntry.objects.filter(
                person_id__in=chunk,
                action__in=actions,
                created_at__gte=start,
                created_at__lt=end,
                points__gt=0,  # capped lines add nothing; the partial index holds the rest
            )
            .annotate(day=TruncDate("created_at", tzinfo=UTC))
            .order_by()
            .values("person_id", "action", "day")
            .annotate(total=Sum("points"))
        )
        for row in rows:
            used[row["person_id"], row["action"], row["day"]] = row["total"] or 0
    for line in limited:
        group = (line.person_id, line.action, utc_day(line.created_at))
        room = max(0, scheme.daily_cap(line.action) - used[group])
        if line.points > room:
            line.points, line.capped = room, True
        used[group] += line.points


def _award(lines: list[PointsEntry], scheme: PointsScheme) -> int:
    lines = _unwritten(lines)
    if not lines:
        return 0
    # One writer per person at a time (as in points_award), so two runs cannot both fit
    # under a cap; always in the order of their ids, so two runs never wait for each other.
    for chunk in _chunks(sorted({line.person_id for line in lines})):
        list(
            Person.objects.select_for_update(no_key=True)
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    lines = _unwritten(lines)  # another run may have written some while this one waited
    _apply_caps(lines, scheme)
    PointsEntry.objects.bulk_create(lines, batch_size=1000, ignore_conflicts=True)
    return len(lines)


def _reverse(activities: Iterable[Activity]) -> int:
    """Write the opposite of each line the activities take back, once (key `reversal:<id>`)."""
    keys = []
    for activity in activities:
        key_of = REVERSALS.get(activity.verb)
        key = key_of(activity) if key_of else None
        if key:
            keys.append(key)
    if not keys:
        return 0
    corrections = [
        entry.reversal_line()
        for chunk in _chunks(keys)
        for entry in PointsEntry.objects.filter(key__in=chunk, reversal__isnull=True).exclude(
            action__in=[Action.REVERSAL, Action.REDEMPTION]
        )
    ]
    PointsEntry.objects.bulk_create(corrections, batch_size=1000, ignore_conflicts=True)
    return len(corrections)


@transaction.atomic
def activities_score(*, activities: Sequence[Activity]) -> int:
    """Write the points these activities earn and the corrections they ask for, in bulk;
    return how many lines were added. Keys already in the ledger are left alone."""
    scheme = scheme_get()
    written = _award(_lines(activities, scheme), scheme)
    return written + _reverse(activities)


def on_activities_recorded(
    sender: object, *, activities: Sequence[Activity], **kwargs: Any
) -> None:
    """Score activities as soon as the transaction that recorded them has committed."""
    if any(a.verb in AWARDS or a.verb in REVERSALS for a in activities):
        activities_score(activities=activities)


@transaction.atomic
def activities_process(*, batch: int = 5000) -> int:
    """Read the activities after the cursor: score any the signal missed, then give their
    people the badges they reached; return how many activities were read."""
    # The name is older than the points: the job first only gave badges.
    cursor, _created = RecognitionCursor.objects.select_for_update().get_or_create(name="badges")
    activities = list(Activity.objects.filter(pk__gt=cursor.last_id).order_by("pk")[:batch])
    if not activities:
        return 0
    activities_score(activities=activities)
    people = Person.objects.in_bulk({activity.person_id for activity in activities})
    metrics = metrics_for(people, streaks=True, points=True)
    for person in people.values():
        if person.is_active:
            badges_award(person=person, metrics=metrics.get(person.pk, Metrics()))
    cursor.last_id = activities[-1].pk
    cursor.save(update_fields=["last_id"])
    return len(activities)
