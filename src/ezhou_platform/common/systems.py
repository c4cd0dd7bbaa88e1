"""The systems of the platform, one per gazette document, as listed on the home page.

A domain app adds `url_name` when its pages exist; until then the home page links to the document itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class System:
    slug: str
    name: str
    document: str
    department: str
    url_name: str | None = None


SYSTEMS: tuple[System, ...] = (
    System(
        "medical_assistance", "医疗救助", "鄂州政办发〔2022〕34号", "医疗保障局", "medical_assistance:index"
    ),
    System("water_plan", "计划用水管理", "鄂州政办发〔2022〕15号", "水利和湖泊局", "water_plan:index"),
    System(
        "unconventional_water",
        "非常规水资源管理",
        "鄂州政办发〔2022〕14号",
        "水利和湖泊局",
        "unconventional_water:index",
    ),
    System(
        "rental_housing", "保障性租赁住房", "鄂州政发〔2022〕19号", "住房和城乡建设局", "rental_housing:index"
    ),
    System(
        "public_service_housing",
        "基本公共服务人员住房",
        "鄂州政办发〔2022〕19号",
        "住房和城乡建设局",
        "rental_housing:index",
    ),
    System("licensing", "证照分离与告知承诺", "鄂州政办发〔2022〕27号", "行政审批局", "licensing:index"),
    System("economic_measures", "稳增长惠企政策", "鄂州政办发〔2022〕32号", "商务局", "subsidies:index"),
    System(
        "vocational_education",
        "职业教育任务督办",
        "鄂州政发〔2022〕15号",
        "教育局",
        "supervision:vocational_education",
    ),
    System(
        "rural_delivery",
        "农村寄递物流任务督办",
        "鄂州政办发〔2022〕28号",
        "邮政管理局",
        "supervision:rural_delivery",
    ),
)
