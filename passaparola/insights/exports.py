"""CSV exports of the insights tables; each one is written to the audit log.

The one place insights write: an export is a copy of the programme's figures leaving the
platform, which the audit log must show (who, which table, which filters; never a name).
"""

from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse

from passaparola.audit.services import audit_record
from passaparola.insights.filters import InsightFilters
from passaparola.insights.periods import Period
from passaparola.lib.csv_export import csv_response
from passaparola.people.models import Person


def export_csv(
    *,
    viewer: Person,
    page: str,
    table: str,
    filters: InsightFilters,
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    excel: bool = False,
) -> StreamingHttpResponse:
    """Record the export in the audit log and return the table as a streamed CSV download."""
    audit_record(
        actor=viewer,
        action="insights.exported",
        target_type="insights",
        target_id=f"{page}.{table}",
        changes={"page": page, "table": table, "filters": filters.described()},
    )
    period = filters.period
    filename = f"{page}-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return csv_response(rows, header=header, filename=filename, bom=excel)


def report_export_record(*, viewer: Person, period: Period, teams: frozenset[int] | None) -> None:
    """Record in the audit log that the viewer downloaded a leadership report as a PDF."""
    audit_record(
        actor=viewer,
        action="insights.exported",
        target_type="insights",
        target_id="report.pdf",
        changes={
            "page": "report",
            "table": "pdf",
            "filters": {
                "period": period.key,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "teams": sorted(teams) if teams is not None else None,
            },
        },
    )
