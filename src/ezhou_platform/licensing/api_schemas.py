"""Schemas of the licensing API: every field, in and out, has a Chinese title (the contract other systems read,
and the label a validation error names) and bounds on every number, date and identifier."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

DAY_MIN, DAY_MAX = dt.date(2022, 9, 29), dt.date(2100, 12, 31)
CODE = r"^[bB]\d{1,2}-\d{1,3}$"
USCC = r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"
FacetValue = str | list[str]


def day(title: str, description: str = "", default: Any = ...) -> Any:
    return Field(
        default, title=title, description=f"{title}（YYYY-MM-DD，2022-09-29 至 2100-12-31）{description}"
    )


class FacetOut(Schema):
    dimension: str = Field(..., title="范围项", description="范围项代码")
    label: str = Field(..., title="范围项名称")
    kind: Literal["include", "exclude"] = Field(
        ..., title="限定方式", description="限定方式：include 仅限，exclude 不含"
    )
    values: list[str] = Field(..., title="取值")
    partial: list[str] = Field(..., title="部分取值", description="部分取值（具体范围由配置确定）")
    wording: str = Field(..., title="清单原文")
    description: str = Field(..., title="说明")


class ModeOut(Schema):
    mode: str = Field(..., title="改革方式代码")
    label: str = Field(..., title="改革方式")


class DepartmentOut(Schema):
    label: str = Field(..., title="审批部门", description="审批部门（清单原文）")
    type: str | None = Field(..., title="审批部门类型")


class DecisionOut(Schema):
    decision: str = Field(..., title="决定代码")
    label: str = Field(..., title="决定")
    valid_from: str = Field(..., title="生效日期")
    source: str = Field(..., title="依据")
    note: str = Field(..., title="说明")


class InconsistencyOut(Schema):
    kind: str = Field(..., title="不一致类型")
    dimension: str = Field(..., title="范围项")
    contested: list[str] = Field(..., title="超出范围的取值")
    certificates: list[str] = Field(..., title="涉及证件")
    message: str = Field(..., title="说明")
    decision: DecisionOut | None = Field(..., title="现行决定")


class LicensingItemOut(Schema):
    code: str = Field(..., title="事项编号")
    batch: int = Field(..., title="批次")
    number: int = Field(..., title="序号")
    matter: str = Field(..., title="涉企经营许可事项")
    certificates: list[str] = Field(..., title="许可证件名称")
    basis: list[str] = Field(..., title="设定依据")
    department: DepartmentOut = Field(..., title="审批部门")
    modes: list[ModeOut] = Field(..., title="改革方式")
    facets: list[FacetOut] = Field(..., title="范围限定")
    citation: str = Field(..., title="条文")
    anchor: str = Field(..., title="条文锚点")
    valid_from: str = Field(..., title="生效日期")
    valid_until: str | None = Field(..., title="移出日期")
    inconsistencies: list[InconsistencyOut] = Field(..., title="不一致之处")
    scheme_published: bool = Field(..., title="已发布一事项一方案")


class BatchOut(Schema):
    batch: int = Field(..., title="批次")
    title: str = Field(..., title="清单名称")
    valid_from: str = Field(..., title="生效日期")
    citation: str = Field(..., title="生效依据")
    source: str = Field(..., title="来源")


class LicensingProblemOut(Schema):
    code: str = Field(..., title="问题代码")
    row: int | None = Field(..., title="序号")
    column: str = Field(..., title="列")
    text: str = Field(..., title="原文")
    message: str = Field(..., title="说明")


class ItemsOut(Schema):
    on: str = Field(..., title="日期")
    document: str = Field(..., title="文件")
    batches: list[BatchOut] = Field(..., title="批次")
    items: list[LicensingItemOut] = Field(..., title="事项")
    report: list[LicensingProblemOut] = Field(..., title="无法读取的内容")


class LicensingCoverageIn(Schema):
    item: str = Field(
        ..., min_length=3, max_length=8, pattern=CODE, title="事项", description="事项编号，如 b1-20"
    )
    facets: dict[str, FacetValue] = Field(
        default_factory=dict,
        title="申请情况",
        description="申请情况：范围项代码 → 取值（字符串或字符串列表）",
    )
    certificate: str = Field("", max_length=60, title="许可证件", description="许可证件名称（可空）")
    on: dt.date = day("申请日期")


class CheckOut(Schema):
    dimension: str = Field(..., title="范围项")
    kind: str = Field(..., title="限定方式")
    wording: str = Field(..., title="清单原文")
    passed: bool = Field(..., title="符合")
    values: list[str] = Field(..., title="申请的取值")
    message: str = Field(..., title="说明")


class LicensingCoverageOut(Schema):
    item: str = Field(..., title="事项编号")
    covered: bool = Field(..., title="适用告知承诺制")
    reason: str = Field(..., title="理由")
    general_procedure_available: bool = Field(..., title="可按一般程序办理")
    checks: list[CheckOut] = Field(..., title="逐项判断")
    citations: list[str] = Field(..., title="依据")
    facets: dict[str, list[str]] = Field(..., title="申请情况（规范化）")


class CreditRecordIn(Schema):
    record_id: str = Field(..., min_length=1, max_length=40, title="记录编号")
    subject_uscc: str = Field(..., min_length=18, max_length=18, pattern=USCC, title="统一社会信用代码")
    subject_name: str = Field("", max_length=100, title="主体名称")
    kind: Literal[
        "commitment",
        "materials_late",
        "materials_nonconforming",
        "commitment_untrue",
        "commitment_broken",
        "bad_credit",
    ] = Field(..., title="记录类型", description="记录类型代码")
    category: str = Field("", max_length=60, title="记录类别", description="记录类别（不良信用记录必填）")
    recorded_on: dt.date = day("认定日期")
    authority: str = Field(..., min_length=1, max_length=100, title="认定机关")
    repaired_on: dt.date | None = day("修复日期", "，未修复为空", None)


class LicensingEligibilityIn(Schema):
    records: list[CreditRecordIn] = Field(
        default_factory=list, max_length=1000, title="信用记录", description="信用记录（申请人本人的）"
    )
    on: dt.date = day("判断日期")


class LicensingEligibilityOut(Schema):
    eligible: bool = Field(..., title="可以适用告知承诺制")
    reason: str = Field(..., title="理由")
    citation: str = Field(..., title="依据")
    general_procedure_available: bool = Field(..., title="可按一般程序办理")
    barring_records: list[str] = Field(..., title="限制适用的记录")


class EventIn(Schema):
    kind: Literal[
        "notified",
        "submitted",
        "decided",
        "refused",
        "withdrawn",
        "delivered",
        "material_received",
        "qualified",
        "verified",
        "rectification_ordered",
        "rectified",
        "revocation_proposed",
        "heard",
        "revoked",
        "revocation_dropped",
    ] = Field(..., title="事件类型")
    on: dt.date = day("事件日期")
    material: str | None = Field(None, max_length=40, title="材料编码")
    conforming: bool | None = Field(None, title="结果", description="结果：是否属实/符合要求")
    number: str | None = Field(None, max_length=80, title="文书编号")
    reason: str | None = Field(None, max_length=40, title="事由")


class PeriodIn(Schema):
    kind: Literal["commitment", "materials", "qualify", "verification", "rectification"] = Field(
        ..., title="期限类型"
    )
    length: int = Field(..., ge=1, le=3650, title="期限长度")
    unit: Literal["workdays", "days"] = Field(
        ..., title="期限单位", description="期限单位：workdays 工作日，days 日"
    )
    counts_from: Literal["notified", "submitted", "decided", "delivered", "rectification_ordered"] = Field(
        ..., title="起算事件"
    )
    valid_from: dt.date = day("生效日期")
    source: str = Field(..., min_length=1, max_length=300, title="期限依据")
    material: str | None = Field(None, max_length=40, title="材料编码")


class CaseStateIn(Schema):
    item: str = Field(
        ..., min_length=3, max_length=8, pattern=CODE, title="事项", description="事项编号，如 b1-20"
    )
    route: Literal["commitment", "general"] = Field("commitment", title="办理方式")
    qualification: Literal["already", "later"] | None = Field(None, title="承诺类型")
    materials_after_decision: list[str] = Field(default_factory=list, max_length=50, title="决定后提交的材料")
    events: list[EventIn] = Field(..., min_length=1, max_length=500, title="事件")
    periods: list[PeriodIn] | None = Field(
        None, max_length=100, title="期限配置", description="期限配置（不填则使用平台配置）"
    )
    on: dt.date = day("查询日期")


class DueOut(Schema):
    code: str = Field(..., title="事项代码")
    label: str = Field(..., title="应办事项")
    due: str | None = Field(..., title="期限届满日")
    basis: str = Field(..., title="期限规定")
    configured: bool = Field(..., title="已配置")
    overdue: bool = Field(..., title="已逾期")
    citation: str = Field(..., title="依据")


class ActionOut(Schema):
    code: str = Field(..., title="处理代码")
    label: str = Field(..., title="应当处理")
    citation: str = Field(..., title="依据")


class OperationOut(Schema):
    permitted: bool = Field(..., title="可以开展经营活动")
    since: str | None = Field(..., title="自何日起")
    reason: str = Field(..., title="理由")
    citation: str = Field(..., title="依据")


class CaseStateOut(Schema):
    item: str = Field(..., title="事项编号")
    on: str = Field(..., title="查询日期")
    status: str = Field(..., title="状态代码")
    status_label: str = Field(..., title="状态")
    overdue: bool = Field(..., title="有逾期事项")
    due: list[DueOut] = Field(..., title="应办事项及期限")
    actions: list[ActionOut] = Field(..., title="行政机关应当处理的事项")
    operation: OperationOut = Field(..., title="经营")
    on_the_spot: bool | None = Field(..., title="当场作出决定")
    history: list[str] = Field(..., title="经过")


class MaterialIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, title="材料编码")
    file_name: str = Field(..., min_length=1, max_length=200, title="文件名")
    content_base64: str = Field(
        ...,
        min_length=1,
        max_length=14_000_000,
        title="文件内容",
        description="文件内容（Base64，不超过10MB）",
    )


class LicensingApplicationIn(Schema):
    item: str = Field(
        ..., min_length=3, max_length=8, pattern=CODE, title="事项", description="事项编号，如 b1-20"
    )
    facets: dict[str, FacetValue] = Field(
        default_factory=dict, title="申请情况", description="申请情况：范围项代码 → 取值"
    )
    certificate: str = Field("", max_length=60, title="许可证件")
    route: Literal["commitment", "general"] = Field(
        ..., title="办理方式", description="办理方式：commitment 告知承诺制，general 一般程序"
    )
    level: Literal["city", "district"] = Field("city", title="审批层级")
    jurisdiction: str = Field("", max_length=24, title="所在辖区", description="所在辖区代码（区级审批必填）")


class CommitmentIn(Schema):
    confirmations: list[int] = Field(
        ..., max_length=5, title="确认和承诺", description="确认和承诺的项次（1—5，须全部确认）"
    )
    signed_on: dt.date = day("签署日期")
    qualification: Literal["already", "later"] = Field(..., title="承诺类型")
    conditions: list[str] = Field(
        default_factory=list, max_length=50, title="承诺符合的条件", description="承诺符合的条件编码"
    )
    materials: list[MaterialIn] = Field(default_factory=list, max_length=20, title="递交时提交的材料")


class LicensingStepIn(Schema):
    note: str = Field("", max_length=500, title="说明")
    reason: str = Field("", max_length=500, title="理由")
    grounds: str = Field(
        "",
        max_length=500,
        title="事由",
        description="事由（整改：materials/qualify/conditions/commitment_untrue；撤销：撤销理由）",
    )
    matters: str = Field("", max_length=500, title="整改事项")
    material: str = Field("", max_length=40, title="材料编码")
    conforming: bool | None = Field(None, title="是否符合要求")
    result: Literal["", "true", "untrue"] = Field(
        "", title="核查结论", description="核查结论：true 属实，untrue 不实"
    )


class CaseOut(Schema):
    id: int = Field(..., title="案件编号")
    reference: str = Field(..., title="申请编号")
    item: str = Field(..., title="事项编号")
    matter: str = Field(..., title="事项")
    applicant_uscc: str = Field(..., title="统一社会信用代码")
    applicant_name: str = Field(..., title="申请人")
    route: str = Field(..., title="办理方式")
    department: str = Field(..., title="审批部门")
    status: str = Field(..., title="状态代码")
    status_label: str = Field(..., title="状态")
    filed_on: dt.date = Field(..., title="申请日期")
    received_on: dt.date | None = Field(..., title="收到告知承诺书之日")
    decided_on: dt.date | None = Field(..., title="决定日期")
    notification_sha256: str | None = Field(..., title="一次性告知摘要")
    template_version: str | None = Field(..., title="格式文本版本")
    licence_number: str | None = Field(..., title="许可证件编号")
    state: CaseStateOut | None = Field(..., title="当前情况")
    steps: list[str] = Field(..., title="当前可办理的环节")


class CasesOut(Schema):
    count: int = Field(..., title="总数")
    cases: list[CaseOut] = Field(..., title="案件")
