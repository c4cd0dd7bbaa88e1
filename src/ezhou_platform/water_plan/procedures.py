"""The procedures of 计划用水管理 on the procedure layer, their numbered documents and the roles' shortcuts.

Imported once by ``WaterPlanConfig.ready``. Each procedure's steps are the transitions of its model
(``models/``) with their law in ``steps``.
"""

from __future__ import annotations

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import documents
from ezhou_platform.procedures.machine import Procedure, register
from ezhou_platform.procedures.workspace import Shortcut, register_shortcut

from . import steps
from .models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    PlanRequest,
    Status,
    SupplementRequest,
    SurchargeNotice,
)


def _url(record: object) -> str:
    return record.get_absolute_url()  # type: ignore[attr-defined]


PLAN_REQUEST = register(
    Procedure(
        slug="water_plan.plan_request",
        label="用水计划申请",
        model=PlanRequest,
        department=steps.WATER,
        document=steps.DOC,
        path=tuple(PlanRequest.Status.choices),
        applicant_uscc=lambda r: r.unit.uscc,
        title=lambda r: f"{r.unit.name}{r.plan_year}年度用水计划申请",
        url=_url,
        filed_by=(Role.ENTERPRISE, Role.CLERK),
    )
)

COEFFICIENT_CASE = register(
    Procedure(
        slug="water_plan.coefficient_case",
        label="增减系数情形",
        model=CoefficientEvent,
        department=steps.WATER,
        document=steps.DOC,
        path=(("recorded", "已记录"), ("applied", "已生效")),
        endings=(("withdrawn", "已撤销"),),
        applicant_uscc=lambda r: r.unit.uscc,
        title=lambda r: f"{r.unit.name}增减系数情形（{r.get_kind_label()}）",
        url=_url,
    )
)

ADJUSTMENT = register(
    Procedure(
        slug="water_plan.adjustment",
        label="用水计划调整申请",
        model=AdjustmentRequest,
        department=steps.WATER,
        document=steps.DOC,
        path=((Status.RECEIVED, "已受理"), (Status.VERIFIED, "已核实"), (Status.APPROVED, "已核准")),
        endings=((Status.REFUSED, "不予调整"),),
        applicant_uscc=lambda r: r.plan.unit.uscc,
        title=lambda r: f"{r.plan.unit.name}{r.plan.year}年度用水计划调整申请",
        url=_url,
        filed_by=(Role.ENTERPRISE, Role.CLERK),
    )
)

SUPPLEMENT = register(
    Procedure(
        slug="water_plan.supplement",
        label="突发用水增补申请",
        model=SupplementRequest,
        department=steps.WATER,
        document=steps.DOC,
        path=((Status.RECEIVED, "已受理"), (Status.APPROVED, "已核准")),
        endings=((Status.REFUSED, "不予增补"),),
        applicant_uscc=lambda r: r.plan.unit.uscc,
        title=lambda r: f"{r.plan.unit.name}{r.plan.year}年度突发用水增补申请（{r.type_label}）",
        url=_url,
        filed_by=(Role.ENTERPRISE, Role.CLERK),
    )
)

NOTICE = register(
    Procedure(
        slug="water_plan.notice",
        label="超计划用水加价水费征收",
        model=SurchargeNotice,
        department=steps.WATER,
        document=steps.DOC,
        state_field="state",
        path=(("issued", "已开具"), ("paid", "已缴费")),
        endings=(("superseded", "已被新版本取代"), ("credit_listed", "已纳入社会信用体系平台")),
        applicant_uscc=lambda r: r.unit.uscc,
        title=lambda r: f"{r.unit.name}{r.year}年度超计划用水加价水费（{r.number}）",
        url=_url,
    )
)

APPEAL = register(
    Procedure(
        slug="water_plan.appeal",
        label="加价水费异议",
        model=Appeal,
        department=steps.WATER,
        document=steps.DOC,
        state_field="state",
        path=(("received", "已受理"), ("upheld", "异议成立")),
        endings=(("rejected", "异议不成立"),),
        applicant_uscc=lambda r: r.notice.unit.uscc,
        title=lambda r: f"{r.notice.unit.name}对{r.notice.number}的异议",
        url=_url,
        filed_by=(Role.ENTERPRISE,),
    )
)

for kind in (
    # The two kinds issued before issue 9 continue their numbers (a data migration set the counters).
    documents.DocumentKind(
        steps.SURCHARGE_NOTICE,
        "超计划、超定额用水加价收费通知单",
        "鄂水节计〔{year}〕{seq:05d}号",
        steps.WATER,
    ),
    documents.DocumentKind(
        steps.REMINDER,
        "鄂州市超计划超定额用水加价水费征收催告单",
        "鄂水节催〔{year}〕{seq:05d}号",
        steps.WATER,
    ),
    documents.DocumentKind(
        steps.ADJUSTMENT_DECISION, "用水计划指标调整决定书", "鄂水节调〔{year}〕{seq:05d}号", steps.WATER
    ),
    documents.DocumentKind(
        steps.SUPPLEMENT_DECISION, "突发用水增补决定书", "鄂水节补〔{year}〕{seq:05d}号", steps.WATER
    ),
    documents.DocumentKind(
        steps.APPEAL_DECISION, "加价水费异议处理决定书", "鄂水节异〔{year}〕{seq:05d}号", steps.WATER
    ),
    documents.DocumentKind(
        steps.PLAN_CHANGE_NOTICE, "用水计划变更通知书", "鄂水节变〔{year}〕{seq:05d}号", steps.WATER
    ),
):
    documents.register_kind(kind)

CLERK_SIDE = (Role.CLERK, Role.DEPARTMENT_HEAD)
for shortcut in (
    Shortcut("计划用水：办理期限与征收", "water_plan:board", (*CLERK_SIDE, Role.AUDITOR), steps.WATER),
    Shortcut("计划用水：用水单位", "water_plan:unit_list", (*CLERK_SIDE, Role.AUDITOR), steps.WATER),
    Shortcut("计划用水：下达计划、年度考核、导入抄表", "water_plan:jobs", CLERK_SIDE, steps.WATER),
    Shortcut("本单位的用水计划与申请", "water_plan:my_plans", (Role.ENTERPRISE,)),
    Shortcut("提出用水计划调整申请", "water_plan:file_adjustment", (Role.ENTERPRISE,)),
    Shortcut("提出突发用水增补申请", "water_plan:file_supplement", (Role.ENTERPRISE,)),
):
    register_shortcut(shortcut)
