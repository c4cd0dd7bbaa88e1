"""Contracts other systems can use (issue 8 §3) and input limits (§4) of the rental-housing API: every field
titled in Chinese, the area check and the deadline calculator that take their date, the validity warning,
dates a step does not allow, the rent statement, and the rent cap constraint built from the parameter."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from ezhou_platform.rental_housing import services

from .conftest import add_units, qualified

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rental-housing"
CJK = re.compile(r"[\u4e00-\u9fff]")


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}{path}", body, content_type="application/json")


# -- the schema ---------------------------------------------------------------------------------------------------
def test_every_field_of_every_rental_endpoint_has_a_chinese_title() -> None:
    from ezhou_platform.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    components = schema["components"]["schemas"]
    missing: set[str] = set()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def walk(node: dict[str, Any], where: str, depth: int = 0) -> None:
        node = resolve(node)
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, []):
                walk(option, where, depth + 1)
        if "items" in node:
            walk(node["items"], where, depth + 1)
        for name, prop in node.get("properties", {}).items():
            if not CJK.search(f"{prop.get('title', '')}{prop.get('description', '')}"):
                missing.add(f"{where}.{name}")
            if depth < 8:
                walk(prop, f"{where}.{name}", depth + 1)

    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/rental-housing/")}
    assert {"/api/v1/rental-housing/area-check", "/api/v1/rental-housing/deadlines"} <= set(paths)
    for path, ops in paths.items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if not CJK.search(
                    f"{param.get('schema', {}).get('title', '')}{param.get('description', '')}"
                ):
                    missing.add(f"{method} {path} parameter {param['name']}")
            for media in op.get("requestBody", {}).get("content", {}).values():
                walk(media["schema"], f"{method} {path} in")
            for response in op.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    walk(media["schema"], f"{method} {path} out")
    assert not missing, sorted(missing)


def test_validation_errors_name_the_field_by_its_label(client: Any) -> None:
    body = {"application_date": "2024-11-15", "birth_date": "1990-01-01", "full_civil_capacity": True}
    r = post(client, "/eligibility", {**body, "homes": [{"area_m2": "abc"}]})
    message = r.json()["message"]
    assert r.status_code == 422 and message.startswith("住房第1项的建筑面积：")
    assert "homes" not in message and "Input should" not in message
    r = post(client, "/area-check", {"on": "2024-13-01", "housing_type": "rent_only", "area_m2": "60"})
    assert r.status_code == 422 and r.json()["message"].startswith("计算日期：")


# -- 第八条: area check --------------------------------------------------------------------------------------
def test_area_check_by_type_and_construction(client: Any) -> None:
    # 只租不售, new build: 70.01 m² is above 70.00 (第八条第二款)
    r = post(client, "/area-check", {"on": "2024-06-01", "housing_type": "rent_only", "area_m2": "70.01"})
    out = r.json()
    assert r.status_code == 200 and out["status"] == "refused" and out["within"] is False
    assert out["limit_m2"] == "70.00" and out["citation"] == "鄂州政发〔2022〕19号 第八条第二款"
    assert out["message"] == "只租不售房源单套建筑面积70.01平方米，超过70.00平方米。"
    assert out["validity_warning"] == ""
    # started or converted: up to 90.00
    r = post(
        client,
        "/area-check",
        {
            "on": "2024-06-01",
            "housing_type": "rent_only",
            "construction": "started_or_converted",
            "area_m2": "90",
        },
    )
    assert r.json()["within"] is True and r.json()["limit_m2"] == "90.00"
    # the type from the sourcing method: 第六条第（三）项 → 允许先租后售, 120 m² a warning (90 左右, max 140)
    r = post(client, "/area-check", {"on": "2024-06-01", "sourcing_method": 3, "area_m2": "120.00"})
    assert r.json()["housing_type"] == "rent_then_sell" and r.json()["status"] == "warning"
    assert r.json()["guide_m2"] == "90.00" and r.json()["within"] is True
    # a type that contradicts the sourcing method is refused naming the field
    r = post(
        client,
        "/area-check",
        {"on": "2024-06-01", "sourcing_method": 8, "housing_type": "rent_then_sell", "area_m2": "60"},
    )
    assert r.status_code == 422 and r.json()["field"] == "housing_type"
    # a date before the measures: refused naming 计算日期
    r = post(client, "/area-check", {"on": "2022-10-27", "housing_type": "rent_only", "area_m2": "60"})
    assert r.status_code == 422 and r.json()["message"].startswith("计算日期：2022年10月27日早于")
    # after the measures expired: computed, with the warning
    r = post(client, "/area-check", {"on": "2027-10-28", "housing_type": "rent_only", "area_m2": "60"})
    assert r.status_code == 200 and "有效期已于2027年10月27日届满" in r.json()["validity_warning"]


# -- 第十四条第（二）项: review and publicity deadlines from a given date ---------------------------------------------
def test_deadlines_from_a_given_date_across_national_day(client: Any) -> None:
    # applied Thu 2023-09-28: 09-29 … 10-06 holidays, 10-07 and 10-08 make-up working days →
    # 1st working day 10-07, 2nd 10-08, 3rd 10-09, 4th 10-10, 5th 10-11
    r = post(client, "/deadlines", {"start": "2023-09-28", "publicity_start": "2023-10-09"})
    out = r.json()
    assert r.status_code == 200 and out["review"]["due"] == "2023-10-11"
    assert out["review"]["provisional"] is False and out["review"]["reason"] == ""
    assert out["review"]["citation"] == "鄂州政发〔2022〕19号 第十四条第（二）项"
    # published Mon 2023-10-09: 10-10 … 10-13, 10-16 → the 5th working day after
    assert out["publicity"]["due"] == "2023-10-16"
    assert "2023年10月1日" in " ".join(out["review"]["skipped"]) or "2023-10-01" in out["review"]["skipped"]


def test_deadlines_into_a_year_without_a_holiday_table_are_provisional(client: Any) -> None:
    # applied Mon 2026-12-28, 2027 not entered: Mon–Fri → 12-29, 12-30, 12-31, 2027-01-01, 01-04
    r = post(client, "/deadlines", {"start": "2026-12-28"})
    review = r.json()["review"]
    assert review["due"] == "2027-01-04" and review["provisional"] is True
    assert review["reason"] == "2027年节假日安排尚未录入" and "暂定" in review["rule_text"]
    # without a publicity date it is assumed published on the review deadline
    assert r.json()["publicity"]["start"] == "2027-01-04"
    r = post(client, "/deadlines", {"start": "2022-10-01"})
    assert r.status_code == 422 and r.json()["message"].startswith("申请日期：2022年10月1日早于")
    r = post(client, "/deadlines", {"start": "2024-03-01", "publicity_start": "2024-02-01"})
    assert r.status_code == 422 and r.json()["field"] == "publicity_start"


# -- validity (第三十一条) --------------------------------------------------------------------------------------
def test_calculators_warn_after_the_measures_expired(client: Any) -> None:
    body = {
        "exit_date": "2027-09-30",
        "move_out_months": 1,
        "vacated_date": "2027-10-31",
        "contract_rent_fen": 100000,
        "market_rent_fen": 150000,
    }
    assert "届满" in post(client, "/exit-rent", body).json()["validity_warning"]
    assert post(client, "/exit-rent", {**body, "vacated_date": "2027-10-27"}).json()["validity_warning"] == ""
    r = post(
        client,
        "/eligibility",
        {"application_date": "2027-10-28", "birth_date": "1990-01-01", "full_civil_capacity": True},
    )
    assert "鄂州政发〔2022〕19号的有效期已于2027年10月27日届满" in r.json()["validity_warning"]


# -- dates a step does not allow (§4) -------------------------------------------------------------------------
def test_contract_dates_outside_the_step_are_refused(login_client: Any, housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    services.choose_unit(a, acting_user=clerk)
    staff = login_client("zhujian_clerk")
    sign = {
        "number": "HT-D1",
        "start_date": "2022-10-01",
        "end_date": "2023-09-30",
        "payment_period_months": 3,
        "originals_checked": True,
    }
    r = post(staff, f"/applications/{a.pk}/contract", sign)
    assert r.status_code == 422 and r.json()["field"] == "start_date"
    assert r.json()["message"].startswith("起租日期：2022年10月1日早于鄂州政发〔2022〕19号")
    r = post(
        staff,
        f"/applications/{a.pk}/contract",
        {**sign, "start_date": "2024-02-29", "end_date": "2027-02-28"},
    )
    assert r.status_code == 201, r.content  # exactly 3 years from 29 February
    cid = r.json()["id"]
    # a termination in the future (the clock is 2026-06-15) or before the lease began is refused
    term = {"reason": "tenant_request", "move_out_months": 1}
    r = post(staff, f"/contracts/{cid}/terminate", {**term, "terminated_on": "2099-01-01"})
    assert r.status_code == 422 and r.json()["code"] == "date_in_future"
    assert (
        r.json()["message"]
        == "终止日期：2099年1月1日晚于今天（2026年6月15日），此处登记已经发生的事项，请核对日期。"
    )
    r = post(staff, f"/contracts/{cid}/terminate", {**term, "terminated_on": "2024-01-31"})
    assert r.status_code == 422 and "早于合同起租日期2024年2月29日" in r.json()["message"]
    r = post(staff, f"/contracts/{cid}/terminate", {**term, "terminated_on": "2026-05-31"})
    assert r.status_code == 200, r.content.decode()
    r = post(staff, f"/contracts/{cid}/vacate", {"vacated_on": "2026-07-01", "market_rent_fen": 150000})
    assert r.status_code == 422 and r.json()["field"] == "vacated_on" and r.json()["code"] == "date_in_future"
    # vacated today 2026-06-15, inside the move-out month 06-01 … 06-30: 15 days of June (30) at the
    # contract rent: 1,000.00 × 15 / 30 = 500.00
    r = post(staff, f"/contracts/{cid}/vacate", {"vacated_on": "2026-06-15", "market_rent_fen": 150000})
    assert r.status_code == 200 and r.json()["total_fen"] == 50000


def test_rent_statement_lists_each_collection_period(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    a.applicant = demo_users["citizen"]
    a.save(update_fields=["applicant"])
    services.choose_unit(a, acting_user=clerk)
    c = services.sign_contract(
        a.allocations.get(),
        acting_user=clerk,
        number="HT-S1",
        start_date=dt.date(2024, 1, 31),
        end_date=dt.date(2025, 1, 30),
        payment_period_months=3,
        deposit_fen=0,
        originals_checked=True,
    )
    tenant = login_client("citizen")
    r = tenant.get(f"{BASE}/contracts/{c.pk}/rent-statement")
    # 1,000.00 a month, every 3 months: 01-31…04-30, 05-01…07-30, 07-31…10-30, 10-31…2025-01-30, 3,000.00 each
    assert [(x["first_day"], x["last_day"], x["amount_fen"]) for x in r.json()["schedule"]] == [
        ("2024-01-31", "2024-04-30", 300000),
        ("2024-05-01", "2024-07-30", 300000),
        ("2024-07-31", "2024-10-30", 300000),
        ("2024-10-31", "2025-01-30", 300000),
    ]
    page = tenant.get(f"/rental-housing/my/contracts/{c.pk}/").content.decode()
    assert "2024年7月31日" in page and "12,000.00元" in page
    assert login_client("zhujian_clerk").get(f"/rental-housing/my/contracts/{c.pk}/").status_code == 403


# -- 第十条: the database constraint is the parameter --------------------------------------------------------------
def test_rent_cap_constraint_is_built_from_the_parameter(housing: dict[str, Any]) -> None:
    from django.core.management import call_command

    from ezhou_platform.rental_housing.models import Unit
    from ezhou_rules.rental_housing import parameters

    (constraint,) = [c for c in Unit._meta.constraints if c.name == "rh_unit_rent_at_most_70pct_market"]
    cap = parameters().get("rent.cap_ratio", dt.date(2024, 1, 1))
    # the figures inside the constraint's expression are the parameter's numerator and denominator
    numbers = [int(n) for n in re.findall(r"Value\((\d+)\)", str(constraint.condition))]
    assert numbers == [cap.numerator, cap.denominator] == [7, 10]
    # and the migrations hold the same constraint (no change pending)
    call_command("makemigrations", "rental_housing", check=True, dry_run=True, verbosity=0)
    (unit,) = add_units(housing["project"], housing["clerk"], 1)  # 1,000.00 of a 1,500.00 market rent
    with pytest.raises(IntegrityError), transaction.atomic():
        # 1,500.00 × 70% = 1,050.00: one fen more breaks the constraint in the database itself
        Unit.objects.filter(pk=unit.pk).update(rent_fen=105001)
    Unit.objects.filter(pk=unit.pk).update(rent_fen=105000)
