"""The law of each step of 计划用水管理 (鄂州政办发〔2022〕15号) on the procedure layer: who may take it, what it
checks, which periods it opens, which document it issues and the remedy that document states.

The models' transitions (``models/``) name these; the services (``services/``) create the records and call
``engine.start`` / ``engine.take``. Nothing here imports the models at import time (they import this module).

Checks are written as the rules' own date and value checks (``limits``) and refuse with the rule's code, the
field (named by its Chinese label on pages and in the API) and, where another article than the step's refuses
it, that article (第十三条第（七）项 refusing a 第十条 approval).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from dateutil.relativedelta import relativedelta

from ezhou_platform.common import clock
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import APPLICANT, Opens, Refusal, StepContext
from ezhou_rules.core import periods as period_specs
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.periods import compute_deadline
from ezhou_rules.water_plan import deadlines, limits, supplement_requests
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import with_label
from ezhou_rules.water_plan.volumes import format_volume

DOC = "鄂州政办发〔2022〕15号"
WATER = "water"
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
# Steps a unit takes itself on the platform, or a clerk for it (material or a delivery handed in on paper).
UNIT_OR_CLERK = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD)


def cite(place: str) -> str:
    return f"{DOC} {place}"


REFUSAL_CASES = {  # 第十三条
    1: "水的重复利用率未达到国家有关规定",
    2: "实际用水超过行业综合用水定额或单位用水定额",
    3: "使用间接冷却水的单位，间接冷却水循环率低于百分之九十五",
    4: "单位用水设备、卫生洁具设备漏失率高于百分之二",
    5: "未按规定开展节水评估或水平衡测试工作",
    6: "明知内部管网漏损未及时采取有效措施",
    7: "拖欠超计划用水加价水费",
}


def refusal_place(case: int) -> str:
    return f"第十三条第（{'一二三四五六七'[case - 1]}）项"


# -- 救济途径 (docs/interpretations.md W22) -----------------------------------------------------------------
# The document gives the 异议 of 第十五条 against a surcharge notice; for the other decisions it gives none,
# and the general law does: 行政复议法 第二十条 (sixty days), 行政诉讼法 第四十六条 (six months).
REVIEW = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到之日起六个月内依法向人民法院"
    "提起行政诉讼。"
)
NOTICE_REMEDY = (
    "对本通知单中的水量、金额有异议的，可以自收到本通知单之日起10个工作日内通过鄂州市数字节水平台向市水利和湖泊局"
    "提出（第十五条）。对加价水费的征收不服的，也可以自收到本通知单之日起六十日内依法申请行政复议，或者六个月内依法"
    "向人民法院提起行政诉讼。"
)
REMINDER_REMEDY = "本催告单不是新的收费决定。你单位对催告事项有陈述、申辩意见的，可以在催告缴费期限届满前向市水利和湖泊局提出。"
PLAN_CHANGE_REMEDY = (
    "对变更后的计划指标有意见的，请立即与市水利和湖泊局联系沟通（第九条第二款）；如不服本变更，也可以自收到本通知书"
    "之日起六十日内依法申请行政复议，或者六个月内依法向人民法院提起行政诉讼。"
)

# -- document kinds (numbers per year, gap-free; the two existing kinds continue their numbers) -------------
SURCHARGE_NOTICE = "water_plan.surcharge_notice"
REMINDER = "water_plan.collection_reminder"
ADJUSTMENT_DECISION = "water_plan.adjustment_decision"
SUPPLEMENT_DECISION = "water_plan.supplement_decision"
APPEAL_DECISION = "water_plan.appeal_decision"
PLAN_CHANGE_NOTICE = "water_plan.plan_change_notice"


# -- checks ---------------------------------------------------------------------------------------------------

Check = Callable[[Any, StepContext], "Refusal | None"]


def refuses(fn: Callable[[Any, StepContext], None]) -> Check:
    """A check written as the rules' checks are (raising WaterPlanError) → the layer's Refusal."""

    @wraps(fn)
    def run(record: Any, ctx: StepContext) -> Refusal | None:
        try:
            fn(record, ctx)
        except WaterPlanError as exc:
            return Refusal(with_label(exc.field, exc.message), code=exc.code, field=exc.field)
        return None

    return run


def own_unit(uscc_of: Callable[[Any], str]) -> Check:
    """An enterprise user acts only for the units registered under its USCC."""

    def check(record: Any, ctx: StepContext) -> Refusal | None:
        actor = ctx.actor
        if getattr(actor, "role", None) == Role.ENTERPRISE and actor.enterprise_uscc != uscc_of(record):
            return Refusal("用水单位：您只能为本单位办理。", code="not_own_unit", field="unit")
        return None

    return check


@refuses
def decided_after_receipt(record: Any, ctx: StepContext) -> None:
    """A decision is taken on a day that has come, not before the request was received (W19)."""
    limits.check_date(
        ctx.on,
        field="on",
        label="决定日期",
        today=clock.today(),
        not_before=record.received_on,
        not_before_why=f"接到申请日期（{cn_date(record.received_on)}）",
    )


def not_owing(record: Any, ctx: StepContext) -> Refusal | None:
    """第十三条第（七）项: no adjustment or supplement while a surcharge is owed (W10)."""
    from .models import SurchargeNotice

    owed = SurchargeNotice.unpaid_overdue(record.plan.unit_id, ctx.on)
    if not owed:
        return None
    return Refusal(
        f"用水单位：该单位拖欠超计划用水加价水费（通知单{'、'.join(n.number for n in owed)}），"
        "不得调整和增补用水计划指标",
        code="refused_unpaid_surcharge",
        field="unit",
        cites=cite(refusal_place(7)),
    )


def refusal_case_and_reason(record: Any, ctx: StepContext) -> Refusal | None:
    if ctx.data.get("case") not in REFUSAL_CASES:
        return Refusal(
            "不予调整/增补情形：须选择第十三条所列七种情形之一",
            code="refusal_case",
            field="case",
            cites=cite("第十三条"),
        )
    if not str(ctx.data.get("reason", "")).strip():
        return Refusal("理由：须写明不予调整或增补的具体理由", code="refusal_reason", field="reason")
    return None


def refusal_cites(record: Any, ctx: StepContext) -> str:
    return cite(refusal_place(record.refusal_case))


# -- periods ------------------------------------------------------------------------------------------------

ADJUSTMENT_VERIFY = Opens(
    "verify_due",
    "核实期限",
    cite("第十条第一款"),
    lambda r, ctx, cal: deadlines.adjustment_verify_due(r.received_on, cal),
)
ADJUSTMENT_NOTIFY = Opens(
    "notify_due",
    "核准告知期限",
    cite("第十条第一款"),
    lambda r, ctx, cal: deadlines.adjustment_notify_due(r.received_on, cal),
)
SUPPLEMENT_REVIEW = Opens(
    "review_due",
    "审核期限",
    cite("第十二条"),
    lambda r, ctx, cal: deadlines.supplement_review_due(r.received_on, cal),
)
APPEAL_DECISION_DUE = Opens(
    "decision_due",
    "异议处理期限",
    cite("第十五条"),
    lambda r, ctx, cal: deadlines.appeal_decision_due(r.received_on, cal),
)
# Counted from the day the unit received the notice (the step's day): the unit's own periods.
NOTICE_PAYMENT = Opens(
    "payment_due",
    "缴费期限",
    cite("第十六条第二款"),
    lambda r, ctx, cal: deadlines.payment_due(ctx.on, cal),
    APPLICANT,
)
NOTICE_APPEAL = Opens(
    "appeal_due",
    "异议期限",
    cite("第十五条"),
    lambda r, ctx, cal: deadlines.appeal_filing_due(ctx.on, cal),
    APPLICANT,
)
# The pay-by date a 催告单 sets (W11: the law gives none; the clerk sets it): kept as the clerk wrote it.
REMINDER_PAY_BY = Opens(
    "reminder_due",
    "催告缴费期限",
    cite("第十六条第二款"),
    lambda r, ctx, cal: compute_deadline(
        cal, ctx.on, period_specs.fixed_date(ctx.data["pay_by"], roll=False)
    ),
    APPLICANT,
)


def _issue_due(r: Any, ctx: StepContext, cal: Any) -> Any:
    """第九条: a request for next year is answered by the issuance of 31 January; a new unit's request
    (第六条, within the 30 days before use starts) has no date in the text."""
    if r.unit.normal_use_started and r.unit.normal_use_started.year == r.plan_year:
        return None
    return deadlines.issuance_due(r.plan_year, cal)


PLAN_ISSUE = Opens("issue_due", "下达期限", cite("第九条第一款"), _issue_due)


# -- document contexts ---------------------------------------------------------------------------------------


def volume_text(m3x100: int | None) -> str:
    return "—" if m3x100 is None else f"{format_volume(m3x100)}立方米"


def decision_context(record: Any, ctx: StepContext) -> dict[str, Any]:
    """Adjustment and supplement decisions: the unit, the plan before and (approved) after."""
    plan = record.plan
    before = plan.effective_m3x100
    approved = record.approved_m3x100 if record.status == "approved" else None
    construction = getattr(record, "type", "") == "construction"
    after = before + approved if approved is not None and not construction else before
    return {
        "recipient": f"{plan.unit.name}（统一社会信用代码 {plan.unit.uscc}）",
        "title": f"{plan.unit.name}{plan.year}年度{record._meta.verbose_name}决定",
        "plan": plan,
        "before": format_volume(before),
        "after": format_volume(after),
        "approved": volume_text(approved),
        "requested": volume_text(
            getattr(record, "requested_m3x100", None) or getattr(record, "computed_m3x100", None)
        ),
        "refusal_text": REFUSAL_CASES.get(record.refusal_case or 0, ""),
        "refusal_place": refusal_place(record.refusal_case) if record.refusal_case else "",
        "today": ctx.on,
    }


@refuses
def applied_after_recording(record: Any, ctx: StepContext) -> None:
    limits.check_date(
        ctx.on,
        field="on",
        label="生效日期",
        today=clock.today(),
        not_before=record.recorded_on or limits.document_start(),
        not_before_why=f"记录日期（{cn_date(record.recorded_on)}）" if record.recorded_on else "",
    )


def withdraw_reason_given(record: Any, ctx: StepContext) -> Refusal | None:
    if not str(ctx.data.get("reason", "")).strip():
        return Refusal("撤销理由：须写明撤销的理由", code="withdraw_reason", field="reason")
    return None


def approved_within_request(record: Any, ctx: StepContext) -> Refusal | None:
    """第十条: the approved volume is more than 0 and at most the volume asked for."""
    approved = ctx.data.get("approved_m3x100")
    if not isinstance(approved, int) or not 0 < approved <= record.requested_m3x100:
        return Refusal(
            f"核准水量：应大于0且不超过申请水量{format_volume(record.requested_m3x100)}立方米",
            code="volume_range",
            field="approved_volume",
        )
    return None


@refuses
def opinion_for_other_cases(record: Any, ctx: StepContext) -> None:
    """附件2 注: an "other" case without a quota is approved with the volume and text of the written opinion."""
    if record.computed_m3x100 is not None:
        return
    approved = ctx.data.get("approved_m3x100")
    if approved is None:
        raise WaterPlanError(
            "opinion_volume_missing",
            "核准水量：无定额标准的其他突发用水情况，须按书面意见填写增补水量（附件2 注）",
            field="approved_volume",
        )
    supplement_requests.by_opinion(int(approved), str(ctx.data.get("opinion", "")))


# -- the notice's collection (第十五条, 第十六条) -------------------------------------------------------------


def not_yet_delivered(record: Any, ctx: StepContext) -> Refusal | None:
    if record.received_on is not None:
        return Refusal(
            f"通知单：已于{cn_date(record.received_on)}送达（签收），期限自该日起算",
            code="already_received",
            field="notice",
        )
    return None


@refuses
def delivered_after_issue(record: Any, ctx: StepContext) -> None:
    limits.check_date(
        ctx.on,
        field="on",
        label="送达日期",
        today=clock.today(),
        not_before=record.issued_on,
        not_before_why=f"通知单开具日期（{cn_date(record.issued_on)}）",
    )


@refuses
def paid_after_issue(record: Any, ctx: StepContext) -> None:
    limits.check_date(
        ctx.on,
        field="on",
        label="缴费日期",
        today=clock.today(),
        not_before=record.issued_on,
        not_before_why=f"通知单开具日期（{cn_date(record.issued_on)}）",
    )


@refuses
def reminder_allowed(record: Any, ctx: StepContext) -> None:
    """第十六条第二款: after the payment period, the first 催告单; after the first's pay-by date, the second (W11)."""
    if record.payment_due is None:
        raise WaterPlanError(
            "notice_not_received", "通知单：只有已送达且未缴费的通知单才能催告。", field="notice"
        )
    on = limits.check_date(ctx.on, field="on", label="催告日期", today=clock.today())
    if on <= record.payment_due:
        raise WaterPlanError(
            "reminder_early",
            f"催告日期：缴费期限{cn_date(record.payment_due)}尚未届满，不能催告。",
            field="on",
        )
    existing = list(record.reminders.order_by("sequence"))
    if len(existing) >= 2:
        raise WaterPlanError(
            "reminder_limit", "通知单：已催告两次；仍未缴纳的，纳入社会信用体系平台。", field="notice"
        )
    if existing and on <= existing[-1].pay_by:
        raise WaterPlanError(
            "reminder_early",
            f"催告日期：第一次催告的缴费期限{cn_date(existing[-1].pay_by)}尚未届满。",
            field="on",
        )
    pay_by = ctx.data.get("pay_by")
    if not isinstance(pay_by, dt.date) or pay_by <= on:
        raise WaterPlanError("reminder_pay_by", "催告缴费期限：应晚于催告日期。", field="pay_by")
    latest = on + relativedelta(years=1)
    if pay_by > latest:
        raise WaterPlanError(
            "reminder_pay_by",
            f"催告缴费期限：{cn_date(pay_by)}晚于催告日期后一年（{cn_date(latest)}），请核对（W19）。",
            field="pay_by",
        )


