"""The water-plan API's records (units, plans, changes, requests, notices, appeals, findings): inputs and
outputs with their Chinese titles; dates ISO 8601.

No `from __future__ import annotations`: django-ninja and pydantic read these annotations at runtime.
"""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from .calculators import VOLUME_HINT, WaterCoefficientKind, WaterTraceStepOut, _vol

# -- records: units, plans, changes, requests, notices --------------------------------------------------------


class WaterUnitOut(Schema):
    id: int = Field(..., title="单位编号", description="用水单位编号")
    name: str = Field(..., title="单位名称", description="用水单位名称")
    uscc: str = Field(..., title="统一社会信用代码", description="统一社会信用代码")
    jurisdiction: str = Field(..., title="所属辖区", description="所属辖区")
    method: str = Field(..., title="管理办法", description="定额法或统计法")
    accounts: list[str] = Field(..., title="供水户号", description="供水企业的用水户号")


class WaterChangeOut(Schema):
    id: int = Field(..., title="变更编号", description="计划变更编号")
    kind: str = Field(
        ..., title="变更类别", description="计划调整、突发用水增补、按比例下调、基建用水减除或增减系数变化"
    )
    volume: str = Field(..., title="增减水量", description="立方米")
    coefficient: str | None = Field(..., title="变更后增减系数", description="增减系数变化时的新系数")
    reason: str = Field(..., title="理由", description="变更理由")
    citation: str = Field(..., title="依据", description="依据的条款")
    decided_on: dt.date = Field(..., title="决定日期", description="决定日期")
    notice_url: str = Field(..., title="变更通知书", description="计划变更通知书页面")
    pdf_url: str = Field(..., title="变更通知书PDF", description="计划变更通知书PDF")


class WaterPlanOut(Schema):
    id: int = Field(..., title="计划编号", description="年度计划编号")
    unit: str = Field(..., title="用水单位", description="用水单位名称")
    year: int = Field(..., title="年度", description="计划年度")
    method: str = Field(..., title="核定方法", description="statistic、quota 或 clerk_set")
    issued_volume: str = Field(..., title="下达计划", description="下达的计划用水量（立方米）")
    effective_volume: str = Field(..., title="现行计划", description="下达计划加各项变更（立方米）")
    coefficient: str = Field(..., title="增减系数", description="现行增减系数")
    explanation: str = Field(..., title="核定说明", description="核定说明")
    issued_on: dt.date = Field(..., title="下达日期", description="下达日期")
    adjustment_due: dt.date = Field(
        ..., title="调整申请截止日", description="第十条：下达次月月底前（遇休息日顺延）"
    )
    changes: list[WaterChangeOut] = Field(..., title="计划变更", description="下达后的各项变更")
    expiry_warning: str = Field(..., title="有效期提示", description="本细则有效期届满后的提示，否则为空")
    trace: list[WaterTraceStepOut] = Field(..., title="核定过程", description="逐步核定过程及依据")


class WaterEvidenceOut(Schema):
    id: int = Field(..., title="材料编号", description="证明材料编号")
    kind: str = Field(..., title="材料类别", description="材料类别代码")
    name: str = Field(..., title="原文件名", description="上传时的文件名")
    content_type: str = Field(..., title="文件类型", description="按文件内容识别的类型")
    size: int = Field(..., title="大小", description="字节")


class WaterAdjustmentIn(Schema):
    requested_volume: str = _vol("申请增加水量", True)
    reason: str = Field(..., title="申请理由", description="生产规模扩大、产量增加等原因（第十条）")
    has_form: bool = Field(
        False, title="调整申请表", description="已提交调整申请表（上传材料时以材料类别为准）"
    )
    has_change_evidence: bool = Field(False, title="变化情况证明材料", description="已提交变化情况证明材料")
    has_balance_test: bool = Field(False, title="水平衡测试证明材料", description="已提交水平衡测试证明材料")
    other_materials: str = Field(
        "", title="其他材料", description="按照规定需要提交的其他材料", max_length=200
    )
    evidence_ids: list[int] = Field(
        default_factory=list,
        title="证明材料编号",
        description="已上传证明材料的编号（POST /units/{id}/evidence）",
    )


class WaterRequestOut(Schema):
    id: int = Field(..., title="申请编号", description="申请编号")
    status: str = Field(..., title="状态", description="已受理、已核实、已核准或不予调整/增补")
    received_on: dt.date = Field(..., title="接到申请日期", description="接到申请日期")
    due: dt.date = Field(..., title="办理期限", description="当前步骤的法定期限")
    volume: str | None = Field(
        ..., title="水量", description="申请、计算或核准的水量（立方米）；待出具意见的为空"
    )


