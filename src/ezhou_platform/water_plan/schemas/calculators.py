"""The water-plan API's calculators (附件1 plan, 附件2 supplements, 第十四条 surcharge): inputs and outputs with
their Chinese titles. Volumes are decimal strings in m³ with at most two decimals ("1234.56"); money is integer fen.
A supplement request is a discriminated union on ``type``: each of the eight types of 附件2 and the "other"
cases of 附件2 注 has its own ``inputs``. Coefficient cases are an enumeration (附件1 三) whose description
gives each case's effect and the plan years it counts for.

No `from __future__ import annotations`: django-ninja and pydantic read these annotations at runtime.
"""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Union

from ninja import Field, Schema
from pydantic import RootModel, create_model

from ezhou_rules.water_plan import parameters
from ezhou_rules.water_plan.plan import COEFFICIENT_CASES
from ezhou_rules.water_plan.supplements import INCREASE_MODES, SUPPLEMENT_TYPES

VOLUME_HINT = '立方米，最多两位小数的字符串，如 "123.45"'


def _coefficient_table() -> str:
    params = parameters()
    rows = []
    for kind, case in COEFFICIENT_CASES.items():
        effect = case.effect(params)
        rows.append(f"{kind}：{case.label}，{effect / 100:+g}，计入{case.years_label}（{case.place}）")
    return "；".join(rows)


class WaterCoefficientKind(StrEnum):
    """The cases of 附件1 三 (a test checks this list against the rules' table)."""

    WATER_SAVING_TITLE = "water_saving_title"
    BALANCE_TEST_RECTIFIED = "balance_test_rectified"
    BALANCE_TEST_NOT_DONE = "balance_test_not_done"
    RETROFIT_FILED = "retrofit_filed"
    PROJECT_WITHOUT_MEASURES = "project_without_measures"
    UNCONVENTIONAL_USED = "unconventional_used"
    UNCONVENTIONAL_NOT_USED = "unconventional_not_used"
    ADVANCED_EFFICIENCY = "advanced_efficiency"
    OBSOLETE_EQUIPMENT = "obsolete_equipment"
    METERING_COMPLIANT = "metering_compliant"
    METERING_NONCOMPLIANT = "metering_noncompliant"
    STATISTICS_TIMELY = "statistics_timely"
    STATISTICS_LATE = "statistics_late"


class WaterTraceStepOut(Schema):
    rule: str = Field(..., title="规则", description="规则（程序中的名称）")
    citation: str | None = Field(..., title="依据", description="依据的条款")
    anchor: str | None = Field(..., title="条款锚点", description="条款在政策文件库中的锚点")
    document: str | None = Field(..., title="文件", description="文号")
    inputs: dict[str, Any] = Field(..., title="输入", description="这一步用到的数据")
    result: Any = Field(..., title="结果", description="这一步的结果")
    explanation: str = Field(..., title="说明", description="这一步的中文说明")


# -- 附件1: the plan calculator ------------------------------------------------------------------------------


class WaterEventIn(Schema):
    kind: WaterCoefficientKind = Field(
        ..., title="增减系数情形", description="附件1 三 的情形。" + _coefficient_table()
    )
    on: dt.date = Field(..., title="发生日期", description="完成、备案、实施或认定日期")
    until: dt.date | None = Field(
        None, title="称号有效期截止日", description="节水型企业（单位）称号的有效期截止日"
    )
    evidence: str = Field("", title="证明材料", description="证明材料（记录情形时必填）", max_length=200)


class WaterPlanCalcIn(Schema):
    plan_year: int = Field(..., title="计划年度", description="计划年度（2022年至明年）")
    method: Literal["statistic", "quota"] = Field(
        ..., title="核定方法", description="statistic 统计法（附件1 二）；quota 定额法（附件1 一）"
    )
    history: list[str] | None = Field(
        None,
        title="前三年用水量",
        description=f"统计法：前三年、前二年、前一年用水量（{VOLUME_HINT}），未满的年份填0",
        min_length=3,
        max_length=3,
    )
    normal_use_started: dt.date | None = Field(
        None, title="正常用水开始日期", description="统计法：正常用水开始日期（与正常用水年数二选一）"
    )
    years_of_normal_use: Decimal | None = Field(
        None,
        title="正常用水年数",
        description="统计法：正常用水年数，可为小数（如2.5年按“2年以上3年以下”）；与正常用水开始日期二选一",
        ge=0,
        le=200,
        decimal_places=2,
    )
    quantity: str | None = Field(
        None, title="被考核指标的数量", description="定额法：被考核指标的数量（最多两位小数）"
    )
    quota: str | None = Field(
        None,
        title="用水定额值",
        description="定额法：用水定额值（立方米/单位）；或给出考核指标与定额单位查定额表",
    )
    indicator: str | None = Field(None, title="考核指标", description="定额法：定额表中的指标或产品")
    quota_unit: str | None = Field(None, title="定额单位", description="定额法：定额单位，如 m³/(人·a)")
    events: list[WaterEventIn] = Field(
        default_factory=list, title="增减系数情形", description="附件1 三 的各情形"
    )
    adjustment: str = Field("0", title="增减量", description=f"± 增减量（{VOLUME_HINT}，可为负）")


