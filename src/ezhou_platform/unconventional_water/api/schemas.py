"""The contract of the unconventional-water API (鄂州政办发〔2022〕14号): every input and output with its Chinese
title, and bounds on every number, date and identifier.

Areas are decimal strings in m² with at most two decimals ("30000.00"); volumes decimal strings in m³; water
quality values and units are text exactly as the lab wrote them ("0.35", "<0.05", "0.05L", "未检出"; "mg/L");
dates ISO 8601; times ISO 8601 with their offset (Beijing time +08:00).

No `from __future__ import annotations`: django-ninja and pydantic read these annotations at runtime.
"""

import datetime as dt
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from ezhou_rules.unconventional_water.screening import ART16_CLASSES, PROJECT_KINDS, WORKS
from ezhou_rules.unconventional_water.sources import SOURCE_KINDS
from ezhou_rules.unconventional_water.uses import USES

AREA_HINT = '平方米，最多两位小数的十进制字符串，如 "30000.00"'
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class ProjectKind(StrEnum):
    """项目类型 of 第八条 (a test checks this list against the rules' table)."""

    BUILDING = "building"
    PARK = "park"
    SQUARE = "square"
    GREEN_SPACE = "green_space"
    URBAN_ROAD = "urban_road"
    VIADUCT = "viaduct"
    OTHER_MUNICIPAL = "other_municipal"


class Works(StrEnum):
    NEW = "new"
    REBUILD = "rebuild"
    EXPANSION = "expansion"


class Art16Class(StrEnum):
    NONE = "none"
    INDUSTRIAL_CLUSTER = "industrial_cluster"
    MUNICIPAL_INFRASTRUCTURE = "municipal_infrastructure"
    LARGE_PUBLIC_BUILDING = "large_public_building"


class SourceKind(StrEnum):
    """水源类型 (第十三条, 第十条)."""

    DOMESTIC_SEWAGE = "domestic_sewage"
    WWTP_EFFLUENT = "wwtp_effluent"
    INDUSTRIAL_DRAINAGE = "industrial_drainage"
    TOXIC_INDUSTRIAL_WASTEWATER = "toxic_industrial_wastewater"
    MEDICAL_WASTEWATER = "medical_wastewater"
    RADIOACTIVE_WASTEWATER = "radioactive_wastewater"
    RAINWATER_ROOF = "rainwater_roof"
    RAINWATER_GROUND = "rainwater_ground"
    RAINWATER_ROAD = "rainwater_road"
    OTHER = "other"


class UseCode(StrEnum):
    """供水用途 (第十一条, 第十八条)."""

    TOILET_FLUSHING = "toilet_flushing"
    VEHICLE_WASHING = "vehicle_washing"
    ROAD_CLEANING = "road_cleaning"
    FIRE_FIGHTING = "fire_fighting"
    CONSTRUCTION = "construction"
    URBAN_GREENING = "urban_greening"
    GREEN_SPACE_IRRIGATION = "green_space_irrigation"
    LANDSCAPE_RECREATIONAL = "landscape_recreational"
    LANDSCAPE_ORNAMENTAL = "landscape_ornamental"
    AGRICULTURAL_IRRIGATION = "agricultural_irrigation"
    INDUSTRIAL_COOLING = "industrial_cooling"
    INDUSTRIAL_WASHING = "industrial_washing"
    INDUSTRIAL_BOILER = "industrial_boiler"


class FacilityType(StrEnum):
    RAINWATER = "rainwater"
    RECLAIMED = "reclaimed"


class SamplePointKind(StrEnum):
    PLANT_OUTLET = "plant_outlet"
    NETWORK_END = "network_end"
    OTHER = "other"


def _table(table: dict[str, Any]) -> str:
    return "；".join(f"{k}：{getattr(v, 'label', v) or '不属于'}" for k, v in table.items())


def Area(title: str) -> Any:
    return Field("0", title=title, description=f"{title}，{AREA_HINT}", max_length=20)


