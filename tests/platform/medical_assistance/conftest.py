from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.models import Department, Jurisdiction
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.demo import demo_resident_id
from ezhou_rules.medical_assistance.recipients import recognised_by


@pytest.fixture
def clerk(demo_users: dict[str, Any]) -> Any:
    return demo_users["yibao_clerk"]


@pytest.fixture
def head(demo_users: dict[str, Any]) -> Any:
    """医疗保障局's head: approves and reverses what the clerk received (the four-eyes rule, M25)."""
    return demo_users["yibao_head"]


@pytest.fixture
def civil_head(demo_users: dict[str, Any]) -> Any:
    """民政局's head: recognises what the clerk received (four eyes, M25)."""
    return demo_users["minzheng_head"]


@pytest.fixture
def make_person(clerk: Any, demo_users: dict[str, Any]) -> Any:
    """make_person("minimum_living", serial=1) → a registered person holding that identity since 2024-01-01,
    recognised by the department 第二十二条 names (民政 or 乡村振兴)."""
    recognisers = {
        "civil_affairs": demo_users["minzheng_clerk"],
        "rural_revitalization": demo_users["xiangcun_clerk"],
    }

    def make(kind: str | None, serial: int = 1, valid_from: dt.date = dt.date(2024, 1, 1)) -> Any:
        person = services.register_person(
            resident_id=demo_resident_id(f"420704198001{serial:02d}123"),
            name="测试人员",
            jurisdiction=Jurisdiction.objects.get(code="echeng"),
            acting_user=clerk,
        )
        if kind:
            services.record_identity(
                person,
                kind=kind,
                source_department=Department.objects.get(code=recognised_by(kind).department),
                valid_from=valid_from,
                evidence="测试认定书",
                acting_user=recognisers[recognised_by(kind).department],
            )
        return person

    return make


def claim_payload(person: Any, claim_id: str, self_pay: int, **kw: Any) -> dict[str, Any]:
    body = {
        "claim_id": claim_id,
        "resident_id": person.resident_id,
        "settle_date": "2024-03-01",
        "kind": "inpatient",
        "hospital_name": "鄂州市中心医院",
        "hospital_level": 3,
        "in_city": True,
        "in_province": True,
        "temporary_out_of_city": False,
        "total_cost": self_pay * 2,
        "out_of_policy_cost": 0,
        "policy_self_pay": self_pay,
    }
    body.update(kw)
    return body