class WaterComponentOut(Schema):
    label: str = Field(..., title="组成项", description="组成项名称（前三年用水量……或考核指标）")
    year: int | None = Field(..., title="年份", description="统计法：该项用水量的年份")
    volume: str | None = Field(..., title="用水量", description="统计法：该年用水量（立方米）")
    weight: str | None = Field(..., title="权重", description="统计法：权重，如 70%")
    quantity: str | None = Field(..., title="数量", description="定额法：被考核指标的数量")
    quota: str | None = Field(..., title="用水定额", description="定额法：用水定额值")
    amount: str = Field(..., title="折算水量", description="该项计入基数的水量（立方米，精确值）")


class WaterCoefficientCaseOut(Schema):
    kind: WaterCoefficientKind = Field(..., title="增减系数情形", description="附件1 三 的情形")
    label: str = Field(..., title="情形说明", description="情形的中文说明")
    citation: str = Field(..., title="依据", description="附件1 三 的条款")
    on: dt.date = Field(..., title="发生日期", description="完成、备案、实施或认定日期")
    counts_for: list[int] = Field(..., title="计入年度", description="该情形计入的第一个和最后一个计划年度")
    delta: str = Field(..., title="增减", description="对增减系数的增减，如 +0.10")


class WaterCoefficientOut(Schema):
    value: str = Field(..., title="增减系数", description="封顶后的增减系数，如 +0.05")
    increases: str = Field(..., title="增加合计", description="各增加情形合计（封顶前）")
    decreases: str = Field(..., title="降低合计", description="各降低情形合计（封顶前，负数）")
    increase_cap: str = Field(..., title="增加上限", description="增加累计不大于（+0.30）")
    decrease_cap: str = Field(..., title="降低下限", description="降低累计不低于（-0.30）")
    cases: list[WaterCoefficientCaseOut] = Field(
        ..., title="计入的情形", description="计入该计划年度的各情形"
    )


class WaterPlanCalcOut(Schema):
    method: str = Field(..., title="核定方法", description="statistic 或 quota")
    method_label: str = Field(..., title="核定方法名称", description="统计法或定额法")
    plan_year: int = Field(..., title="计划年度", description="计划年度")
    formula: str = Field(..., title="适用公式", description="适用的附件1 公式所在条款")
    years_of_normal_use: str | None = Field(..., title="正常用水年数", description="统计法：正常用水年数")
    components: list[WaterComponentOut] = Field(..., title="基数组成", description="基数的各组成项")
    base_volume: str = Field(..., title="基数", description="加权平均用水量或数量×定额（立方米，精确值）")
    coefficient: str = Field(..., title="增减系数", description="增减系数，如 +0.05")
    coefficient_detail: WaterCoefficientOut = Field(..., title="增减系数明细", description="各情形及封顶")
    coefficient_volume: str = Field(..., title="增减系数水量", description="基数×增减系数（立方米，精确值）")
    formula_volume: str = Field(
        ..., title="公式水量", description="基数×(1.0±增减系数)，四舍五入到0.01立方米"
    )
    adjustment: str = Field(..., title="增减量", description="± 增减量（立方米）")
    plan_volume: str = Field(..., title="计划用水量", description="年度计划用水量（立方米）")
    expiry_warning: str = Field(
        ...,
        title="有效期提示",
        description="适用日期在本细则有效期（至2027年7月10日）届满之后时的提示，否则为空",
    )
    trace: list[WaterTraceStepOut] = Field(..., title="计算过程", description="逐步计算过程及依据")


class WaterCoefficientKindOut(Schema):
    kind: WaterCoefficientKind = Field(..., title="增减系数情形", description="情形代码")
    label: str = Field(..., title="情形说明", description="情形的中文说明")
    effect: str = Field(..., title="增减", description="对增减系数的增减，如 +0.10、-0.05")
    counts_for: str = Field(..., title="计入年度", description="计入哪些计划年度")
    citation: str = Field(..., title="依据", description="附件1 三 的条款")


