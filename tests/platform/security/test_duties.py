"""三员分立 (SECURITY.md C07; issue 14 failure 5): the permission matrix and the reproduced failures.

The probe: the system administrator reset the auditor's password (unaudited) and logged in as auditor, or
changed its own role to auditor. Now accounts, roles and passwords are the security administrator's only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import User
from ezhou_platform.common.roles import PRIVILEGED_ROLES, Role
from ezhou_platform.security.accounts import AccountError, assign_role, reset_password

pytestmark = pytest.mark.django_db


def _request(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def duties(user: Any) -> set[str]:
    """What a user can actually do, read from the permission checks the pages use."""
    from ezhou_platform.common.audit.models import AuditRecord as Rec
    from ezhou_platform.common.audit.views import AUDIT_READERS
    from ezhou_platform.common.models import CalendarYear
    from ezhou_platform.common.permissions import allowed

    request = _request(user)
    out: set[str] = set()
    if admin.site._registry[User].has_change_permission(request) or admin.site._registry[
        User
    ].has_add_permission(request):
        out.add("security")  # manage accounts, roles, passwords
    if admin.site._registry[Rec].has_view_permission(request) or allowed(user, roles=AUDIT_READERS):
        out.add("audit")  # read the audit trail
    if admin.site._registry[CalendarYear].has_add_permission(request):
        out.add("system")  # configure the system (reference data, calendar)
    return out


def test_permission_matrix_no_role_holds_two_duties(demo_users: Any) -> None:
    rows = []
    for role in Role:
        user = User(username=f"probe-{role}", role=role, is_active=True)
        user.is_staff = True
        got = duties(user)
        rows.append((role, sorted(got)))
        assert len(got) <= 1, f"{role} holds {got}"
    expected = {Role.ADMIN: ["system"], Role.SECURITY_ADMIN: ["security"], Role.AUDITOR: ["audit"]}
    for role, got in rows:
        if role in PRIVILEGED_ROLES:
            assert got == expected[role], (role, got)
        else:
            assert got == [], (role, got)
    print("\nC07 permission matrix:", "; ".join(f"{r.label}={'/'.join(d) or '—'}" for r, d in rows))


def test_forbidden_combinations_are_not_assignable(demo_users: Any) -> None:
    """A superuser auditor (system + audit) is refused by the database; the admin has no flag fields."""
    assignable = 0
    for role in (Role.AUDITOR, Role.SECURITY_ADMIN, Role.CLERK):
        user = demo_users["auditor"] if role == Role.AUDITOR else User(username=f"x-{role}", role=role)
        user.role = role
        user.is_superuser = True
        try:
            with transaction.atomic():
                user.save()
            assignable += 1
        except IntegrityError:
            pass
    fields = {f for _, opts in admin.site._registry[User].fieldsets for f in opts["fields"]}
    assert not fields & {"is_superuser", "is_staff", "groups", "user_permissions"}
    assert assignable == 0
    print(f"\nC07 forbidden combos assignable = {assignable}")


def test_system_admin_cannot_reset_the_auditors_password(login_client: Any, demo_users: Any) -> None:
    auditor = demo_users["auditor"]
    client = login_client("admin")
    url = f"/admin/common/user/{auditor.pk}/password/"
    assert client.get(url).status_code == 403
    r = client.post(url, {"password1": "Another-Lake#2031", "password2": "Another-Lake#2031"})
    assert r.status_code == 403
    auditor.refresh_from_db()
    assert not auditor.check_password("Another-Lake#2031")
    with pytest.raises(AccountError):
        reset_password(auditor, actor=demo_users["admin"], new_password="Another-Lake#2031")


def test_system_admin_cannot_change_its_own_role(login_client: Any, demo_users: Any) -> None:
    me = demo_users["admin"]
    client = login_client("admin")
    r = client.post(f"/admin/common/user/{me.pk}/change/", {"username": "admin", "role": "auditor"})
    assert r.status_code == 403
    me.refresh_from_db()
    assert me.role == Role.ADMIN
    with pytest.raises(AccountError):
        assign_role(me, Role.AUDITOR, actor=me)


def test_security_admin_never_its_own_role(login_client: Any, demo_users: Any) -> None:
    me = demo_users["anquan_admin"]
    with pytest.raises(AccountError, match="本人"):
        assign_role(me, Role.AUDITOR, actor=me)
    client = login_client("anquan_admin")
    form = client.get(f"/admin/common/user/{me.pk}/change/").context["adminform"]
    assert "role" in form.readonly_fields


def test_security_admin_resets_a_password_audited_and_to_be_changed(
    login_client: Any, demo_users: Any, client: Any
) -> None:
    auditor = demo_users["auditor"]
    sec = login_client("anquan_admin")
    r = sec.post(
        f"/admin/common/user/{auditor.pk}/password/",
        {"password1": "Fresh-Harbour#2031", "password2": "Fresh-Harbour#2031", "usable_password": "true"},
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    auditor.refresh_from_db()
    assert auditor.check_password("Fresh-Harbour#2031") and auditor.must_change_password
    rec = AuditRecord.objects.get(action="platform.user.password_reset")
    assert rec.actor_username == "anquan_admin" and rec.object_id == str(auditor.pk)
    assert rec.after["privileged"] is True
    # The auditor must change it at the next login before anything else.
    sec.logout()
    r = client.post("/accounts/login/", {"username": "auditor", "password": "Fresh-Harbour#2031"})
    assert r.status_code == 302
    assert client.get("/audit/")["Location"] == "/accounts/password/"


def test_role_change_by_the_security_admin_is_audited(demo_users: Any) -> None:
    clerk = demo_users["zhujian_clerk"]
    assign_role(clerk, Role.DEPARTMENT_HEAD, actor=demo_users["anquan_admin"], department=clerk.department)
    rec = AuditRecord.objects.get(action="platform.user.role_change")
    assert rec.before["role"] == "clerk" and rec.after["role"] == "head"
    clerk.refresh_from_db()
    assert clerk.is_staff and not clerk.is_superuser
