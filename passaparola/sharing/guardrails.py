"""Checks a share must pass before anything is shared or queued, each with its reason.

Blocking problems refuse the share and change nothing; a nudge (many colleagues posted the
same words) asks the person to confirm. Messages are lazy translations, so they appear in the
language of whoever reads them.
"""

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache

import regex
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passaparola.content.models import Post
from passaparola.networks.catalogue import Network
from passaparola.networks.lengths import URL_RE
from passaparola.people.models import Person
from passaparola.sharing.models import (
    BlockedTerm,
    ScheduledShare,
    Share,
    SharingPolicy,
)

logger = logging.getLogger(__name__)

MAX_TEXT = 3000
MATCH_TIMEOUT = 0.25  # seconds per pattern on a text of at most MAX_TEXT characters
_FLAGS = regex.IGNORECASE | regex.FULLCASE | regex.UNICODE
_INVISIBLE_RE = regex.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HASHTAG_TOKEN_RE = regex.compile(r"^[\p{L}\p{N}_]+$")
# A group that repeats something repeated, such as (a+)+ or (\w*)*: the classic trap.
_NESTED_REPEAT_RE = regex.compile(r"\((?:[^()\\]|\\.)*[+*}?]\)\s*[+*{]")
# Texts a slow pattern chokes on; a pattern must get through each within the timeout.
_TORTURE = [
    "a" * MAX_TEXT + "!",
    " " * MAX_TEXT + "x",
    "ab" * (MAX_TEXT // 2) + "\n",
    "1" * MAX_TEXT + "a",
    ("word " * (MAX_TEXT // 5)).strip() + "!",
]


@dataclass(frozen=True)
class Problem:
    """Why a share cannot go out as it is; `blocking=False` is a nudge the person may accept."""

    code: str
    message: str | Promise
    blocking: bool = True


def normalise(text: str) -> str:
    """Return the text as the checks read it: compatibility forms folded, invisibles removed."""
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))


def term_regex(kind: str, pattern: str) -> str:
    """Return the regular expression that finds a blocked word, phrase or pattern."""
    if kind == BlockedTerm.Kind.PATTERN:
        return pattern
    words = normalise(pattern).split()
    body = r"\s+".join(regex.escape(word) for word in words)
    return rf"(?<![\w]){body}(?![\w])"


@lru_cache(maxsize=512)
def _compiled(kind: str, pattern: str) -> "regex.Pattern[str]":
    return regex.compile(term_regex(kind, pattern), _FLAGS)


def validate_term_is_new(pattern: str) -> None:
    """Raise ValidationError when the same word, phrase or pattern is blocked already, in any
    case (Python folds every script; the database constraint alone folds only ASCII on SQLite)."""
    wanted = normalise(pattern).strip().casefold()
    for existing in BlockedTerm.objects.values_list("pattern", flat=True):
        if normalise(existing).strip().casefold() == wanted:
            raise ValidationError(_("This word, phrase or pattern is blocked already."))


def validate_term(kind: str, pattern: str) -> None:
    """Raise ValidationError when a blocked term would match nothing, everything, or too slowly."""
    if not pattern.strip():
        raise ValidationError(_("Enter a word, a phrase or a pattern."))
    if kind == BlockedTerm.Kind.WORD and len(pattern.split()) > 1:
        raise ValidationError(_("A word has no spaces: choose “Phrase” for several words."))
    if kind != BlockedTerm.Kind.PATTERN:
        return
    if _NESTED_REPEAT_RE.search(pattern):
        raise ValidationError(
            _("Nested repetition such as (a+)+ can make checking take forever: simplify it.")
        )
    try:
        compiled = regex.compile(pattern, _FLAGS)
    except regex.error as error:
        raise ValidationError(
            _("This is not a valid regular expression: %(error)s"), params={"error": str(error)}
        ) from error
    if compiled.search("") is not None:
        raise ValidationError(
            _("This pattern matches an empty text, so it would block everything.")
        )
    for sample in _TORTURE:
        try:
            compiled.search(sample, timeout=MATCH_TIMEOUT)
        except TimeoutError as error:
            raise ValidationError(
                _("This pattern takes too long to check on long texts: simplify it.")
            ) from error


def blocked_problems(text: str, terms: list[BlockedTerm]) -> list[Problem]:
    """Return one problem per blocked term found in the text, with the admin's reason."""
    clean = normalise(text)
    problems = []
    for term in terms:
        try:
            found = _compiled(term.kind, term.pattern).search(clean, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            # Validated on save, so this is rare; refusing is safer than letting it through.
            logger.warning("blocked term %s timed out; treating it as found", term.pk)
            found = True
        except regex.error:
            logger.warning("blocked term %s does not compile; skipped", term.pk)
            continue
        if found:
            shown = (
                term.pattern if term.kind != BlockedTerm.Kind.PATTERN else _("a blocked pattern")
            )
            problems.append(
                Problem(
                    "blocked",
                    _("“%(term)s” may not be shared: %(reason)s")
                    % {"term": shown, "reason": term.reason},
                )
            )
    return problems


def length_problems(*, network: Network, text: str, link: str, limit: int | None) -> list[Problem]:
    """Return a problem when the text with its link is longer than the network allows."""
    if len(text) > MAX_TEXT:
        return [
            Problem(
                "too_long",
                _("Your text is %(count)s characters long; %(limit)s at most.")
                % {"count": len(text), "limit": MAX_TEXT},
            )
        ]
    if limit is None:
        return []
    length = network.length(text=text, link=link)
    if length <= limit:
        return []
    return [
        Problem(
            "too_long",
            _(
                "%(network)s allows %(limit)s characters and your text takes %(count)s: "
                "shorten it by %(over)s."
            )
            % {"network": network.label, "limit": limit, "count": length, "over": length - limit},
        )
    ]


def _local_day(at: datetime) -> tuple[datetime, datetime]:
    start = timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def _local_week(at: datetime) -> tuple[datetime, datetime]:
    day, _end = _local_day(at)
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=7)


def shares_between(
    person: Person, start: datetime, end: datetime, *, exclude_scheduled: int | None = None
) -> int:
    """Return the person's shares plus still-pending scheduled shares in [start, end)."""
    done = Share.objects.filter(person=person, created_at__gte=start, created_at__lt=end).count()
    pending = ScheduledShare.objects.filter(
        person=person,
        status__in=[ScheduledShare.Status.QUEUED, ScheduledShare.Status.POSTING],
        scheduled_for__gte=start,
        scheduled_for__lt=end,
    )
    if exclude_scheduled is not None:
        pending = pending.exclude(pk=exclude_scheduled)
    return done + pending.count()


def cap_problems(
    person: Person, policy: SharingPolicy, at: datetime, *, exclude_scheduled: int | None = None
) -> list[Problem]:
    """Return a problem when one more share at `at` goes over the day's or the week's cap."""
    problems = []
    if policy.daily_cap:
        start, end = _local_day(at)
        if (
            shares_between(person, start, end, exclude_scheduled=exclude_scheduled)
            >= policy.daily_cap
        ):
            problems.append(
                Problem(
                    "daily_cap",
                    ngettext_lazy(
                        "You have reached today's limit of %(cap)s share. Your friends will "
                        "thank you: try again tomorrow, or schedule it.",
                        "You have reached today's limit of %(cap)s shares. Your friends will "
                        "thank you: try again tomorrow, or schedule it.",
                        "cap",
                    )
                    % {"cap": policy.daily_cap},
                )
            )
    if policy.weekly_cap:
        start, end = _local_week(at)
        if (
            shares_between(person, start, end, exclude_scheduled=exclude_scheduled)
            >= policy.weekly_cap
        ):
            problems.append(
                Problem(
                    "weekly_cap",
                    ngettext_lazy(
                        "You have reached this week's limit of %(cap)s share.",
                        "You have reached this week's limit of %(cap)s shares.",
                        "cap",
                    )
                    % {"cap": policy.weekly_cap},
                )
            )
    return problems


def within_hours(policy: SharingPolicy, at: datetime) -> bool:
    """Return True when `at` falls in the programme's sharing days and hours."""
    local = timezone.localtime(at)
    if not policy.weekends and local.weekday() >= 5:
        return False
    start, end = policy.hours_start, policy.hours_end
    if start is None or end is None or start == end:
        return True
    now = local.time()
    if start < end:
        return start <= now < end
    return now >= start or now < end  # a window across midnight, such as 22:00 to 06:00


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def hours_problems(policy: SharingPolicy, at: datetime) -> list[Problem]:
    """Return a problem when `at` is outside the sharing days and hours."""
    if within_hours(policy, at):
        return []
    local = timezone.localtime(at)
    if not policy.weekends and local.weekday() >= 5:
        return [Problem("hours", _("Sharing is paused at weekends: schedule it for a weekday."))]
    assert policy.hours_start is not None and policy.hours_end is not None
    return [
        Problem(
            "hours",
            _("Sharing is open from %(start)s to %(end)s: schedule it for then.")
            % {"start": _hhmm(policy.hours_start), "end": _hhmm(policy.hours_end)},
        )
    ]


def fingerprint(text: str, *, disclosure: str = "") -> str:
    """Return a hash of the words of a text, ignoring links, case, spacing and the disclosure."""
    words = URL_RE.sub(" ", normalise(text))
    if normalise(disclosure).split():
        # Wherever it stands, as whole words: "#ad" goes, "#adventure" stays.
        mark = regex.compile(term_regex(BlockedTerm.Kind.PHRASE, disclosure), _FLAGS)
        words = mark.sub(" ", words)
    words = " ".join(words.casefold().split())
    return hashlib.sha256(words.encode()).hexdigest() if words else ""


def identical_problems(
    person: Person, post: Post, text: str, policy: SharingPolicy
) -> list[Problem]:
    """Return a nudge when many colleagues already shared this post with the same words."""
    if not policy.identical_threshold:
        return []
    print_ = fingerprint(text, disclosure=policy.disclosure)
    if not print_:
        return []
    colleagues = (
        Share.objects.filter(post=post, fingerprint=print_)
        .exclude(person=person)
        .values("person")
        .distinct()
        .count()
    )
    if colleagues < policy.identical_threshold:
        return []
    return [
        Problem(
            "identical",
            ngettext_lazy(
                "%(count)s colleague already shared these exact words. Identical posts look "
                "staged: a line in your own voice works better.",
                "%(count)s colleagues already shared these exact words. Identical posts look "
                "staged: a line in your own voice works better.",
                "count",
            )
            % {"count": colleagues},
            blocking=False,
        )
    ]


def compose_text(text: str, *, hashtags: str = "", disclosure: str = "") -> str:
    """Return the person's text with their hashtags and the programme's disclosure added once."""
    text = text.strip()
    present = text.casefold()
    extra = []
    for token in hashtags.replace(",", " ").split():
        tag = token.lstrip("#")
        if tag and _HASHTAG_TOKEN_RE.match(tag) and f"#{tag}".casefold() not in present:
            extra.append(f"#{tag}")
            present += f" #{tag}".casefold()
    disclosure = disclosure.strip()
    if disclosure and disclosure.casefold() not in present:
        extra.append(disclosure)
    if not extra:
        return text
    return f"{text}\n\n{' '.join(extra)}" if text else " ".join(extra)
