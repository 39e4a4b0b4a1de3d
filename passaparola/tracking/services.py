"""Recording clicks, and turning human clicks into points and activities."""

import hashlib
import secrets
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.lib.bots import is_bot
from passaparola.programme.services import programme_get
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.models import ShortLink
from passaparola.tracking.models import Click, ClickCursor, DailySalt

_salts: dict[date, str] = {}


def salt_for(day: date) -> str:
    """Return the day's random salt, creating it on the day's first click."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    try:
        with transaction.atomic():
            row, _created = DailySalt.objects.get_or_create(
                day=day, defaults={"salt": secrets.token_hex(32)}
            )
    except IntegrityError:
        row = DailySalt.objects.get(day=day)
    _salts.clear()
    _salts[day] = row.salt
    return row.salt


def client_ip(request: HttpRequest) -> str:
    """Return the visitor's address, trusting as many proxy hops as configured."""
    hops = settings.FORWARDED_FOR_HOPS
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",")]
        return chain[-hops] if len(chain) >= hops else chain[0]
    return str(request.META.get("REMOTE_ADDR", ""))


def visitor_hash(*, ip: str, user_agent: str, day: date) -> str:
    """Return an irreversible daily identifier for unique-visitor counts."""
    digest = hashlib.sha256(f"{salt_for(day)}|{ip}|{user_agent}".encode())
    return digest.hexdigest()[:32]


def referrer_domain(referrer: str) -> str:
    """Return only the host of a referrer address."""
    try:
        return (urlsplit(referrer).hostname or "")[:255]
    except ValueError:
        return ""


def click_record(*, link: ShortLink, request: HttpRequest) -> Click:
    """Record a visit through a short link before its redirect is answered."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:400]
    now = timezone.now()
    return Click.objects.create(
        link=link,
        created_at=now,
        is_bot=is_bot(user_agent),
        visitor=visitor_hash(ip=client_ip(request), user_agent=user_agent, day=now.date()),
        referrer_domain=referrer_domain(request.META.get("HTTP_REFERER", "")),
        user_agent=user_agent,
    )


@transaction.atomic
def clicks_process(*, batch: int = 5000) -> int:
    """Award points and record activities for new human clicks; return how many were done."""
    cursor, _created = ClickCursor.objects.select_for_update().get_or_create(name="points")
    clicks = list(
        Click.objects.filter(pk__gt=cursor.last_click_id)
        .select_related("link")
        .order_by("pk")[:batch]
    )
    if not clicks:
        return 0
    points = programme_get().points_per_click
    humans = [click for click in clicks if not click.is_bot]
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                person_id=click.link.person_id,
                action=PointsEntry.Action.CLICK,
                points=points,
                key=f"click:{click.pk}",
                post_id=click.link.post_id,
                network=click.link.network,
                created_at=click.created_at,
            )
            for click in humans
        ],
        ignore_conflicts=True,
    )
    Activity.objects.bulk_create(
        [
            Activity(
                person_id=click.link.person_id,
                verb=Verb.CLICK_RECEIVED,
                post_id=click.link.post_id,
                network=click.link.network,
                created_at=click.created_at,
            )
            for click in humans
        ]
    )
    cursor.last_click_id = clicks[-1].pk
    cursor.save(update_fields=["last_click_id"])
    return len(clicks)


def salts_prune() -> int:
    """Delete salts of days before yesterday, so old visitor hashes can never be recomputed."""
    cutoff = timezone.now().date() - timedelta(days=1)
    deleted, _by_model = DailySalt.objects.filter(day__lt=cutoff).delete()
    return deleted
