"""Recording clicks, ingesting them, leads, and the daily figures that outlive raw clicks."""

import fcntl
import hashlib
import json
import logging
import os
import secrets
import time as clock
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from passaparola.activity.models import Activity, Verb
from passaparola.activity.services import activities_record_many, activity_record
from passaparola.lib.bots import is_bot
from passaparola.lib.clients import client_ip
from passaparola.lib.models import fields_save
from passaparola.people.models import Person
from passaparola.sharing.models import ShortLink
from passaparola.tracking import spool
from passaparola.tracking.geo import country_of
from passaparola.tracking.models import (
    ApiToken,
    Click,
    ClickCursor,
    ClickRollup,
    Conversion,
    DailySalt,
    SpoolFile,
    TrackingSettings,
)
from passaparola.tracking.selectors import LinkTarget, caches_clear, tracking_settings_get

logger = logging.getLogger(__name__)

_salts: dict[date, str] = {}
_encoder = json.JSONEncoder(separators=(",", ":"))

# A spool file is read to its end and deleted once nobody can write to it any more: its
# writer is gone, or its minute is this long past (writers open a new file every minute).
SPOOL_GRACE = timedelta(minutes=10)
SPOOL_CHUNK = 4 * 1024 * 1024
# A lead reported by the website waits this long for its click to be ingested.
PENDING_LEAD_WAIT = timedelta(days=1)


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


def salt_cached(day: date) -> str | None:
    """Return the day's salt when this process already has it, without asking the database."""
    return _salts.get(day)


def _header(meta: Mapping[str, Any], name: str) -> str:
    value = meta.get(name, "")
    return value if isinstance(value, str) else ""


def visitor_hash(*, ip: str, user_agent: str, day: date) -> str:
    """Return an irreversible daily identifier for unique-visitor counts."""
    digest = hashlib.sha256(f"{salt_for(day)}|{ip}|{user_agent}".encode(errors="replace"))
    return digest.hexdigest()[:32]


def referrer_domain(referrer: str) -> str:
    """Return only the host of a referrer address."""
    try:
        return (urlsplit(referrer).hostname or "")[:255]
    except ValueError:
        return ""


def click_ref(*, code: str, click_id: str) -> str:
    """Return the opaque click reference added to the landing address for the snippet."""
    return f"{code}-{click_id}"


def click_ref_parse(ref: str) -> tuple[str, uuid.UUID] | None:
    """Return the link code and click id of a click reference, or None when malformed."""
    code, _dash, hex_id = ref.strip().partition("-")
    if not (1 <= len(code) <= 16 and code.isascii() and code.isalnum()) or len(hex_id) != 32:
        return None
    try:
        return code, uuid.UUID(hex=hex_id)
    except ValueError:
        return None


def click_record(*, target: LinkTarget, meta: Mapping[str, Any]) -> str:
    """Leave a visit through a short link in the spool; return its id once it cannot be lost.

    `meta` is request.META, or the WSGI environ on the fast path (the same keys).
    """
    user_agent = _header(meta, "HTTP_USER_AGENT")
    ip = client_ip(meta)
    now = clock.time()
    click_id = os.urandom(16).hex()
    line = _encoder.encode(
        [
            click_id,
            target.link_id,
            now,
            int(is_bot(user_agent[:1000])),
            visitor_hash(ip=ip, user_agent=user_agent, day=_utc_day(now)),
            referrer_domain(_header(meta, "HTTP_REFERER")),
            user_agent[:400],
            country_of(ip),
        ]
    )
    data = (line + "\n").encode()
    if HUEY.immediate:
        # Like every background job in immediate mode (the tests), ingestion happens at once.
        _insert_lines([data])
    else:
        spool.get_spool().append(data)
    return click_id


def _utc_day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, UTC).date()


def _click_from(record: Any) -> Click | None:
    """Return the Click of one spool record: [id, link, time, bot, visitor, referrer, ua, cc]."""
    if not isinstance(record, list) or len(record) != 8:
        return None
    click_id, link_id, at, bot, visitor, referrer, user_agent, country = record
    try:
        return Click(
            uuid=uuid.UUID(hex=str(click_id)),
            link_id=int(link_id),
            created_at=datetime.fromtimestamp(float(at), UTC),
            is_bot=bool(bot),
            visitor=str(visitor)[:32],
            referrer_domain=str(referrer)[:255],
            user_agent=str(user_agent)[:400],
            country=str(country)[:2],
        )
    except (TypeError, ValueError, OverflowError):
        return None