# -- 附件2: supplement inputs, one schema per type --------------------------------------------------------


def _vol(title: str, required: bool = False) -> Any:
    return Field(... if required else None, title=title, description=f"{title}（{VOLUME_HINT}）")


class WaterFireInputs(Schema):
    volume: str = _vol("消防用水量", True)
    source: Literal["fire_meter", "fire_department"] = Field(
        ...,
        title="水量来源",
        description="fire_meter 消防表抄见量（以供水企业为准）；fire_department 消防部门出具的用水量证明",
    )


class WaterBurstPipeInputs(Schema):
    diameter_mm: int = Field(..., title="水管口径", description="水管口径（毫米）", gt=0, le=3000)
    pressure_mpa: str = Field(..., title="压力", description="供水压力（兆帕，大于0且不超过2）")
    repair_hours: str = Field(..., title="爆管到修复的时间", description="小时，最多两位小数；最多按24小时计")


class WaterConstructionMonthIn(Schema):
    month: str = Field(..., title="月份", description="年-月，如 2024-03")
    volume: str = _vol("基建水表用水量", True)
    reported_on: dt.date | None = Field(
        None, title="上报日期", description="通过节水平台上报的日期；未上报的不填"
    )


class WaterConstructionInputs(Schema):
    has_contract: bool = Field(
        ..., title="工程施工合同", description="是否提供工程施工合同（附件2 （三）必须提供）"
    )
    project: str = Field("", title="基建、装修项目", description="基建、装修项目名称", max_length=100)
    months: list[WaterConstructionMonthIn] = Field(
        default_factory=list,
        title="基建水表月用水量",
        description="试算：各月基建水表用水量及上报日期（次月月底前上报的按期）；提出申请时不填，每月另行上报",
    )


class WaterTransferInputs(Schema):
    municipal: bool = Field(
        ..., title="是否市政建设转供水", description="市政建设按水费结算票据用量，其余按定额"
    )
    billed_volume: str | None = _vol("水费结算票据用量")
    quantity: str | None = Field(None, title="数量", description="非市政建设：按定额增补的考核数量")


class WaterDailyReadingIn(Schema):
    date: dt.date = Field(..., title="日期", description="抄表日期")
    volume: str = _vol("日用水量", True)


class WaterLeakInputs(Schema):
    leak_start: dt.date = Field(..., title="漏水开始日期", description="漏水开始日期")
    leak_end: dt.date = Field(..., title="漏水结束日期", description="修复完成日期（含）")
    repair_started: dt.date = Field(..., title="开始维修日期", description="开始维修日期")
    daily: list[WaterDailyReadingIn] = Field(
        default_factory=list,
        title="每日抄表记录",
        description="漏水前一周、漏水期间、修复后一周的每日水量；提出申请时不填则取导入的日抄表数据",
    )
    renewal_started: dt.date | None = Field(
        None, title="管道更新改造启动日期", description="一个月内启动的才计入"
    )
    renewal_cost_fen: int = Field(
        0, title="改造经费", description="改造经费（分），5万元以上的增补水量可满足漏水量", ge=0
    )


class WaterEquipmentInputs(Schema):
    mode: Literal["metered", "fire_test_invoice"] = Field(
        ..., title="情形", description="metered 装表计量前后对比；fire_test_invoice 消防试水按发票水量"
    )
    before_volume: str | None = _vol("对比前水量")
    after_volume: str | None = _vol("对比后水量")
    invoice_volume: str | None = _vol("发票水量")


class WaterDrillCleaningInputs(Schema):
    kind: Literal["drill", "cleaning"] = Field(
        ..., title="类型", description="drill 普通消防演练；cleaning 各类创建迎检清洁卫生用水"
    )
    metered: bool = Field(..., title="是否装表计量", description="装表的按前后抄表水量对比")
    before_volume: str | None = _vol("活动前抄表水量")
    after_volume: str | None = _vol("活动后抄表水量")
    per_event_volume: str | None = Field(
        None, title="每次增补水量", description="未装表：消防演练100-150吨/次，清洁卫生50-100吨/次"
    )
    events: int = Field(1, title="次数", description="未装表时的次数", ge=1, le=366)


