"""Creating short links, recording shares, and posting through connected accounts."""

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.content.models import Post
from passaparola.lib.crypto import DecryptionError, decrypt, encrypt
from passaparola.lib.models import fields_save
from passaparola.networks.base import (
    AuthExpired,
    Credentials,
    Draft,
    Duplicate,
    OAuthClient,
    ProviderError,
    Published,
    RateLimited,
    Reading,
    Session,
    Transient,
    Uncertain,
)
from passaparola.networks.catalogue import NETWORKS
from passaparola.networks.mastodon import MastodonProvider
from passaparola.networks.providers import provider_for
from passaparola.notifications.emails import email_send
from passaparola.notifications.models import EmailKind
from passaparola.notifications.selectors import email_allowed
from passaparola.people.models import Person
from passaparola.sharing import guardrails
from passaparola.sharing.audience import AUDIENCE_NETWORKS
from passaparola.sharing.guardrails import Problem
from passaparola.sharing.models import (
    AudienceSize,
    BlockedTerm,
    ConnectedAccount,
    MastodonServer,
    ScheduledShare,
    Share,
    ShareEngagement,
    ShareMethod,
    SharingPolicy,
    SharingPreference,
    ShortLink,
    TokenExpiryNotice,
)

logger = logging.getLogger(__name__)

# A share left "going out" this long was abandoned by a worker that died mid-call.
STALE_POSTING = timedelta(minutes=10)


class GuardrailError(Exception):
    """The share was refused; `problems` says why, in words for the person."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem.message) for problem in problems))
        self.problems = problems


# Policy and blocked terms


def policy_get() -> SharingPolicy:
    """Return the sharing policy; its row comes from a migration, so reading never writes."""
    return SharingPolicy.objects.filter(pk=1).first() or SharingPolicy(pk=1)


@transaction.atomic
def policy_update(*, policy: SharingPolicy, fields: dict[str, object]) -> SharingPolicy:
    """Change the named rules of the sharing policy."""
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.updated_at = timezone.now()
    policy.full_clean()
    fields_save(policy, [*fields.keys(), "updated_at"])
    return policy


@transaction.atomic
def blocked_term_create(*, kind: str, pattern: str, reason: str, by: Person) -> BlockedTerm:
    """Add a word, phrase or pattern people may not share, after checking it is safe to run
    and not blocked already; raise ValidationError otherwise."""
    pattern = pattern.strip()
    guardrails.validate_term(kind, pattern)
    guardrails.validate_term_is_new(pattern)
    try:
        with transaction.atomic():
            return BlockedTerm.objects.create(
                kind=kind, pattern=pattern, reason=reason, created_by=by
            )
    except IntegrityError:  # the same term added at the same moment
        raise ValidationError(_("This word, phrase or pattern is blocked already.")) from None


@transaction.atomic
def blocked_term_delete(*, term: BlockedTerm) -> None:
    """Remove a blocked term."""
    term.delete()


# Short links and shares


def short_url(link: ShortLink) -> str:
    """Return the public address of a short link."""
    base = settings.SHORT_LINK_URL or settings.SITE_URL
    return base + reverse("tracking:redirect", args=[link.code])


def shortlink_get_or_create(*, person: Person, post: Post, network: str) -> ShortLink:
    """Return this person's short link for the post on the network, creating it once."""
    if network not in NETWORKS:
        raise ValueError(f"unknown network {network!r}")
    link = ShortLink.objects.filter(person=person, post=post, network=network).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return ShortLink.objects.create(person=person, post=post, network=network)
    except IntegrityError:
        # Someone (a second tab) created it in the meantime.
        return ShortLink.objects.get(person=person, post=post, network=network)


def shortlinks_create(*, person: Person, post: Post) -> None:
    """Make this person's short links for the post on every network (those still missing)."""
    have = set(ShortLink.objects.filter(person=person, post=post).values_list("network", flat=True))
    missing = [key for key in NETWORKS if key not in have]
    if not missing:
        return
    try:
        with transaction.atomic():
            ShortLink.objects.bulk_create(
                [ShortLink(person=person, post=post, network=key) for key in missing]
            )
    except IntegrityError:
        pass  # a concurrent request (a second tab) made them


