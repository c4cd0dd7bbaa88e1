"""The law of each step of the rental-housing procedures: articles, who takes a step, the checks it runs, the
periods it opens and the documents it issues. The models' transitions (`@transition(custom=step(...))`) are
written with these; nothing here imports the models, so the models can import it.

Who acts: an operator (运营单位) reviews, publishes, lets and contracts (第十四条–第二十三条); on the platform its
staff are clerks of 住房和城乡建设局 linked to the operator (docs/interpretations.md ADR 1), so "CLERKS" covers the
operator's staff and the department's. Citizens take the steps that are theirs (choosing a unit, answering an
offer, giving up an application).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import APPLICANT, DEPARTMENT, DocumentSpec, Opens, Refusal, StepContext
from ezhou_rules.core import periods as period_rules
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.periods import Deadline, compute_deadline
from ezhou_rules.core.workdays import WorkdayCalendar
from ezhou_rules.rental_housing import parameters
from ezhou_rules.rental_housing.common import RentalHousingInputError, in_force, period_last_day
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes

DOC = "鄂州政发〔2022〕19号"
PLAN_DOC = "鄂州政办发〔2022〕19号"
HOUSING = "housing"

CITE_APPLY = f"{DOC} 第十四条第（一）项"
CITE_REVIEW = f"{DOC} 第十四条第（二）项"
CITE_APPLICATION = f"{DOC} 第十四条"
CITE_CHOOSE = f"{DOC} 第十七条"
CITE_SIGN = f"{DOC} 第十八条"
CITE_FILE = f"{DOC} 第十九条"
CITE_RENEW = f"{DOC} 第二十条第一款"
CITE_EXIT = f"{DOC} 第二十条第二款"
CITE_BREACH = f"{DOC} 第二十三条"
CITE_REPAIR = f"{DOC} 第二十四条"
CITE_COMPLAINT = f"{DOC} 第二十七条"
CITE_SUPERVISION = f"{DOC} 第二十八条"
CITE_RENT_TO_OWN = f"{PLAN_DOC} 三（四）"

CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
CITIZEN_OR_CLERKS = (Role.CITIZEN, Role.CLERK, Role.DEPARTMENT_HEAD)

# 救济途径 (docs/interpretations.md P16). An operator is a company, not an administrative organ: its review and
# its notices are not administrative acts under 行政复议法 第二条, and the measures give the route of 第二十七条
# (the housing departments' complaint and report mechanism). A termination is the operator's act under the
# lease: 民法典 第五百六十五条 lets the tenant have its effect decided by a court or arbitration. The housing
# department's own orders and decisions are administrative acts: 行政复议法 第二十条、第二十四条 (60 days, to
# 鄂州市人民政府 for a city department's act) and 行政诉讼法 第四十六条 (6 months).
REMEDY_OPERATOR = (
    "对本通知有异议的，可以向项目所在地住房和城乡建设部门或者鄂州市住房和城乡建设局投诉举报"
    "（鄂州政发〔2022〕19号 第二十七条）。"
)
REMEDY_TERMINATION = (
    "对解除（终止）租赁合同有异议的，可以请求人民法院或者仲裁机构确认解除行为的效力"
    "（《中华人民共和国民法典》第五百六十五条）；对运营单位的行为也可以向住房和城乡建设部门投诉举报"
    "（鄂州政发〔2022〕19号 第二十七条）。"
)
REMEDY_ADMINISTRATIVE = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法向鄂州市人民政府申请行政复议，"
    "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
)

# Numbered documents (registered in procedures.py): numbers run per kind and year for the housing department.
KIND_QUALIFICATION = "rental_housing.qualification"
KIND_REFUSAL = "rental_housing.review_refusal"
KIND_DISQUALIFICATION = "rental_housing.disqualification"
KIND_OFFER = "rental_housing.offer"
KIND_FILING = "rental_housing.contract_filing"
KIND_EXIT_NOTICE = "rental_housing.exit_notice"
KIND_SETTLEMENT = "rental_housing.exit_settlement"
KIND_RECTIFICATION = "rental_housing.rectification"
KIND_MEASURE = "rental_housing.measure"
KIND_RENT_TO_OWN = "rental_housing.rent_to_own"


# -- checks (each returns None, a Chinese message or a Refusal) ----------------------------------------------
def text_required(key: str, label: str, *, code: str = "invalid_input") -> Any:
    def check(record: Any, ctx: StepContext) -> Refusal | None:
        if not str(ctx.data.get(key) or "").strip():
            return Refusal(f"{label}：请填写", code=code, field=key)
        return None

    check.__name__ = f"{key}_required"
    return check


def materials_complete(app: Any, ctx: StepContext) -> Refusal | None:
    """第十三条 items (一)–(四) before the approval (P2)."""
    missing = app.missing_materials()
    if missing:
        return Refusal(
            "申请材料不全（第十三条）：缺少" + "、".join(missing), code="materials_missing", field="materials"
        )
    return None


def eligible(app: Any, ctx: StepContext) -> Refusal | None:
    """第十二条 on the application date, with the household as applied."""
    result = check_applicant(
        application_date=app.submitted_on,
        birth_date=app.birth_date,
        full_civil_capacity=app.full_civil_capacity,
        has_spouse=app.has_spouse,
        minor_children=app.minor_children,
        homes=parse_homes(app.homes),
        other_subsidised_housing=app.other_subsidised_housing,
    )
    if not result.eligible:
        return Refusal(
            "申请人不符合第十二条规定的条件：" + "".join(r["message"] for r in result.reasons),
            code="not_eligible",
            field="eligibility",
        )
    return None


def publicity_over(app: Any, ctx: StepContext) -> Refusal | None:
    if app.publicity_end is None or ctx.on <= app.publicity_end:
        return Refusal(
            f"公示期至{cn_date(app.publicity_end) if app.publicity_end else '（未公示）'}，期满后方可确认承租资格",
            code="publicity_running",
            field="publicity_end",
            status=409,
        )
    return None


def no_pending_objection(app: Any, ctx: StepContext) -> Refusal | None:
    if app.objections.filter(status="pending").exists():
        return Refusal("尚有未处理的公示异议", code="objection_pending", field="objections", status=409)
    return None


def breach_recorded(contract: Any, ctx: StepContext) -> Refusal | None:
    if not str(ctx.data.get("record_text") or "").strip():
        return Refusal(
            "因转借、转租、改变用途、破坏或擅自装修解除合同的，须记录违规情况",
            code="record_required",
            field="record_text",
        )
    return None


def not_the_assessor(request: Any, ctx: StepContext) -> Refusal | None:
    """Four eyes on money (docs/interpretations.md P19): whoever assessed the price and the credited rent does
    not approve it (the engine's second_person keeps the filer out as well)."""
    if request.assessed_by_id is not None and request.assessed_by_id == getattr(ctx.actor, "pk", None):
        return Refusal(
            "批准须由核定购房款和计入租金的工作人员以外的另一名工作人员办理（双人复核）",
            code="second_person_required",
            status=403,
        )
    return None


def date_after_today(key: str, label: str) -> Any:
    """A date the step sets (a rectification period) must lie after the day the step is taken."""

    def check(record: Any, ctx: StepContext) -> Refusal | None:
        day = ctx.data.get(key)
        if not isinstance(day, dt.date):
            return Refusal(f"{label}：请填写日期", code="invalid_input", field=key)
        if day <= ctx.on:
            return Refusal(f"{label}：应晚于{cn_date(ctx.on)}", code="invalid_date", field=key)
        return None

    check.__name__ = f"{key}_after_today"
    return check


# -- periods -----------------------------------------------------------------------------------------------
def _days_in_force(key: str, day: dt.date, field: str) -> int:
    try:
        return int(in_force(parameters(), key, day, field=field))
    except RentalHousingInputError as exc:
        raise ProcedureError(exc.code, exc.message, field=field, status=422) from exc


def review_period(start: dt.date, cal: WorkdayCalendar, *, field: str = "application_date") -> Deadline:
    """运营单位应…在5个工作日内…审核 (第十四条第（二）项): the 5th working day after the application date (P1)."""
    days = _days_in_force("procedure.review_workdays", start, field)
    return compute_deadline(cal, start, period_rules.workdays(days))


def publicity_period(start: dt.date, cal: WorkdayCalendar, *, field: str = "publicity_start") -> Deadline:
    """公示期为5个工作日 (第十四条第（二）项): published on `start`, it lasts the 5 working days after (P1)."""
    days = _days_in_force("procedure.publicity_workdays", start, field)
    return compute_deadline(cal, start, period_rules.workdays(days))


REVIEW_PERIOD = Opens(
    "review_deadline",
    "审核期限",
    CITE_REVIEW,
    lambda r, ctx, cal: review_period(r.submitted_on, cal),
    DEPARTMENT,
)
PUBLICITY_PERIOD = Opens(
    "publicity_end", "公示期", CITE_REVIEW, lambda r, ctx, cal: publicity_period(ctx.on, cal), DEPARTMENT
)


def move_out_period(contract: Any, ctx: StepContext, cal: WorkdayCalendar) -> Deadline | None:
    """腾退搬迁期 (第二十条第二款, R6/R9): the months granted, from the day after the tenancy ends; its last day
    is the rule's, stored as a fixed date (no roll-forward: the contract rent runs exactly to it)."""
    months = contract.move_out_months or 0
    if not months or contract.terminated_on is None:
        return None
    last = period_last_day(contract.terminated_on + dt.timedelta(days=1), months=months)
    return compute_deadline(cal, contract.terminated_on, period_rules.fixed_date(last, roll=False))


MOVE_OUT_PERIOD = Opens("move_out_due", "腾退搬迁期", CITE_EXIT, move_out_period, APPLICANT)


def rectification_period(finding: Any, ctx: StepContext, cal: WorkdayCalendar) -> Deadline:
    """责令整改 (第二十八条) by the date the order names (a fixed date, as written in the order)."""
    return compute_deadline(cal, ctx.on, period_rules.fixed_date(finding.rectify_by, roll=False))


# The operator rectifies and the department checks: operators' staff are clerks of the department (ADR 1), so
# a department period reaches both (P18).
RECTIFICATION_PERIOD = Opens("rectify_by", "整改期限", CITE_SUPERVISION, rectification_period, DEPARTMENT)


# -- documents ---------------------------------------------------------------------------------------------
def _application_context(app: Any, ctx: StepContext) -> dict[str, Any]:
    return {"recipient": app.name, "app": app, "project": app.project, "operator": app.project.operator}


def _offer_context(offer: Any, ctx: StepContext | None = None) -> dict[str, Any]:
    app = offer.application
    return {
        "recipient": app.name,
        "app": app,
        "unit": offer.unit,
        "project": offer.unit.project,
        "operator": offer.unit.project.operator,
        "rent": format_yuan(offer.unit.rent_fen),
    }


def _contract_context(contract: Any, ctx: StepContext) -> dict[str, Any]:
    unit = contract.allocation.unit
    return {
        "recipient": contract.allocation.application.name,
        "contract": contract,
        "unit": unit,
        "project": unit.project,
        "operator": unit.project.operator,
        "rent": format_yuan(contract.monthly_rent_fen),
        "market_rent": format_yuan(contract.market_rent_fen) if contract.market_rent_fen is not None else "",
        "exit_rent": format_yuan(contract.exit_rent_fen) if contract.exit_rent_fen is not None else "",
    }


def _finding_context(finding: Any, ctx: StepContext) -> dict[str, Any]:
    project = finding.inspection.project
    return {"recipient": project.operator.name, "finding": finding, "project": project}


def _rent_to_own_context(req: Any, ctx: StepContext) -> dict[str, Any]:
    contract = req.contract
    return {
        "recipient": contract.allocation.application.name,
        "req": req,
        "contract": contract,
        "unit": contract.allocation.unit,
        "project": contract.allocation.unit.project,
        "price": format_yuan(req.price_fen) if req.price_fen is not None else "",
        "rent_paid": format_yuan(req.rent_paid_fen) if req.rent_paid_fen is not None else "",
        "payable": format_yuan(req.payable_fen) if req.payable_fen is not None else "",
        "uncredited": format_yuan(req.uncredited_rent_fen) if req.uncredited_rent_fen is not None else "",
    }


def _doc(kind: str, template: str, title: str, context: Any, remedy: str = "") -> DocumentSpec:
    return DocumentSpec(
        kind=kind,
        template=f"rental_housing/documents/{template}.html",
        title=title,
        remedy=remedy,
        context=context,
    )


QUALIFICATION_NOTICE = _doc(KIND_QUALIFICATION, "qualification", "承租资格确认通知书", _application_context)
REFUSAL_NOTICE = _doc(
    KIND_REFUSAL, "review_refusal", "申请审核不予通过通知书", _application_context, REMEDY_OPERATOR
)
DISQUALIFICATION_NOTICE = _doc(
    KIND_DISQUALIFICATION, "disqualification", "公示异议处理结果通知书", _application_context, REMEDY_OPERATOR
)
OFFER_NOTICE_TEMPLATE = "rental_housing/documents/offer.html"
offer_context = _offer_context
FILING_CERTIFICATE = _doc(KIND_FILING, "contract_filing", "租赁合同备案证明", _contract_context)
EXIT_NOTICE = _doc(
    KIND_EXIT_NOTICE, "exit_notice", "终止租赁合同及腾退通知书", _contract_context, REMEDY_OPERATOR
)
BREACH_NOTICE = _doc(
    KIND_EXIT_NOTICE, "exit_notice", "解除租赁合同及腾退通知书", _contract_context, REMEDY_TERMINATION
)
SETTLEMENT = _doc(KIND_SETTLEMENT, "exit_settlement", "腾退结算单", _contract_context)
RECTIFICATION_ORDER = _doc(
    KIND_RECTIFICATION, "rectification", "责令整改通知书", _finding_context, REMEDY_ADMINISTRATIVE
)
MEASURE_DECISION = _doc(KIND_MEASURE, "measure", "处理决定书", _finding_context, REMEDY_ADMINISTRATIVE)
RENT_TO_OWN_APPROVAL = _doc(
    KIND_RENT_TO_OWN,
    "rent_to_own_approval",
    "先租后售审核决定书（准予转为共有产权住房）",
    _rent_to_own_context,
)
RENT_TO_OWN_REFUSAL = _doc(
    KIND_RENT_TO_OWN,
    "rent_to_own_refusal",
    "先租后售审核决定书（不予转为共有产权住房）",
    _rent_to_own_context,
    REMEDY_ADMINISTRATIVE,
)


# 第二十八条's measures for a serious case (the finding's `sanction` values), decided by `impose`.
MEASURES = ("public_notice", "credit", "suspend", "refund")


def measure_chosen(finding: Any, ctx: StepContext) -> Refusal | None:
    if ctx.data.get("sanction") not in MEASURES:
        return Refusal(
            "处理措施：应为通报曝光、纳入失信联合惩戒、暂停享受保障性租赁住房优惠政策或责令退回财政奖补资金之一",
            code="invalid_input",
            field="sanction",
        )
    return None


def department_staff(record: Any, ctx: StepContext) -> Refusal | None:
    """Supervision (第二十八条) and 先租后售 decisions are the housing department's: an operator's staff (clerks of
    the department on the platform, ADR 1) may not take them, least of all on their own operator's project."""
    from .selectors import operator_of

    if operator_of(ctx.actor) is not None:
        return Refusal(
            "须由住房和城乡建设部门工作人员办理，运营单位工作人员不能办理", code="department_only", status=403
        )
    return None