class ScreeningIn(Schema):
    project_kind: ProjectKind = Field(
        ..., title="项目类型", description=f"项目类型（第八条）：{_table(PROJECT_KINDS)}"
    )
    works: Works = Field(..., title="建设性质", description=f"建设性质：{_table(WORKS)}")
    footprint_m2: str = Area("规划建（构）筑物占地面积")
    hardened_m2: str = Area("规划路面硬化面积")
    land_m2: str = Area("总用地面积")
    existing_footprint_m2: str | None = Field(
        None,
        title="原有建（构）筑物占地面积",
        description=f"原有建（构）筑物占地面积，仅扩建项目填写，供参考（解释U1），{AREA_HINT}",
        max_length=20,
    )
    existing_hardened_m2: str | None = Field(
        None,
        title="原有路面硬化面积",
        description=f"原有路面硬化面积，仅扩建项目填写，{AREA_HINT}",
        max_length=20,
    )
    existing_land_m2: str | None = Field(
        None, title="原有用地面积", description=f"原有用地面积，仅扩建项目填写，{AREA_HINT}", max_length=20
    )
    art16_class: Art16Class = Field(
        Art16Class.NONE, title="第十六条所列类别", description=f"第十六条所列类别：{_table(ART16_CLASSES)}"
    )
    on: dt.date | None = Field(
        None,
        title="判定日期",
        description="判定日期（默认今天），用于查找当日有效的面积标准",
        ge=DATE_MIN,
        le=DATE_MAX,
    )


class ScreeningOut(Schema):
    required: bool = Field(..., title="应当配套建设", description="第八条是否要求配套建设雨水收集利用设施")
    measure: str = Field(
        ..., title="计量口径", description="building_area（占地与硬化面积之和）或 land_area（总用地面积）"
    )
    area_m2: str = Field(..., title="计入面积", description="计入面积（平方米）")
    threshold_m2: str = Field(..., title="面积标准", description="面积标准（平方米，以上含本数）")
    reason: str = Field(..., title="结论说明", description="结论及依据条款")
    citations: list[str] = Field(..., title="依据", description="依据的条款")
    notes: list[str] = Field(..., title="说明", description="第十六条、扩建原有面积、三同时等说明")
    trace: list[dict[str, Any]] = Field(..., title="计算过程", description="逐步计算过程")


class SourceCheckIn(Schema):
    facility_type: FacilityType = Field(
        ...,
        title="设施类型",
        description="设施类型：rainwater（雨水收集利用设施）或 reclaimed（再生水利用设施）",
    )
    source_kind: SourceKind = Field(..., title="水源类型", description=f"水源类型：{_table(SOURCE_KINDS)}")
    meets_standard: bool = Field(
        False,
        title="达到再生水用途标准",
        description="申报的出水或排水是否达到再生水用途标准（第十三条第（二）（三）项）",
    )
    industry: str = Field(
        "",
        title="排水行业",
        description="排水单位所属行业（工业排水必填），如 电镀、化工、印染",
        max_length=50,
    )
    on: dt.date | None = Field(
        None,
        title="判定日期",
        description="判定日期（默认今天），用于查找当日的严禁行业名单",
        ge=DATE_MIN,
        le=DATE_MAX,
    )


class SourceCheckOut(Schema):
    source_kind: str = Field(..., title="水源类型", description="水源类型代码")
    status: str = Field(
        ...,
        title="结论",
        description="allowed（可以作为水源）、refused（不得作为水源）或 review（由市水行政主管部门审核）",
    )
    status_label: str = Field(..., title="结论说明", description="结论的中文说明")
    reason: str = Field(..., title="理由代码", description="判定理由代码")
    citation: str = Field(..., title="依据", description="依据的条款")
    explanation: str = Field(..., title="说明", description="中文说明")


class MeasurementIn(Schema):
    indicator: str = Field(
        ...,
        title="检测指标",
        description="指标名称、代码或别名，如 浊度、turbidity",
        min_length=1,
        max_length=60,
    )
    value: str = Field(
        ...,
        title="检测值",
        description='检测值，按检测报告原样填写："0.35"、"<0.05"、"0.05L"、"未检出"',
        min_length=1,
        max_length=30,
    )
    unit: str = Field(
        "",
        title="计量单位",
        description="计量单位，按检测报告原样填写，如 mg/L、μg/L、NTU；无量纲可留空",
        max_length=30,
    )


