"""Fixtures of the rental-housing platform tests: an operator, a project with units, qualified applicants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def resident_id(seq: int, born: str = "19900101") -> str:
    base = f"420704{born}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return base + "10X98765432"[sum(int(c) * w for c, w in zip(base, weights, strict=True)) % 11]


@pytest.fixture
def demo(demo_users: dict[str, Any]) -> None:
    """The rental-housing demo (its citizens too, added to `demo_users` so `login_client` knows them)."""
    from ezhou_platform.common.models import User
    from ezhou_platform.rental_housing.demo import load_demo

    load_demo()
    demo_users.update({u.username: u for u in User.objects.select_related("department")})


@pytest.fixture
def housing(demo_users: dict[str, Any]) -> dict[str, Any]:
    from ezhou_platform.common.models import Jurisdiction
    from ezhou_platform.rental_housing import services
    from ezhou_platform.rental_housing.models import Operator

    clerk = demo_users["zhujian_clerk"]
    op = Operator.objects.create(
        name="测试住房租赁运营公司",
        uscc="91420700MA4F000015",
        business_scope="住房租赁；物业管理",
        jurisdiction=Jurisdiction.objects.get(code="huarong"),
    )
    project = services.register_project(
        acting_user=clerk,
        operator=op,
        name="测试项目",
        jurisdiction=Jurisdiction.objects.get(code="huarong"),
        owner_name="华容区城投",
        sourcing_method=1,
        certificate_number="TEST-001",
        certificate_date=dt.date(2023, 1, 5),
        announced_on=dt.date(2023, 1, 6),
    )
    return {"clerk": clerk, "operator": op, "project": project}


def add_units(project: Any, clerk: Any, n: int) -> list[Any]:
    from ezhou_platform.rental_housing import services

    return [
        services.add_unit(
            project,
            acting_user=clerk,
            number=f"{i + 1:04d}",
            layout="两室一厅",
            area_m2=Decimal("80.00"),
            rent_fen=100000,
            market_rent_fen=150000,
            fitted_out=True,
        )[0]
        for i in range(n)
    ]


def submit(project: Any, clerk: Any, seq: int, when: dt.datetime, **kw: Any) -> Any:
    from ezhou_platform.rental_housing import services

    data = dict(
        project=project,
        name=f"申请人{seq}",
        id_number=resident_id(seq),
        phone="13800000000",
        full_civil_capacity=True,
        materials=("form", "identity", "marriage", "housing", "other"),
    )
    data.update(kw)
    app, _ = services.submit_application(
        services.ApplicationInput(**data), acting_user=clerk, channel="offline", at=when
    )
    return app


def qualified(project: Any, clerk: Any, n: int, start: int = 0) -> list[Any]:
    """n applicants who applied one minute apart on 2023-03-01 and are qualified."""
    from ezhou_platform.rental_housing import services

    out = []
    for i in range(start, start + n):
        app = submit(
            project, clerk, i, dt.datetime(2023, 3, 1, 9, 0, tzinfo=SHANGHAI) + dt.timedelta(minutes=i)
        )
        app = services.review_approve(app, acting_user=clerk, on=dt.date(2023, 3, 2))
        out.append(services.close_publicity(app, acting_user=clerk, on=dt.date(2023, 3, 10)))
    return out


def verify(user: Any, name: str, id_number: str, clerk: Any = None) -> Any:
    """Record the account's verified identity (实名核验), as the housing department does in the admin."""
    from ezhou_platform.rental_housing.models import AccountIdentity

    return AccountIdentity.objects.create(
        user=user,
        name=name,
        id_number=id_number,
        method=AccountIdentity.Method.IN_PERSON,
        verified_on=dt.date(2026, 6, 1),
        verified_by=clerk,
    )


@pytest.fixture
def people(housing: dict[str, Any], demo_users: dict[str, Any]) -> dict[str, Any]:
    """The people of the state machines: the district clerk who records, the city's head (the second person),
    an operator's staff (a clerk of the department linked to the operator, ADR 1), a tenant, an auditor."""
    from ezhou_platform.common.models import Department, User
    from ezhou_platform.common.roles import Role
    from ezhou_platform.rental_housing.models import OperatorStaff

    housing_dept = Department.objects.get(code="housing")
    head = User.objects.create(
        username="zhujian_head_t",
        role=Role.DEPARTMENT_HEAD,
        department=housing_dept,
        display_name="住建负责人",
    )
    operator_staff = User.objects.create(
        username="yunying_t", role=Role.CLERK, department=housing_dept, display_name="运营经办"
    )
    OperatorStaff.objects.create(user=operator_staff, operator=housing["operator"])
    return {
        "zhujian_clerk": demo_users["zhujian_clerk"],
        "head": head,
        "operator": operator_staff,
        "citizen": demo_users["citizen"],
        "auditor": demo_users["auditor"],
    }
