"""A database trigger refuses any change to an audit entry, whoever runs the SQL.

Deletes stay possible at the database level (the test runner empties tables between tests);
the model and its queryset refuse them in the application.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """CREATE FUNCTION governance_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only'
    USING ERRCODE = 'integrity_constraint_violation';
END $$""",
    """CREATE TRIGGER governance_audit_append_only BEFORE UPDATE ON governance_auditentry
  FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only()""",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS governance_audit_append_only ON governance_auditentry",
    "DROP FUNCTION IF EXISTS governance_audit_append_only()",
]
SQLITE_FORWARD = [
    """CREATE TRIGGER governance_audit_append_only BEFORE UPDATE ON governance_auditentry
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS governance_audit_append_only"]


def run(statements: dict[str, list[str]]):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