def _insert_lines(lines: Iterable[bytes]) -> int:
    """Turn spool lines into Click rows; a click already ingested is skipped by its id."""
    clicks = []
    for line in lines:
        if not line.strip():
            continue
        try:
            click = _click_from(json.loads(line))
        except ValueError:
            click = None
        if click is None:
            logger.warning("Skipped a malformed click spool line: %r", line[:200])
            continue
        clicks.append(click)
    if not clicks:
        return 0
    # A link deleted since its click leaves nothing to attach the click to.
    known = set(
        ShortLink.objects.filter(pk__in={click.link_id for click in clicks}).values_list(
            "pk", flat=True
        )
    )
    clicks = [click for click in clicks if click.link_id in known]
    Click.objects.bulk_create(clicks, batch_size=1000, ignore_conflicts=True)
    return len(clicks)


def _ingest_lock() -> None:
    """Take turns with ingestion on other machines, so Click ids grow in commit order.

    clicks_process walks new clicks by id; two transactions inserting at once could commit
    a lower id after a higher one was already passed.
    """
    ClickCursor.objects.select_for_update().get_or_create(name="ingest")


def _spool_file_ingest(path: Path, name: spool.SpoolName, now: datetime) -> int:
    minute = datetime.strptime(name.minute, "%Y%m%d%H%M").replace(tzinfo=UTC)
    count = 0
    with transaction.atomic():
        _ingest_lock()
        row, _created = SpoolFile.objects.select_for_update().get_or_create(name=path.name)
        finished = now - minute > SPOOL_GRACE or not spool.writer_alive(name)
        with path.open("rb") as stream:
            stream.seek(row.offset)
            data = stream.read(SPOOL_CHUNK)
            at_end = not stream.read(1)
        complete = data[: data.rfind(b"\n") + 1]
        if finished and at_end and len(complete) < len(data):
            # The writer is gone: a line it never finished (a crash mid-write of the machine,
            # not of the process) will never be completed.
            logger.warning("Skipped an unfinished click line in %s", path.name)
            complete = data
        if complete:
            count = _insert_lines(complete.splitlines())
            row.offset += len(complete)
            row.save(update_fields=["offset", "updated_at"])
        done = finished and at_end and len(complete) == len(data)
    if done and path.stat().st_size == row.offset:
        path.unlink()
        SpoolFile.objects.filter(pk=row.pk).delete()
    return count