@transaction.atomic
def share_create(
    *,
    person: Person,
    post: Post,
    network: str,
    text: str = "",
    method: str = ShareMethod.LINK,
    remote_url: str = "",
    at: datetime | None = None,
) -> Share:
    """Record that a person shared a post to a network.

    The activity names the short link, so recognition gives points once per link: once per
    person, post and network, however often they share it.
    """
    link = shortlink_get_or_create(person=person, post=post, network=network)
    share = Share.objects.create(
        link=link,
        person=person,
        post=post,
        network=network,
        text=text[: guardrails.MAX_TEXT],
        fingerprint=guardrails.fingerprint(text, disclosure=policy_get().disclosure),
        method=method,
        remote_url=remote_url[:500],
        created_at=at or timezone.now(),
    )
    activity_record(
        person=person,
        verb=Verb.SHARE_CREATED,
        post=post,
        network=network,
        at=at,
        source_id=link.pk,
    )
    return share


def network_limit(*, person: Person, network: str) -> int | None:
    """Return the network's length limit for this person (their Mastodon server's, say)."""
    base = NETWORKS[network].limit
    if network == "mastodon":
        domain = mastodon_instance_of(person)
        server = MastodonServer.objects.filter(domain=domain).first() if domain else None
        if server is not None:
            return server.max_characters
    return base


def share_problems(
    *,
    person: Person,
    post: Post,
    network: str,
    text: str,
    link: str,
    at: datetime | None = None,
    exclude_scheduled: int | None = None,
) -> list[Problem]:
    """Return every reason this share cannot go out now (or at `at`), nudges last."""
    policy = policy_get()
    at = at or timezone.now()
    problems = guardrails.blocked_problems(text, list(BlockedTerm.objects.all()))
    problems += guardrails.length_problems(
        network=NETWORKS[network],
        text=text,
        link=link,
        limit=network_limit(person=person, network=network),
    )
    problems += guardrails.hours_problems(policy, at)
    problems += guardrails.cap_problems(person, policy, at, exclude_scheduled=exclude_scheduled)
    problems += guardrails.identical_problems(person, post, text, policy)
    return problems


def blocking(problems: list[Problem], *, accept_nudges: bool) -> list[Problem]:
    """Return the problems that stop the share: all blocking ones, nudges unless accepted."""
    return [problem for problem in problems if problem.blocking or not accept_nudges]


@transaction.atomic
def share_checked_create(
    *,
    person: Person,
    post: Post,
    network: str,
    text: str,
    accept_nudges: bool = False,
) -> Share:
    """Record a share after the guardrails; raise GuardrailError and change nothing if refused."""
    link = short_url(shortlink_get_or_create(person=person, post=post, network=network))
    problems = blocking(
        share_problems(person=person, post=post, network=network, text=text, link=link),
        accept_nudges=accept_nudges,
    )
    if problems:
        raise GuardrailError(problems)  # leaving the atomic block undoes the short link too
    return share_create(person=person, post=post, network=network, text=text)


# Preferences


def mastodon_instance_of(person: Person) -> str:
    """Return the Mastodon server the person told us about, or ""."""
    preference = SharingPreference.objects.filter(person=person).first()
    return preference.mastodon_instance if preference else ""


@transaction.atomic
def preference_set_mastodon(*, person: Person, instance: str) -> SharingPreference:
    """Remember the person's Mastodon server, so we ask only once."""
    preference, _created = SharingPreference.objects.get_or_create(person=person)
    if preference.mastodon_instance != instance:
        preference.mastodon_instance = instance
        preference.updated_at = timezone.now()
        preference.save(update_fields=["mastodon_instance", "updated_at"])
    return preference


