"""The database refuses UPDATE and DELETE on the audit table, whoever asks (ORM or raw SQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from ezhou_platform.common.audit.db import append_only_suspended, trigger_names
from ezhou_platform.common.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def _refused(fn: Any) -> str:
    with pytest.raises(DatabaseError) as info, transaction.atomic():
        fn()
    return str(info.value)


def test_triggers_are_installed_by_the_migration() -> None:
    assert trigger_names(), "the append-only triggers are missing"


def test_orm_update_of_a_queryset_is_refused(write: Any) -> None:
    write()
    message = _refused(lambda: AuditRecord.objects.update(label="改写"))
    assert "append-only" in message
    assert AuditRecord.objects.get().label == ""


def test_orm_delete_of_a_queryset_is_refused(write: Any) -> None:
    write()
    assert "append-only" in _refused(lambda: AuditRecord.objects.all().delete())
    assert AuditRecord.objects.count() == 1


def test_raw_update_and_delete_are_refused(write: Any) -> None:
    entry = write()

    def raw(sql: str) -> Any:
        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])

        return run

    assert "append-only" in _refused(raw("UPDATE audit_record SET result = 'failed' WHERE id = %s"))
    assert "append-only" in _refused(raw("DELETE FROM audit_record WHERE id = %s"))
    assert AuditRecord.objects.get(pk=entry.pk).result == "success"


def test_model_save_and_delete_of_a_stored_record_are_refused(write: Any) -> None:
    entry = write()
    entry.label = "改写"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_triggers_come_back_after_a_suspension(write: Any) -> None:
    write()
    before = trigger_names()
    with transaction.atomic(), append_only_suspended():
        assert trigger_names() == []
    assert trigger_names() == before
    assert "append-only" in _refused(lambda: AuditRecord.objects.update(label="x"))