def _ingest_files() -> int:
    folder = spool.spool_folder()
    if not folder.is_dir():
        return 0
    with (folder / ".ingest.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another ingestion is running; it will pick these up
        now = timezone.now()
        files = list(spool.spool_files())
        count = sum(_spool_file_ingest(path, name, now) for path, name in files)
        # Offsets of files that are gone (deleted by hand, or after a crash mid-cleanup).
        SpoolFile.objects.exclude(name__in=[path.name for path, _name in files]).filter(
            updated_at__lt=now - timedelta(days=1)
        ).delete()
        return count


def _ingest_redis(*, batch: int = 5000) -> int:
    client = spool.get_spool().client  # type: ignore[union-attr]
    lock = client.lock(spool.REDIS_KEY + ":lock", timeout=600)
    if not lock.acquire(blocking=False):
        return 0  # another ingestion is running; it will pick these up
    count = 0
    try:
        while lines := client.lrange(spool.REDIS_KEY, 0, batch - 1):
            with transaction.atomic():
                _ingest_lock()
                count += _insert_lines(lines)
            # Only once the rows are committed; a crash in between re-reads lines that the
            # click ids then make harmless.
            client.ltrim(spool.REDIS_KEY, len(lines), -1)
    finally:
        lock.release()
    return count


def clicks_ingest() -> int:
    """Move clicks from the spool into Click rows, idempotently; return how many were new."""
    if spool.spool_kind() == "redis":
        return _ingest_redis()
    return _ingest_files()


def _first_visits(clicks: list[Click]) -> set[int]:
    """Return the ids of the clicks that are their visitor's first human click on the link.

    A visitor hash is salted per UTC day, so the same hash never spans two days: "first"
    means first that day, and only the clicks since the batch's first day can share one.
    """
    visited = [click for click in clicks if click.visitor]
    if not visited:
        return set()
    earliest = min(click.created_at for click in visited).astimezone(UTC)
    since = datetime.combine(earliest.date(), time.min, tzinfo=UTC)
    firsts = (
        Click.objects.filter(
            is_bot=False,
            link_id__in={click.link_id for click in visited},
            visitor__in={click.visitor for click in visited},
            created_at__gte=since,
        )
        .values("link_id", "visitor")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    return set(firsts)


@transaction.atomic
def clicks_process(*, batch: int = 5000) -> int:
    """Record a `click_received` activity for each new human click; return how many clicks
    were read. Recognition turns the activities into points (docs/recognition.md)."""
    cursor, _created = ClickCursor.objects.select_for_update().get_or_create(name="points")
    clicks = list(
        Click.objects.filter(pk__gt=cursor.last_click_id)
        .select_related("link")
        .order_by("pk")[:batch]
    )
    if not clicks:
        return 0
    humans = [click for click in clicks if not click.is_bot]
    first = _first_visits(humans)
    activities_record_many(
        activities=[
            Activity(
                person_id=click.link.person_id,
                verb=Verb.CLICK_RECEIVED,
                post_id=click.link.post_id,
                network=click.link.network,
                created_at=click.created_at,
                source_id=click.pk,
                unique_visitor=click.pk in first,
            )
            for click in humans
        ]
    )
    cursor.last_click_id = clicks[-1].pk
    cursor.save(update_fields=["last_click_id"])
    return len(clicks)


def clicks_catch_up() -> int:
    """Ingest the spool, then record the activities of new clicks and confirm waiting leads."""
    ingested = 0
    # Bounded: writers may keep appending while this runs; the next run takes the rest.
    for _round in range(100):
        new = clicks_ingest()
        ingested += new
        if not new:
            break
    while clicks_process():
        pass
    conversions_confirm()
    return ingested


def salts_prune() -> int:
    """Delete salts of days before yesterday, so old visitor hashes can never be recomputed."""
    cutoff = timezone.now().date() - timedelta(days=1)
    deleted, _by_model = DailySalt.objects.filter(day__lt=cutoff).delete()
    return deleted


# Settings and tokens


@transaction.atomic
def tracking_settings_update(*, fields: dict[str, object]) -> TrackingSettings:
    """Change the named tracking settings."""
    row = tracking_settings_get(fresh=True)
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    fields_save(row, [*fields.keys(), "updated_at"])
    transaction.on_commit(caches_clear)
    return row


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode(errors="replace")).hexdigest()


@transaction.atomic
def api_token_create(*, name: str, by: Person) -> tuple[ApiToken, str]:
    """Create an API token; return it with its secret, which is shown this once only."""
    secret = "pp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip()[:80], prefix=secret[:8], digest=_token_digest(secret), created_by=by
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from working; its past leads stay."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_check(secret: str) -> ApiToken | None:
    """Return the live token with this secret, or None."""
    if not secret.startswith("pp_") or len(secret) > 100:
        return None
    token = ApiToken.objects.filter(digest=_token_digest(secret), revoked_at=None).first()
    if token is not None:
        now = timezone.now()
        # At most one write a minute per token, however many leads arrive.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            token.last_used_at = now
            token.save(update_fields=["last_used_at"])
    return token


# Leads


class LeadError(ValueError):
    """A lead that cannot be recorded, with a message for the sender."""


@dataclass
class LeadResult:
    conversion: Conversion
    created: bool


def _conversion_confirm(conversion: Conversion) -> None:
    link = conversion.link
    conversion.state = Conversion.State.CONFIRMED
    conversion.confirmed_at = timezone.now()
    conversion.save(update_fields=["state", "confirmed_at"])
    activity_record(
        person=link.person,
        verb=Verb.CONVERSION,
        post=link.post,
        network=link.network,
        at=conversion.created_at,
        source_id=conversion.pk,
    )


def _link_for(*, click: str, link_code: str) -> tuple[ShortLink, uuid.UUID | None]:
    click_id = None
    if click:
        parsed = click_ref_parse(click)
        if parsed is None:
            raise LeadError("click is not a click id from a Passaparola landing address")
        link_code, click_id = parsed
    if not link_code:
        raise LeadError("give the click id (click) or the short-link code (link)")
    link = ShortLink.objects.select_related("person", "post").filter(code=link_code).first()
    if link is None:
        raise LeadError("no short link has this code")
    return link, click_id


@transaction.atomic
def lead_from_server(
    *,
    token: ApiToken,
    external_id: str,
    click: str = "",
    link_code: str = "",
    value: Decimal | None = None,
    at: datetime | None = None,
) -> LeadResult:
    """Record a lead reported by the company's server; the same external id counts once."""
    external_id = external_id.strip()
    if not external_id or len(external_id) > 120:
        raise LeadError("external_id is required (at most 120 characters)")
    key = f"api:{external_id}"
    existing = Conversion.objects.filter(key=key).first()
    if existing is not None:
        return LeadResult(conversion=existing, created=False)
    link, click_id = _link_for(click=click, link_code=link_code)
    if click_id is not None and Click.objects.filter(uuid=click_id, is_bot=True).exists():
        raise LeadError("the click was made by a bot, not a person: it brings no lead")
    now = timezone.now()
    if at is not None and (at > now + timedelta(minutes=5) or at < link.created_at):
        raise LeadError("occurred_at is before the share or in the future")
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                key=key,
                link=link,
                click_uuid=click_id,
                external_id=external_id,
                source=Conversion.Source.API,
                value=value,
                token=token,
                created_at=at or now,
            )
    except IntegrityError:
        # The same lead, sent twice at the same moment.
        return LeadResult(conversion=Conversion.objects.get(key=key), created=False)
    _conversion_confirm(conversion)
    return LeadResult(conversion=conversion, created=True)


