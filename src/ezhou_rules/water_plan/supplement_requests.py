"""One entry point for a supplement request given as plain JSON values (the calculators and the platform),
and the "other" cases of 附件2 注.

附件2 注: "其他突发用水情况处理有定额标准的，按定额增补处理；无定额标准的，由市水行政主管部门出具意见。" An "other"
case with an applicable quota is computed like the quota rows (quantity × quota); without one it has no
formula — the volume is set by the department's written opinion when it decides (``by_opinion``), so the
computed volume is None until then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction

from ezhou_rules.core.citations import rule
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace
from ezhou_rules.core.workdays import WorkdayCalendar

from . import cite, parameters
from . import supplements as rules
from .errors import WaterPlanError
from .labels import label as field_label
from .volumes import format_volume, fraction_text, parse_decimal, parse_volume

OTHER_PLACE = "附件2"  # 附件2 注 (anchor annex2-note): the citation grammar has no "注"


def _round(value: Fraction) -> int:
    return (value.numerator * 2 + value.denominator) // (2 * value.denominator)


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2"],
    summary="其他突发用水情况（附件2 注）：有定额标准的按定额增补；无定额标准的由市水行政主管部门出具意见",
)
def other(
    description: str,
    *,
    quantity: Fraction | None,
    quota: Fraction | None,
    requested_m3x100: int | None = None,
    trace: Trace = NO_TRACE,
) -> int | None:
    """By quota where a quota exists (quantity × quota, rounded half up to 0.01 m³); otherwise None: the
    department's written opinion sets the volume (``by_opinion``)."""
    if not description.strip():
        raise WaterPlanError(
            "other_description",
            "突发用水情况说明：须写明发生了什么突发用水情况（附件2 注）。",
            field="description",
        )
    if quota is not None:
        if quantity is None:
            raise WaterPlanError(
                "missing_input",
                "数量：有定额标准的按定额增补，须填写与定额对应的数量（附件2 注）。",
                field="quantity",
            )
        result = _round(quantity * quota * 100)
        trace.step(
            "supplement_other_quota",
            cite(OTHER_PLACE),
            {"quantity": fraction_text(quantity), "quota": fraction_text(quota)},
            format_volume(result),
            f"其他突发用水情况（{description.strip()}）有定额标准，按定额增补：{fraction_text(quantity)}×定额"
            f"{fraction_text(quota)}={format_volume(result)}立方米（附件2 注）。",
        )
        return result
    trace.step(
        "supplement_other_opinion",
        cite(OTHER_PLACE),
        {"requested_m3": format_volume(requested_m3x100) if requested_m3x100 is not None else None},
        None,
        f"其他突发用水情况（{description.strip()}）无定额标准，增补水量由市水行政主管部门出具书面意见确定"
        + (f"；单位申请{format_volume(requested_m3x100)}立方米" if requested_m3x100 is not None else "")
        + "（附件2 注）。",
    )
    return None


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2"],
    summary="无定额标准的其他突发用水：按市水行政主管部门出具的书面意见确定增补水量",
)
def by_opinion(volume_m3x100: int, opinion: str, trace: Trace = NO_TRACE) -> int:
    if not opinion.strip():
        raise WaterPlanError(
            "opinion_missing",
            "书面意见：无定额标准的其他突发用水情况，须由市水行政主管部门出具意见并写明增补水量的依据（附件2 注）。",
            field="opinion",
        )
    if volume_m3x100 < 0:
        raise WaterPlanError("volume_negative", "核准水量：不能为负数。", field="approved_volume")
    trace.step(
        "supplement_other_opinion_decided",
        cite(OTHER_PLACE),
        {"opinion": opinion.strip()},
        format_volume(volume_m3x100),
        f"依市水行政主管部门出具的书面意见增补{format_volume(volume_m3x100)}立方米：{opinion.strip()}（附件2 注）。",
    )
    return volume_m3x100


# -- plain JSON values → the rules ------------------------------------------------------------------------


def _vol(
    inputs: Mapping[str, object], key: str, required: bool = True, field: str | None = None
) -> int | None:
    name = field or key
    if inputs.get(key) in (None, ""):
        if required:
            label = field_label(name) or "水量"
            raise WaterPlanError("missing_input", f"{label}：缺少水量（立方米）。", field=name)
        return None
    return parse_volume(inputs[key], field=name)


def _num(inputs: Mapping[str, object], key: str, required: bool = True, places: int = 4) -> Fraction | None:
    if inputs.get(key) in (None, ""):
        if required:
            raise WaterPlanError("missing_input", f"{field_label(key) or '数值'}：缺少数值。", field=key)
        return None
    return parse_decimal(inputs[key], field=key, max_places=places)


def _day(
    inputs: Mapping[str, object], key: str, required: bool = True, field: str | None = None
) -> dt.date | None:
    name = field or key
    label = field_label(name) or "日期"
    raw = inputs.get(key)
    if raw in (None, ""):
        if required:
            raise WaterPlanError("missing_input", f"{label}：缺少日期。", field=name)
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise WaterPlanError("date_format", f"{label}：“{raw}”不是日期（年-月-日）。", field=name) from None


def _month(raw: object, field: str) -> dt.date:
    text = str(raw or "").strip()
    try:
        return dt.date.fromisoformat(text + "-01")
    except ValueError:
        raise WaterPlanError(
            "month_format",
            f"{field_label(field) or '月份'}：“{text}”不是月份（年-月，如 2024-03）。",
            field=field,
        ) from None


