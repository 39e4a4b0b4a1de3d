"""Where human clicks came from: referrer domains and countries, per period and filters.

Clicks keep the referrer's domain and, where a GeoIP database is configured, the visitor's
country (tracking). Raw clicks are pruned after the retention period and there are millions of
them, so closed days are read from `ClickOrigin`: human clicks per day x person x post x
network x referrer domain x country, rebuilt a day at a time by `rollup_origins` (called by the
insights rollup job for every day it rebuilds). Today is counted from the raw clicks.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from passaparola.insights.periods import day_start
from passaparola.insights.scoped import scope_q
from passaparola.tracking.models import Click

if TYPE_CHECKING:
    # Only for hints: the rollup job (rollups.py, which figures.py imports) calls this module.
    from passaparola.insights.figures import Scope


class ClickOrigin(models.Model):
    """Human clicks on one person's link to one post on one network, on one day, from one
    referrer domain and country (either may be empty: not sent, or not known)."""

    day = models.DateField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=20)
    referrer_domain = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=2, blank=True)
    human_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "insights"
        verbose_name = _("click origins")
        verbose_name_plural = _("click origins")
        indexes = [
            models.Index(fields=["day"], name="clickorigin_day"),
            models.Index(fields=["person", "day"], name="clickorigin_person_day"),
            models.Index(fields=["post", "day"], name="clickorigin_post_day"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.day} {self.person_id}/{self.post_id}/{self.network} from {self.referrer_domain}"
        )


def _raw(day: date) -> QuerySet[Click]:
    return Click.objects.filter(
        created_at__gte=day_start(day), created_at__lt=day_start(day + timedelta(days=1))
    )


@transaction.atomic
def rollup_origins(day: date) -> int:
    """Rebuild one day's click origins from its raw clicks; return how many rows it has now.

    Idempotent. A day whose raw clicks were all pruned keeps the rows it had.
    """
    clicks = _raw(day)
    if not clicks.exists():
        return ClickOrigin.objects.filter(day=day).count()
    groups = (
        clicks.filter(is_bot=False)
        .values(
            "referrer_domain",
            "country",
            person=F("link__person_id"),
            post=F("link__post_id"),
            net=F("link__network"),
        )
        .annotate(n=Count("pk"))
    )
    ClickOrigin.objects.filter(day=day).delete()
    rows = ClickOrigin.objects.bulk_create(
        [
            ClickOrigin(
                day=day,
                person_id=row["person"],
                post_id=row["post"],
                network=row["net"],
                referrer_domain=row["referrer_domain"],
                country=row["country"],
                human_clicks=row["n"],
            )
            for row in groups
        ],
        batch_size=2000,
    )
    return len(rows)


# Reading ------------------------------------------------------------------------------------


@dataclass
class Origins:
    """Human clicks per referrer domain and per country, most first ("" is not known)."""

    referrers: list[tuple[str, int]]
    countries: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _key, n in self.referrers)


def closed_origins(scope: "Scope") -> QuerySet[ClickOrigin]:
    """Return the click origins of the scope's closed days (today is still moving)."""
    rows = ClickOrigin.objects.filter(day__gte=scope.start, day__lte=scope.last_closed)
    return rows.filter(scope_q(scope))


def origins_for(scope: "Scope") -> Origins:
    """Return where the scope's human clicks came from (two queries, one for today)."""
    by_referrer: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    grouped = (
        closed_origins(scope).values("referrer_domain", "country").annotate(n=Sum("human_clicks"))
    )
    pairs = [(row["referrer_domain"], row["country"], row["n"] or 0) for row in grouped]
    today = timezone.localdate()
    if scope.start <= today <= scope.end:
        fresh = (
            _raw(today)
            .filter(scope_q(scope, via="link__"), is_bot=False)
            .values("referrer_domain", "country")
            .annotate(n=Count("pk"))
        )
        pairs += [(row["referrer_domain"], row["country"], row["n"]) for row in fresh]
    for referrer, country, n in pairs:
        by_referrer[referrer] += n
        by_country[country] += n

    def ranked(counter: Counter[str]) -> list[tuple[str, int]]:
        return sorted(((k, n) for k, n in counter.items() if n), key=lambda kn: (-kn[1], kn[0]))

    return Origins(referrers=ranked(by_referrer), countries=ranked(by_country))


def referrer_label(domain: str) -> str:
    """Return how a referrer domain is shown; none sent is said in words."""
    return domain or gettext("No referrer (apps, email, direct)")


def country_label(code: str) -> str:
    """Return a country's name in the active language, or "Unknown" without a code."""
    if not code:
        return gettext("Unknown")
    return str(countries.name(code.upper())) or code


def export_origins(scope: "Scope", by: str) -> Iterator[list[object]]:
    """The closed days' human clicks per referrer domain (by="referrer") or country, streamed."""
    column = "referrer_domain" if by == "referrer" else "country"
    grouped = (
        closed_origins(scope)
        .values(column)
        .annotate(n=Sum("human_clicks"))
        .filter(n__gt=0)
        .order_by("-n", column)
    )
    for row in grouped.iterator(chunk_size=2000):
        if by == "referrer":
            yield [row[column], row["n"]]
        else:
            yield [row[column], country_label(row[column]) if row[column] else "", row["n"]]