class QualityCheckIn(Schema):
    facility_type: FacilityType = Field(..., title="设施类型", description="设施类型：rainwater 或 reclaimed")
    uses: list[UseCode] = Field(
        ...,
        title="供水用途",
        description=f"设施供水的全部用途（第十一条、第十八条）：{_table(USES)}",
        min_length=1,
        max_length=13,
    )
    sampled_on: dt.date = Field(..., title="采样日期", description="采样日期", ge=DATE_MIN, le=DATE_MAX)
    sample_point_kind: SamplePointKind = Field(
        ..., title="采样点类型", description="plant_outlet（出厂）、network_end（管网末端）或 other（其他）"
    )
    measurements: list[MeasurementIn] = Field(
        ..., title="检测指标", description="检测报告中的各项指标", min_length=1, max_length=100
    )


class IndicatorResultOut(Schema):
    indicator: str = Field(..., title="指标代码", description="指标代码")
    name: str = Field(..., title="指标名称", description="指标名称")
    value: str = Field(..., title="检测值", description="检测值（原样）")
    unit: str = Field(..., title="计量单位", description="计量单位（原样）")
    status: str = Field(..., title="结果", description="pass、fail、undetermined 或 not_governed")
    status_label: str = Field(..., title="结果说明", description="合格、不合格、无法判定或不受限")
    limit: str = Field(..., title="适用限值", description="全部用途中最严的限值")
    origin: str = Field(..., title="限值来源", description="限值取自的标准及用途")
    explanation: str = Field(..., title="说明", description="逐项说明")


class MissingOut(Schema):
    indicator: str = Field(..., title="指标代码", description="未检测的必检指标代码")
    name: str = Field(..., title="指标名称", description="指标名称")
    limit: str = Field(..., title="适用限值", description="适用限值及来源")


class QualityCheckOut(Schema):
    verdict: str = Field(..., title="结论", description="pass、fail 或 incomplete")
    verdict_label: str = Field(..., title="结论说明", description="合格、不合格或不完整")
    results: list[IndicatorResultOut] = Field(..., title="逐项结果", description="每项指标的结果")
    missing: list[MissingOut] = Field(..., title="缺检指标", description="未检测的必检指标")
    explanation: list[str] = Field(..., title="说明", description="中文说明")
    citations: list[str] = Field(..., title="依据", description="依据的条款")


class StopNoticeCheckIn(Schema):
    stop_starts_at: dt.datetime = Field(
        ...,
        title="停止运行（供水）时间",
        description="停止运行（供水）时间，带时区，如 2026-06-16T08:00+08:00",
    )
    stop_ends_at: dt.datetime | None = Field(
        None, title="恢复运行（供水）时间", description="恢复运行（供水）时间，带时区"
    )
    users_notified_at: dt.datetime | None = Field(
        None, title="通知用户时间", description="通知用户的时间，带时区；未通知留空"
    )
    reported_at: dt.datetime | None = Field(
        None, title="向市水行政主管部门报告时间", description="报告时间，带时区；未报告留空"
    )


class StopViolationOut(Schema):
    code: str = Field(..., title="违规代码", description="违规代码")
    label: str = Field(..., title="违规情形", description="违规情形")
    citation: str = Field(..., title="依据", description="依据的条款")
    explanation: str = Field(..., title="说明", description="中文说明")


class StopNoticeCheckOut(Schema):
    stop_starts_at: dt.datetime = Field(
        ..., title="停止运行（供水）时间", description="停止时间（北京时间，精确到分钟）"
    )
    notice_deadline: dt.datetime = Field(
        ..., title="最迟通知时间", description="最迟通知用户并报告的时间（停止前24小时）"
    )
    notice_lead_minutes: int | None = Field(..., title="通知提前分钟数", description="通知用户提前的分钟数")
    notice_on_time: bool = Field(..., title="按时通知用户", description="是否提前24小时以上通知用户")
    report_status: str = Field(
        ..., title="报告情况", description="on_time（按时）、late（迟延）或 missing（未报告）"
    )
    violations: list[StopViolationOut] = Field(..., title="违规情形", description="违规情形")
    explanation: list[str] = Field(..., title="说明", description="中文说明")


# -- registers ---------------------------------------------------------------------------------------------------


