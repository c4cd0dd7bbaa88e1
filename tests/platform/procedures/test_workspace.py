"""Every role lands on its workspace: staff see their department's open periods (overdue first, working days
left, 暂定 marked), citizens and enterprises their cases with progress, what is due from them and documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from procedure_example.models import ExampleRequest

from ezhou_platform.procedures import engine
from ezhou_platform.procedures.machine import APPLICANT, Opens
from ezhou_platform.procedures.models import Case
from ezhou_rules.core import periods
from ezhou_rules.core.periods import compute_deadline

pytestmark = pytest.mark.django_db
D = dt.date
CITE = "鄂州政办发〔2022〕15号 第十条第一款"
VERIFY_5 = Opens(
    "verify_due", "核实期限", CITE, lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(5))
)
# An applicant's period (as a unit's time to pay or appeal would be): stored in the same record's field.
APPLICANT_10 = Opens(
    "decision_due",
    "补正材料期限",
    CITE,
    lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(10)),
    APPLICANT,
)


def file(
    actor: Any, on: dt.date, name: str, uscc: str = "91420700MA49XK5L2Y", opens=(VERIFY_5,)
) -> ExampleRequest:
    with transaction.atomic():
        req = ExampleRequest.objects.create(name=name, uscc=uscc, received_on=on)
        engine.start(req, actor=actor, on=on, label="受理调整申请", cites=CITE, opens=list(opens))
    return req


def test_login_lands_on_the_workspace(client: Any, demo_users: dict[str, Any]) -> None:
    from ezhou_platform.common.demo import DEMO_PASSWORD

    demo_users["shuiwu_clerk"].set_password(DEMO_PASSWORD)
    demo_users["shuiwu_clerk"].save()
    r = client.post("/accounts/login/", {"username": "shuiwu_clerk", "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/workspace/"


def test_staff_todo_overdue_first_with_workdays_left(
    login_client: Any, demo_users: dict[str, Any], clock_at: Any
) -> None:
    clerk = demo_users["shuiwu_clerk"]
    # Received 2026-06-01 (Mon): verify by 06-08 (5 working days: 06-02…06-05, 06-08) — overdue on 06-15.
    file(clerk, D(2026, 6, 1), "甲公司")
    # Received 2026-06-12 (Fri): 06-15 (1) … 06-18 (4); 06-19 is the Dragon Boat holiday; 06-22 (5).
    file(clerk, D(2026, 6, 12), "乙公司")
    # Received 2026-12-28: 5 working days into 2027 (not entered) → 2027-01-04, 暂定.
    file(clerk, D(2026, 12, 28), "丙公司")
    page = login_client("shuiwu_clerk").get("/workspace/").content.decode()
    a, b, c = page.index("甲公司"), page.index("乙公司"), page.index("丙公司")
    assert a < b < c  # overdue first, then by due date
    assert "已逾期5个工作日" in page and "（1项已逾期）" in page
    assert "暂定：2027年节假日安排尚未录入" in page
    # Another department's clerk sees none of it; the auditor sees only what is overdue.
    assert "甲公司" not in login_client("yibao_clerk").get("/workspace/").content.decode()
    audit_page = login_client("auditor").get("/workspace/").content.decode()
    assert "甲公司" in audit_page and "乙公司" not in audit_page


def test_enterprise_sees_its_cases_progress_and_what_it_must_do(
    login_client: Any, demo_users: dict[str, Any]
) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    mine = file(clerk, D(2026, 6, 1), "鄂州示范制造有限公司", opens=(VERIFY_5, APPLICANT_10))
    other = file(clerk, D(2026, 6, 1), "另一家公司", uscc="91420700MA4ABCDE1X")
    engine.take(other, "refuse", actor=head, on=D(2026, 6, 2), data={"reason": "测试"})
    k = login_client("enterprise")
    page = k.get("/workspace/").content.decode()
    assert "鄂州示范制造有限公司用水计划调整申请" in page and "另一家公司" not in page
    # Progress: received is current, verified and approved next; the applicant's period is its next action.
    assert '<li class="step current">● 已受理</li>' in page and '<li class="step next">已核准</li>' in page
    # 10 working days after 2026-06-01: 06-02 … 06-05 (4), 06-08 … 06-12 (9), 06-15 (10).
    assert "需要您办理：补正材料期限，期限2026年6月15日" in page
    # Its case page opens; another unit's does not.
    assert k.get(f"/workspace/cases/{Case.objects.get(object_id=mine.pk).pk}/").status_code == 200
    assert k.get(f"/workspace/cases/{Case.objects.get(object_id=other.pk).pk}/").status_code == 403


def test_documents_reach_the_applicant_and_no_one_else(login_client: Any, demo_users: dict[str, Any]) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    req = file(clerk, D(2026, 6, 1), "鄂州示范制造有限公司")
    engine.take(req, "verify", actor=clerk, on=D(2026, 6, 2))
    doc = engine.take(req, "approve", actor=head, on=D(2026, 6, 3), data={"volume": 100}).document
    assert doc is not None
    page = login_client("enterprise").get("/workspace/").content.decode()
    assert doc.number in page
    r = login_client("enterprise").get(f"/workspace/documents/{doc.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert login_client("citizen").get(f"/workspace/documents/{doc.pk}/pdf/").status_code == 403
    assert login_client("yibao_clerk").get(f"/workspace/documents/{doc.pk}/pdf/").status_code == 403
    assert login_client("shuiwu_clerk").get(f"/workspace/documents/{doc.pk}/").status_code == 200
    # The case list has search and a filter.
    listing = (
        login_client("shuiwu_clerk").get("/workspace/cases/", {"q": "示范", "open": "0"}).content.decode()
    )
    assert "鄂州示范制造有限公司用水计划调整申请" in listing
