"""CSV downloads that stream: rows are written as they come, so a million rows never sit in memory.

Text cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
return) get a leading apostrophe; numbers stay numbers. Whoever serves an export records it in
the audit log: this module knows no app.
"""

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

# Characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# Rows gathered before a piece is sent: fewer, larger writes to the socket, still flat memory.
ROWS_PER_PIECE = 500


def escape_cell(value: object) -> object:
    """Return a value safe to write in a CSV cell: numbers as they are, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(
    rows: Iterable[Sequence[object]], *, header: Sequence[object] = (), bom: bool = False
) -> Iterator[str]:
    """Yield the CSV text of `header` and `rows`, a few hundred rows a piece, escaping each cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(BOM)
    if header:
        writer.writerow([escape_cell(cell) for cell in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([escape_cell(cell) for cell in row])
        if count % ROWS_PER_PIECE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_response(
    rows: Iterable[Sequence[object]],
    *,
    filename: str,
    header: Sequence[object] = (),
    bom: bool = False,
) -> StreamingHttpResponse:
    """Return a streamed CSV download; `bom` starts it with a byte-order mark (for Excel).

    Pass querysets as `.iterator(chunk_size=...)` (or a generator over one) so that rows are
    read from the database as they are sent.
    """
    response = StreamingHttpResponse(
        csv_lines(rows, header=header, bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
