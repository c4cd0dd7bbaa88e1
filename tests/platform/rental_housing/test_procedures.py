"""Procedures of 保障性租赁住房: projects, units, applications, publicity, allocation, contracts, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import (
    Allocation,
    ApplicationStatus,
    ContractStatus,
    Operator,
    UnitStatus,
)

from .conftest import SHANGHAI, add_units, qualified, resident_id, submit

pytestmark = pytest.mark.django_db
D = dt.date


def test_project_type_follows_the_sourcing_method(housing: dict[str, Any]) -> None:
    assert housing["project"].housing_type == "rent_then_sell"  # 第六条第（一）项 → 先租后售
    assert AuditRecord.objects.filter(action="rental_housing.project.register").count() == 1


def test_operator_without_rental_scope_is_refused(housing: dict[str, Any]) -> None:
    op = Operator.objects.create(
        name="某物业公司",
        uscc="91420700MA4F000023",
        business_scope="物业管理",
        jurisdiction=housing["operator"].jurisdiction,
    )
    with pytest.raises(ApiError) as e:
        services.register_project(
            acting_user=housing["clerk"],
            operator=op,
            name="x",
            jurisdiction=op.jurisdiction,
            owner_name="x",
            sourcing_method=6,
            certificate_number="T2",
            certificate_date=D(2023, 1, 1),
        )
    assert e.value.field == "operator" and "第十五条" in e.value.message


def test_unit_area_and_rent_checks(housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    kw = dict(layout="三室", rent_fen=100000, market_rent_fen=150000, fitted_out=True)
    with pytest.raises(ApiError) as e:  # 140.01 > 140
        services.add_unit(p, acting_user=clerk, number="A", area_m2=Decimal("140.01"), **kw)
    assert e.value.field == "area_m2"
    with pytest.raises(ApiError) as e:  # above ~90: a reason is required
        services.add_unit(p, acting_user=clerk, number="A", area_m2=Decimal("120.00"), **kw)
    assert e.value.field == "area_note"
    unit, warnings = services.add_unit(
        p, acting_user=clerk, number="A", area_m2=Decimal("120.00"), area_note="多孩", **kw
    )
    assert warnings and unit.pk
    with pytest.raises(ApiError) as e:  # 1050.01 > 70% of 1500.00
        services.add_unit(
            p,
            acting_user=clerk,
            number="B",
            area_m2=Decimal("80"),
            layout="两室",
            rent_fen=105001,
            market_rent_fen=150000,
            fitted_out=True,
        )
    assert e.value.code == "rent_cap"


def test_review_deadline_crosses_national_day(housing: dict[str, Any]) -> None:
    # received 2023-09-28: 09-29 … 10-06 holiday, 10-07/08 make-up days → 5th working day is 2023-10-11
    app = submit(housing["project"], housing["clerk"], 1, dt.datetime(2023, 9, 28, 10, tzinfo=SHANGHAI))
    assert app.review_deadline == D(2023, 10, 11)
    # approved and published the same day: the 5 working days of publicity end on 2023-10-11 too
    app = services.review_approve(app, acting_user=housing["clerk"], on=D(2023, 9, 28))
    assert (app.publicity_start, app.publicity_end) == (D(2023, 9, 28), D(2023, 10, 11))
    with pytest.raises(ApiError) as e:
        services.close_publicity(app, acting_user=housing["clerk"], on=D(2023, 10, 11))
    assert e.value.code == "publicity_running"
    app = services.close_publicity(app, acting_user=housing["clerk"], on=D(2023, 10, 12))
    assert app.status == ApplicationStatus.QUALIFIED


def test_missing_materials_and_ineligible_applicants_are_not_approved(housing: dict[str, Any]) -> None:
    when = dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI)
    app = submit(housing["project"], housing["clerk"], 1, when, materials=("form", "identity"))
    with pytest.raises(ApiError) as e:
        services.review_approve(app, acting_user=housing["clerk"], on=D(2023, 3, 2))
    assert e.value.code == "materials_missing" and "婚姻状况证明" in e.value.message
    # one person with a 35.00 m² home: per capita not below 35 → refused
    app2 = submit(housing["project"], housing["clerk"], 2, when, homes=[{"area_m2": "35.00"}])
    with pytest.raises(ApiError) as e:
        services.review_approve(app2, acting_user=housing["clerk"], on=D(2023, 3, 2))
    assert e.value.code == "not_eligible"
    app2.refresh_from_db()
    assert app2.status == ApplicationStatus.SUBMITTED  # nothing half-written


def test_duplicate_open_application_is_refused(housing: dict[str, Any]) -> None:
    when = dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI)
    submit(housing["project"], housing["clerk"], 1, when)
    with pytest.raises(ApiError) as e:
        submit(housing["project"], housing["clerk"], 1, when)
    assert e.value.code == "duplicate_application"


def test_objection_upheld_disqualifies_and_not_upheld_lets_it_through(housing: dict[str, Any]) -> None:
    clerk = housing["clerk"]
    when = dt.datetime(2023, 3, 1, 9, tzinfo=SHANGHAI)
    a = services.review_approve(
        submit(housing["project"], clerk, 1, when), acting_user=clerk, on=D(2023, 3, 2)
    )
    b = services.review_approve(
        submit(housing["project"], clerk, 2, when), acting_user=clerk, on=D(2023, 3, 2)
    )
    oa = services.raise_objection(
        a, acting_user=clerk, raised_by="群众", content="名下有房", on=D(2023, 3, 3)
    )
    ob = services.raise_objection(
        b, acting_user=clerk, raised_by="群众", content="已享受公租房", on=D(2023, 3, 3)
    )
    with pytest.raises(ApiError) as e:  # pending objection blocks the qualification
        services.close_publicity(b, acting_user=clerk, on=D(2023, 3, 10))
    assert e.value.code == "objection_pending"
    services.decide_objection(oa, acting_user=clerk, upheld=True, decision="核实名下有房", on=D(2023, 3, 6))
    services.decide_objection(ob, acting_user=clerk, upheld=False, decision="经核实未享受", on=D(2023, 3, 6))
    a.refresh_from_db()
    assert a.status == ApplicationStatus.DISQUALIFIED
    assert (
        services.close_publicity(b, acting_user=clerk, on=D(2023, 3, 10)).status
        == ApplicationStatus.QUALIFIED
    )
    with pytest.raises(ApiError):  # after the publicity period no objection is recorded
        services.raise_objection(b, acting_user=clerk, raised_by="x", content="y", on=D(2023, 3, 10))


def test_first_come_first_served_then_queue(housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    units = add_units(p, clerk, 2)
    a1, a2, a3 = qualified(p, clerk, 3)
    # the third applicant asks first: 2 free units, 2 earlier waiting → queued (position 1), nothing changes
    r = services.choose_unit(a3, acting_user=clerk)
    assert r.allocation is None and r.queue_position == 1
    # the second may choose (1 earlier waiting < 2 free), and picks unit 2
    r = services.choose_unit(a2, acting_user=clerk, unit_id=units[1].pk)
    assert r.allocation.unit_id == units[1].pk
    with pytest.raises(ApiError) as e:  # cannot choose a second unit
        services.choose_unit(a2, acting_user=clerk)
    assert e.value.code == "already_allocated"
    with pytest.raises(ApiError) as e:  # unit 2 is let
        services.choose_unit(a1, acting_user=clerk, unit_id=units[1].pk)
    assert e.value.code == "unit_unavailable"
    assert services.choose_unit(a1, acting_user=clerk).allocation.unit_id == units[0].pk
    assert services.choose_unit(a3, acting_user=clerk).queue_position == 1
    # each choice is the application's step 选定房源 (the procedure layer's audit record)
    assert AuditRecord.objects.filter(action="rental_housing.application.allocate").count() == 2
    # the second leaves: the unit is released, the head of the queue (a3) may choose it
    head = services.release_unit(
        Allocation.objects.get(application=a2, active=True), acting_user=clerk, reason="退出"
    )
    assert head.pk == a3.pk
    assert services.choose_unit(a3, acting_user=clerk).allocation.unit_id == units[1].pk


def test_a_person_never_holds_two_units_across_projects(housing: dict[str, Any]) -> None:
    clerk = housing["clerk"]
    p1 = housing["project"]
    p2 = services.register_project(
        acting_user=clerk,
        operator=housing["operator"],
        name="第二项目",
        jurisdiction=p1.jurisdiction,
        owner_name="x",
        sourcing_method=3,
        certificate_number="TEST-002",
        certificate_date=D(2023, 1, 5),
    )
    add_units(p1, clerk, 1)
    add_units(p2, clerk, 1)
    (a,) = qualified(p1, clerk, 1)
    (b,) = qualified(p2, clerk, 1)  # same person (same ID) in the other project
    services.choose_unit(a, acting_user=clerk)
    with pytest.raises(ApiError) as e:
        services.choose_unit(b, acting_user=clerk)
    assert e.value.code == "already_allocated"
    b.refresh_from_db()
    assert b.status == ApplicationStatus.QUALIFIED
    assert p2.units.get().status == UnitStatus.AVAILABLE


def test_contract_sign_file_terminate_vacate(housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    alloc = services.choose_unit(a, acting_user=clerk).allocation
    kw = dict(number="HT-1", start_date=D(2024, 3, 1), payment_period_months=3, deposit_fen=100000)
    with pytest.raises(ApiError) as e:  # 第十八条
        services.sign_contract(
            alloc, acting_user=clerk, end_date=D(2025, 2, 28), originals_checked=False, **kw
        )
    assert e.value.field == "originals_checked"
    with pytest.raises(ApiError) as e:  # more than 3 years
        services.sign_contract(alloc, acting_user=clerk, end_date=D(2027, 3, 1), originals_checked=True, **kw)
    assert e.value.code == "term_too_long"
    c = services.sign_contract(
        alloc, acting_user=clerk, end_date=D(2025, 2, 28), originals_checked=True, **kw
    )
    assert c.monthly_rent_fen == 100000
    c = services.file_contract(c, acting_user=clerk, on=D(2024, 3, 2))
    assert c.status == ContractStatus.FILED
    with pytest.raises(ApiError) as e:  # 第二十三条: the breach must be recorded
        services.terminate_contract(c, acting_user=clerk, reason="sublet", on=D(2024, 9, 30))
    assert e.value.field == "record_text"
    c = services.terminate_contract(
        c,
        acting_user=clerk,
        reason="sublet",
        on=D(2024, 9, 30),
        record_text="巡查发现转租他人",
        move_out_months=1,
    )
    # move-out period 10-01 … 10-31 (one month from 10-01) at 1000.00; 11-01 … 11-04: 4 days of November
    # (30 days) at the market rent 1500.00: 1500 × 4/30 = 200.00; total 1200.00 (issue 8: whole calendar
    # months then days; before, 10-01 … 10-30 and 5 days of 31 gave 1241.94)
    c = services.record_vacated(c, acting_user=clerk, vacated_on=D(2024, 11, 4), market_rent_fen=150000)
    assert c.exit_rent_fen == 100000 + 20000
    assert p.units.get().status == UnitStatus.AVAILABLE
    a.refresh_from_db()
    assert a.status == ApplicationStatus.EXITED
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "rental_housing.contract.sign",
        "rental_housing.contract.file",
        "rental_housing.contract.terminate_for_breach",  # 第二十三条: 解除 for subletting
        "rental_housing.contract.vacate",
        "rental_housing.allocation.release",
    } <= actions


def test_resident_id_is_validated(housing: dict[str, Any]) -> None:
    with pytest.raises(ApiError) as e:
        submit(
            housing["project"],
            housing["clerk"],
            1,
            dt.datetime(2023, 3, 1, tzinfo=SHANGHAI),
            id_number=resident_id(1)[:-1] + ("0" if resident_id(1)[-1] != "0" else "1"),
        )
    assert e.value.field == "id_number"


def test_renewal_only_after_the_conditions_are_checked_again(housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    alloc = services.choose_unit(a, acting_user=clerk).allocation
    c = services.sign_contract(
        alloc,
        acting_user=clerk,
        number="HT-R1",
        start_date=D(2024, 3, 1),
        end_date=D(2025, 2, 28),
        payment_period_months=3,
        deposit_fen=0,
        originals_checked=True,
    )
    kw = dict(
        acting_user=clerk,
        number="HT-R2",
        end_date=D(2028, 2, 29),
        payment_period_months=3,
        has_spouse=True,
        minor_children=0,
        other_subsidised_housing=False,
        on=D(2025, 2, 1),
    )
    # the couple now owns a delivered 70.00 m² home in the district: 35.00 m² each, not below 35 → must exit
    with pytest.raises(ApiError) as e:
        services.renew_contract(c, homes=[{"area_m2": "70.00"}], **kw)
    assert e.value.code == "not_eligible_for_renewal" and "应当退出" in e.value.message
    c.refresh_from_db()
    assert c.status == ContractStatus.SIGNED  # nothing written
    new = services.renew_contract(c, homes=[{"area_m2": "69.99"}], **kw)
    # renewed from 2025-03-01 for at most 3 years: to 2028-02-29 at the latest
    assert (new.start_date, new.end_date) == (D(2025, 3, 1), D(2028, 2, 29))
    c.refresh_from_db()
    assert c.status == ContractStatus.RENEWED
    assert [s["anchor"] for s in new.renewal_check][-2] == "art12-item2"
