"""The admin of 保障性租赁住房: housing clerks work there, auditors read, the system administrator does not."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

MODELS = [
    "operator",
    "project",
    "unit",
    "application",
    "allocation",
    "contract",
    "inspection",
    "complaint",
    "maintenancerequest",
    "objection",
    "operatorstaff",
]


def test_admin_pages_by_role(login_client: Any) -> None:
    from ezhou_platform.rental_housing.demo import load_demo

    load_demo()
    for model in MODELS:
        url = f"/admin/rental_housing/{model}/"
        assert login_client("zhujian_clerk").get(url).status_code == 200, url
        assert login_client("auditor").get(url).status_code == 200, url
        assert login_client("admin").get(url).status_code == 403, url
        assert login_client("yibao_clerk").get(url).status_code == 403, url
    # auditors cannot add; the project form derives the type from the sourcing method
    assert login_client("auditor").get("/admin/rental_housing/project/add/").status_code == 403
    assert login_client("zhujian_clerk").get("/admin/rental_housing/project/add/").status_code == 200
    # application data in the admin is read-only and never shows the full ID number
    from ezhou_platform.rental_housing.models import Application

    app = Application.objects.get(name="李明")
    for url in ("/admin/rental_housing/application/", f"/admin/rental_housing/application/{app.pk}/change/"):
        page = login_client("zhujian_clerk").get(url).content.decode()
        assert app.id_number not in page


def test_inspection_with_findings_is_audited_and_on_the_board(login_client: Any, clock_at: Any) -> None:
    """Recorded on the inspection page (the admin only reads it): each finding is a case; the order to rectify
    opens the rectification period, which is on the board and overdue once it has passed."""
    from ezhou_platform.common.audit.models import AuditRecord
    from ezhou_platform.procedures.models import Document
    from ezhou_platform.rental_housing.demo import load_demo
    from ezhou_platform.rental_housing.models import Finding, Project

    load_demo()
    c = login_client("zhujian_clerk")
    p = Project.objects.get(certificate_number="鄂州保租认〔2022〕001号")
    assert c.get("/admin/rental_housing/inspection/add/").status_code == 403  # read-only in the admin
    data = {
        "project": p.pk,
        "inspected_on": "2026-06-15",
        "inspectors": "王强",
        "summary": "",
        "f-TOTAL_FORMS": "3",
        "f-INITIAL_FORMS": "0",
        "f-MIN_NUM_FORMS": "0",
        "f-MAX_NUM_FORMS": "10",
        "f-0-category": "price",
        "f-0-description": "租金高于市场租金的70%",
    }
    r = c.post("/rental-housing/inspections/new/", data)
    finding = Finding.objects.get(category="price")
    assert r.status_code == 302 and r["Location"] == f"/rental-housing/findings/{finding.pk}/"
    assert AuditRecord.objects.filter(action="rental_housing.finding.save").exists()
    r = c.post(
        f"/rental-housing/findings/{finding.pk}/",
        {"action": "order", "rectify_by": "2026-06-20", "requirement": "按评估租金调整"},
    )
    finding.refresh_from_db()
    assert finding.status == "rectifying" and finding.rectify_by.isoformat() == "2026-06-20"
    order = Document.objects.filter(kind="rental_housing.rectification").order_by("seq").last()
    assert order is not None and order.case is not None and order.case.object_id == finding.pk
    assert order.number == "鄂州保租改〔2026〕2号"  # the demo's own order is No. 1
    assert "行政复议" in order.html and "第二十八条" in order.html
    clock_at(__import__("datetime").date(2026, 6, 25))
    board = login_client("zhujian_clerk").get("/rental-housing/deadlines/").content.decode()  # a new session
    assert (
        "整改期限" in board
        and "检查发现问题：华容区葛店大道人才公寓（租赁价格）" in board
        and "已逾期" in board
    )