@transaction.atomic
def lead_from_website(*, click: str, external_id: str = "") -> LeadResult:
    """Record a lead reported by the website snippet: one per human click, once it is seen."""
    link, click_id = _link_for(click=click, link_code="")
    assert click_id is not None
    key = f"web:{click_id.hex}"
    existing = Conversion.objects.filter(key=key).first()
    if existing is not None:
        return LeadResult(conversion=existing, created=False)
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                key=key,
                link=link,
                click_uuid=click_id,
                external_id=external_id.strip()[:120],
                source=Conversion.Source.WEB,
            )
    except IntegrityError:
        return LeadResult(conversion=Conversion.objects.get(key=key), created=False)
    conversions_confirm(pks=[conversion.pk])
    conversion.refresh_from_db(fields=["state", "confirmed_at"])
    return LeadResult(conversion=conversion, created=True)


@transaction.atomic
def conversions_confirm(*, pks: list[int] | None = None) -> int:
    """Confirm website leads whose human click has arrived; reject those that never had one."""
    pending = Conversion.objects.select_for_update().filter(state=Conversion.State.PENDING)
    if pks is not None:
        pending = pending.filter(pk__in=pks)
    pending_list = list(pending.select_related("link__person", "link__post")[:5000])
    if not pending_list:
        return 0
    clicks = {
        click.uuid: click
        for click in Click.objects.filter(uuid__in=[c.click_uuid for c in pending_list])
    }
    window = timedelta(days=tracking_settings_get().attribution_days)
    now = timezone.now()
    confirmed = 0
    for conversion in pending_list:
        click = clicks.get(conversion.click_uuid)
        if click is None:
            if now - conversion.created_at > PENDING_LEAD_WAIT:
                conversion.state = Conversion.State.REJECTED
                conversion.save(update_fields=["state"])
            continue
        genuine = (
            not click.is_bot
            and click.link_id == conversion.link_id
            and click.created_at <= conversion.created_at + timedelta(minutes=5)
            and conversion.created_at - click.created_at <= window
        )
        if genuine:
            _conversion_confirm(conversion)
            confirmed += 1
        else:
            conversion.state = Conversion.State.REJECTED
            conversion.save(update_fields=["state"])
    return confirmed


@transaction.atomic
def lead_reject(*, conversion: Conversion) -> bool:
    """Reject a confirmed lead that turned out not to be one; return False if it was not
    confirmed. The `conversion_rejected` activity has recognition correct its points."""
    conversion = (
        Conversion.objects.select_for_update()
        .select_related("link__person", "link__post")
        .get(pk=conversion.pk)
    )
    if conversion.state != Conversion.State.CONFIRMED:
        return False
    conversion.state = Conversion.State.REJECTED
    conversion.save(update_fields=["state"])
    link = conversion.link
    activity_record(
        person=link.person,
        verb=Verb.CONVERSION_REJECTED,
        post=link.post,
        network=link.network,
        source_id=conversion.pk,
    )
    return True


