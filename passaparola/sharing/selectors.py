"""What a person needs to share a post, and the reads behind the sharing pages."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise

from passaparola.content.models import Caption, Post
from passaparola.networks.catalogue import NETWORKS, Network
from passaparola.networks.lengths import grapheme_count, mastodon_length, x_length
from passaparola.networks.providers import PROVIDERS, provider_for
from passaparola.notifications.models import EmailKind
from passaparola.notifications.selectors import email_refusers
from passaparola.people.models import Person
from passaparola.sharing import guardrails
from passaparola.sharing.models import (
    ConnectedAccount,
    ScheduledShare,
    ShortLink,
    TokenExpiryNotice,
)
from passaparola.sharing.services import (
    mastodon_instance_of,
    network_limit,
    policy_get,
    share_problems,
    short_url,
)

# How the browser counts each network's length, mirroring lengths.py (see static/js/app.js).
_COUNTERS = {x_length: "x", grapheme_count: "graphemes", mastodon_length: "mastodon"}


@dataclass
class ShareOption:
    network: str
    label: str | Promise
    takes_text: bool
    short_url: str
    text: str
    limit: int | None = None
    length: int = 0
    counter: str = "chars"
    prefix: str = ""
    suffix: str = ""
    needs_instance: bool = False
    instance: str = ""
    account: ConnectedAccount | None = None
    can_connect: bool = False

    @property
    def over_limit(self) -> bool:
        """Return True when the text is longer than the network allows."""
        return self.limit is not None and self.length > self.limit


@dataclass
class AccountView:
    network: str
    label: str | Promise
    account: ConnectedAccount | None
    connect_kind: str
    available: bool
    days_left: int | None = None

    @property
    def needs_attention(self) -> bool:
        """Return True when the person should reconnect now or soon."""
        if self.account is None:
            return False
        if self.account.status != ConnectedAccount.Status.ACTIVE:
            return True
        return self.days_left is not None and self.days_left <= settings.SHARING_REAUTH_NUDGE_DAYS


@dataclass
class Composer:
    post: Post
    captions: list[Caption]
    caption: Caption | None
    text: str
    disclosure: str
    options: list[ShareOption]
    attention: list[AccountView] = field(default_factory=list)
    failures: list[ScheduledShare] = field(default_factory=list)
    pending: list[ScheduledShare] = field(default_factory=list)
    suggestions: list[datetime] = field(default_factory=list)


def caption_for(post: Post) -> str:
    """Return one of the post's suggested captions, picked at random so posts do not all match."""
    captions = list(post.captions.all())
    general = [caption.text for caption in captions if not caption.network]
    pool = general or [caption.text for caption in captions]
    return secrets.choice(pool) if pool else post.title


def _links(person: Person, post: Post) -> dict[str, ShortLink]:
    return {link.network: link for link in ShortLink.objects.filter(person=person, post=post)}


def shortlinks_ready(*, person: Person, post: Post) -> bool:
    """Return True when the person has a short link for the post on every network."""
    # Reading never writes: missing links are made by sharing.services.shortlinks_create (POST).
    return ShortLink.objects.filter(person=person, post=post).count() >= len(NETWORKS)


def _affixes(network: Network, link: str) -> tuple[str, str]:
    """Return what the network puts before and after the text, for the browser's count."""
    sample = network.published_text(text="\x00", link=link)
    prefix, _marker, suffix = sample.partition("\x00")
    return prefix, suffix


def share_options(
    *, person: Person, post: Post, text: str | None = None, accounts: dict | None = None
) -> list[ShareOption]:
    """Return a share option per network (the links come from `shortlinks_create`)."""
    links = _links(person, post)
    text = caption_for(post) if text is None else text
    composed = guardrails.compose_text(text, disclosure=policy_get().disclosure)
    instance = mastodon_instance_of(person)
    accounts = accounts if accounts is not None else accounts_of(person)
    options = []
    for key, network in NETWORKS.items():
        url = short_url(links[key])
        prefix, suffix = _affixes(network, url)
        provider = provider_for(key)
        options.append(
            ShareOption(
                network=key,
                label=network.label,
                takes_text=network.takes_text,
                short_url=url,
                text=text,
                limit=network_limit(person=person, network=key),
                length=network.length(text=composed, link=url),
                counter=_COUNTERS.get(network.measure, "chars"),
                prefix=prefix,
                suffix=suffix,
                needs_instance=network.needs_instance,
                instance=instance,
                account=accounts.get(key),
                can_connect=provider is not None and provider.is_available(),
            )
        )
    return options


def composer_for(*, person: Person, post: Post, caption_id: str | None = None) -> Composer:
    """Return everything the share panel shows: captions, options, nudges and suggestions."""
    captions = list(post.captions.order_by("pk"))
    for caption in captions:
        # Captions written for one network say so on their button.
        network = NETWORKS.get(caption.network)
        caption.network_label = network.label if network else ""  # type: ignore[attr-defined]
    chosen = next((c for c in captions if str(c.pk) == caption_id), None)
    if chosen is None and captions:
        # Start from a caption meant for every network; network-specific ones are a click away.
        general = [caption for caption in captions if not caption.network]
        chosen = secrets.choice(general or captions)
    text = chosen.text if chosen else post.title
    accounts = accounts_of(person)
    scheduled = list(
        ScheduledShare.objects.filter(person=person, post=post)
        .exclude(status__in=[ScheduledShare.Status.SENT, ScheduledShare.Status.CANCELLED])
        .order_by("scheduled_for")
    )
    return Composer(
        post=post,
        captions=captions,
        caption=chosen,
        text=text,
        disclosure=policy_get().disclosure,
        options=share_options(person=person, post=post, text=text, accounts=accounts),
        attention=[view for view in account_views(person, accounts) if view.needs_attention],
        failures=[s for s in scheduled if s.status == ScheduledShare.Status.FAILED],
        pending=[s for s in scheduled if s.status != ScheduledShare.Status.FAILED],
        suggestions=suggested_times(person=person, post=post) if accounts else [],
    )