@refuses
def credit_listing_due(record: Any, ctx: StepContext) -> None:
    """Unpaid after the second reminder's pay-by date → listed (第十六条第二款)."""
    limits.check_date(ctx.on, field="on", label="纳入日期", today=clock.today())
    second = record.reminders.filter(sequence=2).first()
    if second is None or ctx.on <= second.pay_by:
        raise WaterPlanError(
            "credit_not_due",
            "通知单：第二次催缴期限届满后仍未缴纳的，方可纳入社会信用体系平台。",
            field="notice",
        )


def reminder_context(record: Any, ctx: StepContext) -> dict[str, Any]:
    from ezhou_rules.core.money import format_capital, format_yuan

    sequence = record.reminders.count() + 1
    return {
        "recipient": f"{record.unit.name}（统一社会信用代码 {record.unit.uscc}）",
        "title": f"{record.unit.name}{record.year}年度加价水费第{sequence}次征收催告",
        "notice": record,
        "sequence": sequence,
        "pay_by": ctx.data["pay_by"],
        "amount": format_yuan(record.amount_fen),
        "capital": format_capital(record.amount_fen),
    }


# -- appeals (第十五条) -----------------------------------------------------------------------------------------


def decision_written(record: Any, ctx: StepContext) -> Refusal | None:
    if not str(ctx.data.get("decision", "")).strip():
        return Refusal("处理意见：须写明处理意见", code="appeal_decision", field="decision")
    return None