class PublicFacilityOut(Schema):
    id: int = Field(..., title="设施编号", description="设施编号")
    code: str = Field(..., title="登记编号", description="登记编号，如 UW00012")
    name: str = Field(..., title="设施名称", description="设施名称")
    facility_type: str = Field(..., title="设施类型", description="rainwater 或 reclaimed")
    facility_type_label: str = Field(
        ..., title="设施类型名称", description="雨水收集利用设施或再生水利用设施"
    )
    operator: str = Field(..., title="运行管理单位", description="运行管理单位（自建设施为所有权人或管理人）")
    uses: list[str] = Field(..., title="供水用途", description="供水用途（中文）")
    capacity_m3_per_day: str = Field(..., title="设计规模", description="设计规模（立方米/日）")
    location: str = Field(..., title="位置", description="位置")
    jurisdiction: str = Field(..., title="所属辖区", description="所属辖区")
    in_service_from: dt.date = Field(..., title="纳入日常监管日期", description="纳入日常监管日期")
    status: str = Field(..., title="状态", description="in_service（运行中）或 closed（已注销）")


class SourceIn(Schema):
    kind: SourceKind = Field(..., title="水源类型", description=f"水源类型：{_table(SOURCE_KINDS)}")
    meets_standard: bool = Field(
        False, title="达到再生水用途标准", description="出水或排水达到再生水用途标准（申报）"
    )
    industry: str = Field("", title="排水行业", description="工业排水的行业", max_length=50)


class FacilityIn(Schema):
    name: str = Field(..., title="设施名称", description="设施名称", min_length=1, max_length=100)
    facility_type: FacilityType = Field(..., title="设施类型", description="rainwater 或 reclaimed")
    operator_name: str = Field(
        ...,
        title="运行管理单位",
        description="运行管理单位名称（自建设施为所有权人或管理人）",
        min_length=1,
        max_length=100,
    )
    operator_uscc: str = Field(
        ...,
        title="运行管理单位统一社会信用代码",
        description="18位统一社会信用代码",
        min_length=18,
        max_length=18,
    )
    self_built: bool = Field(False, title="自建设施", description="是否自建设施（第二十一条第二款）")
    uses: list[UseCode] = Field(
        ..., title="供水用途", description="供水用途代码", min_length=1, max_length=13
    )
    sources: list[SourceIn] = Field(
        ..., title="水源", description="水源（第十三条、第十条）", min_length=1, max_length=10
    )
    capacity_m3_per_day: str = Field(
        ..., title="设计规模", description="设计规模（立方米/日），十进制字符串", max_length=20
    )
    location: str = Field(..., title="位置", description="位置", min_length=1, max_length=200)
    jurisdiction: str = Field(
        ..., title="所属辖区", description="辖区代码（辖区名录），如 gedian", min_length=1, max_length=24
    )
    water_unit: int | None = Field(
        None, title="供水对象", description="供水对象（计划用水单位编号）", ge=1, le=2**62
    )
    in_service_from: dt.date = Field(
        ..., title="纳入日常监管日期", description="纳入日常监管日期", ge=DATE_MIN, le=DATE_MAX
    )
    testing_interval_months: int | None = Field(
        None, title="检测周期", description="检测周期（月），空则按默认周期", ge=1, le=60
    )


class FacilitySourceOut(Schema):
    kind: str = Field(..., title="水源类型", description="水源类型代码")
    decision: str = Field(..., title="判定", description="allowed 或 review")
    review: str = Field(..., title="审核", description="空、pending、accepted 或 rejected")
    citation: str = Field(..., title="依据", description="依据的条款")
    explanation: str = Field(..., title="说明", description="中文说明")
    ended_on: dt.date | None = Field(..., title="停用日期", description="停用日期")


class FacilityOut(PublicFacilityOut):
    operator_uscc: str = Field(
        ..., title="运行管理单位统一社会信用代码", description="运行管理单位统一社会信用代码"
    )
    water_unit: str | None = Field(..., title="供水对象", description="供水对象（计划用水单位）")
    sources: list[FacilitySourceOut] = Field(..., title="水源", description="水源及其判定")
    next_test_due: dt.date | None = Field(
        ..., title="下次检测期限", description="下次水质检测期限（第二十三条）"
    )
    testing_interval_months: int | None = Field(..., title="检测周期", description="检测周期（月）")


