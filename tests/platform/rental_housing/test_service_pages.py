"""Maintenance requests (第二十四条) and complaints (第二十七条) pages; construction starts on the sourcing-plan
dashboard (鄂州政办发〔2022〕19号 四（二））."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import (
    Complaint,
    MaintenanceRequest,
    OperatorStaff,
    PlanBody,
)

from .conftest import add_units, qualified

pytestmark = pytest.mark.django_db


def _tenant_contract(housing: dict[str, Any], demo_users: dict[str, Any]) -> Any:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    a.applicant = demo_users["citizen"]
    a.save(update_fields=["applicant"])
    alloc = services.choose_unit(a, acting_user=clerk).allocation
    return services.sign_contract(
        alloc,
        acting_user=clerk,
        number="HT-SV",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2025, 2, 28),
        payment_period_months=1,
        deposit_fen=0,
        originals_checked=True,
    )


def test_tenant_reports_a_repair_and_the_operator_handles_it(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    contract = _tenant_contract(housing, demo_users)
    tenant = login_client("citizen")
    r = tenant.post(
        "/rental-housing/my/service/",
        {"kind": "maintenance", "contract": contract.pk, "description": "卫生间漏水"},
    )
    assert r.status_code == 302
    req = MaintenanceRequest.objects.get()
    assert req.status == "open"
    # the operator (district housing staff who see the project) finds it by searching and filtering
    staff = login_client("zhujian_clerk")
    page = staff.get("/rental-housing/maintenance/", {"q": "漏水", "status": "open"}).content.decode()
    assert "卫生间漏水" in page and "共1条" in page
    assert "共0条" in staff.get("/rental-housing/maintenance/", {"status": "done"}).content.decode()
    # a response is required
    staff.post(f"/rental-housing/maintenance/{req.pk}/", {"status": "done", "note": " "})
    req.refresh_from_db()
    assert req.status == "open"
    staff.post(f"/rental-housing/maintenance/{req.pk}/", {"status": "in_progress", "note": "已派维修工"})
    staff.post(f"/rental-housing/maintenance/{req.pk}/", {"status": "done", "note": "已更换水管"})
    req.refresh_from_db()
    assert req.status == "done" and req.note == "已更换水管" and req.completed_on is not None
    # the layer audits each step under its own name: 安排维修, then 维修完成
    actions = AuditRecord.objects.filter(action__startswith="rental_housing.maintenance.")
    assert list(actions.order_by("seq").values_list("action", flat=True))[-2:] == [
        "rental_housing.maintenance.start_repair",
        "rental_housing.maintenance.complete",
    ]
    # the tenant follows it
    page = login_client("citizen").get("/rental-housing/my/service/").content.decode()
    assert "已修复" in page and "已更换水管" in page
    # an auditor reads but does not act
    auditor = login_client("auditor")
    assert auditor.get("/rental-housing/maintenance/").status_code == 200
    assert (
        auditor.post(f"/rental-housing/maintenance/{req.pk}/", {"status": "done", "note": "x"}).status_code
        == 403
    )


def test_tenant_files_a_complaint_and_staff_answer_it(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    tenant = login_client("citizen")
    r = tenant.post(
        "/rental-housing/my/service/",
        {
            "kind": "complaint",
            "project": housing["project"].pk,
            "content": "物业费未公示",
            "complainant": "张三",
        },
    )
    assert r.status_code == 302
    r = tenant.post("/rental-housing/my/service/", {"kind": "complaint", "content": " "})
    assert (r.status_code == 200 and "errors" in r.content.decode()) or "必填" in r.content.decode()
    c = Complaint.objects.get()
    staff = login_client("zhujian_clerk")
    page = staff.get("/rental-housing/complaints/", {"project": housing["project"].pk}).content.decode()
    assert "物业费未公示" in page and "张*" in page and "张三" not in page
    staff.post(f"/rental-housing/complaints/{c.pk}/", {"status": "answered", "reply": "已责令运营单位公示"})
    c.refresh_from_db()
    assert c.status == "answered" and c.answered_on is not None
    with pytest.raises(ApiError) as e:  # answered complaints are closed
        services.handle_complaint(c, acting_user=housing["clerk"], status="in_progress", reply="x")
    assert e.value.code == "bad_state"  # the layer's refusal: the state (已答复) and the article
    page = login_client("citizen").get("/rental-housing/my/service/").content.decode()
    assert "已责令运营单位公示" in page and "已答复" in page


def test_service_lists_are_scoped_and_paged(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    from ezhou_platform.common.models import Jurisdiction
    from ezhou_platform.rental_housing.models import Operator

    for i in range(25):
        services.submit_complaint(
            acting_user=demo_users["citizen"], content=f"投诉{i}", project=housing["project"]
        )
    services.submit_complaint(acting_user=demo_users["citizen"], content="未指明项目的投诉")
    staff = login_client("zhujian_clerk")  # 华容区: sees the project's 25, not the one naming no project
    page = staff.get("/rental-housing/complaints/").content.decode()
    assert "共25条" in page and "第1/2页" in page
    assert "第2/2页" in staff.get("/rental-housing/complaints/", {"page": 2}).content.decode()
    assert "共26条" in login_client("auditor").get("/rental-housing/complaints/").content.decode()
    # another operator's staff see none of them
    other = Operator.objects.create(
        name="另一运营公司",
        uscc="91420700MA4F000031",
        business_scope="住房租赁",
        jurisdiction=Jurisdiction.objects.get(code="huarong"),
    )
    OperatorStaff.objects.create(user=demo_users["zhujian_clerk"], operator=other)
    staff = login_client("zhujian_clerk")
    assert "共0条" in staff.get("/rental-housing/complaints/").content.decode()
    c = Complaint.objects.filter(project=housing["project"]).first()
    assert (
        staff.post(f"/rental-housing/complaints/{c.pk}/", {"status": "answered", "reply": "x"}).status_code
        == 404
    )
    # citizens see only their own complaints; other departments not the lists
    assert login_client("yibao_clerk").get("/rental-housing/complaints/").status_code == 403
    assert login_client("enterprise").get("/rental-housing/my/service/").status_code == 403


def test_construction_starts_on_the_plan_dashboard(login_client: Any, housing: dict[str, Any]) -> None:
    from ezhou_platform.rental_housing.models import Project

    clerk = housing["clerk"]

    def project(n: int, **kw: Any) -> Any:
        return services.register_project(
            acting_user=clerk,
            operator=housing["operator"],
            name=f"城控新建{n}",
            jurisdiction=housing["project"].jurisdiction,
            owner_name="市城控集团",
            sourcing_method=3,
            plan_body=PlanBody.CHENGKONG,
            certificate_number=f"CK-{n}",
            certificate_date=dt.date(2022, 11, 20),
            **kw,
        )

    p1, p2, p3 = project(1), project(2), project(3)
    with pytest.raises(ApiError) as e:
        services.record_construction_start(p1, acting_user=clerk, started_on=dt.date(2022, 12, 1), units=0)
    assert e.value.field == "units"
    services.record_construction_start(p1, acting_user=clerk, started_on=dt.date(2022, 12, 1), units=400)
    services.record_construction_start(p2, acting_user=clerk, started_on=dt.date(2022, 12, 31), units=350)
    services.record_construction_start(p3, acting_user=clerk, started_on=dt.date(2023, 1, 3), units=250)
    assert Project.objects.get(pk=p1.pk).construction_started_on == dt.date(2022, 12, 1)
    assert AuditRecord.objects.filter(action="rental_housing.project.construction_start").count() == 3
    page = login_client("zhujian_clerk").get("/rental-housing/plan/").content.decode()
    # December 2022: 400 + 350 = 750 of 1,000 = 75%; 3 January 2023 is not counted; 1,000 recorded in all
    assert "2022年12月1日至2022年12月31日开工 750 套 / 目标 1,000 套" in page
    assert "75%" in page and "已登记开工合计 1,000 套" in page
    assert "2023年1月3日" in page and "否（不在2022年12月1日至2022年12月31日）" in page


def test_plan_dashboard_shows_the_cited_steps_and_annex_targets(
    login_client: Any, housing: dict[str, Any]
) -> None:
    import re

    page = login_client("zhujian_clerk").get("/rental-housing/plan/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[page.find("<main") :]))
    # 四（一）调研摸底 2022年7月底前, 四（三）评估总结 2022年12月底前: dates from the parameters, with citations
    assert "调研摸底 2022年7月31日前 四（一） 期限已过" in text
    assert "评估总结 2022年12月31日前 四（三） 期限已过" in text
    assert 'href="/policies/public_service_housing/#sec4-item3"' in page
    # the annex: totals by method 3550 / 450 / 1000 (合计 row) and the rows with their citations
    assert "合计 5,000 3,550 450 1,000" in text
    assert (
        "葛店开发区 1,000 550 450" in text and 'href="/policies/public_service_housing/#annex1-item6"' in page
    )