@dataclass
class CheckResult:
    options: list[ShareOption]
    problems: list[guardrails.Problem]
    text: str


def composer_check(*, person: Person, post: Post, text: str, hashtags: str = "") -> CheckResult:
    """Return the authoritative lengths per network and every guardrail problem for a text."""
    policy = policy_get()
    composed = guardrails.compose_text(text, hashtags=hashtags, disclosure=policy.disclosure)
    options = share_options(person=person, post=post, text=text)
    for option in options:
        option.length = NETWORKS[option.network].length(text=composed, link=option.short_url)
    # The checks that do not depend on the network; lengths are shown per network above.
    problems = share_problems(
        person=person, post=post, network="copy", text=composed, link=options[-1].short_url
    )
    return CheckResult(options=options, problems=problems, text=composed)


# Connected accounts


def accounts_of(person: Person) -> dict[str, ConnectedAccount]:
    """Return the person's connected accounts by network."""
    return {account.network: account for account in person.connected_accounts.all()}


def account_views(
    person: Person, accounts: dict[str, ConnectedAccount] | None = None
) -> list[AccountView]:
    """Return one row per network we can post to, with the person's account if connected."""
    accounts = accounts if accounts is not None else accounts_of(person)
    now = timezone.now()
    views = []
    for network, provider in PROVIDERS.items():
        account = accounts.get(network)
        days_left = None
        if account is not None and account.token_expires_at is not None:
            days_left = max(0, (account.token_expires_at - now).days)
        views.append(
            AccountView(
                network=network,
                label=provider.label,
                account=account,
                connect_kind=provider.connect_kind,
                available=provider.is_available(),
                days_left=days_left,
            )
        )
    return views


def access_account_by_person(person: Person, account_id: int) -> ConnectedAccount:
    """Return the person's own connected account, or raise Http404 (nobody sees another's)."""
    account = ConnectedAccount.objects.filter(pk=account_id, person=person).first()
    if account is None:
        raise Http404
    return account


# Scheduled shares


def access_scheduled_share_by_person(person: Person, scheduled_id: int) -> ScheduledShare:
    """Return the person's own scheduled share, or raise Http404."""
    scheduled = (
        ScheduledShare.objects.select_related("post").filter(pk=scheduled_id, person=person).first()
    )
    if scheduled is None:
        raise Http404
    return scheduled


def scheduled_shares_of(person: Person) -> list[ScheduledShare]:
    """Return the person's scheduled shares: coming ones first, then the last 30 days' others."""
    since = timezone.now() - timedelta(days=30)
    return list(
        ScheduledShare.objects.select_related("post", "share__engagement")
        .filter(person=person)
        .exclude(status=ScheduledShare.Status.CANCELLED, updated_at__lt=since)
        .exclude(status=ScheduledShare.Status.SENT, sent_at__lt=since)
        .order_by("-scheduled_for")[:200]
    )


def suggested_times(
    *, person: Person, post: Post, count: int = 3, now: datetime | None = None
) -> list[datetime]:
    """Return free times to schedule this post, apart from colleagues' and within the hours."""
    policy = policy_get()
    step = timedelta(minutes=max(1, policy.stagger_minutes))
    now = now or timezone.now()
    horizon = now + timedelta(days=8)
    taken = list(
        ScheduledShare.objects.filter(
            post=post,
            status__in=[ScheduledShare.Status.QUEUED, ScheduledShare.Status.POSTING],
            scheduled_for__gte=now - step,
            scheduled_for__lte=horizon,
        ).values_list("scheduled_for", flat=True)
    )
    local = timezone.localtime(now + step)
    minutes = step.total_seconds() // 60
    grid = local.replace(second=0, microsecond=0)
    grid += timedelta(minutes=(-grid.minute) % minutes or 0)
    # Colleagues start a few slots apart, so even the first suggestions differ.
    slot = grid + step * (person.pk % 4)
    found: list[datetime] = []
    while slot < horizon and len(found) < count:
        free = all(abs(slot - other) >= step for other in taken)
        if free and guardrails.within_hours(policy, slot):
            found.append(slot)
            taken.append(slot)
            slot += timedelta(hours=3)  # spread one person's choices over the day
            continue
        slot += step
    return found


def expiring_accounts(now: datetime) -> list[int]:
    """Return the ids of connected accounts whose token runs out within the nudge window and
    whose owner was not told about that expiry yet."""
    window = now + timedelta(days=settings.SHARING_REAUTH_NUDGE_DAYS)
    told = TokenExpiryNotice.objects.filter(
        account_id=OuterRef("pk"), token_expires_at=OuterRef("token_expires_at")
    )
    return list(
        ConnectedAccount.objects.filter(
            status=ConnectedAccount.Status.ACTIVE,
            token_expires_at__gt=now,
            token_expires_at__lte=window,
            person__is_active=True,
            person__is_paused=False,
        )
        .exclude(person__in=email_refusers(EmailKind.REMINDERS))
        .exclude(Exists(told))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
