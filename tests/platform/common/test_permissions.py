"""The one permission helper: roles, departments, auditors read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from ezhou_platform.common.models import Department
from ezhou_platform.common.permissions import READ, WRITE, allowed, require, scope_to_department
from ezhou_platform.common.roles import Role

pytestmark = pytest.mark.django_db

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


def test_clerk_only_in_own_department(demo_users: Any) -> None:
    clerk = demo_users["yibao_clerk"]
    assert allowed(clerk, roles=STAFF, department="medical_security", action=WRITE)
    assert not allowed(clerk, roles=STAFF, department="water", action=READ)
    with pytest.raises(PermissionDenied):
        require(clerk, roles=STAFF, department="water")


def test_auditor_reads_everything_and_changes_nothing(demo_users: Any) -> None:
    auditor = demo_users["auditor"]
    assert allowed(auditor, roles=STAFF, department="water", action=READ)
    assert not allowed(auditor, roles=STAFF, department="water", action=WRITE)


def test_citizen_not_in_staff_views(demo_users: Any) -> None:
    assert not allowed(demo_users["citizen"], roles=STAFF)
    assert not allowed(None, roles=STAFF)


def test_inactive_user_has_no_access(demo_users: Any) -> None:
    clerk = demo_users["yibao_clerk"]
    clerk.is_active = False
    assert not allowed(clerk, roles=STAFF, department="medical_security")


def test_scope_to_department_filters_rows(demo_users: Any) -> None:
    from ezhou_platform.common.models import User

    qs = User.objects.all()
    mine = scope_to_department(qs, demo_users["yibao_clerk"])
    medical = Department.objects.get(code="medical_security")
    assert set(mine.values_list("department", flat=True)) == {medical.id}
    assert scope_to_department(qs, demo_users["citizen"]).count() == 0
    assert scope_to_department(qs, demo_users["auditor"]).count() == qs.count()


def test_sqlite_runs_in_wal_with_full_sync(db: Any) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
