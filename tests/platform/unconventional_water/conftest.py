"""Fixtures of the unconventional-water platform tests: the water department's staff, a developer, a facility
operator, a water-plan unit and a reclaimed-water facility supplying it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.models import Department, Jurisdiction

DEVELOPER_USCC = "91420700MA4D3K001U"
OPERATOR_USCC = "91420700MA4QPR002H"
ENTERPRISE_USCC = "91420700MA49XK5L2Y"


@pytest.fixture
def clerk(demo_users: dict[str, Any]) -> Any:
    return demo_users["shuiwu_clerk"]


@pytest.fixture
def head(demo_users: dict[str, Any]) -> Any:
    return demo_users["shuiwu_head"]


@pytest.fixture
def developer(demo_users: dict[str, Any]) -> Any:
    return demo_users["developer"]


@pytest.fixture
def operator(demo_users: dict[str, Any]) -> Any:
    return demo_users["water_operator"]


@pytest.fixture
def water_unit(demo_users: dict[str, Any]) -> Any:
    from ezhou_platform.water_plan.models import WaterUnit

    return WaterUnit.objects.create(
        name="鄂州示范制造有限公司",
        uscc=ENTERPRISE_USCC,
        department=Department.objects.get(code="water"),
        jurisdiction=Jurisdiction.objects.get(code="gedian"),
        normal_use_started=dt.date(2019, 1, 1),
    )


def facility_data(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "示范园区中水回用站",
        "facility_type": "reclaimed",
        "operator_name": "鄂州示范水务运营有限公司",
        "operator_uscc": OPERATOR_USCC,
        "self_built": False,
        "uses": ["toilet_flushing", "road_cleaning", "urban_greening"],
        "sources": [{"kind": "domestic_sewage"}],
        "capacity_m3_per_day": "500",
        "location": "葛店经开区创业大道1号",
        "jurisdiction": "gedian",
        "in_service_from": dt.date(2025, 3, 1),
        "testing_interval_months": 3,
    }
    data.update(kw)
    return data


@pytest.fixture
def facility(clerk: Any, water_unit: Any) -> Any:
    from ezhou_platform.unconventional_water.services.facilities import register_facility

    return register_facility(facility_data(water_unit=water_unit.pk), actor=clerk)


# A complete report for 冲厕 + 道路清扫 + 城市绿化 at the plant outlet (GB/T 18920-2020), every value passing.
PASSING_ROWS = [
    ("pH", "7.2", "无量纲"),
    ("色度", "10", "铂钴色度单位"),
    ("浊度", "3", "NTU"),
    ("BOD5", "6", "mg/L"),
    ("氨氮", "2", "mg/L"),
    ("阴离子表面活性剂", "0.2", "mg/L"),
    ("铁", "0.1", "mg/L"),
    ("锰", "0.05", "mg/L"),
    ("溶解性总固体", "600", "mg/L"),
    ("溶解氧", "3", "mg/L"),
    ("总氯", "1.5", "mg/L"),
    ("大肠埃希氏菌", "未检出", "MPN/100mL"),
]


def report_fields(**kw: Any) -> dict[str, Any]:
    data = {
        "report_no": "JC-2026-001",
        "sampled_on": dt.date(2026, 5, 20),
        "lab": "湖北某环境检测有限公司",
        "lab_qualification": "CMA 201912345678",
        "sample_point": "1号出水口",
        "sample_point_kind": "plant_outlet",
    }
    data.update(kw)
    return data
