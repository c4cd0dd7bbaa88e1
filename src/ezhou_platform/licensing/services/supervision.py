"""After the decision (第二部分 三（三）（四）): materials against their periods, the committed conditions,
verification, 责令限期整改 and revocation — proposed, the applicant heard, decided by another clerk, never
automatic. Findings that the law puts into the credit records (late or non-conforming materials, untrue or
broken commitments) are proposed as records for the credit office to confirm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.procedures import engine, periods
from ezhou_rules.licensing.case_state import EventKind
from ezhou_rules.licensing.credit import CreditKind
from ezhou_rules.licensing.errors import LicensingError

from ..models import Application, MaterialItem, RectificationOrder, Status
from . import applications, casefile, credit


def _material(app: Application, code: str) -> MaterialItem:
    m = app.materials.filter(code=code).first()
    if m is None:
        raise LicensingError("unknown_material", f"材料：该申请没有编码为“{code}”的材料。", field="material")
    return m


@transaction.atomic
def submit_material(
    app: Application, *, actor: Any, code: str, upload: Any, on: dt.date | None = None
) -> MaterialItem:
    """The enterprise hands in a material due after the decision (三（一）)."""
    on = on or clock.today()
    if upload is None:
        raise LicensingError("file_missing", "材料文件：请选择要提交的文件。", field="file")
    engine.take(app, "submit_material", actor=actor, on=on, data={"material": code})
    m = _material(app, code)
    applications._store_file(m, on=on, actor=actor, upload=upload)
    m.state, m.submitted_on = MaterialItem.State.SUBMITTED, on
    m.save(update_fields=["state", "submitted_on"])
    return m


@transaction.atomic
def review_material(
    app: Application, *, actor: Any, code: str, conforming: bool, note: str = "", on: dt.date | None = None
) -> MaterialItem:
    on = on or clock.today()
    engine.take(
        app,
        "review_material",
        actor=actor,
        on=on,
        data={"material": code, "conforming": conforming, "note": note},
    )
    m = _material(app, code)
    sub = m.submissions.filter(reviewed_on__isnull=True).order_by("-id").first()
    assert sub is not None  # the step's check found a submission to review
    sub.reviewed_on, sub.conforming, sub.review_note = on, conforming, note[:300]
    sub.reviewed_by = actor if getattr(actor, "pk", None) else None
    sub.save(update_fields=["reviewed_on", "conforming", "review_note", "reviewed_by"])
    m.state = MaterialItem.State.CONFORMING if conforming else MaterialItem.State.NONCONFORMING
    if conforming:
        m.overdue = False
        periods.close(m, "due", on)
    m.save(update_fields=["state", "overdue"])
    casefile.log(app, EventKind.MATERIAL_RECEIVED, sub.submitted_on, material=code, conforming=conforming)
    return m


@transaction.atomic
def qualify(app: Application, *, actor: Any, on: dt.date | None = None) -> Application:
    on = on or clock.today()
    engine.take(app, "qualify", actor=actor, on=on)
    casefile.log(app, EventKind.QUALIFIED, on)
    return app


@transaction.atomic
def verify(
    app: Application, *, actor: Any, result: str, note: str = "", on: dt.date | None = None
) -> Application:
    """核查承诺内容 (三（四）); an untrue commitment is proposed as a credit record (and bars the route once
    confirmed, 二（一）2)."""
    on = on or clock.today()
    engine.take(app, "verify", actor=actor, on=on, data={"result": result, "note": note})
    casefile.log(app, EventKind.VERIFIED, on, conforming=result == "true")
    if result == "untrue":
        _propose_record(app, CreditKind.COMMITMENT_UNTRUE, f"核查发现承诺不实：{note}", actor=actor, on=on)
    return app


def _propose_record(app: Application, kind: CreditKind, description: str, *, actor: Any, on: dt.date) -> None:
    credit.propose(
        uscc=app.applicant_uscc,
        name=app.applicant_name,
        kind=kind,
        recorded_on=on,
        authority="鄂州市" + app.department.name,
        description=f"{app.item}（{app.reference}）：{description}",
        source=f"本平台许可案件 {app.reference}",
        actor=actor,
        on=on,
        item_code=app.item_code,
        application=app,
    )


GROUNDS_CREDIT = {
    RectificationOrder.Grounds.QUALIFY: CreditKind.COMMITMENT_BROKEN,
    RectificationOrder.Grounds.CONDITIONS: CreditKind.COMMITMENT_BROKEN,
}


@transaction.atomic
def order(
    app: Application, *, actor: Any, grounds: str, matters: str, on: dt.date | None = None
) -> RectificationOrder:
    """责令限期整改: the numbered order with its configured period (refused when none is configured)."""
    on = on or clock.today()
    late = [
        m
        for m in app.materials.filter(timing="after_decision")
        if m.state == "pending" and m.due and m.due < on
    ]
    bad = [m for m in app.materials.filter(timing="after_decision") if m.state == "nonconforming"]
    event = engine.take(
        app, "order_rectification", actor=actor, on=on, data={"grounds": grounds, "matters": matters}
    )
    basis = periods.period_of(app, "rectification_due")
    row = RectificationOrder.objects.create(
        application=app,
        grounds=grounds,
        matters=matters.strip(),
        ordered_on=on,
        due=app.rectification_due,
        period_basis=basis.period_spec.describe() if basis else "",
        document=event.document,
    )
    casefile.log(
        app,
        EventKind.RECTIFICATION_ORDERED,
        on,
        number=event.document.number if event.document else None,
        reason=grounds,
    )
    if grounds == RectificationOrder.Grounds.MATERIALS:
        for m in late:
            _propose_record(
                app, CreditKind.MATERIALS_LATE, f"材料“{m.name}”未在规定期限内提交", actor=actor, on=on
            )
        for m in bad:
            _propose_record(
                app, CreditKind.MATERIALS_NONCONFORMING, f"材料“{m.name}”不符合要求", actor=actor, on=on
            )
    elif grounds in GROUNDS_CREDIT:
        _propose_record(
            app, GROUNDS_CREDIT[RectificationOrder.Grounds(grounds)], matters.strip(), actor=actor, on=on
        )
    app.attention = ""
    app.save(update_fields=["attention"])
    return row


@transaction.atomic
def rectification_result(
    app: Application, *, actor: Any, conforming: bool, note: str = "", on: dt.date | None = None
) -> RectificationOrder:
    on = on or clock.today()
    current = app.orders.filter(result="").order_by("-ordered_on", "-id").first()
    if current is None:
        raise LicensingError("no_open_order", "整改结果：没有待确认结果的整改通知。", field="result")
    engine.take(
        app, "rectified" if conforming else "rectification_failed", actor=actor, on=on, data={"note": note}
    )
    current.result = "conforming" if conforming else "nonconforming"
    current.result_on, current.result_note = on, note[:500]
    current.save(update_fields=["result", "result_on", "result_note"])
    casefile.log(app, EventKind.RECTIFIED, on, conforming=conforming)
    return current


@transaction.atomic
def propose_revocation(
    app: Application, *, actor: Any, grounds: str, on: dt.date | None = None
) -> Application:
    on = on or clock.today()
    engine.take(app, "propose_revocation", actor=actor, on=on, data={"grounds": grounds})
    open_order = app.orders.filter(result="").first()
    if open_order is not None:
        open_order.result_note = "整改期限届满未整改，已提出撤销建议"
        open_order.save(update_fields=["result_note"])
    casefile.log(app, EventKind.REVOCATION_PROPOSED, on)
    app.attention = ""
    app.save(update_fields=["attention"])
    return app


@transaction.atomic
def state_statement(
    app: Application, *, actor: Any, statement: str, on: dt.date | None = None
) -> Application:
    engine.take(app, "state_statement", actor=actor, on=on or clock.today(), data={"statement": statement})
    return app


@transaction.atomic
def hear(app: Application, *, actor: Any, note: str, on: dt.date | None = None) -> Application:
    on = on or clock.today()
    engine.take(app, "hear", actor=actor, on=on, data={"note": note})
    casefile.log(app, EventKind.HEARD, on)
    return app


@transaction.atomic
def decide_revocation(
    app: Application, *, actor: Any, revoke: bool, note: str = "", on: dt.date | None = None
) -> Application:
    """A clerk other than the proposer revokes the licence or drops the proposal, after the applicant was heard."""
    on = on or clock.today()
    if revoke:
        engine.take(app, "revoke", actor=actor, on=on, data={"note": note})
        app.licence.revoked_on = on
        app.licence.save(update_fields=["revoked_on"])
        casefile.log(app, EventKind.REVOKED, on)
    else:
        engine.take(app, "drop_revocation", actor=actor, on=on, data={"note": note})
        casefile.log(app, EventKind.REVOCATION_DROPPED, on)
    return app


@transaction.atomic
def complete(app: Application, *, actor: Any, on: dt.date | None = None) -> Application:
    engine.take(app, "complete", actor=actor, on=on or clock.today())
    return app


def holding(app: Application) -> bool:
    return app.status in (
        s.value
        for s in (
            Status.LICENSED,
            Status.COMPLETED,
            Status.RECTIFYING,
            Status.RECTIFICATION_FAILED,
            Status.REVOCATION_PROPOSED,
            Status.HEARD,
        )
    )
