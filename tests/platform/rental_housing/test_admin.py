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


def test_inspection_with_findings_is_audited_and_on_the_board(login_client: Any) -> None:
    from ezhou_platform.common.audit.models import AuditRecord
    from ezhou_platform.common.models import Jurisdiction
    from ezhou_platform.rental_housing.demo import load_demo
    from ezhou_platform.rental_housing.models import Finding, Project

    load_demo()
    c = login_client("zhujian_clerk")
    p = Project.objects.get(certificate_number="鄂州保租认〔2022〕001号")
    data = {
        "jurisdiction": Jurisdiction.objects.get(code="huarong").pk,
        "project": p.pk,
        "inspected_on": "2024-05-06",
        "inspectors": "王强",
        "summary": "",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "1000",
        "findings-0-category": "price",
        "findings-0-description": "租金高于市场租金的70%",
        "findings-0-sanction": "rectify",
        "findings-0-rectify_by": "2024-05-20",
    }
    r = c.post("/admin/rental_housing/inspection/add/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Finding.objects.filter(category="price").count() == 1
    assert AuditRecord.objects.filter(action="rental_housing.finding.save").exists()
    board = c.get("/rental-housing/deadlines/").content.decode()
    assert "整改：租赁价格（责令整改）" in board and "已逾期" in board
