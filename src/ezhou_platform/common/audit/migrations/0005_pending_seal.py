"""Pending records (ADR 0005): chain columns may be NULL until the sealer fills them, once.

record() now appends a record without its seq/prev_hash/hash when the chain head is busy, with a content MAC
(content_mac) over its id and content; the sealer chains it shortly after its commit. The append-only triggers
are replaced by ones that refuse every UPDATE and DELETE except one: filling the three NULL chain columns of a
pending record, with every other column unchanged.

SQLite: altering the columns rebuilds the table (Django copies it to a new one), which drops its triggers, so
they are dropped first and created again at the end. The trigger names every other column: a later migration
that adds a column to audit_record must add it here too (the sealer then fails closed, never the other way).
PostgreSQL: the trigger function compares the whole row as jsonb minus the three chain columns, so new
columns are covered without rewriting it.
"""

from django.db import migrations, models

# Every column of audit_record except the three chain columns the sealer fills (SQLite trigger).
UNCHANGED = (
    "id",
    "created_at",
    "actor_id",
    "actor_username",
    "actor_name",
    "actor_role",
    "actor_department_code",
    "actor_department",
    "remote_addr",
    "user_agent",
    "path",
    "request_id",
    "action",
    "label",
    "object_type",
    "object_id",
    "object_repr",
    "before_json",
    "after_json",
    "result",
    "citation",
    "content_mac",
)
SEAL_ONLY = (
    "OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL"
    " AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL"
)
SQLITE_SEAL_ONLY = SEAL_ONLY + "".join(f" AND NEW.{c} IS OLD.{c}" for c in UNCHANGED)

SQLITE_OLD_UPDATE = (
    "CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only: UPDATE refused'); END;"
)
SQLITE_UPDATE = (
    "CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record "
    f"WHEN NOT ({SQLITE_SEAL_ONLY}) "
    "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only: UPDATE refused'); END;"
)
SQLITE_DELETE = (
    "CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record "
    "BEGIN SELECT RAISE(ABORT, 'audit_record is append-only: DELETE refused'); END;"
)
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_record_no_update;",
    "DROP TRIGGER IF EXISTS audit_record_no_delete;",
]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {seal_only}
       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
        RETURN NEW;  -- the sealer chaining a pending record, nothing else changed
    END IF;
    RAISE EXCEPTION 'audit_record is append-only: % refused', TG_OP
        USING ERRCODE = 'P0001', HINT = '审计日志只能追加，不能修改或删除。';
END;
$$;
"""
PG_OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_record is append-only: % refused', TG_OP
        USING ERRCODE = 'P0001', HINT = '审计日志只能追加，不能修改或删除。';
END;
$$;
"""


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _execute(schema_editor, SQLITE_DROP)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _execute(schema_editor, [*SQLITE_DROP, SQLITE_UPDATE, SQLITE_DELETE])
    elif vendor == "postgresql":
        _execute(schema_editor, [PG_FUNCTION.format(seal_only=SEAL_ONLY)])
    else:
        raise NotImplementedError(f"append-only triggers for the audit table are not written for {vendor!r}")


def restore_old_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _execute(schema_editor, [*SQLITE_DROP, SQLITE_OLD_UPDATE, SQLITE_DELETE])
    elif vendor == "postgresql":
        _execute(schema_editor, [PG_OLD_FUNCTION])


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_field_labels")]

    operations = [
        # Backwards, the old triggers come back last (after the columns are NOT NULL again).
        migrations.RunPython(drop_sqlite_triggers, restore_old_triggers, elidable=False),
        migrations.AddField(
            model_name="auditrecord",
            name="content_mac",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                max_length=64,
                verbose_name="内容校验码",
            ),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="哈希"),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="前序哈希"),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, unique=True, verbose_name="序号"),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)), fields=["id"], name="audit_record_pending"
            ),
        ),
        migrations.RunPython(create_triggers, drop_sqlite_triggers, elidable=False),
    ]
