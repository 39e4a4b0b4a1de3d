"""The month's progress against the programme's goals, shown on the dashboard."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passaparola.programme.selectors import programme_get
from passaparola.sharing.models import Share
from passaparola.tracking.models import Conversion


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class GoalLine:
    label: str
    target: int
    actual: int

    @property
    def percent(self) -> int:
        """Return the progress as a whole percentage, capped at 100 for the bar."""
        return min(100, round(100 * self.actual / self.target)) if self.target else 0


@dataclass
class GoalsProgress:
    month_start: datetime.date
    month_percent: int
    audience: str = ""
    hours_per_week: Decimal = Decimal("0")
    lines: list[GoalLine] = field(default_factory=list)

    @property
    def is_set(self) -> bool:
        """Return True when the programme has at least one goal."""
        return bool(self.lines or self.audience or self.hours_per_week)


def goals_progress(*, now: datetime.datetime | None = None) -> GoalsProgress:
    """Return this calendar month's figures against the programme's goals."""
    programme = programme_get()
    now = now or timezone.now()
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    month_percent = round(100 * (local - start) / (following - start))
    progress = GoalsProgress(
        month_start=start.date(),
        month_percent=month_percent,
        audience=programme.goal_audience,
        hours_per_week=programme.goal_hours_per_week,
    )
    shares = Share.objects.filter(created_at__gte=start, created_at__lt=following)
    if programme.goal_people:
        sharing_people = shares.values("person_id").distinct().count()
        progress.lines.append(
            GoalLine(str(_("People sharing")), programme.goal_people, sharing_people)
        )
    if programme.goal_shares_per_month:
        progress.lines.append(
            GoalLine(str(_("Shares")), programme.goal_shares_per_month, shares.count())
        )
    if programme.goal_leads_per_month:
        leads = Conversion.objects.filter(
            state=Conversion.State.CONFIRMED, created_at__gte=start, created_at__lt=following
        ).count()
        progress.lines.append(GoalLine(str(_("Leads")), programme.goal_leads_per_month, leads))
    return progress
