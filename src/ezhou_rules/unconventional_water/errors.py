"""Errors of the unconventional-water rules: an English machine code, the field concerned and a Chinese
message that names the field by its Chinese label and the rule it breaks."""

from __future__ import annotations

from collections.abc import Sequence

# field → Chinese label, as a form would show it
FIELD_LABELS: dict[str, str] = {
    "project_kind": "项目类型",
    "works": "建设性质",
    "footprint_m2": "规划建（构）筑物占地面积",
    "hardened_m2": "规划路面硬化面积",
    "land_m2": "总用地面积",
    "existing_footprint_m2": "原有建（构）筑物占地面积",
    "existing_hardened_m2": "原有路面硬化面积",
    "existing_land_m2": "原有用地面积",
    "events": "项目事项记录",
    "events.kind": "事项类型",
    "events.on": "事项日期",
    "designer": "设计单位",
    "designer_qualification": "设计单位资质证书编号",
    "source_kind": "水源类型",
    "industry": "排水行业",
    "facility_type": "设施类型",
    "uses": "供水用途",
    "sample_point_kind": "采样点类型",
    "sample_point": "采样点",
    "sampled_on": "采样日期",
    "lab": "检测机构",
    "lab_qualification": "检测机构资质证书编号",
    "report_no": "检测报告编号",
    "measurements": "检测指标",
    "indicator": "检测指标",
    "value": "检测值",
    "unit": "计量单位",
    "standard": "水质标准",
    "standard.source": "标准来源",
    "stop_starts_at": "停止运行（供水）时间",
    "stop_ends_at": "恢复运行（供水）时间",
    "users_notified_at": "通知用户时间",
    "reported_at": "向市水行政主管部门报告时间",
    "interval_months": "检测周期（月）",
    "last_sampled_on": "上次采样日期",
    "act": "违法行为",
    "checklist": "检查项目",
    "capacity_m3_per_day": "设计规模（立方米/日）",
    "operator": "运行管理单位",
    "location": "位置",
    "jurisdiction": "所属辖区",
    "year": "年度",
    "volume_m3": "利用水量",
}


def label(field: str) -> str:
    """'footprint_m2' → '规划建（构）筑物占地面积（footprint_m2）'."""
    base = field.split("[")[0]
    name = FIELD_LABELS.get(base) or FIELD_LABELS.get(base.split(".")[-1])
    return f"{name}（{field}）" if name else field


class UnconventionalWaterError(ValueError):
    """Bad input or a check that cannot be made: refused, nothing computed, nothing written."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def fail(code: str, field: str, text: str) -> UnconventionalWaterError:
    """An error whose message opens with the field's Chinese label: '总用地面积（land_m2）：不能为负数…'."""
    return UnconventionalWaterError(code, f"{label(field)}：{text}", field=field)


class MissingStandardError(UnconventionalWaterError):
    """A quality check needs a standard (or its limits for a use) nobody has entered: refused, never passed."""

    def __init__(self, missing: Sequence[tuple[str, str, str]]) -> None:
        # missing: (standard code, use label, citation) — one line per standard and use
        lines = "；".join(f"{use}须符合《{code}》（{where}）" for code, use, where in missing)
        standards = sorted({code for code, _, _ in missing})
        super().__init__(
            "standard_not_entered",
            f"水质标准{'、'.join(f'《{c}》' for c in standards)}的限值尚未录入，无法判定，检测结果不予通过："
            f"{lines}。请管理员录入该标准的指标限值及其来源后再行检查。",
            field="standard",
        )
        self.standards = standards
        self.missing = tuple(missing)