class WaterConstructionReportIn(Schema):
    month: str = Field(..., title="月份", description="年-月，如 2026-05；当月结束后上报")
    volume: str = _vol("基建水表用水量", True)


class WaterConstructionReportOut(Schema):
    id: int = Field(..., title="上报编号", description="上报编号")
    month: str = Field(..., title="月份", description="年-月")
    volume: str = Field(..., title="基建水表用水量", description="立方米")
    reported_on: dt.date = Field(..., title="上报日期", description="上报日期")
    due_on: dt.date = Field(..., title="上报期限", description="次月月底前（遇休息日顺延）")
    on_time: bool = Field(..., title="按期上报", description="是否按期上报；逾期的原则上不予认可")


class WaterNoticeOut(Schema):
    id: int = Field(..., title="通知单编号（内部）", description="通知单记录编号")
    number: str = Field(..., title="通知单编号", description="通知单编号")
    version: int = Field(..., title="版本", description="版本（异议成立后重新开具的为新版本）")
    unit: str = Field(..., title="用水单位", description="用水单位名称")
    year: int = Field(..., title="考核年度", description="考核年度")
    state: str = Field(
        ..., title="状态", description="已开具、已被新版本取代、已缴费或已纳入社会信用体系平台"
    )
    actual_volume: str = Field(..., title="实际用水量", description="立方米")
    plan_volume: str = Field(..., title="考核计划", description="立方米")
    excess_volume: str = Field(..., title="超计划水量", description="立方米")
    amount_fen: int = Field(..., title="加价水费", description="分")
    issued_on: dt.date = Field(..., title="开具日期", description="开具日期")
    received_on: dt.date | None = Field(..., title="送达日期", description="送达日期")
    payment_due: dt.date | None = Field(..., title="缴费期限", description="收到之日起10个工作日")
    appeal_due: dt.date | None = Field(..., title="异议期限", description="收到之日起10个工作日")
    pdf_url: str = Field(..., title="通知单PDF", description="通知单PDF")
    expiry_warning: str = Field(..., title="有效期提示", description="本细则有效期届满后的提示，否则为空")


class WaterAppealIn(Schema):
    reason: str = Field(..., title="异议内容", description="对通知单中水量、金额的异议（第十五条）")
    claimed_actual_volume: str | None = _vol("主张的实际用水量")
    evidence_ids: list[int] = Field(
        default_factory=list,
        title="证明材料编号",
        description="已上传证明材料的编号（POST /units/{id}/evidence）",
    )


class WaterAppealOut(Schema):
    id: int = Field(..., title="异议编号", description="异议编号")
    state: str = Field(..., title="状态", description="已受理、异议成立或异议不成立")
    received_on: dt.date = Field(..., title="接到申请日期", description="接到异议日期")
    decision_due: dt.date = Field(..., title="处理期限", description="接到之日起8个工作日")


class WaterDecisionIn(Schema):
    action: Literal["verify", "approve", "refuse"] = Field(
        ..., title="办理事项", description="verify 核实；approve 核准；refuse 不予调整/增补"
    )
    approved_volume: str | None = Field(
        None,
        title="核准水量",
        description=f"调整：核准水量；无定额标准的其他突发用水：书面意见确定的水量（{VOLUME_HINT}）",
    )
    opinion: str = Field(
        "",
        title="书面意见",
        description="无定额标准的其他突发用水情况，市水行政主管部门出具的意见（附件2 注）",
    )
    refusal_case: int | None = Field(
        None, title="不予调整/增补情形", description="第十三条第（一）至（七）项", ge=1, le=7
    )
    reason: str = Field("", title="理由", description="不予调整或增补的具体理由")


class WaterAppealDecisionIn(Schema):
    upheld: bool = Field(..., title="异议成立", description="异议是否成立")
    decision: str = Field(..., title="处理意见", description="处理意见")
    corrected_actual_volume: str | None = _vol("核实后的实际用水量")


class WaterImportOut(Schema):
    batch_id: int = Field(..., title="导入批次", description="导入批次编号")
    already_imported: bool = Field(..., title="已导入过", description="同一文件已导入过，本次未作改动")
    accepted: int = Field(..., title="接收行数", description="接收行数")
    rejected: int = Field(..., title="拒收行数", description="拒收行数")
    rejects: list[dict[str, Any]] = Field(..., title="拒收明细", description="逐行拒收原因")


class WaterDateIn(Schema):
    on: dt.date | None = Field(None, title="日期", description="日期（默认今天；不能晚于今天）")


class WaterReminderIn(Schema):
    pay_by: dt.date = Field(..., title="催告缴费期限", description="催告单上的缴费期限（催告日期后一年内）")


