"""Emergency supplements (突发用水增补, 第十二条 and 附件2): the eight types of the table, and "other" cases
(附件2 注), and their rules.

Every function returns the supplement (or, for construction water, the deduction from actual use) in
hundredths of m³ and writes its steps to the trace. An "other" case without a quota has no formula: the
department's written opinion sets the volume (``by_opinion``), so its computed volume is None until then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from ezhou_rules.core.citations import rule
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.trace import NO_TRACE, Trace
from ezhou_rules.core.workdays import WorkdayCalendar

from . import cite, deadlines, parameters
from .errors import WaterPlanError
from .labels import label as field_label
from .volumes import format_volume, fraction_text

SUPPLEMENT_TYPES = {
    "fire": "灭火救灾",
    "burst_pipe": "水管爆裂",
    "construction": "基建、装修用水",
    "transfer": "转供水",
    "leak": "漏水",
    "equipment": "用水设施设备新增、调试、检修，用水工艺调整",
    "drill_cleaning": "消防演练、创建迎检清洁卫生用水",
    "increase": "产量增加、人员增加、厂房出租、店面出租",
    "other": "其他突发用水情况",
}
PLACES = {
    "fire": "附件2 （一）",
    "burst_pipe": "附件2 （二）",
    "construction": "附件2 （三）",
    "transfer": "附件2 （四）",
    "leak": "附件2 （五）",
    "equipment": "附件2 （六）",
    "drill_cleaning": "附件2 （七）",
    "increase": "附件2 （八）",
    # 附件2 注 (anchor annex2-note); the citation grammar has no "注", so the annex is cited whole.
    "other": "附件2",
}


def _round_fraction(value: Fraction) -> int:
    """Half up to an integer (value >= 0)."""
    return (value.numerator * 2 + value.denominator) // (2 * value.denominator)


def _need(value: object, field: str, what: str, place: str) -> None:
    if value is None or value == "":
        name = field_label(field)
        raise WaterPlanError(
            "missing_input", f"{name + '：' if name else ''}缺少{what}（{place}）。", field=field
        )


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2 （一）"],
    summary="灭火救灾：按消防表实际使用量或消防部门证明水量增补",
)
def fire(volume_m3x100: int, source: str, trace: Trace = NO_TRACE) -> int:
    if source not in ("fire_meter", "fire_department"):
        raise WaterPlanError(
            "fire_source",
            "水量来源应为消防表抄见量（供水企业）或消防部门出具的用水量证明（附件2 （一））。",
            field="source",
        )
    trace.step(
        "supplement_fire",
        cite(PLACES["fire"]),
        {"source": source},
        format_volume(volume_m3x100),
        f"灭火救灾按{'消防表实际使用量（以供水企业抄见为准）' if source == 'fire_meter' else '消防部门出具的用水量证明'}"
        f"增补{format_volume(volume_m3x100)}立方米。",
    )
    return volume_m3x100


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2 （二）"],
    summary="水管爆裂：按口径、压力、修复时间计算流失水量，最多24小时",
)
def burst_pipe(
    diameter_mm: int,
    pressure_mpa: Fraction,
    repair_hours: Fraction,
    on: dt.date,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    """Q = μ·(π·d²/4)·√(2·p/ρ), ρ = 1000 kg/m³, p in Pa; V = Q × 3600 × min(t, 24 h). μ is an interpretation."""
    params = params or parameters()
    if not isinstance(diameter_mm, int) or isinstance(diameter_mm, bool) or not 0 < diameter_mm <= 3000:
        raise WaterPlanError(
            "diameter_range", "水管口径应为1至3000毫米的整数（附件2 （二））。", field="diameter_mm"
        )
    if not Fraction(0) < pressure_mpa <= Fraction(2):
        raise WaterPlanError(
            "pressure_range", "压力应大于0且不超过2兆帕（附件2 （二））。", field="pressure_mpa"
        )
    if repair_hours <= 0:
        raise WaterPlanError(
            "repair_hours", "爆管到修复的时间应大于0小时（附件2 （二））。", field="repair_hours"
        )
    max_hours = params.get("supplements.burst_pipe_max_hours", on)
    mu = params.get("supplements.burst_pipe_discharge_coefficient", on)
    hours = min(repair_hours, Fraction(max_hours))
    with localcontext() as ctx:
        ctx.prec = 40
        pi = Decimal("3.1415926535897932384626433832795028841972")
        d = Decimal(diameter_mm) / 1000
        area = pi * d * d / 4
        p_pa = Decimal(pressure_mpa.numerator) / Decimal(pressure_mpa.denominator) * 1_000_000
        velocity = (2 * p_pa / 1000).sqrt()
        mu_d = Decimal(mu.numerator) / Decimal(mu.denominator)
        flow = mu_d * area * velocity  # m³/s
        seconds = Decimal(hours.numerator) * 3600 / Decimal(hours.denominator)
        volume = (flow * seconds * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    result = int(volume)
    trace.step(
        "supplement_burst_pipe",
        cite(PLACES["burst_pipe"]),
        {
            "diameter_mm": diameter_mm,
            "pressure_mpa": fraction_text(pressure_mpa),
            "repair_hours": fraction_text(repair_hours),
            "counted_hours": fraction_text(hours),
            "mu": mu,
        },
        format_volume(result),
        f"爆管流失水量=μ{fraction_text(mu)}×管口面积{area:.6f}㎡×流速√(2×{p_pa:.0f}Pa÷1000)={velocity:.4f}m/s"
        f"×{fraction_text(hours)}小时（最多{max_hours}小时）={format_volume(result)}立方米，按此增补。",
    )
    return result


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2 （三）"],
    summary="基建、装修用水：申请经核准、按期上报的基建水表月用水量从实际用水量中减除",
)
def construction_deduction(
    monthly: Sequence[tuple[dt.date, int, dt.date | None]],
    approved: bool,
    cal: WorkdayCalendar,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    """The construction water deducted from actual use (附件2 （三）, W6, W16).

    monthly: (a day of the month, the construction meter's volume in hundredths of m³, the day it was reported
    through the platform or None). Nothing is deducted without an approved request ("不提出申请的……不予认可");
    a month counts only if reported by its due date (``deadlines.construction_report_due``)."""
    place = PLACES["construction"]
    if not approved:
        trace.step(
            "construction_deduction",
            cite(place),
            {"approved": False},
            format_volume(0),
            "未提出基建用水申请或申请未获核准，原则上不予认可基建水量，不从实际用水量中减除。",
        )
        return 0
    counted: list[str] = []
    late: list[str] = []
    total = 0
    for month, volume, reported_on in sorted(monthly, key=lambda r: r[0]):
        if volume < 0:
            raise WaterPlanError("volume_negative", "基建水表月用水量不能为负数。", field="months")
        due = deadlines.construction_report_due(month, cal, params)
        label = f"{month.year}年{month.month}月"
        if reported_on is not None and reported_on <= due.due:
            counted.append(label)
            total += volume
        else:
            late.append(
                f"{label}（应于{cn_date(due.due)}前上报，{'未上报' if reported_on is None else cn_date(reported_on) + '上报'}）"
            )
    trace.step(
        "construction_deduction",
        cite(place),
        {"approved": True, "months": counted, "late_months": late},
        format_volume(total),
        f"基建用水申请已核准；按期上报的{len(counted)}个月基建水表用水量合计{format_volume(total)}立方米，"
        "从实际用水量中减除" + (f"；{'、'.join(late)}未按期上报，原则上不予认可" if late else "") + "。",
    )
    return total


@rule(cites=["鄂州政办发〔2022〕15号 附件2 （四）"], summary="转供水：市政建设按结算票据水量，其余按定额")
def transfer(
    municipal: bool,
    billed_m3x100: int | None = None,
    quantity: Fraction | None = None,
    quota: Fraction | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    if municipal:
        _need(billed_m3x100, "billed_volume", "水费结算票据显示的用量", PLACES["transfer"])
        assert billed_m3x100 is not None
        trace.step(
            "supplement_transfer",
            cite(PLACES["transfer"]),
            {"municipal": True},
            format_volume(billed_m3x100),
            f"市政建设转供水按水费结算票据用量{format_volume(billed_m3x100)}立方米按实增补。",
        )
        return billed_m3x100
    if quota is None:
        raise WaterPlanError(
            "quota_missing", "非市政建设转供水按定额增补，须有适用的用水定额（附件2 （四））。", field="quota"
        )
    _need(quantity, "quantity", "转供对象的考核数量", PLACES["transfer"])
    assert quantity is not None
    result = _round_fraction(quantity * quota * 100)
    trace.step(
        "supplement_transfer",
        cite(PLACES["transfer"]),
        {"municipal": False, "quantity": fraction_text(quantity), "quota": fraction_text(quota)},
        format_volume(result),
        f"非市政建设转供水按定额增补：{fraction_text(quantity)}×{fraction_text(quota)}={format_volume(result)}立方米。",
    )
    return result


def _add_months(day: dt.date, months: int) -> dt.date:
    """民法典 第二百零二条: the corresponding day, or the month's last day when it has none."""
    return day + relativedelta(months=months)


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2 （五）"],
    summary="漏水：漏水量=漏水期间日水量和-(前一周+后一周)÷14×漏水天数，按开始维修时间分担",
)
def leak(
    daily_m3x100: Mapping[dt.date, int],
    leak_start: dt.date,
    leak_end: dt.date,
    repair_started: dt.date,
    renewal_started: dt.date | None = None,
    renewal_cost_fen: int = 0,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    """daily_m3x100: daily volumes from the daily meter readings; leak_start..leak_end is the leak period
    (both days counted); the week before is the 7 days before leak_start, the week after the 7 days after
    leak_end (the repair is complete at the end of leak_end)."""
    params = params or parameters()
    place = PLACES["leak"]
    if not daily_m3x100:
        raise WaterPlanError(
            "leak_no_daily_readings",
            "未提供每日抄表记录，视为无节水管理措施，不予考虑增补（附件2 （五））。",
            field="daily_readings",
        )
    if leak_end < leak_start or repair_started < leak_start:
        raise WaterPlanError(
            "leak_dates", "漏水结束日期和开始维修日期不能早于漏水开始日期（附件2 （五））。", field="leak_end"
        )
    week = params.get("supplements.leak_days_before_after", leak_start)
    leak_days = (leak_end - leak_start).days + 1
    needed = [leak_start + dt.timedelta(days=i) for i in range(-week, leak_days + week)]
    missing = [d for d in needed if d not in daily_m3x100]
    if missing:
        shown = "、".join(cn_date(d) for d in missing[:5]) + ("等" if len(missing) > 5 else "")
        raise WaterPlanError(
            "leak_no_daily_readings",
            f"缺少{len(missing)}天的每日抄表记录（{shown}）；须有漏水前一周、漏水期间和修复后一周的每日水量，"
            "未提供的不予考虑增补（附件2 （五））。",
            field="daily_readings",
        )
    if any(v < 0 for v in daily_m3x100.values()):
        raise WaterPlanError("volume_negative", "每日水量不能为负数。", field="daily_readings")
    during = sum(daily_m3x100[d] for d in needed[week : week + leak_days])
    before = sum(daily_m3x100[d] for d in needed[:week])
    after = sum(daily_m3x100[d] for d in needed[week + leak_days :])
    normal = Fraction(before + after, 2 * week) * leak_days
    loss = max(Fraction(during) - normal, Fraction(0))
    trace.step(
        "leak_volume",
        cite(place),
        {
            "during_m3": format_volume(during),
            "week_before_m3": format_volume(before),
            "week_after_m3": format_volume(after),
            "leak_days": leak_days,
        },
        fraction_text(loss / 100),
        f"漏水量={format_volume(during)}-({format_volume(before)}+{format_volume(after)})÷{2 * week}×{leak_days}天"
        f"={fraction_text(loss / 100)}立方米" + ("（不大于0，按0计）" if loss == 0 else "") + "。",
    )
    days_to_repair = (repair_started - leak_start).days
    free_days = params.get("supplements.leak_share_free_days", leak_start)
    mid_days = params.get("supplements.leak_share_mid_days", leak_start)
    renewal_min = params.get("supplements.leak_renewal_min_cost", leak_start)
    renewal_months = params.get("supplements.leak_renewal_months", leak_start)
    if (
        renewal_started is not None
        and leak_start <= renewal_started <= _add_months(leak_start, renewal_months)
        and renewal_cost_fen >= renewal_min
    ):
        share, why = (
            Fraction(0),
            (
                f"发现漏水后{renewal_months}个月内启动管道更新改造，经费{renewal_cost_fen / 100:,.2f}元不低于"
                f"{renewal_min // 100:,}元，增补水量满足漏水量"
            ),
        )
    elif days_to_repair <= free_days:
        share, why = (
            Fraction(0),
            f"从漏水到开始维修{days_to_repair}天，在{free_days}天（含）之内，用水单位承担0",
        )
    elif days_to_repair <= mid_days:
        share = params.get("supplements.leak_share_mid", leak_start)
        why = f"从漏水到开始维修{days_to_repair}天，在{free_days}-{mid_days}天（含）之内，用水单位承担{share}"
    else:
        share = params.get("supplements.leak_share_late", leak_start)
        why = f"从漏水到开始维修{days_to_repair}天，超过{mid_days}天，用水单位承担{share}"
    result = _round_fraction(loss * (1 - share))
    trace.step(
        "leak_supplement",
        cite(place),
        {"days_to_repair": days_to_repair, "unit_share": share, "renewal_cost_fen": renewal_cost_fen},
        format_volume(result),
        f"{why}，增补{format_volume(result)}立方米。",
    )
    return result


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2 （六）"],
    summary="设施设备新增、调试、检修及工艺调整：装表计量前后对比；消防试水按发票水量",
)
def equipment(
    mode: str,
    before_m3x100: int | None = None,
    after_m3x100: int | None = None,
    invoice_m3x100: int | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    place = PLACES["equipment"]
    if mode == "fire_test_invoice":
        _need(invoice_m3x100, "invoice_volume", "对应月份水费发票水量", place)
        assert invoice_m3x100 is not None
        trace.step(
            "supplement_equipment",
            cite(place),
            {"mode": mode},
            format_volume(invoice_m3x100),
            f"消防试水按对应月份水费发票水量{format_volume(invoice_m3x100)}立方米增补。",
        )
        return invoice_m3x100
    if mode != "metered":
        raise WaterPlanError(
            "equipment_unmetered",
            "各用水点都要求装表计量：须提供装表计量前后的水量（附件2 （六））。",
            field="mode",
        )
    _need(before_m3x100, "before_volume", "装表计量前（对比期）水量", place)
    _need(after_m3x100, "after_volume", "装表计量后水量", place)
    assert before_m3x100 is not None and after_m3x100 is not None
    result = max(after_m3x100 - before_m3x100, 0)
    trace.step(
        "supplement_equipment",
        cite(place),
        {"before_m3": format_volume(before_m3x100), "after_m3": format_volume(after_m3x100)},
        format_volume(result),
        f"装表计量前后水量对比：{format_volume(after_m3x100)}-{format_volume(before_m3x100)}"
        f"={format_volume(result)}立方米（不为负），按此增补。",
    )
    return result


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2 （七）"],
    summary="消防演练、迎检清洁：前后抄表对比；未装表的按每次100-150吨或50-100吨",
)
def drill_cleaning(
    kind: str,
    metered: bool,
    on: dt.date,
    before_m3x100: int | None = None,
    after_m3x100: int | None = None,
    per_event_m3x100: int | None = None,
    events: int = 1,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    params = params or parameters()
    place = PLACES["drill_cleaning"]
    if kind not in ("drill", "cleaning"):
        raise WaterPlanError(
            "drill_kind", "类型应为消防演练或创建迎检清洁卫生（附件2 （七））。", field="kind"
        )
    label = "普通消防演练" if kind == "drill" else "创建迎检清洁卫生用水"
    if metered:
        _need(before_m3x100, "before_volume", "活动前抄表水量", place)
        _need(after_m3x100, "after_volume", "活动后抄表水量", place)
        assert before_m3x100 is not None and after_m3x100 is not None
        result = max(after_m3x100 - before_m3x100, 0)
        trace.step(
            "supplement_drill_cleaning",
            cite(place),
            {"kind": kind, "metered": True},
            format_volume(result),
            f"{label}按前后水表抄表水量对比增补{format_volume(result)}立方米。",
        )
        return result
    low = params.get(f"supplements.{kind}_min_m3", on) * 100
    high = params.get(f"supplements.{kind}_max_m3", on) * 100
    if per_event_m3x100 is None or not low <= per_event_m3x100 <= high:
        raise WaterPlanError(
            "drill_range",
            f"未安装水表的{label}每次增补{low // 100}-{high // 100}吨，由经办人员在此范围内选定（附件2 （七））。",
            field="per_event_volume",
        )
    if not isinstance(events, int) or events < 1 or events > 366:
        raise WaterPlanError("drill_events", "次数应为1至366的整数。", field="events")
    result = per_event_m3x100 * events
    trace.step(
        "supplement_drill_cleaning",
        cite(place),
        {"kind": kind, "metered": False, "per_event_m3": format_volume(per_event_m3x100), "events": events},
        format_volume(result),
        f"未安装水表的{label}按每次{format_volume(per_event_m3x100)}吨（{low // 100}-{high // 100}吨范围内）"
        f"×{events}次={format_volume(result)}立方米增补。",
    )
    return result


INCREASE_MODES = {
    "output_quota": "产量增加（有用水定额）",
    "output_no_quota": "产量增加（无用水定额）",
    "equipment_metered": "新增设备（装表）",
    "equipment_unmetered": "新增设备（未装表）",
    "staff": "人员增加",
    "factory_rental": "厂房出租或新厂入驻",
    "shop_rental": "店面出租",
}


@rule(
    cites=["鄂州政办发〔2022〕15号 附件2 （八）"],
    summary="产量、人员增加及出租：增加量×定额；无定额时去年同期水量×增幅÷系数；未装表设备按循环水量2%",
)
def increase(
    mode: str,
    on: dt.date,
    *,
    quantity: Fraction | None = None,
    quota: Fraction | None = None,
    last_year_m3x100: int | None = None,
    growth: Fraction | None = None,
    water_use: str = "",
    divisor: Fraction | None = None,
    circulation_m3x100: int | None = None,
    volume_m3x100: int | None = None,
    params: ParameterTree | None = None,
    trace: Trace = NO_TRACE,
) -> int:
    params = params or parameters()
    place = PLACES["increase"]
    if mode not in INCREASE_MODES:
        raise WaterPlanError("increase_mode", "增补情形未知（附件2 （八））。", field="mode")
    if mode in ("output_quota", "staff", "shop_rental"):
        if quota is None:
            raise WaterPlanError(
                "quota_missing",
                f"{INCREASE_MODES[mode]}按定额增补，须有适用的用水定额（附件2 （八））。",
                field="quota",
            )
        _need(quantity, "quantity", "增加的产量、人数或面积", place)
        assert quantity is not None
        result = _round_fraction(quantity * quota * 100)
        text = f"{INCREASE_MODES[mode]}：增补水量=增加量{fraction_text(quantity)}×定额{fraction_text(quota)}"
    elif mode == "output_no_quota":
        _need(last_year_m3x100, "last_year_volume", "去年同期水量", place)
        _need(growth, "growth", "产值产量同比增幅", place)
        assert last_year_m3x100 is not None and growth is not None
        if water_use == "raw_material":
            div = Fraction(params.get("supplements.raw_material_divisor", on))
        elif water_use == "auxiliary":
            low = params.get("supplements.auxiliary_divisor_min", on)
            high = params.get("supplements.auxiliary_divisor_max", on)
            if divisor is None or not low <= divisor <= high:
                raise WaterPlanError(
                    "increase_divisor",
                    f"生产辅助用水的系数按行业取{low}—{high}（附件2 （八））。",
                    field="divisor",
                )
            div = divisor
        else:
            raise WaterPlanError(
                "increase_water_use",
                "用水性质应为以水作为生产原料或生产辅助用水（附件2 （八））。",
                field="water_use",
            )
        result = _round_fraction(Fraction(last_year_m3x100) * growth / div)
        text = (
            f"无用水定额：增补水量=去年同期水量{format_volume(last_year_m3x100)}×同比增幅{fraction_text(growth)}"
            f"÷系数{fraction_text(div)}"
        )
    elif mode == "equipment_unmetered":
        _need(circulation_m3x100, "circulation_volume", "循环水量", place)
        assert circulation_m3x100 is not None
        ratio = params.get("supplements.unmetered_equipment_ratio", on)
        result = _round_fraction(circulation_m3x100 * ratio)
        text = f"新增设备未安装水表：增补水量=循环水量{format_volume(circulation_m3x100)}×{fraction_text(ratio * 100)}%"
    else:  # equipment_metered, factory_rental: the metered or billed volume
        _need(volume_m3x100, "volume", "计量水表水量或租赁单位水费结算票据水量", place)
        assert volume_m3x100 is not None
        result = volume_m3x100
        text = f"{INCREASE_MODES[mode]}：按{'计量水表' if mode == 'equipment_metered' else '租赁单位水费结算票据'}水量"
    trace.step(
        "supplement_increase",
        cite(place),
        {"mode": mode},
        format_volume(result),
        f"{text}={format_volume(result)}立方米。",
    )
    return result