# Daily figures and retention


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    return start, end


@transaction.atomic
def rollup_day(*, day: date) -> int:
    """Recompute one day's figures per post, person and network; return how many rows."""
    start, end = _day_bounds(day)
    groups: dict[tuple[int, int, str], dict[str, int]] = {}
    clicks = Click.objects.filter(created_at__gte=start, created_at__lt=end)
    if clicks.exists():
        rows = clicks.values("link__post_id", "link__person_id", "link__network").annotate(
            human=Count("pk", filter=Q(is_bot=False)),
            bots=Count("pk", filter=Q(is_bot=True)),
            unique=Count("visitor", filter=Q(is_bot=False), distinct=True),
        )
        for row in rows:
            key = (row["link__post_id"], row["link__person_id"], row["link__network"])
            groups[key] = {"human": row["human"], "bots": row["bots"], "unique": row["unique"]}
    else:
        # The raw clicks of this day are gone: keep the click figures already summed.
        for old in ClickRollup.objects.filter(day=day):
            groups[(old.post_id, old.person_id, old.network)] = {
                "human": old.human_clicks,
                "bots": old.bot_visits,
                "unique": old.unique_visitors,
            }
    leads = (
        Conversion.objects.filter(
            state=Conversion.State.CONFIRMED, created_at__gte=start, created_at__lt=end
        )
        .values("link__post_id", "link__person_id", "link__network")
        .annotate(n=Count("pk"))
    )
    for row in leads:
        key = (row["link__post_id"], row["link__person_id"], row["link__network"])
        groups.setdefault(key, {"human": 0, "bots": 0, "unique": 0})["leads"] = row["n"]
    ClickRollup.objects.filter(day=day).delete()
    ClickRollup.objects.bulk_create(
        [
            ClickRollup(
                day=day,
                post_id=post_id,
                person_id=person_id,
                network=network,
                human_clicks=figures["human"],
                unique_visitors=figures["unique"],
                bot_visits=figures["bots"],
                leads=figures.get("leads", 0),
            )
            for (post_id, person_id, network), figures in groups.items()
        ],
        batch_size=1000,
    )
    return len(groups)


def clicks_rollup_and_prune(*, today: date | None = None) -> tuple[int, int]:
    """Sum finished days into daily figures and delete raw clicks past retention.

    Returns (days summed, clicks deleted). Safe to run any number of times.
    """
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=tracking_settings_get(fresh=True).retention_days)
    latest = ClickRollup.objects.order_by("-day").values_list("day", flat=True).first()
    oldest_click = Click.objects.aggregate(first=Min("created_at"))["first"]
    if oldest_click is None:
        return 0, 0
    oldest_day = timezone.localtime(oldest_click).date()
    # Recompute the last few summed days (clicks may arrive late), and every older day that
    # still has raw clicks (the first run, or after the retention period was shortened).
    if latest is None or oldest_day < cutoff:
        start = oldest_day
    else:
        start = max(oldest_day, latest - timedelta(days=2))
    days = 0
    deleted = 0
    day = start
    while day < today:
        with transaction.atomic():
            rollup_day(day=day)
            if day < cutoff:
                day_start, day_end = _day_bounds(day)
                removed, _by_model = Click.objects.filter(
                    created_at__gte=day_start, created_at__lt=day_end
                ).delete()
                deleted += removed
        days += 1
        day += timedelta(days=1)
    return days, deleted


def spool_waiting() -> int:
    """Return how many clicks wait in the spool for ingestion (for the settings page)."""
    if spool.spool_kind() == "redis":
        return int(spool.get_spool().client.llen(spool.REDIS_KEY))  # type: ignore[union-attr]
    offsets = dict(SpoolFile.objects.values_list("name", "offset"))
    waiting = 0
    for path, _name in spool.spool_files():
        try:
            with path.open("rb") as stream:
                stream.seek(offsets.get(path.name, 0))
                waiting += stream.read().count(b"\n")
        except OSError:
            continue  # ingested and deleted meanwhile
    return waiting