@transaction.atomic
def audience_sizes_set(*, person: Person, sizes: dict[str, int | None]) -> list[str]:
    """Store the audience sizes a person gave for their networks; None (or 0) forgets one.

    Return the networks whose size changed.
    """
    changed = []
    current = {row.network: row for row in AudienceSize.objects.filter(person=person)}
    now = timezone.now()
    for network, size in sizes.items():
        if network not in AUDIENCE_NETWORKS:
            raise ValueError(f"no audience of one's own on {network}")
        row = current.get(network)
        if not size:
            if row is not None:
                row.delete()
                changed.append(network)
        elif row is None:
            AudienceSize(person=person, network=network, size=size, updated_at=now).full_clean()
            AudienceSize.objects.create(person=person, network=network, size=size, updated_at=now)
            changed.append(network)
        elif row.size != size:
            row.size, row.updated_at = size, now
            row.full_clean()
            row.save(update_fields=["size", "updated_at"])
            changed.append(network)
    return changed


# Connected accounts


def account_session(account: ConnectedAccount) -> Session:
    """Return the account with its tokens decrypted, for one call to the network."""
    return Session(
        remote_id=account.remote_id,
        handle=account.handle,
        access_token=decrypt(account.access_token),
        refresh_token=decrypt(account.refresh_token),
        secret=decrypt(account.secret),
        server=account.server,
    )


@transaction.atomic
def account_connect(*, person: Person, network: str, credentials: Credentials) -> ConnectedAccount:
    """Store (or replace) the person's account on a network, tokens encrypted."""
    now = timezone.now()
    values = {
        "remote_id": credentials.remote_id,
        "handle": credentials.handle[:200],
        "server": credentials.server,
        "access_token": encrypt(credentials.access_token),
        "refresh_token": encrypt(credentials.refresh_token),
        "secret": encrypt(credentials.secret),
        "token_expires_at": credentials.expires_at,
        "status": ConnectedAccount.Status.ACTIVE,
        "last_error": "",
        "updated_at": now,
    }
    account, created = ConnectedAccount.objects.select_for_update().get_or_create(
        person=person, network=network, defaults={**values, "connected_at": now}
    )
    if not created:
        for name, value in values.items():
            setattr(account, name, value)
        account.save(update_fields=list(values))
    activity_record(person=person, verb=Verb.NETWORK_CONNECTED, network=network)
    return account


@transaction.atomic
def account_store_tokens(*, account: ConnectedAccount, credentials: Credentials) -> None:
    """Save refreshed tokens; X's refresh token changes on each use, so this comes first."""
    account.access_token = encrypt(credentials.access_token)
    account.refresh_token = encrypt(credentials.refresh_token)
    account.token_expires_at = credentials.expires_at
    account.server = credentials.server or account.server
    account.status = ConnectedAccount.Status.ACTIVE
    account.last_error = ""
    account.updated_at = timezone.now()
    account.save(
        update_fields=[
            "access_token",
            "refresh_token",
            "token_expires_at",
            "server",
            "status",
            "last_error",
            "updated_at",
        ]
    )


@transaction.atomic
def account_mark_expired(*, account: ConnectedAccount, message: str) -> None:
    """Note that the person must reconnect; posting stops until they do."""
    account.status = ConnectedAccount.Status.EXPIRED
    account.last_error = message[:300]
    account.updated_at = timezone.now()
    account.save(update_fields=["status", "last_error", "updated_at"])


@transaction.atomic
def account_disconnect(*, account: ConnectedAccount) -> None:
    """Forget the account and its tokens; shares still queued for it fall back to links."""
    ScheduledShare.objects.filter(
        person=account.person, network=account.network, status=ScheduledShare.Status.QUEUED
    ).update(
        status=ScheduledShare.Status.FAILED,
        error_code="disconnected",
        updated_at=timezone.now(),
    )
    account.delete()


def mastodon_server_get_or_register(*, domain: str, redirect_uri: str) -> MastodonServer:
    """Return our app's registration on a Mastodon server, registering it the first time."""
    server = MastodonServer.objects.filter(domain=domain).first()
    if server is not None and server.client_id and server.redirect_uri == redirect_uri:
        return server
    provider = MastodonProvider()
    client = provider.register_app(domain=domain, redirect_uri=redirect_uri)
    limits = provider.server_limits(domain=domain)
    values = {
        "client_id": client.client_id,
        "client_secret": encrypt(client.client_secret),
        "redirect_uri": redirect_uri,
        "max_characters": limits.max_characters,
        "characters_reserved_per_url": limits.characters_reserved_per_url,
        "updated_at": timezone.now(),
    }
    server, _created = MastodonServer.objects.update_or_create(domain=domain, defaults=values)
    return server


