"""The leadership report by email: when a month or quarter closes, to leadership and managers.

Each recipient gets the report as they would read it on the page (privacy mode applies to a
leadership viewer as it does there), in their language: the key figures as a plain HTML table
and as text, which every mail client shows, the link to the page, and the whole report with
its charts as a PDF attachment (mail clients drop inline SVG and block remote images, and a
PDF is what gets forwarded and printed).

Going once: a `programme.ReportDelivery` row per period and person is claimed before the
email goes and given back if it fails (the one write here, through programme's services), so
a second run, a retry or a second worker sends nothing twice.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from passaparola.insights.periods import Period
from passaparola.insights.report import (
    closed_period,
    period_from,
    query_of,
    report_filename,
    report_for,
    report_pdf,
)
from passaparola.notifications.emails import email_send
from passaparola.people.models import Person, Role
from passaparola.programme.models import ReportCadence, ReportDelivery
from passaparola.programme.selectors import in_language_of, programme_get
from passaparola.programme.services import (
    report_delivery_claim,
    report_delivery_release,
    report_delivery_sent,
)

# The report goes out from this local hour on the period's first day after its end (the
# night's roll-up has closed the last day by then), and is still sent on the next days if the
# worker was down: after that it would be news nobody asked for.
REPORT_HOUR = 7
LATE_DAYS = 3
RECIPIENT_ROLES = (Role.ADMIN, Role.VIEWER)


def report_due(now: datetime | None = None) -> Period | None:
    """Return the period whose report should be going out now, or None."""
    cadence = programme_get().report_cadence
    if cadence == ReportCadence.OFF:
        return None
    now = now or timezone.now()
    period = closed_period(cadence, today=timezone.localdate(now))
    opens = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time(REPORT_HOUR)))
    return period if opens <= now < opens + timedelta(days=LATE_DAYS) else None


def report_recipients() -> QuerySet[Person]:
    """Return the people the report goes to: active leadership viewers and programme managers."""
    return Person.objects.filter(is_active=True, role__in=RECIPIENT_ROLES).order_by("pk")


def reports_due(now: datetime | None = None) -> list[tuple[int, str]]:
    """Return (person id, period key) for every report due now and not sent yet."""
    period = report_due(now)
    if period is None:
        return []
    sent = ReportDelivery.objects.filter(period=period.key).values("person_id")
    people = report_recipients().exclude(pk__in=sent)
    return [(person_id, period.key) for person_id in people.values_list("pk", flat=True)]


def period_by_key(key: str) -> Period:
    """Return the month ("2026-11") or quarter ("2026-Q4") a key names, in the active language."""
    name = "quarter" if "Q" in key.upper() else "month"
    return period_from({name: key}, cadence=ReportCadence.MONTHLY)


def report_send(*, person: Person, period_key: str, now: datetime | None = None) -> bool:
    """Email one person the report of one period, once; return True if it was sent now."""
    delivery = report_delivery_claim(person=person, period=period_key)
    if delivery is None:
        return False
    programme = programme_get()
    try:
        with in_language_of(person):
            period = period_by_key(period_key)
            report = report_for(period, viewer=person)
            pdf = report_pdf(report, programme=programme, made_at=now or timezone.now())
            page = f"{settings.SITE_URL}{reverse('insights:report')}?{query_of(period)}"
            email_send(
                person=person,
                template="insights/email/report",
                context={"report": report, "report_url": page},
                attachments=[(report_filename(report), pdf, "application/pdf")],
            )
    except Exception:
        report_delivery_release(delivery=delivery)
        raise
    report_delivery_sent(delivery=delivery)
    return True