def _rows(inputs: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    raw = inputs.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(r, Mapping) for r in raw):
        raise WaterPlanError("rows_format", f"{field_label(key)}：应为逐项列出的列表。", field=key)
    return list(raw)


def calculate(
    type_: str,
    inputs: Mapping[str, object],
    on: dt.date,
    *,
    quota: Fraction | None = None,
    cal: WorkdayCalendar | None = None,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> int | None:
    """The supplement (or construction deduction) for one request, in hundredths of m³; None for an "other"
    case without a quota (the department's opinion sets it).

    `quota` is the applicable quota value (m³ per unit) the caller looked up, for the types that use one;
    `cal` the working-day calendar (construction months' reporting deadlines)."""
    params = params or parameters()
    if type_ not in rules.SUPPLEMENT_TYPES:
        raise WaterPlanError(
            "supplement_type",
            f"突发用水类型：“{type_}”未知（附件2 表列八类，及附件2 注的其他情况）。",
            field="type",
        )
    if type_ == "fire":
        return rules.fire(_vol(inputs, "volume") or 0, str(inputs.get("source", "")), trace=trace)
    if type_ == "burst_pipe":
        raw_d = inputs.get("diameter_mm")
        if not isinstance(raw_d, int) or isinstance(raw_d, bool):
            raise WaterPlanError(
                "diameter_range", "水管口径：应为整数毫米（附件2 （二））。", field="diameter_mm"
            )
        return rules.burst_pipe(
            raw_d,
            _num(inputs, "pressure_mpa") or Fraction(0),
            _num(inputs, "repair_hours", places=2) or Fraction(0),
            on,
            params=params,
            trace=trace,
        )
    if type_ == "construction":
        if not inputs.get("has_contract"):
            raise WaterPlanError(
                "construction_contract",
                "工程施工合同：基建、装修用水须提供工程施工合同（附件2 （三））。",
                field="has_contract",
            )
        rows = []
        for i, m in enumerate(_rows(inputs, "months")):
            field = f"months[{i}]"
            rows.append(
                (
                    _month(m.get("month"), f"{field}.month"),
                    _vol(m, "volume", field=f"{field}.volume") or 0,
                    _day(m, "reported_on", required=False, field=f"{field}.reported_on"),
                )
            )
        if cal is None:
            raise TypeError("construction_deduction needs the working-day calendar (cal)")
        return rules.construction_deduction(rows, True, cal, params=params, trace=trace)
    if type_ == "transfer":
        return rules.transfer(
            bool(inputs.get("municipal")),
            billed_m3x100=_vol(inputs, "billed_volume", False),
            quantity=_num(inputs, "quantity", False, 2),
            quota=quota,
            trace=trace,
        )
    if type_ == "leak":
        rows_in = _rows(inputs, "daily")
        if not rows_in:
            raise WaterPlanError(
                "leak_no_daily_readings",
                "每日抄表记录：未提供，视为无节水管理措施，不予考虑增补（附件2 （五））。",
                field="daily",
            )
        daily: dict[dt.date, int] = {}
        for i, row in enumerate(rows_in):
            day = _day(row, "date", field=f"daily[{i}].date")
            assert day is not None
            daily[day] = _vol(row, "volume", field=f"daily[{i}].volume") or 0
        renewal_cost = inputs.get("renewal_cost_fen", 0)
        if not isinstance(renewal_cost, int) or isinstance(renewal_cost, bool) or renewal_cost < 0:
            raise WaterPlanError("renewal_cost", "改造经费：应为非负整数（分）。", field="renewal_cost_fen")
        return rules.leak(
            daily,
            _day(inputs, "leak_start") or on,
            _day(inputs, "leak_end") or on,
            _day(inputs, "repair_started") or on,
            _day(inputs, "renewal_started", False),
            renewal_cost,
            params=params,
            trace=trace,
        )
    if type_ == "equipment":
        return rules.equipment(
            str(inputs.get("mode", "")),
            _vol(inputs, "before_volume", False),
            _vol(inputs, "after_volume", False),
            _vol(inputs, "invoice_volume", False),
            trace=trace,
        )
    if type_ == "drill_cleaning":
        events = inputs.get("events", 1)
        return rules.drill_cleaning(
            str(inputs.get("kind", "")),
            bool(inputs.get("metered")),
            on,
            _vol(inputs, "before_volume", False),
            _vol(inputs, "after_volume", False),
            _vol(inputs, "per_event_volume", False),
            events if isinstance(events, int) and not isinstance(events, bool) else -1,
            params=params,
            trace=trace,
        )
    if type_ == "other":
        return other(
            str(inputs.get("description", "")),
            quantity=_num(inputs, "quantity", False, 2),
            quota=quota,
            requested_m3x100=_vol(inputs, "requested_volume", False),
            trace=trace,
        )
    return rules.increase(
        str(inputs.get("mode", "")),
        on,
        quantity=_num(inputs, "quantity", False, 2),
        quota=quota,
        last_year_m3x100=_vol(inputs, "last_year_volume", False),
        growth=_num(inputs, "growth", False),
        water_use=str(inputs.get("water_use", "")),
        divisor=_num(inputs, "divisor", False, 2),
        circulation_m3x100=_vol(inputs, "circulation_volume", False),
        volume_m3x100=_vol(inputs, "volume", False),
        params=params,
        trace=trace,
    )
