"""PostgreSQL: TRUNCATE of the audit tables is refused by a statement trigger (SECURITY.md C12).

Row triggers (0002) do not see TRUNCATE, and before this migration the application's role could empty
audit_record and audit_chain_head with one statement and leave `audit verify` passing. The trigger raises
for any role that has not disabled it; disabling it needs table ownership, which the application's role
does not have once the grants of `ezhou audit grants` are applied (a separate owner role). SQLite has no
TRUNCATE: its DELETE trigger on audit_record (0002) refuses the equivalent, and a DELETE of the head alone is
found by verify (a missing head) and by the anchor file (common.audit.anchor).
"""

from django.db import migrations

TABLES = ("audit_record", "audit_chain_head")

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
            USING ERRCODE = 'P0001', HINT = '审计日志只能追加，不能清空。';
    END;
    $$;
    """,
    *[
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();"
        for table in TABLES
    ],
]
BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in TABLES],
    "DROP FUNCTION IF EXISTS audit_no_truncate();",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: no TRUNCATE statement (see the docstring); other vendors are refused by 0002
    for statement in FORWARD:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
