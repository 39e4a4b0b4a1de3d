"""Database triggers: the ledger refuses edits, and every insert or delete moves the totals.

Written out here (not imported from the app) so this migration keeps doing what it did when
the code around it changes. `passaparola.recognition.sql` holds the same expressions for
rebuilding and checking the totals.
"""

from django.db import migrations

FIELDS = [
    "person_id",
    "action",
    "points",
    "key",
    "network",
    "created_at",
    "recorded_at",
    "capped",
    "reverses_id",
    "note",
]

POSTGRESQL_START = """CASE p.period
      WHEN 'w' THEN date_trunc('week', e.created_at AT TIME ZONE 'UTC')::date
      WHEN 'm' THEN date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date
      WHEN 'q' THEN date_trunc('quarter', e.created_at AT TIME ZONE 'UTC')::date
      ELSE DATE '1970-01-01' END"""

POSTGRESQL_EXPECTED = f"""SELECT e.person_id, p.period, {POSTGRESQL_START} AS start,
    SUM(e.points) AS points
  FROM recognition_pointsentry e CROSS JOIN (VALUES ('w'), ('m'), ('q'), ('a')) AS p(period)
  WHERE e.points <> 0 AND e.action <> 'redemption'
  GROUP BY 1, 2, 3"""

POSTGRESQL = [
    f"""CREATE FUNCTION recognition_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {" OR ".join(f"NEW.{f} IS DISTINCT FROM OLD.{f}" for f in FIELDS)} THEN
    RAISE EXCEPTION 'the points ledger is append-only: add a correction instead'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$""",
    """CREATE TRIGGER recognition_ledger_append_only BEFORE UPDATE ON recognition_pointsentry
  FOR EACH ROW EXECUTE FUNCTION recognition_ledger_append_only()""",
    # Statement-level with a transition table: a bulk insert of a million lines updates each
    # total once, in a fixed order so that concurrent writers take row locks alike.
    f"""CREATE FUNCTION recognition_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO recognition_pointstotal (person_id, period, start, points)
  SELECT e.person_id, p.period, {POSTGRESQL_START}, SUM(e.points)
  FROM new_rows e CROSS JOIN (VALUES ('w'), ('m'), ('q'), ('a')) AS p(period)
  WHERE e.points <> 0 AND e.action <> 'redemption'
  GROUP BY 1, 2, 3
  ORDER BY 2, 3, 1
  ON CONFLICT (period, start, person_id)
  DO UPDATE SET points = recognition_pointstotal.points + EXCLUDED.points;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER recognition_totals_add AFTER INSERT ON recognition_pointsentry
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION recognition_totals_add()""",
    # Deletes only happen when a person is erased; their totals go too, so only update.
    f"""CREATE FUNCTION recognition_totals_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE recognition_pointstotal t SET points = t.points - d.points
  FROM (
    SELECT e.person_id, p.period, {POSTGRESQL_START} AS start, SUM(e.points) AS points
    FROM old_rows e CROSS JOIN (VALUES ('w'), ('m'), ('q'), ('a')) AS p(period)
    WHERE e.points <> 0 AND e.action <> 'redemption'
    GROUP BY 1, 2, 3
  ) d
  WHERE t.period = d.period AND t.start = d.start AND t.person_id = d.person_id;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER recognition_totals_remove AFTER DELETE ON recognition_pointsentry
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION recognition_totals_remove()""",
    "DELETE FROM recognition_pointstotal",
    f"""INSERT INTO recognition_pointstotal (person_id, period, start, points)
  {POSTGRESQL_EXPECTED}""",
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER recognition_totals_remove ON recognition_pointsentry",
    "DROP FUNCTION recognition_totals_remove()",
    "DROP TRIGGER recognition_totals_add ON recognition_pointsentry",
    "DROP FUNCTION recognition_totals_add()",
    "DROP TRIGGER recognition_ledger_append_only ON recognition_pointsentry",
    "DROP FUNCTION recognition_ledger_append_only()",
    "DELETE FROM recognition_pointstotal",
]


def _sqlite_starts(row: str) -> list[tuple[str, str]]:
    return [
        ("w", f"date({row}.created_at, 'weekday 0', '-6 days')"),
        ("m", f"date({row}.created_at, 'start of month')"),
        (
            "q",
            f"printf('%s-%02d-01', strftime('%Y', {row}.created_at), "
            f"((CAST(strftime('%m', {row}.created_at) AS INTEGER) - 1) / 3) * 3 + 1)",
        ),
        ("a", "'1970-01-01'"),
    ]


SQLITE_EXPECTED = (
    "SELECT person_id, period, start, SUM(points) AS points FROM ("
    + " UNION ALL ".join(
        f"SELECT e.person_id AS person_id, '{code}' AS period, {start} AS start, e.points AS points"
        " FROM recognition_pointsentry e WHERE e.points <> 0 AND e.action <> 'redemption'"
        for code, start in _sqlite_starts("e")
    )
    + ") AS x GROUP BY person_id, period, start"
)

SQLITE = [
    f"""CREATE TRIGGER recognition_ledger_append_only
BEFORE UPDATE ON recognition_pointsentry
WHEN {" OR ".join(f"NEW.{f} IS NOT OLD.{f}" for f in FIELDS)}
BEGIN
  SELECT RAISE(ABORT, 'the points ledger is append-only: add a correction instead');
END""",
    f"""CREATE TRIGGER recognition_totals_add AFTER INSERT ON recognition_pointsentry
WHEN NEW.points <> 0 AND NEW.action <> 'redemption'
BEGIN
  INSERT INTO recognition_pointstotal (person_id, period, start, points) VALUES
  {", ".join(f"(NEW.person_id, '{code}', {start}, NEW.points)" for code, start in _sqlite_starts("NEW"))}
  ON CONFLICT (period, start, person_id) DO UPDATE SET points = points + excluded.points;
END""",
    f"""CREATE TRIGGER recognition_totals_remove AFTER DELETE ON recognition_pointsentry
WHEN OLD.points <> 0 AND OLD.action <> 'redemption'
BEGIN
  {" ".join(
        f"UPDATE recognition_pointstotal SET points = points - OLD.points"
        f" WHERE period = '{code}' AND start = {start} AND person_id = OLD.person_id;"
        for code, start in _sqlite_starts("OLD")
    )}
END""",
    "DELETE FROM recognition_pointstotal",
    f"INSERT INTO recognition_pointstotal (person_id, period, start, points) {SQLITE_EXPECTED}",
]

SQLITE_REVERSE = [
    "DROP TRIGGER recognition_totals_remove",
    "DROP TRIGGER recognition_totals_add",
    "DROP TRIGGER recognition_ledger_append_only",
    "DELETE FROM recognition_pointstotal",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"Passaparola's points ledger needs SQLite or PostgreSQL, not {vendor}")
        for statement in statements[vendor]:
            # No parameters: the SQL holds literal % signs (strftime, printf).
            schema_editor.execute(statement, None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("recognition", "0002_ledger_totals_scheme_badges_challenges_rewards"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
