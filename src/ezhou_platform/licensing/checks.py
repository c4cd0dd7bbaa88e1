"""The checks the licensing steps run before they are taken (``step(checks=...)``): each returns a Chinese
message naming the field and the rule when the step may not be taken, else None. The engine adds the step's
article to the message and refuses the step without writing anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext
from ezhou_rules.core.dates import cn_date
from ezhou_rules.licensing.errors import LicensingError


def _text(ctx: StepContext, key: str) -> str:
    return str(ctx.data.get(key) or "").strip()


def own_case(record: Any, ctx: StepContext) -> str | None:
    """An enterprise acts only on its own applications."""
    actor = ctx.actor
    if getattr(actor, "role", None) == Role.ENTERPRISE and actor.enterprise_uscc != record.applicant_uscc:
        return "只能办理本企业的申请"
    return None


def receipt_day(ctx: StepContext) -> dt.date:
    """The day the commitment counts as received: the postal receipt day, else the day it was handed in or
    submitted online (docs/interpretations.md L8)."""
    received = ctx.data.get("received_on") or ctx.data.get("signed_on") or ctx.on
    return received if isinstance(received, dt.date) else dt.date.fromisoformat(str(received))


def commitment_complete(record: Any, ctx: StepContext) -> str | None:
    """The signed commitment: five confirmations, delivery (by post: the received date), the notice it answers."""
    from ezhou_rules.licensing.notification import Delivery, check_commitment

    from .services import casefile

    try:
        commitment = casefile.commitment_from_data(record, ctx.data)
        notification = casefile.rules_notification(record)
        check_commitment(commitment, notification, casefile.rules_scheme(record))
    except LicensingError as exc:
        return exc.message
    online = commitment.delivery is Delivery.ONLINE
    if getattr(ctx.actor, "role", None) == Role.ENTERPRISE and not online:
        return "递交方式：企业在网上只能在线提交告知承诺书；当面递交或邮寄的由窗口工作人员登记"
    if getattr(ctx.actor, "role", None) != Role.ENTERPRISE and online:
        return "递交方式：在线提交的告知承诺书由申请人在网上递交"
    if commitment.receipt_day > ctx.on:
        return f"收件日期：{cn_date(commitment.receipt_day)}晚于登记日期{cn_date(ctx.on)}"
    return None


def decide_on_the_spot(record: Any, ctx: StepContext) -> str | None:
    """三（二）: the route applies (scope and credit), the commitment covers the conditions, the materials due at
    submission are there — otherwise what is missing, each cited."""
    from ezhou_rules.licensing.decision import on_the_spot

    from .services import casefile, credit

    if record.route != "commitment":
        return "按一般程序办理的申请，不能按告知承诺制当场作出决定"
    try:
        check = on_the_spot(
            coverage=casefile.coverage_of(record, record.received_on),
            eligibility=credit.eligibility(record.applicant_uscc, record.received_on),
            commitment=casefile.stored_commitment(record),
            notification=casefile.rules_notification(record),
            scheme=casefile.rules_scheme(record),
            materials_submitted=casefile.materials_submitted(record),
        )
    except LicensingError as exc:
        return exc.message
    return None if check.decide_now else check.explanation


def general_route(record: Any, ctx: StepContext) -> str | None:
    if record.route != "general":
        return "告知承诺制的申请应当场作出决定，不走一般程序决定"
    return None


def reason_given(record: Any, ctx: StepContext) -> str | None:
    return None if _text(ctx, "reason") else "理由：不能为空"


def note_given(record: Any, ctx: StepContext) -> str | None:
    return None if _text(ctx, "note") else "说明：不能为空"


def statement_given(record: Any, ctx: StepContext) -> str | None:
    return None if _text(ctx, "statement") else "陈述申辩：不能为空"


def not_delivered(record: Any, ctx: StepContext) -> str | None:
    if record.delivered_on is not None:
        return f"许可证件已于{cn_date(record.delivered_on)}送达"
    if record.decided_on is not None and ctx.on < record.decided_on:
        return "送达日期：早于决定日期"
    return None


def _material(record: Any, ctx: StepContext) -> Any:
    code = _text(ctx, "material")
    return record.materials.filter(code=code, timing="after_decision").first()


def material_may_be_submitted(record: Any, ctx: StepContext) -> str | None:
    m = _material(record, ctx)
    if m is None:
        return f"材料：“{_text(ctx, 'material')}”不是约定在决定作出后提交的材料"
    if m.state in ("submitted", "conforming"):
        return f"材料：“{m.name}”已提交（{m.get_state_display()}）"
    if record.decided_on is None or ctx.on < record.decided_on:
        return "提交日期：早于许可决定"
    return None


def material_may_be_reviewed(record: Any, ctx: StepContext) -> str | None:
    m = _material(record, ctx)
    if m is None or m.state != "submitted":
        return "材料：没有待审查的提交"
    if not isinstance(ctx.data.get("conforming"), bool):
        return "审查结论：应选择“符合要求”或“不符合要求”"
    if ctx.data["conforming"] is False and not _text(ctx, "note"):
        return "审查意见：不符合要求的，应写明不符合之处"
    return None


def may_qualify(record: Any, ctx: StepContext) -> str | None:
    if record.qualification != "later":
        return "申请人承诺的是已具备经营许可条件，没有需要确认的后续条件"
    if record.qualified_on is not None:
        return f"已于{cn_date(record.qualified_on)}确认达到条件"
    return None


def verification_result(record: Any, ctx: StepContext) -> str | None:
    if record.route != "commitment":
        return "一般程序办理的申请没有承诺内容可核查"
    if ctx.data.get("result") not in ("true", "untrue"):
        return "核查结论：应选择“承诺属实”或“承诺不实”"
    if ctx.data["result"] == "untrue" and not _text(ctx, "note"):
        return "核查情况：承诺不实的，应写明不实之处"
    return None


def rectification_grounds(record: Any, ctx: StepContext) -> str | None:
    """责令限期整改 needs its grounds in the case and a configured period (docs/interpretations.md L16)."""
    from ezhou_rules.licensing.periods import PeriodKind, PeriodNotConfigured

    from .services.rules import period_table

    grounds = _text(ctx, "grounds")
    if not _text(ctx, "matters"):
        return "整改事项：不能为空"
    if grounds == "materials":
        late = record.materials.filter(timing="after_decision").exclude(state__in=("conforming", "submitted"))
        if not any(m.state == "nonconforming" or (m.due is not None and m.due < ctx.on) for m in late):
            return "整改事由：没有逾期未提交或不符合要求的材料"
    elif grounds == "qualify":
        if record.qualification != "later" or record.qualified_on is not None:
            return "整改事由：申请人没有尚待证明的承诺条件"
        if record.qualify_due is None or record.qualify_due >= ctx.on:
            return "整改事由：具备条件的期限尚未届满"
    elif grounds == "commitment_untrue":
        if "untrue" not in {a.code for a in _rules_state(record, ctx.on).actions}:
            return "整改事由：核查未发现承诺不实，或已整改"
    elif grounds != "conditions":
        return "整改事由：应为材料、具备条件、承诺条件或承诺不实之一"
    found = period_table().lookup(record.item_code, PeriodKind.RECTIFICATION, ctx.on)
    if isinstance(found, PeriodNotConfigured):
        return found.message
    return None


def order_context(record: Any, ctx: StepContext) -> dict[str, Any]:
    from .models import RectificationOrder

    return {
        "recipient": record.applicant_name,
        "grounds_label": RectificationOrder.Grounds(_text(ctx, "grounds")).label,
        "matters": _text(ctx, "matters"),
        "due": record.rectification_due,
    }


def revocation_grounds(record: Any, ctx: StepContext) -> str | None:
    """Revocation is proposed only after the rectification period ran out, a rectification failed, or an untrue
    commitment was found (三（四）) — never automatically."""
    from ezhou_rules.licensing.case_state import EventKind

    from .services import casefile

    if not _text(ctx, "grounds"):
        return "撤销理由：不能为空"
    proposal = {"kind": EventKind.REVOCATION_PROPOSED.value, "on": ctx.on.isoformat()}
    trial = casefile.case_file(record, extra=[proposal])
    try:
        casefile.state_of_file(trial, ctx.on)
    except LicensingError:
        return "撤销须以逾期不整改、整改后仍不符合要求或核查发现承诺不实为前提"
    return None


def _rules_state(record: Any, on: dt.date) -> Any:
    from .services import casefile

    return casefile.state_of(record, on)


def not_the_proposer(record: Any, ctx: StepContext) -> str | None:
    if record.revocation_proposed_by_id is not None and record.revocation_proposed_by_id == getattr(
        ctx.actor, "pk", None
    ):
        return "撤销建议须由提出建议人以外的另一名工作人员决定（双人复核）"
    return None


def commitment_fulfilled(record: Any, ctx: StepContext) -> str | None:
    open_ = [m.name for m in record.materials.filter(timing="after_decision").exclude(state="conforming")]
    if open_:
        return f"材料“{'、'.join(open_)}”尚未审查合格"
    if record.qualification == "later" and record.qualified_on is None:
        return "申请人尚未证明达到所承诺的经营许可条件"
    return None


def repair_valid(record: Any, ctx: StepContext) -> str | None:
    day = ctx.data.get("repaired_on")
    if not isinstance(day, dt.date):
        return "修复日期：应为日期"
    if day < record.recorded_on:
        return f"修复日期：早于认定日期{cn_date(record.recorded_on)}"
    if day > ctx.on:
        return "修复日期：晚于登记日期"
    if not _text(ctx, "note"):
        return "修复说明：不能为空（写明修复依据，如信用修复决定文号）"
    return None


def all_inspected(record: Any, ctx: StepContext) -> str | None:
    left = record.selections.filter(result="").count()
    return f"还有{left}户未录入检查结果" if left else None
