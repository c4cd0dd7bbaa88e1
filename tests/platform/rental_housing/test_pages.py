"""Pages of 保障性租赁住房: public pages, the citizen portal, the clerk list, the deadline board, the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from consent_fields import FORM_ACK

from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import Application, ApplicationStatus, OperatorStaff

from .conftest import SHANGHAI, add_units, qualified, resident_id, submit, verify

pytestmark = pytest.mark.django_db


def test_demo_data_fills_every_page(login_client: Any) -> None:
    from ezhou_platform.rental_housing.demo import load_demo

    load_demo()
    load_demo()  # idempotent
    assert Application.objects.filter(status=ApplicationStatus.PUBLICITY).exists()
    c = login_client("zhujian_clerk")
    assert "鄂州保租认〔2022〕001号" in c.get("/rental-housing/").content.decode()
    assert "审核" in c.get("/rental-housing/deadlines/").content.decode()
    plan = c.get("/rental-housing/plan/").content.decode()
    assert "5,000 套" in plan or "5000 套" in plan, plan[plan.find("<main") :][:600]
    page = c.get("/rental-housing/manage/").content.decode()
    assert "李*" in page and "420704199003071234" not in page
    assert "张三" in login_client("citizen").get("/rental-housing/my/").content.decode()
    assert "公示" in c.get("/rental-housing/publicity/").content.decode()
    # the pages of the tenancy service and the construction starts show demo records too
    assert "凤凰大道" in plan and "2022年12月1日至2022年12月31日开工 600 套" in plan
    c = login_client("zhujian_clerk")
    assert "水龙头漏水" in c.get("/rental-housing/maintenance/").content.decode()
    assert "物业费公示不清楚" in c.get("/rental-housing/complaints/").content.decode()
    assert "物业费公示不清楚" in login_client("citizen").get("/rental-housing/my/service/").content.decode()


def test_clerk_list_search_filter_and_paging(login_client: Any, housing: dict[str, Any]) -> None:
    for i in range(23):
        submit(
            housing["project"],
            housing["clerk"],
            i,
            dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI) + dt.timedelta(minutes=i),
        )
    c = login_client("zhujian_clerk")
    page = c.get("/rental-housing/manage/").content.decode()
    assert "第1/2页，共23条" in page
    assert "共1条" in c.get("/rental-housing/manage/", {"q": "申请人7"}).content.decode()
    assert "共0条" in c.get("/rental-housing/manage/", {"status": "qualified"}).content.decode()
    assert c.get("/rental-housing/manage/", {"page": 2}).status_code == 200


def test_operator_staff_see_only_their_operator(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    from ezhou_platform.common.models import Jurisdiction
    from ezhou_platform.rental_housing.models import Operator

    submit(housing["project"], housing["clerk"], 1, dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI))
    other = Operator.objects.create(
        name="另一运营公司",
        uscc="91420700MA4F000031",
        business_scope="住房租赁",
        jurisdiction=Jurisdiction.objects.get(code="huarong"),
    )
    OperatorStaff.objects.create(user=demo_users["zhujian_clerk"], operator=other)
    assert "共0条" in login_client("zhujian_clerk").get("/rental-housing/manage/").content.decode()
    OperatorStaff.objects.filter(user=demo_users["zhujian_clerk"]).update(operator=housing["operator"])
    assert "共1条" in login_client("zhujian_clerk").get("/rental-housing/manage/").content.decode()


def test_clerk_reviews_through_the_detail_page(login_client: Any, housing: dict[str, Any]) -> None:
    app = submit(housing["project"], housing["clerk"], 1, dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI))
    c = login_client("zhujian_clerk")
    assert "申请审批表" in c.get(f"/rental-housing/manage/{app.pk}/").content.decode()
    c.post(f"/rental-housing/manage/{app.pk}/", {"action": "approve"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLICITY
    # an auditor reads but cannot act
    assert (
        login_client("auditor").post(f"/rental-housing/manage/{app.pk}/", {"action": "qualify"}).status_code
        == 403
    )
    assert login_client("yibao_clerk").get(f"/rental-housing/manage/{app.pk}/").status_code == 403


def test_citizen_applies_and_chooses_on_the_portal(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    p, clerk = housing["project"], housing["clerk"]
    units = add_units(p, clerk, 1)
    c = login_client("citizen")
    # without a verified identity there is no form, only how to get one
    assert "尚未完成实名核验" in c.get("/rental-housing/my/").content.decode()
    verify(demo_users["citizen"], "张三", resident_id(9))
    form = {
        "project": p.pk,
        "applicant": "self",
        "phone": "13800000000",
        "full_civil_capacity": "on",
        "minor_children": 0,
        "materials": ["form", "identity", "marriage", "housing"],
        **FORM_ACK,
    }
    r = c.post("/rental-housing/my/", {**form, "phone": "1"})
    page = r.content.decode()
    # refused naming the field by its label; what was entered stays in the form
    assert "联系电话：“1”不是电话号码。" in page and 'name="phone" value="1"' in page
    r = c.post("/rental-housing/my/", form)
    assert r.status_code == 302
    app = Application.objects.get(applicant__username="citizen")
    assert app.name == "张三" and app.id_number == resident_id(9) and app.agent is None
    assert "张三（本人）" in c.get("/rental-housing/my/").content.decode()
    # shortcut through review and publicity (tested elsewhere); the state field is the layer's, so an update
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.QUALIFIED)
    assert "选定房源" in c.get("/rental-housing/my/").content.decode()
    c.post(f"/rental-housing/my/{app.pk}/choose/", {"unit_id": units[0].pk})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ALLOCATED


def test_queue_position_shown_to_the_waiting(login_client: Any, housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    apps = qualified(p, clerk, 3)
    assert services.queue_position(apps[2]).queue_position == 2  # 2 earlier waiting, 1 free unit


def test_eligibility_calculator_page(client: Any) -> None:
    r = client.post(
        "/rental-housing/eligibility/",
        {
            "application_date": "2024-11-14",
            "birth_date": "2006-11-15",
            "full_civil_capacity": "on",
            "minor_children": 0,
        },
    )
    page = r.content.decode()
    assert "不符合申请条件" in page and "未满18周岁" in page and "第十二条第（一）项" in page


def test_contract_through_the_detail_page(login_client: Any, housing: dict[str, Any]) -> None:
    from ezhou_platform.rental_housing.models import Contract, ContractStatus

    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    services.choose_unit(a, acting_user=clerk)
    c = login_client("zhujian_clerk")
    url = f"/rental-housing/manage/{a.pk}/"
    sign = {
        "action": "sign",
        "number": "HT-9",
        "start_date": "2024-03-01",
        "end_date": "2025-02-28",
        "payment_period_months": 3,
        "deposit_yuan": "1000.00",
    }
    page = c.post(url, sign, follow=True).content.decode()
    assert "第十八条" in page and not Contract.objects.exists()  # originals not confirmed: refused
    c.post(url, {**sign, "originals_checked": "on"})
    c.post(url, {"action": "file"})
    assert Contract.objects.get().status == ContractStatus.FILED
    # renewal refused when the household no longer qualifies (one person, a 35.00 m² home)
    renew = {
        "action": "renew",
        "number": "HT-10",
        "end_date": "2026-02-28",
        "payment_period_months": 3,
        "minor_children": 0,
        "home_areas": "35.00",
    }
    page = c.post(url, renew, follow=True).content.decode()
    assert "应当退出" in page and Contract.objects.count() == 1
    c.post(
        url,
        {
            "action": "terminate",
            "reason": "tenant_request",
            "terminated_on": "2024-09-30",
            "move_out_months": 1,
        },
    )
    page = c.post(
        url, {"action": "vacate", "vacated_on": "2024-11-04", "market_rent_yuan": "1500.00"}, follow=True
    ).content.decode()
    # 1000.00 (10-01 … 10-31) + 1500.00 × 4/30 (11-01 … 11-04) = 200.00 → 1200.00 (see test_procedures)
    assert Contract.objects.get().exit_rent_fen == 120000
    assert "退出期间应缴租金合计1,200.00元" in page
    # the tenant sees the same statement in the portal
    from ezhou_platform.common.models import User

    Application.objects.filter(pk=a.pk).update(applicant=User.objects.get(username="citizen"))
    mine = login_client("citizen").get("/rental-housing/my/").content.decode()
    assert "退出期间应缴租金合计1,200.00元" in mine and "第二十条第二款" in mine