def corrected_volume_given(record: Any, ctx: StepContext) -> Refusal | None:
    corrected = ctx.data.get("corrected_actual_m3x100")
    if not isinstance(corrected, int) or corrected < 0:
        return Refusal(
            "核实后的实际用水量：异议成立须填写", code="appeal_correction", field="corrected_actual"
        )
    return None


def appeal_context(record: Any, ctx: StepContext) -> dict[str, Any]:
    from ezhou_rules.core.money import format_yuan

    notice = record.notice
    revised = ctx.data.get("revised") or {}
    return {
        "recipient": f"{notice.unit.name}（统一社会信用代码 {notice.unit.uscc}）",
        "title": f"{notice.unit.name}对{notice.number}的异议处理决定",
        "appeal": record,
        "notice": notice,
        "upheld": record.state == "upheld",
        "old_actual": format_volume(notice.actual_m3x100),
        "old_excess": format_volume(notice.excess_m3x100),
        "old_amount": format_yuan(notice.amount_fen),
        "new_actual": format_volume(revised["actual_m3x100"]) if revised else "",
        "new_excess": format_volume(revised["excess_m3x100"]) if revised else "",
        "new_amount": format_yuan(revised["amount_fen"]) if revised else "",
    }


@refuses
def appeal_in_time(record: Any, ctx: StepContext) -> None:
    """第十五条: after receipt, within 10 working days of it; one pending appeal at a time; a reason."""
    if record.received_on is None or record.appeal_due is None:
        raise WaterPlanError("notice_not_received", "通知单：尚未送达，不能提出异议。", field="notice")
    limits.check_date(
        ctx.on,
        field="received_on",
        today=clock.today(),
        not_before=record.received_on,
        not_before_why=f"通知单送达日期（{cn_date(record.received_on)}）",
    )
    if ctx.on > record.appeal_due:
        raise WaterPlanError(
            "appeal_late",
            f"接到申请日期：应在收到通知单之日起10个工作日内（{cn_date(record.appeal_due)}前）提出异议，已逾期。",
            field="received_on",
        )
    if not str(ctx.data.get("reason", "")).strip():
        raise WaterPlanError("appeal_reason", "异议内容：须写明对水量、金额的异议。", field="reason")
    if record.appeals.filter(state="received").exists():
        raise WaterPlanError("appeal_pending", "通知单：已有待处理的异议。", field="notice")