class ProjectIn(Schema):
    name: str = Field(..., title="项目名称", description="项目名称", min_length=1, max_length=100)
    developer_name: str = Field(
        "", title="建设单位", description="建设单位名称（企业用户为本单位，可不填）", max_length=100
    )
    developer_uscc: str = Field(
        "",
        title="建设单位统一社会信用代码",
        description="18位统一社会信用代码（企业用户为本单位，可不填）",
        max_length=18,
    )
    jurisdiction: str = Field(
        ..., title="所在辖区", description="辖区代码（辖区名录），如 huarong", min_length=1, max_length=24
    )
    location: str = Field(..., title="项目地址", description="项目地址", min_length=1, max_length=200)
    project_kind: ProjectKind = Field(..., title="项目类型", description=f"项目类型：{_table(PROJECT_KINDS)}")
    works: Works = Field(..., title="建设性质", description=f"建设性质：{_table(WORKS)}")
    art16_class: Art16Class = Field(
        Art16Class.NONE, title="第十六条所列类别", description=f"第十六条所列类别：{_table(ART16_CLASSES)}"
    )
    footprint_m2: str = Area("规划建（构）筑物占地面积")
    hardened_m2: str = Area("规划路面硬化面积")
    land_m2: str = Area("总用地面积")
    existing_footprint_m2: str | None = Field(
        None,
        title="原有建（构）筑物占地面积",
        description="原有建（构）筑物占地面积（扩建项目）",
        max_length=20,
    )
    existing_hardened_m2: str | None = Field(
        None, title="原有路面硬化面积", description="原有路面硬化面积（扩建项目）", max_length=20
    )
    existing_land_m2: str | None = Field(
        None, title="原有用地面积", description="原有用地面积（扩建项目）", max_length=20
    )
    facility_type: FacilityType = Field(..., title="配套设施类型", description="rainwater 或 reclaimed")
    planned_start_on: dt.date | None = Field(
        None, title="计划开工日期", description="计划开工日期", ge=DATE_MIN, le=DATE_MAX
    )


class ViolationOut(Schema):
    id: int = Field(..., title="编号", description="违法行为登记编号")
    act: str = Field(..., title="违法行为", description="第二十四条所列行为代码")
    act_label: str = Field(..., title="违法行为名称", description="第二十四条所列行为")
    citation: str = Field(..., title="依据", description="依据的条款")
    found_on: dt.date = Field(..., title="发现日期", description="发现日期")
    party: str = Field(..., title="当事单位或个人", description="当事单位或个人")
    status: str = Field(..., title="状态", description="recorded、handed_over 或 closed")
    handled_under: list[str] = Field(
        ..., title="处理依据", description="据以处理的法律法规规章（第二十五条）"
    )


class UwProjectOut(Schema):
    id: int = Field(..., title="编号", description="项目编号")
    name: str = Field(..., title="项目名称", description="项目名称")
    developer: str = Field(..., title="建设单位", description="建设单位")
    status: str = Field(
        ...,
        title="状态",
        description="filed、under_construction、accepted、completed_unaccepted 或 supervised",
    )
    status_label: str = Field(..., title="状态说明", description="状态的中文说明")
    facility_type: str = Field(..., title="配套设施类型", description="rainwater 或 reclaimed")
    facility_required: bool = Field(..., title="第八条要求配套建设", description="备案时第八条的筛查结论")
    screening_reason: str = Field(..., title="筛查结论", description="筛查结论及依据")
    filed_on: dt.date = Field(..., title="备案日期", description="备案日期")
    receipt_number: str = Field(..., title="备案回执文号", description="备案回执文号")
    violations: list[str] = Field(..., title="三同时违规", description="三同时违规情形")