class WaterReminderOut(Schema):
    number: str = Field(..., title="催告单编号", description="催告单编号")
    sequence: int = Field(..., title="催告次数", description="第几次催告")
    issued_on: dt.date = Field(..., title="催告日期", description="催告日期")
    pay_by: dt.date = Field(..., title="催告缴费期限", description="催告缴费期限")


class WaterPlanChangeOut(Schema):
    plan_id: int = Field(..., title="计划编号", description="被变更的年度计划")
    year: int = Field(..., title="年度", description="计划年度")
    delta: str = Field(..., title="增减水量", description="立方米")
    coefficient: str = Field(..., title="变更后增减系数", description="新的增减系数")
    notice_url: str = Field(..., title="变更通知书", description="计划变更通知书页面")
    number: str | None = Field(None, title="通知书文号", description="《用水计划变更通知书》的文号")


class WaterNotAppliedOut(Schema):
    year: int = Field(..., title="年度", description="计划年度")
    reason: str = Field(..., title="原因", description="未变更该年度计划的原因")


class WaterEventOut(Schema):
    id: int = Field(..., title="情形编号", description="记录编号")
    kind: WaterCoefficientKind = Field(..., title="增减系数情形", description="情形代码")
    on: dt.date = Field(..., title="发生日期", description="发生日期")
    status: str = Field("", title="状态", description="已记录，待复核；已生效；已撤销")
    counts_for: list[int] = Field(..., title="计入年度", description="计入的各计划年度")
    plan_changes: list[WaterPlanChangeOut] = Field(
        ...,
        title="计划变更",
        description="复核生效时已下达计划因此变更的记录（附件1 三，如“实施当年+0.1”）；记录时为空",
    )
    not_applied: list[WaterNotAppliedOut] = Field(
        ..., title="未变更的年度", description="已考核等原因未变更的年度"
    )


class WaterWithdrawIn(Schema):
    reason: str = Field(..., title="撤销理由", description="撤销该情形记录的理由", max_length=200)


class WaterFindingIn(Schema):
    year: int = Field(..., title="计划年度", description="计划年度")
    basis: Literal["art8-item1", "art8-item2", "annex1"] = Field(
        ...,
        title="依据",
        description="art8-item1（第八条第（一）项）、art8-item2（第八条第（二）项）或 annex1（附件1 增减量）",
    )
    delta: str = Field(..., title="增减量", description='立方米，最多两位小数；核减为负数，如 "-120.50"')
    reason: str = Field(..., title="认定理由", description="认定理由")
    evidence: str = Field(..., title="证明材料", description="证明材料")


class WaterFindingOut(Schema):
    id: int = Field(..., title="认定编号", description="认定编号")
    year: int = Field(..., title="计划年度", description="计划年度")
    basis: str = Field(..., title="依据", description="依据代码")
    delta: str = Field(..., title="增减量", description="立方米")
    citation: str = Field(..., title="依据条款", description="依据的条款")


class WaterClerkPlanIn(Schema):
    year: int = Field(..., title="计划年度", description="计划年度")
    volume: str = _vol("计划用水量", True)
    basis: Literal["design", "quota", "actual"] = Field(
        ..., title="核定依据", description="design 设计用水量；quota 用水定额；actual 实际用水量"
    )
    reason: str = Field(..., title="核定理由", description="核定理由")


class WaterPlanRequestIn(Schema):
    plan_year: int = Field(..., title="计划年度", description="申请的计划年度")
    requested_volume: str = _vol("申请水量", True)
    note: str = Field("", title="说明", description="说明")


class WaterPlanRequestOut(Schema):
    id: int = Field(..., title="申请编号", description="申请编号")
    plan_year: int = Field(..., title="计划年度", description="计划年度")
    filed_on: dt.date = Field(..., title="申请日期", description="申请日期")
    due_on: dt.date = Field(
        ..., title="申请截止日", description="第六条：12月31日前（遇休息日顺延）或用水前30日内"
    )


class WaterShortageCutIn(Schema):
    year: int = Field(..., title="年度", description="下调的计划年度")
    percent: str = Field(..., title="下调比例", description='下调比例（%），如 "10" 或 "12.5"')
    start: dt.date = Field(..., title="开始日期", description="下调期间开始日期")
    end: dt.date = Field(..., title="结束日期", description="下调期间结束日期")
    reason: str = Field(..., title="理由", description="水资源紧缺的情况")


class WaterShortageCutOut(Schema):
    id: int = Field(..., title="下调编号", description="下调编号")
    year: int = Field(..., title="年度", description="年度")
    percent: str = Field(..., title="下调比例", description="%")
    plans: int = Field(..., title="计划数", description="下调的计划数")