class WaterIncreaseInputs(Schema):
    mode: Literal[
        "output_quota",
        "output_no_quota",
        "equipment_metered",
        "equipment_unmetered",
        "staff",
        "factory_rental",
        "shop_rental",
    ] = Field(..., title="情形", description="；".join(f"{k} {v}" for k, v in INCREASE_MODES.items()))
    quantity: str | None = Field(None, title="增加量", description="增加的产量、人数或面积（按定额的情形）")
    last_year_volume: str | None = _vol("去年同期水量")
    growth: str | None = Field(None, title="产值产量同比增幅", description="无定额：同比增幅，如 0.15")
    water_use: Literal["raw_material", "auxiliary"] | None = Field(
        None,
        title="用水性质",
        description="无定额：raw_material 以水作为生产原料（系数2）；auxiliary 生产辅助用水（系数6—10）",
    )
    divisor: str | None = Field(None, title="系数", description="生产辅助用水的系数（按行业6—10）")
    circulation_volume: str | None = _vol("循环水量")
    volume: str | None = _vol("计量水表或租赁单位结算票据水量")


class WaterOtherInputs(Schema):
    description: str = Field(
        ..., title="突发用水情况说明", description="附件2 所列以外的突发用水情况", max_length=300
    )
    indicator: str | None = Field(
        None, title="考核指标", description="适用定额的指标或产品（有定额标准的按定额增补）"
    )
    quota_unit: str | None = Field(None, title="定额单位", description="适用定额的单位")
    quantity: str | None = Field(None, title="数量", description="按定额增补时与定额对应的数量")
    requested_volume: str | None = _vol("申请水量")


SUPPLEMENT_INPUTS: dict[str, type[Schema]] = {
    "fire": WaterFireInputs,
    "burst_pipe": WaterBurstPipeInputs,
    "construction": WaterConstructionInputs,
    "transfer": WaterTransferInputs,
    "leak": WaterLeakInputs,
    "equipment": WaterEquipmentInputs,
    "drill_cleaning": WaterDrillCleaningInputs,
    "increase": WaterIncreaseInputs,
    "other": WaterOtherInputs,
}
_CLASS_NAMES = {
    "fire": "Fire",
    "burst_pipe": "BurstPipe",
    "construction": "Construction",
    "transfer": "Transfer",
    "leak": "Leak",
    "equipment": "Equipment",
    "drill_cleaning": "DrillCleaning",
    "increase": "Increase",
    "other": "Other",
}


def _variants(suffix: str, extra: dict[str, Any]) -> Any:
    """One schema per supplement type (``type`` the tag, ``inputs`` that type's fields), as a union."""
    models = []
    for type_, inputs in SUPPLEMENT_INPUTS.items():
        tag: Any = Literal[type_]  # a literal built from the table: the discriminator's value
        models.append(
            create_model(
                f"Water{_CLASS_NAMES[type_]}{suffix}",
                __base__=Schema,
                type=(
                    tag,
                    Field(..., title="突发用水类型", description=f"{type_}：{SUPPLEMENT_TYPES[type_]}"),
                ),
                event_on=(dt.date, Field(..., title="事发日期", description="突发用水发生的日期")),
                inputs=(
                    inputs,
                    Field(..., title="计算依据", description=f"{SUPPLEMENT_TYPES[type_]}的计算依据"),
                ),
                **extra,
            )
        )
    return Annotated[Union[tuple(models)], Field(discriminator="type")]  # noqa: UP007


_CALC_VARIANTS = _variants(
    "SupplementCalcIn",
    {
        "quota": (
            str | None,
            Field(
                None,
                title="适用的用水定额值",
                description="按定额增补的类型（转供水、产量人员增加、其他）使用",
            ),
        )
    },
)
_FILING_VARIANTS = _variants(
    "SupplementIn",
    {
        "evidence_ids": (
            list[int],
            Field(
                default_factory=list,
                title="证明材料编号",
                description="已上传证明材料的编号（POST /units/{id}/evidence）",
            ),
        ),
        "paper_materials": (
            bool,
            Field(
                default=False,
                title="已收到纸质证明材料",
                description="经办人员确认已收到纸质证明材料（仅水利和湖泊局经办人员可用；企业须上传材料）",
            ),
        ),
    },
)


# Root models, so the union keeps its discriminator through the endpoints' wrappers (typing.get_type_hints drops
# an Annotated union's metadata); ``.root`` is the request of the given type.
class WaterSupplementCalcIn(RootModel[_CALC_VARIANTS]):  # type: ignore[valid-type]
    """A supplement to compute: ``type`` selects the schema of ``inputs`` (附件2 八类及附件2 注)."""


