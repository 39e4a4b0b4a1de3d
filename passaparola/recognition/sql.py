# ruff: noqa: S608 - every piece of SQL here is built from this module's constants only
"""What the totals should hold, computed from the ledger: to rebuild and to check them.

The same expressions as the triggers of migration 0003; keep the two in step. Every piece
of SQL here is a constant of this module: nothing from outside is ever put into it.
"""

_POSTGRESQL = """SELECT e.person_id, p.period, CASE p.period
      WHEN 'w' THEN date_trunc('week', e.created_at AT TIME ZONE 'UTC')::date
      WHEN 'm' THEN date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date
      WHEN 'q' THEN date_trunc('quarter', e.created_at AT TIME ZONE 'UTC')::date
      ELSE DATE '1970-01-01' END AS start,
    SUM(e.points) AS points
  FROM recognition_pointsentry e CROSS JOIN (VALUES ('w'), ('m'), ('q'), ('a')) AS p(period)
  WHERE e.points <> 0 AND e.action <> 'redemption'
  GROUP BY 1, 2, 3"""

_SQLITE_STARTS = [
    ("w", "date(e.created_at, 'weekday 0', '-6 days')"),
    ("m", "date(e.created_at, 'start of month')"),
    (
        "q",
        "printf('%s-%02d-01', strftime('%Y', e.created_at), "
        "((CAST(strftime('%m', e.created_at) AS INTEGER) - 1) / 3) * 3 + 1)",
    ),
    ("a", "'1970-01-01'"),
]

_SQLITE = (
    "SELECT person_id, period, start, SUM(points) AS points FROM ("
    + " UNION ALL ".join(
        f"SELECT e.person_id AS person_id, '{code}' AS period, {start} AS start, e.points AS points"
        " FROM recognition_pointsentry e WHERE e.points <> 0 AND e.action <> 'redemption'"
        for code, start in _SQLITE_STARTS
    )
    + ") AS x GROUP BY person_id, period, start"
)


def expected_totals(vendor: str) -> str:
    """Return a SELECT of (person_id, period, start, points) computed from the ledger."""
    return _POSTGRESQL if vendor == "postgresql" else _SQLITE


def mismatches(vendor: str) -> str:
    """Return a SELECT of the totals that differ from what the ledger says."""
    return (
        "SELECT person_id, period, start, SUM(points) AS difference FROM ("
        f"SELECT person_id, period, start, points FROM ({expected_totals(vendor)}) AS expected"
        " UNION ALL SELECT person_id, period, start, -points FROM recognition_pointstotal"
        ") AS together GROUP BY person_id, period, start HAVING SUM(points) <> 0"
    )
