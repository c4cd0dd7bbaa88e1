"""Demo records of 非常规水资源管理 for a fresh `make run`, dated from the platform clock's today.

Every record is made through the services, as the pages would make it, so the cases, periods, documents and
audit trail are the real ones. What the document leaves to configuration (the laws of 第二十五条, the default
testing interval, the standards other than GB/T 18920-2020) is NOT entered: the pages show the refusals that
follow until an administrator enters them. Each facility's own testing interval is set at its registration.

- 鄂州示范置业有限公司 (account ``developer``): a project under construction awaiting the department at its
  acceptance (a period on the clerks' workspace), a park completed and supervised after filing late (a
  violation on record), a small project just filed;
- 鄂州示范水务运营有限公司 (account ``water_operator``): a reclaimed-water station supplying 鄂州示范制造有限公司
  (reports passing and failing, usage, stop notices on time and late, an inspection that found a cross
  connection), and an industrial-cooling station whose checks wait for SL 368-2006 and GB/T 19923-2005;
- the interlock: this year's use proven (recorded, adopting the water plan's own record if it has one) and last
  year's "able but not using" proposed by the clerk, for the head to confirm.
Idempotent: each block runs once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.models import User
from ezhou_rules.core.ids import uscc_check_char

from .models import CapabilityFinding, Facility, Inspection, LabReport, Project, StopNotice, WaterPlanLink
from .services import facilities, interlock, projects, reports, stops

BJ = ZoneInfo("Asia/Shanghai")
DEVELOPER = ("鄂州示范置业有限公司", "91420700MA4D3K001U")
OPERATOR = ("鄂州示范水务运营有限公司", "91420700MA4QPR002H")
HOSPITAL = ("华容区人民医院", "12420703MB7654321")
GOOD = [
    ("pH", "7.3", "无量纲"),
    ("色度", "8", "铂钴色度单位"),
    ("浊度", "2.1", "NTU"),
    ("BOD5", "5", "mg/L"),
    ("氨氮", "1.2", "mg/L"),
    ("阴离子表面活性剂", "<0.05", "mg/L"),
    ("铁", "120", "μg/L"),
    ("锰", "0.02", "mg/L"),
    ("溶解性总固体", "520", "mg/L"),
    ("溶解氧", "4.1", "mg/L"),
    ("总氯", "1.4", "mg/L"),
    ("大肠埃希氏菌", "未检出", "MPN/100mL"),
]


def _uscc(body: str) -> str:
    return body if len(body) == 18 else body + uscc_check_char(body)


def _unit(uscc_body: str) -> Any:
    from ezhou_platform.water_plan.models import WaterUnit

    return WaterUnit.objects.filter(uscc=_uscc(uscc_body)).first()


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _projects(today: dt.date, developer: User, clerk: User) -> None:
    name, uscc = DEVELOPER
    base = {
        "developer_name": name,
        "developer_uscc": uscc,
        "project_kind": "building",
        "works": "new",
        "facility_type": "rainwater",
    }
    if not Project.objects.filter(name="华容区滨湖花园二期").exists():
        p = projects.file_project(
            {
                **base,
                "name": "华容区滨湖花园二期",
                "jurisdiction": "huarong",
                "location": "华容区滨湖大道18号",
                "footprint_m2": "26000",
                "hardened_m2": "19000.50",
            },
            actor=developer,
            on=today - dt.timedelta(days=90),
        )
        projects.record_designer(
            p, "湖北示范建筑设计研究院", "A142000001", today - dt.timedelta(days=95), actor=developer
        )
        projects.start_construction(
            p, today - dt.timedelta(days=80), today + dt.timedelta(days=60), actor=developer
        )
    if not Project.objects.filter(name="葛店经开区中心公园").exists():
        p = projects.file_project(
            {
                **base,
                "name": "葛店经开区中心公园",
                "project_kind": "park",
                "jurisdiction": "gedian",
                "location": "葛店经开区高新大道",
                "land_m2": "25000",
            },
            actor=clerk,
            on=today - dt.timedelta(days=300),
        )
        projects.record_designer(p, "湖北示范园林设计院", "", today - dt.timedelta(days=310), actor=clerk)
        projects.start_construction(
            p, today - dt.timedelta(days=305), None, actor=clerk
        )  # before filing: violation
        projects.record_acceptance(
            p,
            today - dt.timedelta(days=120),
            department_present=True,
            parts="雨水调蓄池及回用管网",
            actor=clerk,
        )
        projects.complete_project(
            p,
            today - dt.timedelta(days=100),
            {
                **projects.facility_defaults(p),
                "name": "葛店经开区中心公园雨水收集利用设施",
                "uses": ["urban_greening"],
                "sources": [{"kind": "rainwater_ground"}, {"kind": "rainwater_road"}],
                "capacity_m3_per_day": "120",
                "testing_interval_months": 6,
            },
            actor=developer,
        )
    if not Project.objects.filter(name="鄂州示范置业商业综合体").exists():
        projects.file_project(
            {
                **base,
                "name": "鄂州示范置业商业综合体",
                "jurisdiction": "echeng",
                "location": "鄂城区南浦路66号",
                "footprint_m2": "12000",
                "hardened_m2": "8000",
                "facility_type": "reclaimed",
            },
            actor=developer,
            on=today - dt.timedelta(days=5),
        )


def _station(today: dt.date, clerk: User) -> Facility:
    f = Facility.objects.filter(name="葛店经开区示范中水回用站").first()
    if f is not None:
        return f
    manufacturer = _unit("91420700MA49XK5L2Y")
    f = facilities.register_facility(
        {
            "name": "葛店经开区示范中水回用站",
            "facility_type": "reclaimed",
            "operator_name": OPERATOR[0],
            "operator_uscc": OPERATOR[1],
            "uses": ["toilet_flushing", "road_cleaning", "urban_greening"],
            "sources": [{"kind": "domestic_sewage"}, {"kind": "wwtp_effluent", "meets_standard": True}],
            "capacity_m3_per_day": "800",
            "location": "葛店经开区创业大道1号",
            "jurisdiction": "gedian",
            "water_unit": manufacturer.pk if manufacturer else None,
            "in_service_from": today - dt.timedelta(days=400),
            "testing_interval_months": 3,
        },
        actor=clerk,
    )
    facilities.add_source(
        f, "other", actor=clerk
    )  # 矿井疏干水: not listed in 第十三条 → the department reviews
    return f


def _station_records(today: dt.date, f: Facility, operator: User, clerk: User) -> None:
    if not LabReport.objects.filter(facility=f).exists():
        older = today - dt.timedelta(days=160)
        bad = [r if r[0] != "浊度" else ("浊度", "6.5", "NTU") for r in GOOD]
        reports.file_report(
            f,
            {
                "report_no": f"WJ{older:%Y%m%d}-01",
                "sampled_on": older,
                "lab": "湖北示范环境检测有限公司",
                "lab_qualification": "CMA 201912345678",
                "sample_point": "1号出水口",
                "sample_point_kind": "plant_outlet",
            },
            bad,
            actor=operator,
        )
        start = today - dt.timedelta(days=60)
        reports.record_usage(f, start, today - dt.timedelta(days=31), "2350.50", actor=operator)
        recent = today - dt.timedelta(days=30)
        reports.file_report(
            f,
            {
                "report_no": f"WJ{recent:%Y%m%d}-01",
                "sampled_on": recent,
                "lab": "湖北示范环境检测有限公司",
                "lab_qualification": "CMA 201912345678",
                "sample_point": "1号出水口",
                "sample_point_kind": "plant_outlet",
            },
            GOOD,
            actor=operator,
        )
    if not StopNotice.objects.filter(facility=f).exists():
        now = clock.now().astimezone(BJ).replace(second=0, microsecond=0)
        stops.file_stop_notice(
            f,
            reason="更换膜组件",
            stop_starts_at=now + dt.timedelta(days=2),
            users_notified_at=now - dt.timedelta(hours=1),
            notice_method="短信、小区公告",
            actor=operator,
        )
        stops.file_stop_notice(
            f,
            reason="管网抢修",
            stop_starts_at=now + dt.timedelta(hours=20),
            users_notified_at=now - dt.timedelta(hours=1),
            notice_method="短信",
            actor=operator,
        )
        found = dt.datetime.combine(today - dt.timedelta(days=10), dt.time(8, 0), tzinfo=BJ)
        stops.record_unreported_stop(f, reason="现场检查发现停止供水", stop_starts_at=found, actor=clerk)
    if not Inspection.objects.filter(facility=f).exists():
        answers = {
            "separate_systems": False,
            "facility_marked": True,
            "pipeline_marked": True,
            "outlet_labelled": True,
            "operating_rules": True,
            "normal_operation": True,
            "responsible_party": True,
            "testing_entrusted": True,
            "use_unchanged": True,
            "facility_intact": True,
        }
        ins = facilities.record_inspection(
            f, answers, today - dt.timedelta(days=20), note="3号楼中水管与自来水管有连通阀", actor=clerk
        )
        from .services import violations

        violations.record_violation(
            "cross_connection",
            ins.inspected_on,
            OPERATOR[0],
            "3号楼中水管道与自来水管道通过连通阀互相连接",
            "现场检查记录、照片2张",
            party_uscc=OPERATOR[1],
            inspection=ins,
            actor=clerk,
        )


def _cooling_station(today: dt.date, clerk: User, operator: User) -> None:
    if Facility.objects.filter(name="葛店食品饮料有限公司冷却水回用站").exists():
        return
    unit = _unit("91420700MA4ABCDE1")
    f = facilities.register_facility(
        {
            "name": "葛店食品饮料有限公司冷却水回用站",
            "facility_type": "reclaimed",
            "operator_name": OPERATOR[0],
            "operator_uscc": OPERATOR[1],
            "uses": ["industrial_cooling"],
            "sources": [{"kind": "industrial_drainage", "meets_standard": True, "industry": "饮料制造"}],
            "capacity_m3_per_day": "300",
            "location": "葛店经开区食品工业园",
            "jurisdiction": "gedian",
            "water_unit": unit.pk if unit else None,
            "in_service_from": today - dt.timedelta(days=500),
            "testing_interval_months": 6,
        },
        actor=clerk,
    )
    sampled = today - dt.timedelta(days=45)
    reports.file_report(  # SL 368-2006 and GB/T 19923-2005 not entered: filed, not judged
        f,
        {
            "report_no": f"LQ{sampled:%Y%m%d}",
            "sampled_on": sampled,
            "lab": "湖北示范环境检测有限公司",
            "lab_qualification": "CMA 201912345678",
            "sample_point": "冷却塔补水口",
            "sample_point_kind": "other",
        },
        [("pH", "7.8", ""), ("浊度", "4", "NTU"), ("化学需氧量", "28", "mg/L")],
        actor=operator,
    )


def _hospital(today: dt.date, clerk: User) -> None:
    if Facility.objects.filter(name="华容区人民医院雨水收集利用设施").exists():
        return
    facilities.register_facility(
        {
            "name": "华容区人民医院雨水收集利用设施",
            "facility_type": "rainwater",
            "operator_name": HOSPITAL[0],
            "operator_uscc": _uscc(HOSPITAL[1]),
            "self_built": True,
            "uses": ["urban_greening", "road_cleaning"],
            "sources": [{"kind": "rainwater_roof"}],
            "capacity_m3_per_day": "60",
            "location": "华容区人民医院后勤楼",
            "jurisdiction": "huarong",
            "in_service_from": today - dt.timedelta(days=200),
        },
        actor=clerk,
    )


def _interlock(today: dt.date, clerk: User) -> None:
    station = Facility.objects.get(name="葛店经开区示范中水回用站")
    for link in WaterPlanLink.objects.filter(
        facilities=station, status="proposed", kind="unconventional_used"
    ):
        interlock.record_link(link, actor=clerk)
    school = _unit("12420700MB1234567")
    last = today.year - 1
    if school is not None and not CapabilityFinding.objects.filter(water_unit=school).exists():
        interlock.record_finding(
            school, dt.date(last, 9, 1), "再生水管网已接至校区（第十五条）", "管网竣工验收资料", actor=clerk
        )
    units = [u for u in (school, _unit("91420700MA4ABCDE1")) if u is not None]
    interlock.review_units(units, last, as_of=today, actor=clerk)


def load_demo() -> None:
    today = clock.today()
    clerk, developer, operator = _user("shuiwu_clerk"), _user("developer"), _user("water_operator")
    with transaction.atomic():
        _projects(today, developer, clerk)
        station = _station(today, clerk)
        _station_records(today, station, operator, clerk)
        _cooling_station(today, clerk, operator)
        _hospital(today, clerk)
        _interlock(today, clerk)
