"""The API of 保障性租赁住房: stateless checks with trace, applying, choosing, permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from consent_fields import API_ACK

from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import Application, ApplicationStatus

from .conftest import add_units, qualified, resident_id, verify

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rental-housing"


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}{path}", body, content_type="application/json")


def test_eligibility_17_and_18_years(client: Any) -> None:
    body = {"application_date": "2024-11-14", "birth_date": "2006-11-15", "full_civil_capacity": True}
    r = post(client, "/eligibility", body)
    assert r.status_code == 200
    assert r.json()["eligible"] is False and r.json()["age"] == 17
    assert r.json()["reasons"][0]["citation"] == "鄂州政发〔2022〕19号 第十二条第（一）项"
    r = post(client, "/eligibility", {**body, "application_date": "2024-11-15"})
    assert r.json()["eligible"] is True and r.json()["age"] == 18
    assert [s["anchor"] for s in r.json()["trace"]] == [
        "art12-item1",
        "art12-item1",
        "art12-item2",
        "art12-item3",
    ]


def test_eligibility_35_m2_per_person_boundary(client: Any) -> None:
    body = {
        "application_date": "2024-11-15",
        "birth_date": "1990-01-01",
        "full_civil_capacity": True,
        "has_spouse": True,
        "minor_children": 1,
    }
    # 105.00 / 3 = 35.00: not below 35 → refused; 104.99 → eligible; an off-plan home not delivered counts as none
    assert (
        post(client, "/eligibility", {**body, "homes": [{"area_m2": "105.00"}]}).json()["eligible"] is False
    )
    assert post(client, "/eligibility", {**body, "homes": [{"area_m2": "104.99"}]}).json()["eligible"] is True
    r = post(client, "/eligibility", {**body, "homes": [{"area_m2": "150", "delivered": False}]})
    assert r.json()["eligible"] is True and r.json()["counted_homes"] == 0


def test_eligibility_bad_input_names_the_field(client: Any) -> None:
    r = post(client, "/eligibility", {"application_date": "2024-11-15", "full_civil_capacity": True})
    assert r.status_code == 422 and r.json()["field"] == "birth_date"
    r = post(
        client,
        "/eligibility",
        {
            "application_date": "2024-11-15",
            "birth_date": "1990-01-01",
            "full_civil_capacity": True,
            "homes": [{"area_m2": "80.555"}],
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "homes.0.area_m2"
    # the message names the field by its label, never "homes.0.area_m2" (issue 8 §4)
    assert r.json()["message"] == "第1套住房的建筑面积：面积最多保留两位小数（0.01平方米）。"
    r = post(
        client,
        "/eligibility",
        {"application_date": "2022-01-01", "birth_date": "1990-01-01", "full_civil_capacity": True},
    )
    # a date before the measures: a clear message naming the field (was a bare parameter_not_set)
    assert r.status_code == 422 and r.json()["code"] == "date_before_in_force"
    assert r.json()["message"].startswith("申请日期：2022年1月1日早于鄂州政发〔2022〕19号")


def test_exit_rent_statement(client: Any) -> None:
    r = post(
        client,
        "/exit-rent",
        {
            "exit_date": "2024-01-31",
            "move_out_months": 3,
            "vacated_date": "2024-05-10",
            "contract_rent_fen": 150000,
            "market_rent_fen": 250000,
        },
    )
    assert r.status_code == 200
    # 3 × 1500.00 + 2500.00 × 10/31 (05-01 … 05-10 of May) = 4500.00 + 806.45 (was 10/30 → 833.33)
    assert r.json()["total_fen"] == 530645 and r.json()["move_out_end"] == "2024-04-30"
    assert r.json()["total"] == "5,306.45元"
    assert {s["anchor"] for s in r.json()["trace"]} == {"art20-para2"}
    r = post(
        client,
        "/exit-rent",
        {
            "exit_date": "2024-01-31",
            "move_out_months": 4,
            "vacated_date": "2024-05-10",
            "contract_rent_fen": 150000,
            "market_rent_fen": 250000,
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "move_out_months"


def test_rent_to_own(client: Any) -> None:
    r = post(
        client,
        "/rent-to-own",
        {
            "housing_type": "rent_then_sell",
            "tenancy_start": "2023-03-01",
            "on": "2028-03-01",
            "rent_paid_fen": 6000000,
            "price_fen": 50000000,
        },
    )
    assert r.json()["may_apply_now"] is True and r.json()["payable_fen"] == 44000000


def test_citizen_applies_and_chooses(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    p, clerk = housing["project"], housing["clerk"]
    units = add_units(p, clerk, 1)
    verify(demo_users["citizen"], "张三", resident_id(7))  # the account's own verified identity
    c = login_client("citizen")
    body = {
        "project_id": p.pk,
        "name": "张三",
        "id_number": resident_id(7),
        "phone": "13800000000",
        "full_civil_capacity": True,
        "materials": ["form", "identity", "marriage", "housing", "other"],
        **API_ACK,
    }
    r = post(c, "/applications", body)
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    assert r.json()["status"] == "submitted"
    assert post(c, "/applications", body).status_code == 409  # one open application per person and project
    assert post(c, f"/applications/{app_id}/choose", {}).json()["code"] == "bad_state"
    app = Application.objects.get(pk=app_id)
    app = services.review_approve(app, acting_user=clerk)
    app.publicity_end = dt.date(2000, 1, 1)  # test shortcut: the publicity period is over
    app.save()
    services.close_publicity(app, acting_user=clerk)
    r = post(c, f"/applications/{app_id}/choose", {"unit_id": units[0].pk})
    assert r.status_code == 200 and r.json()["allocated"] is True
    mine = c.get(f"{BASE}/applications/mine").json()
    assert mine[0]["unit"] == units[0].number and mine[0]["status"] == ApplicationStatus.ALLOCATED
    assert mine[0]["applicant_name"] == "张三" and mine[0]["on_behalf"] is False


def test_choosing_someone_elses_application_is_not_found(login_client: Any, housing: dict[str, Any]) -> None:
    (a,) = qualified(housing["project"], housing["clerk"], 1)
    assert post(login_client("citizen"), f"/applications/{a.pk}/choose", {}).status_code == 404


def test_staff_endpoints_need_the_housing_department(login_client: Any, housing: dict[str, Any]) -> None:
    app = qualified(housing["project"], housing["clerk"], 1)[0]
    assert (
        post(login_client("yibao_clerk"), f"/applications/{app.pk}/review", {"approve": True}).status_code
        == 403
    )
    assert (
        post(login_client("auditor"), f"/applications/{app.pk}/review", {"approve": True}).status_code == 403
    )
    r = post(login_client("zhujian_clerk"), f"/applications/{app.pk}/review", {"approve": True})
    assert r.status_code == 409 and r.json()["code"] == "bad_state"


def test_publicity_list_masks_names_and_ids(client: Any, housing: dict[str, Any]) -> None:
    from .conftest import SHANGHAI, submit

    app = submit(
        housing["project"], housing["clerk"], 3, dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI), name="欧阳娜娜"
    )
    services.review_approve(app, acting_user=housing["clerk"], on=dt.date(2023, 3, 2))
    row = client.get(f"{BASE}/publicity").json()[0]
    assert row["name"] == "欧阳**" and row["id_number"].count("*") >= 10
    page = client.get("/rental-housing/publicity/").content.decode()
    assert "欧阳**" in page and "欧阳娜娜" not in page and app.id_number not in page


def test_maintenance_request_and_complaint(login_client: Any, housing: dict[str, Any]) -> None:
    from ezhou_platform.common.audit.models import AuditRecord
    from ezhou_platform.rental_housing.models import Complaint, MaintenanceRequest

    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    c = login_client("citizen")
    a.applicant = Application._meta.get_field("applicant").related_model.objects.get(username="citizen")
    a.save()
    alloc = services.choose_unit(a, acting_user=clerk).allocation
    contract = services.sign_contract(
        alloc,
        acting_user=clerk,
        number="HT-M",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2025, 2, 28),
        payment_period_months=1,
        deposit_fen=0,
        originals_checked=True,
    )
    assert post(c, f"/contracts/{contract.pk}/maintenance", {"description": "卫生间漏水"}).status_code == 201
    assert (
        post(c, f"/contracts/{contract.pk}/maintenance", {"description": " "}).json()["field"]
        == "description"
    )
    assert (
        post(
            login_client("enterprise"), f"/contracts/{contract.pk}/maintenance", {"description": "x"}
        ).status_code
        == 403
    )
    assert (
        post(c, "/complaints", {"content": "运营单位收取3个月以上租金", "project_id": p.pk}).status_code
        == 201
    )
    assert MaintenanceRequest.objects.count() == 1 and Complaint.objects.count() == 1
    assert AuditRecord.objects.filter(action="rental_housing.complaint.submit").exists()