class UwReportIn(Schema):
    report_no: str = Field(..., title="检测报告编号", description="检测报告编号", min_length=1, max_length=60)
    sampled_on: dt.date = Field(..., title="采样日期", description="采样日期", ge=DATE_MIN, le=DATE_MAX)
    lab: str = Field(..., title="检测机构", description="检测机构名称", min_length=1, max_length=100)
    lab_qualification: str = Field(
        ...,
        title="检测机构资质认定证书编号",
        description="检测机构资质认定（CMA）证书编号（第二十三条）",
        min_length=1,
        max_length=60,
    )
    sample_point: str = Field(..., title="采样点", description="采样点", min_length=1, max_length=100)
    sample_point_kind: SamplePointKind = Field(
        ..., title="采样点类型", description="plant_outlet（出厂）、network_end（管网末端）或 other（其他）"
    )
    measurements: list[MeasurementIn] = Field(
        ..., title="检测指标", description="检测指标", min_length=1, max_length=100
    )


class ReportOut(Schema):
    id: int = Field(..., title="编号", description="检测报告编号（系统）")
    report_no: str = Field(..., title="检测报告编号", description="检测报告编号")
    sampled_on: dt.date = Field(..., title="采样日期", description="采样日期")
    filed_on: dt.date = Field(..., title="备案日期", description="备案日期")
    verdict: str = Field(
        ..., title="结论", description="pass、fail、incomplete 或 refused（不予判定，如标准尚未录入）"
    )
    verdict_label: str = Field(..., title="结论说明", description="结论的中文说明")
    refusal: str = Field(..., title="不予判定原因", description="不予判定的原因（如尚未录入的标准）")
    results: list[IndicatorResultOut] = Field(
        ..., title="逐项结果", description="每项指标的结果（不予判定时为空）"
    )


class UsageIn(Schema):
    period_start: dt.date = Field(
        ..., title="计量起始日期", description="计量起始日期", ge=DATE_MIN, le=DATE_MAX
    )
    period_end: dt.date = Field(
        ..., title="计量截止日期", description="计量截止日期", ge=DATE_MIN, le=DATE_MAX
    )
    volume_m3: str = Field(
        ...,
        title="利用水量",
        description='利用水量（立方米），最多两位小数的十进制字符串，如 "1200.50"',
        max_length=20,
    )
    note: str = Field("", title="说明", description="说明", max_length=200)


class UsageOut(Schema):
    id: int = Field(..., title="编号", description="记录编号")
    period_start: dt.date = Field(..., title="计量起始日期", description="计量起始日期")
    period_end: dt.date = Field(..., title="计量截止日期", description="计量截止日期")
    volume_m3: str = Field(..., title="利用水量", description="利用水量（立方米）")


class StopNoticeIn(Schema):
    reason: str = Field(
        ...,
        title="停止原因",
        description="停止运行或停止供水的原因（如设施维护）",
        min_length=1,
        max_length=200,
    )
    stop_starts_at: dt.datetime = Field(
        ..., title="停止运行（供水）时间", description="停止时间，带时区，如 2026-06-16T08:00+08:00"
    )
    stop_ends_at: dt.datetime | None = Field(
        None, title="恢复运行（供水）时间", description="恢复时间，带时区"
    )
    users_notified_at: dt.datetime | None = Field(
        None, title="通知用户时间", description="通知用户的时间，带时区"
    )
    notice_method: str = Field("", title="通知方式", description="通知方式，如 短信、公告", max_length=100)


class StopNoticeOut(StopNoticeCheckOut):
    id: int = Field(..., title="编号", description="停水报告编号")
    reported_at: dt.datetime | None = Field(
        ..., title="报告时间", description="市水行政主管部门收到报告的时间"
    )


class StandardOut(Schema):
    code: str = Field(..., title="标准编号", description="标准编号及年代号")
    title: str = Field(..., title="标准名称", description="标准名称")
    source: str = Field(..., title="来源", description="限值的来源")
    shipped: bool = Field(..., title="随系统提供", description="随系统提供（GB/T 18920-2020）或由管理员录入")
    rows: int = Field(..., title="限值条数", description="限值条数")
    uses: list[str] = Field(..., title="管辖用途", description="该标准管辖的用途")


class NeededStandardOut(Schema):
    standard: str = Field(..., title="标准编号", description="第十一条、第十八条要求的标准")
    title: str = Field(..., title="标准名称", description="标准名称")
    entered: bool = Field(..., title="已录入", description="标准库中是否已有该标准")