def mastodon_client(server: MastodonServer) -> OAuthClient:
    """Return our app's credentials on one Mastodon server."""
    return OAuthClient(server.client_id, decrypt(server.client_secret), server=server.domain)


# Scheduled shares


def _schedule_problems(
    *,
    person: Person,
    post: Post,
    network: str,
    text: str,
    at: datetime,
    accept_nudges: bool,
    exclude: int | None = None,
) -> list[Problem]:
    account = ConnectedAccount.objects.filter(person=person, network=network).first()
    problems: list[Problem] = []
    if account is None or account.status != ConnectedAccount.Status.ACTIVE:
        problems.append(Problem("not_connected", _("Connect this network before scheduling.")))
    if at < timezone.now() - timedelta(minutes=1):
        problems.append(Problem("past", _("Pick a time in the future.")))
    link = short_url(shortlink_get_or_create(person=person, post=post, network=network))
    problems += share_problems(
        person=person,
        post=post,
        network=network,
        text=text,
        link=link,
        at=at,
        exclude_scheduled=exclude,
    )
    return blocking(problems, accept_nudges=accept_nudges)


@transaction.atomic
def scheduled_share_create(
    *,
    person: Person,
    post: Post,
    network: str,
    text: str,
    at: datetime,
    accept_nudges: bool = False,
) -> ScheduledShare:
    """Queue a share for the worker to post at `at`; raise GuardrailError when refused."""
    problems = _schedule_problems(
        person=person, post=post, network=network, text=text, at=at, accept_nudges=accept_nudges
    )
    if problems:
        raise GuardrailError(problems)
    now = timezone.now()
    return ScheduledShare.objects.create(
        person=person,
        post=post,
        network=network,
        text=text[: guardrails.MAX_TEXT],
        scheduled_for=max(at, now),
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def scheduled_share_update(
    *, scheduled: ScheduledShare, text: str, at: datetime, accept_nudges: bool = False
) -> ScheduledShare:
    """Change the text or time of a share that has not started going out."""
    locked = ScheduledShare.objects.select_for_update().get(pk=scheduled.pk)
    if locked.status != ScheduledShare.Status.QUEUED:
        raise GuardrailError(
            [Problem("gone", _("This share has already gone out or was cancelled."))]
        )
    problems = _schedule_problems(
        person=locked.person,
        post=locked.post,
        network=locked.network,
        text=text,
        at=at,
        accept_nudges=accept_nudges,
        exclude=locked.pk,
    )
    if problems:
        raise GuardrailError(problems)
    locked.text = text[: guardrails.MAX_TEXT]
    locked.scheduled_for = max(at, timezone.now())
    locked.next_attempt_at = None
    locked.updated_at = timezone.now()
    locked.save(update_fields=["text", "scheduled_for", "next_attempt_at", "updated_at"])
    return locked


@transaction.atomic
def scheduled_share_cancel(*, scheduled: ScheduledShare) -> bool:
    """Cancel a share that has not started going out; return False when it is too late."""
    cancelled = ScheduledShare.objects.filter(
        pk=scheduled.pk, status=ScheduledShare.Status.QUEUED
    ).update(status=ScheduledShare.Status.CANCELLED, updated_at=timezone.now())
    return bool(cancelled)


def scheduled_shares_due(*, now: datetime | None = None) -> list[int]:
    """Return the ids of queued shares whose time (and next attempt) has come."""
    now = now or timezone.now()
    due = ScheduledShare.objects.filter(
        status=ScheduledShare.Status.QUEUED, scheduled_for__lte=now
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return list(due.order_by("scheduled_for").values_list("pk", flat=True)[:500])


@transaction.atomic
def scheduled_shares_release_stale(*, now: datetime | None = None) -> int:
    """Requeue shares a dead worker left going out, marked uncertain so none posts twice."""
    now = now or timezone.now()
    return ScheduledShare.objects.filter(
        status=ScheduledShare.Status.POSTING, claimed_at__lt=now - STALE_POSTING
    ).update(
        status=ScheduledShare.Status.QUEUED,
        uncertain=True,
        next_attempt_at=now,
        updated_at=now,
    )


def backoff(attempts: int) -> timedelta:
    """Return the wait before the next attempt: 1, 2, 4, 8 ... minutes, at most an hour."""
    return timedelta(seconds=min(3600, 60 * 2 ** max(0, attempts - 1)))


def _claim(scheduled_id: int, now: datetime) -> ScheduledShare | None:
    # One conditional UPDATE: of two workers picking the same share, only one gets it.
    claimed = (
        ScheduledShare.objects.filter(
            pk=scheduled_id, status=ScheduledShare.Status.QUEUED, scheduled_for__lte=now
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=ScheduledShare.Status.POSTING,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    return ScheduledShare.objects.select_related("post", "person").get(pk=scheduled_id)


def _finish(scheduled: ScheduledShare, **fields: object) -> ScheduledShare:
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(scheduled, name, value)
    scheduled.save(update_fields=list(fields))
    return scheduled


def _fail(scheduled: ScheduledShare, code: str, message: str = "") -> ScheduledShare:
    return _finish(
        scheduled,
        status=ScheduledShare.Status.FAILED,
        error_code=code,
        error_message=message[:500],
        next_attempt_at=None,
    )


@transaction.atomic
def _record_sent(scheduled: ScheduledShare, published: Published, *, server: str) -> ScheduledShare:
    # The remote id, the Share and its engagement row are written together: all or nothing.
    now = timezone.now()
    share = share_create(
        person=scheduled.person,
        post=scheduled.post,
        network=scheduled.network,
        text=scheduled.text,
        method=ShareMethod.NATIVE,
        remote_url=published.url,
        at=now,
    )
    engagement_start(share=share, remote_id=published.remote_id, server=server)
    return _finish(
        scheduled,
        status=ScheduledShare.Status.SENT,
        remote_id=published.remote_id[:300],
        remote_url=published.url[:500],
        sent_at=now,
        share=share,
        error_code="",
        error_message="",
        next_attempt_at=None,
    )


def _publish(account: ConnectedAccount, draft: Draft, *, look_first: bool) -> Published:
    provider = provider_for(account.network)
    assert provider is not None
    session = account_session(account)
    for attempt in range(2):
        try:
            if look_first:
                existing = provider.find_existing(session=session, draft=draft)
                if existing is not None:
                    return existing
            return provider.publish(session=session, draft=draft)
        except AuthExpired:
            if attempt:
                raise
            credentials = provider.refresh(session=session)
            account_store_tokens(account=account, credentials=credentials)
            session = account_session(account)
    raise AssertionError("unreachable")


def scheduled_share_post(*, scheduled_id: int) -> ScheduledShare | None:
    """Post one due share through the person's account: once, whatever happens on the way.

    Not atomic on purpose: the claim, the network call and the result are separate steps, so
    a crash between them leaves a trace (status "going out") instead of rolling back to a
    state that would post again.
    """
    now = timezone.now()
    scheduled = _claim(scheduled_id, now)
    if scheduled is None:
        return None
    provider = provider_for(scheduled.network)
    account = ConnectedAccount.objects.filter(
        person=scheduled.person, network=scheduled.network
    ).first()
    if provider is None or account is None:
        return _fail(scheduled, "disconnected")
    if account.status != ConnectedAccount.Status.ACTIVE:
        return _fail(scheduled, "auth", account.last_error)
    # The admin may have blocked a term since the share was queued.
    blocked = guardrails.blocked_problems(scheduled.text, list(BlockedTerm.objects.all()))
    if blocked:
        return _fail(scheduled, "blocked", str(blocked[0].message))
    if not scheduled.remote_key:
        key = provider.new_remote_key()
        if key:
            scheduled = _finish(scheduled, remote_key=key)
    link = short_url(
        shortlink_get_or_create(
            person=scheduled.person, post=scheduled.post, network=scheduled.network
        )
    )
    post = scheduled.post
    draft = Draft(
        text=scheduled.text,
        link=link,
        title=post.title,
        description=post.description[:300],
        image_url=post.image_url,
        idempotency_key=scheduled.idempotency_key,
        remote_key=scheduled.remote_key,
    )
    retried = scheduled.uncertain or scheduled.attempts > 1
    try:
        published = _publish(account, draft, look_first=scheduled.uncertain)
    except Duplicate as duplicate:
        if not retried:
            return _fail(scheduled, "duplicate", duplicate.message)
        # An earlier attempt went through without our hearing back: that post is ours.
        published = Published(remote_id=duplicate.remote_id, url="")
    except AuthExpired as error:
        account_mark_expired(account=account, message=error.message)
        return _fail(scheduled, "auth", error.message)
    except DecryptionError:
        account_mark_expired(account=account, message="token key changed")
        return _fail(scheduled, "auth")
    except Transient as error:
        if scheduled.attempts >= settings.SHARING_MAX_ATTEMPTS:
            return _fail(scheduled, error.code, error.message)
        wait = backoff(scheduled.attempts)
        if isinstance(error, RateLimited):
            wait = max(wait, timedelta(seconds=error.retry_after))
        return _finish(
            scheduled,
            status=ScheduledShare.Status.QUEUED,
            next_attempt_at=timezone.now() + wait,
            uncertain=scheduled.uncertain or isinstance(error, Uncertain),
            error_code=error.code,
            error_message=error.message[:500],
        )
    except ProviderError as error:
        return _fail(scheduled, error.code, error.message)
    return _record_sent(scheduled, published, server=account.server)


# Telling people before a connected account's token runs out ---------------------------------


def token_expiry_notice_send(*, account: ConnectedAccount, now: datetime | None = None) -> bool:
    """Tell a person, once per expiry date, that a connected account needs reconnecting soon."""
    now = now or timezone.now()
    person = account.person
    expires_at = account.token_expires_at
    if expires_at is None or person.is_paused or not email_allowed(person, EmailKind.REMINDERS):
        return False
    try:
        with transaction.atomic():
            notice = TokenExpiryNotice.objects.create(account=account, token_expires_at=expires_at)
    except IntegrityError:
        return False
    try:
        email_send(
            person=person,
            template="sharing/email/token_expiry",
            kind=EmailKind.REMINDERS,
            context={
                "account": account,
                "network": account.network.capitalize(),
                "expires_at": expires_at,
                "days_left": max((expires_at - now).days, 0),
                "accounts_url": settings.SITE_URL + reverse("sharing:accounts"),
            },
        )
    except Exception:
        notice.delete()
        raise
    notice.sent_at = timezone.now()
    notice.save(update_fields=["sent_at"])
    return True


# Measured engagement: the counts Mastodon and Bluesky give on the posts we made -------------

# When the worker reads a native post's counts, counted from the moment it was posted: close
# together while people react, then further apart for the long tail. The 30-day reading is
# the last; measuring stops there.
ENGAGEMENT_SCHEDULE = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=7),
    timedelta(days=14),
    timedelta(days=30),
)
# The 30-day reading may come this late when the worker was down; after that, nothing is read.
ENGAGEMENT_GRACE = timedelta(days=1)
# A row taken by a run is due again after this long, should that run die before answering.
ENGAGEMENT_LEASE = timedelta(minutes=30)
# How long a network that did not answer (5xx, no connection, timeout) is left alone.
ENGAGEMENT_RETRY = timedelta(minutes=30)
# Rows one run takes at most: a run stays well inside the lease.
ENGAGEMENT_RUN_LIMIT = 500


def engagement_next_fetch(posted_at: datetime, after: datetime) -> datetime | None:
    """Return the schedule's next reading after `after`, or None once the last one is past."""
    for offset in ENGAGEMENT_SCHEDULE:
        if posted_at + offset > after:
            return posted_at + offset
    return None


def engagement_start(*, share: Share, remote_id: str, server: str) -> ShareEngagement | None:
    """Start measuring a post made for a person on a network that gives counts."""
    provider = provider_for(share.network)
    if provider is None or not provider.engagement_batch or not remote_id:
        return None
    if provider.engagement_per_server and not server:
        return None
    return ShareEngagement.objects.create(
        share=share,
        person_id=share.person_id,
        post_id=share.post_id,
        network=share.network,
        server=server[:300],
        remote_id=remote_id[:300],
        posted_at=share.created_at,
        next_fetch_at=share.created_at + ENGAGEMENT_SCHEDULE[0],
    )


@dataclass
class EngagementRun:
    """What one run of the engagement worker did."""

    read: int = 0
    gone: int = 0
    unreadable: int = 0
    postponed: int = 0
    closed: int = 0
    calls: int = 0


def _engagement_close(now: datetime) -> int:
    """Stop measuring posts past the 30 days (and the grace) and those erased meanwhile."""
    return (
        ShareEngagement.objects.filter(state=ShareEngagement.State.MEASURING)
        .filter(Q(posted_at__lt=now - ENGAGEMENT_SCHEDULE[-1] - ENGAGEMENT_GRACE) | Q(remote_id=""))
        .update(state=ShareEngagement.State.DONE, next_fetch_at=None, claim="")
    )


def _engagement_due(now: datetime) -> QuerySet[ShareEngagement]:
    return ShareEngagement.objects.filter(
        state=ShareEngagement.State.MEASURING,
        next_fetch_at__lte=now,
        posted_at__gte=now - ENGAGEMENT_SCHEDULE[-1] - ENGAGEMENT_GRACE,
    ).exclude(remote_id="")


def _engagement_due_ids(now: datetime, limit: int) -> list[int]:
    return list(_engagement_due(now).order_by("next_fetch_at").values_list("pk", flat=True)[:limit])


def _engagement_claim(now: datetime, limit: int) -> tuple[str, list[ShareEngagement]]:
    """Take the due rows for this run; a row another run holds is not due, so never taken twice.

    One conditional UPDATE takes them: of two runs that saw the same rows due, each row goes
    to one (PostgreSQL re-checks the condition on a row it waited for; SQLite writes one at a
    time). The lease on next_fetch_at makes the rows of a run that died due again.
    """
    claim = secrets.token_hex(16)
    ids = _engagement_due_ids(now, limit)
    if not ids:
        return claim, []
    _engagement_due(now).filter(pk__in=ids).update(
        claim=claim, next_fetch_at=now + ENGAGEMENT_LEASE
    )
    rows = ShareEngagement.objects.filter(pk__in=ids, claim=claim).order_by("posted_at")
    return claim, list(rows)


def _engagement_write(row: ShareEngagement, claim: str, **fields: object) -> int:
    # Lands only while the row is still this run's: not after a later run took it over, nor
    # after the person was erased in the meantime.
    return ShareEngagement.objects.filter(pk=row.pk, claim=claim).update(**fields)


def _engagement_store(
    rows: list[ShareEngagement], reading: Reading, claim: str, now: datetime, run: EngagementRun
) -> None:
    for row in rows:
        counts = reading.counts.get(row.remote_id)
        if counts is None:
            # Deleted on the network (or its account removed): keep the last counts, stop.
            run.gone += _engagement_write(
                row,
                claim,
                state=ShareEngagement.State.GONE,
                gone_at=now,
                next_fetch_at=None,
                error="",
            )
            continue
        upcoming = engagement_next_fetch(row.posted_at, now)
        run.read += _engagement_write(
            row,
            claim,
            reposts=counts.reposts,
            likes=counts.likes,
            replies=counts.replies,
            quotes=counts.quotes,
            fetched_at=now,
            fetches=F("fetches") + 1,
            state=ShareEngagement.State.MEASURING if upcoming else ShareEngagement.State.DONE,
            next_fetch_at=upcoming,
            error="",
        )


def _engagement_unreadable(
    rows: list[ShareEngagement], claim: str, message: str, run: EngagementRun
) -> None:
    # Quietly: no email, no notification. The counts read so far stay.
    for row in rows:
        run.unreadable += _engagement_write(
            row,
            claim,
            state=ShareEngagement.State.UNREADABLE,
            next_fetch_at=None,
            error=message[:300],
        )


def _engagement_postpone(
    network: str,
    server: str | None,
    rows: list[ShareEngagement],
    until: datetime,
    run: EngagementRun,
) -> None:
    """Leave a network (or one of its servers) alone until `until`: every row due before."""
    waiting = ShareEngagement.objects.filter(
        state=ShareEngagement.State.MEASURING, network=network, next_fetch_at__lt=until
    )
    if server is not None:
        waiting = waiting.filter(server=server)
    waiting.update(next_fetch_at=until)
    run.postponed += ShareEngagement.objects.filter(
        pk__in=[row.pk for row in rows], state=ShareEngagement.State.MEASURING
    ).update(next_fetch_at=until)


def _mastodon_token(row: ShareEngagement, accounts: dict[tuple[int, str], ConnectedAccount]) -> str:
    # Only the token of the person's account on the server the status lives on is ever sent.
    account = accounts.get((row.person_id, row.server))
    if account is None:
        return ""
    try:
        return decrypt(account.access_token)
    except DecryptionError:
        return ""


def engagement_measure(
    *, now: datetime | None = None, limit: int = ENGAGEMENT_RUN_LIMIT
) -> EngagementRun:
    """Read the counts of the native posts that are due, network by network, in batches.

    Not atomic: each row is taken by a conditional UPDATE, so two runs never read the same
    row, and written back as soon as its answer is in. A network that says stop (429, or no
    request left before a reset) is left alone until the time it names; a post the network no
    longer has is marked gone; a server that will not show the post to us is not asked again.
    No error stops the run: what cannot be read now stays due.
    """
    now = now or timezone.now()
    run = EngagementRun(closed=_engagement_close(now))
    claim, rows = _engagement_claim(now, limit)
    if not rows:
        return run
    accounts = {
        (account.person_id, account.server): account
        for account in ConnectedAccount.objects.filter(
            network="mastodon",
            status=ConnectedAccount.Status.ACTIVE,
            person_id__in={row.person_id for row in rows if row.network == "mastodon"},
        )
    }
    # Mastodon's limits are per server; Bluesky's AppView is one host for every post.
    groups: dict[tuple[str, str | None], list[ShareEngagement]] = defaultdict(list)
    for row in rows:
        provider = provider_for(row.network)
        per_server = provider is not None and provider.engagement_per_server
        groups[(row.network, row.server if per_server else None)].append(row)
    for (network, server), group in groups.items():
        provider = provider_for(network)
        if provider is None or not provider.engagement_batch:
            _engagement_unreadable(group, claim, "this network gives no counts", run)
            continue
        size = provider.engagement_batch
        for start in range(0, len(group), size):
            batch = group[start : start + size]
            token = _mastodon_token(batch[0], accounts) if network == "mastodon" else ""
            run.calls += 1
            try:
                reading = provider.engagement(
                    remote_ids=[row.remote_id for row in batch],
                    server=server or "",
                    access_token=token,
                )
            except RateLimited as error:
                until = now + timedelta(seconds=error.retry_after)
                logger.info("engagement: %s %s rate-limited until %s", network, server or "", until)
                _engagement_postpone(network, server, group[start:], until, run)
                break
            except AuthExpired as error:
                _engagement_unreadable(batch, claim, error.message, run)
                continue
            except Transient as error:
                logger.info(
                    "engagement: %s %s unavailable: %s", network, server or "", error.message
                )
                _engagement_postpone(network, server, group[start:], now + ENGAGEMENT_RETRY, run)
                break
            except ProviderError as error:
                _engagement_unreadable(batch, claim, error.message, run)
                continue
            except Exception:
                logger.exception("engagement: reading %s %s failed", network, server or "")
                _engagement_postpone(network, server, group[start:], now + ENGAGEMENT_RETRY, run)
                break
            _engagement_store(batch, reading, claim, now, run)
            if reading.pause_for:
                until = now + timedelta(seconds=reading.pause_for)
                _engagement_postpone(network, server, group[start + size :], until, run)
                break
    return run
