"""The database itself refuses UPDATE and DELETE on audit_record (SECURITY.md C12).

SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). PostgreSQL: one trigger function that
raises, fired BEFORE UPDATE OR DELETE for each row. (TRUNCATE is kept out by privileges: the application's
database role is granted INSERT and SELECT only on audit_record; see docs/audit.md.) The SQL is written out
here, per vendor, so this migration means the same thing forever.
"""

from django.db import migrations

SQL = {
    "sqlite": (
        [
            "CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record "
            "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only: UPDATE refused'); END;",
            "CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
            "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only: DELETE refused'); END;",
        ],
        [
            "DROP TRIGGER IF EXISTS audit_record_no_update;",
            "DROP TRIGGER IF EXISTS audit_record_no_delete;",
        ],
    ),
    "postgresql": (
        [
            """
            CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_record is append-only: % refused', TG_OP
                    USING ERRCODE = 'P0001', HINT = '审计日志只能追加，不能修改或删除。';
            END;
            $$;
            """,
            "CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record "
            "FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();",
        ],
        [
            "DROP TRIGGER IF EXISTS audit_record_append_only ON audit_record;",
            "DROP FUNCTION IF EXISTS audit_record_append_only();",
        ],
    ),
}


def _run(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        # Fail closed: an audit table the database does not protect is not an audit table.
        raise NotImplementedError(f"append-only triggers for the audit table are not written for {vendor!r}")
    for statement in SQL[vendor][index]:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, 0)


def backwards(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