class WaterSupplementIn(RootModel[_FILING_VARIANTS]):  # type: ignore[valid-type]
    """A supplement request: ``type`` selects the schema of ``inputs`` (附件2 八类及附件2 注)."""


class WaterVolumeOut(Schema):
    volume: str | None = Field(
        ...,
        title="增补水量",
        description="立方米；无定额标准的其他突发用水情况为空，由市水行政主管部门出具意见确定",
    )
    type: str = Field(..., title="突发用水类型", description="类型代码")
    label: str = Field(..., title="类型名称", description="类型的中文名称")
    pending_opinion: bool = Field(
        ..., title="待出具意见", description="增补水量是否待市水行政主管部门出具书面意见"
    )
    expiry_warning: str = Field(..., title="有效期提示", description="本细则有效期届满后的提示，否则为空")
    trace: list[WaterTraceStepOut] = Field(..., title="计算过程", description="逐步计算过程及依据")


class WaterSupplementTypeOut(Schema):
    type: str = Field(..., title="突发用水类型", description="类型代码")
    label: str = Field(..., title="类型名称", description="类型的中文名称")
    citation: str = Field(..., title="依据", description="附件2 的条款")


# -- 第十四条: the surcharge calculator ------------------------------------------------------------------


class WaterTiersIn(Schema):
    band_upper_bounds: list[str] = Field(
        ..., title="分档上限", description='各档上限（占计划的比例，按升序，如 ["10%", "30%"]）'
    )
    multipliers: list[str] = Field(
        ..., title="加价倍数", description='各档加价倍数（比上限多一项，如 ["0.5", "1", "2"]）'
    )
    base_price_fen: int = Field(..., title="加价基价", description="加价基价（分/立方米）", gt=0)


class WaterSurchargeCalcIn(Schema):
    year: int = Field(..., title="考核年度", description="考核年度（2022年至明年）")
    issued_plan: str = _vol("下达计划", True)
    adjustments: str = Field("0", title="计划调整", description=f"核准的调整水量合计（{VOLUME_HINT}）")
    supplements: str = Field("0", title="突发用水增补", description=f"核准的增补水量合计（{VOLUME_HINT}）")
    cuts: str = Field("0", title="按比例下调", description=f"第十一条下调水量合计（{VOLUME_HINT}）")
    supplier_volume: str = _vol("供水企业水量", True)
    construction_volume: str = Field(
        "0",
        title="基建水量",
        description=f"申请经核准、按期上报的基建水表水量合计（{VOLUME_HINT}，附件2 （三））",
    )
    tiers: WaterTiersIn | None = Field(
        None,
        title="加价分档",
        description="不填则用管理员录入的分档与基价；两者都没有的，拒绝计算并说明缺少哪个参数",
    )


class WaterBandOut(Schema):
    band: int = Field(..., title="档次", description="第几档")
    span: str = Field(..., title="范围", description="超计划水量占计划的范围")
    volume: str = Field(..., title="该档水量", description="该档超计划水量（立方米，精确值）")
    multiplier: str = Field(..., title="加价倍数", description="该档加价倍数")
    amount_fen: int = Field(..., title="金额", description="该档加价水费（分）")


class WaterSurchargeCalcOut(Schema):
    actual_volume: str = Field(..., title="实际用水量", description="供水企业水量减基建水量（立方米）")
    plan_volume: str = Field(..., title="考核计划", description="下达±调整+增补-下调（立方米）")
    excess_volume: str = Field(..., title="超计划水量", description="立方米")
    tiers_source: Literal["request", "configured"] = Field(
        ..., title="分档来源", description="request 请求中给出的分档；configured 管理员录入的分档"
    )
    tiers_source_text: str = Field(..., title="分档来源说明", description="所用分档、倍数、基价的来源")
    band_upper_bounds: list[str] = Field(..., title="分档上限", description="所用各档上限")
    multipliers: list[str] = Field(..., title="加价倍数", description="所用各档倍数")
    base_price_fen: int = Field(..., title="加价基价", description="所用基价（分/立方米）")
    bands: list[WaterBandOut] = Field(..., title="分档明细", description="各档水量与金额")
    band_amounts_fen: list[int] = Field(..., title="各档金额", description="各档加价水费（分）")
    amount_fen: int = Field(..., title="加价水费", description="合计（分）")
    expiry_warning: str = Field(..., title="有效期提示", description="本细则有效期届满后的提示，否则为空")
    trace: list[WaterTraceStepOut] = Field(..., title="计算过程", description="逐步计算过程及依据")
