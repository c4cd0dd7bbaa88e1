"""Applications to 医疗保障局 (第十二条 倾斜救助, 第十五条 依申请救助 and 身份确定前费用救助) on the procedure layer.

Receiving one opens its case (and its review period when one is configured: the document sets none, M11);
every decision is a step of the case (its article, four-eyes on approvals, the numbered 决定书). What an
approval pays follows in the same transaction: the year's pending claims settled (第十五条第一款), the claims of
the 12 months before the identity was determined settled under the new class (第十五条第二款), the year's costs
already incurred settled again with tilted aid (第十二条, M5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.machine import Opens
from ezhou_rules.core import periods as period_rules
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.periods import Deadline, compute_deadline
from ezhou_rules.core.workdays import WorkdayCalendar
from ezhou_rules.medical_assistance.recipients import retroactive_window

from ..cites import IN_FORCE
from ..models import Application, Claim, Person, Settlement
from ..models.applications import KIND_CITES
from .common import ApiError, check_past_date, tree
from .resettle import resettle, settle_new
from .settlements import not_settled_reason


def _count_review(record: Any, ctx: Any, cal: WorkdayCalendar) -> Deadline | None:
    """The review period counted in working days from submission, when one is configured (M11)."""
    try:
        workdays = tree().get("application_review_workdays", record.submitted_on)
    except ParameterNotSet:
        return None
    return compute_deadline(cal, record.submitted_on, period_rules.workdays(workdays))


def review_period(cites: str) -> Opens:
    return Opens("review_deadline", "审核期限", cites, _count_review)


def submit_application(
    person: Person,
    *,
    kind: str,
    year: int,
    submitted_on: dt.date,
    acting_user: Any,
    note: str = "",
    recognised_on: dt.date | None = None,
) -> Application:
    """Receive an application (第十五条, 第十二条): its case opens with the review period when configured."""
    kind = Application.Kind(kind)
    if kind == Application.Kind.RETROACTIVE and recognised_on is None:
        raise ApiError(
            "missing_recognised_on",
            "身份确定前医疗费用救助须填写身份确定日期（第十五条第二款）。",
            field="recognised_on",
            status=422,
        )
    check_past_date(submitted_on, "申请日期", "submitted_on")
    if recognised_on is not None:
        check_past_date(recognised_on, "身份确定日期", "recognised_on")
        if recognised_on > submitted_on:
            raise ApiError(
                "recognised_after_submission",
                "身份确定日期不能晚于申请日期：先确定身份，再申请身份确定前的医疗费用救助。",
                field="recognised_on",
                status=422,
            )
    if not IN_FORCE.year <= year <= submitted_on.year:
        raise ApiError(
            "invalid_year",
            f"救助年度应在{IN_FORCE.year}年至申请日期所在的{submitted_on.year}年之间。",
            field="year",
            status=422,
        )
    cites = KIND_CITES[kind]
    with transaction.atomic():
        app = Application.objects.create(
            person=person,
            kind=kind,
            year=year,
            submitted_on=submitted_on,
            note=note,
            recognised_on=recognised_on,
        )
        engine.start(
            app,
            actor=acting_user,
            on=submitted_on,
            label="受理救助申请",
            cites=cites,
            opens=[review_period(cites)],
        )
        app.refresh_from_db()
        record(
            "medical_assistance.application.submit",
            actor=acting_user,
            obj=app,
            after={
                "kind": kind.value,
                "year": year,
                "submitted_on": submitted_on.isoformat(),
                "review_deadline": app.review_deadline.isoformat() if app.review_deadline else None,
            },
            label="受理救助申请",
            citation=cites,
        )
    return app


def approve_application(app: Application, *, acting_user: Any, day: dt.date, reason: str = "") -> Application:
    """Approve (the step of the application's kind) and pay what the approval brings, in one transaction."""
    check_past_date(day, "决定日期", "decided_on", earliest=app.submitted_on, earliest_label="申请日期")
    with transaction.atomic():
        engine.take(app, f"approve_{app.kind}", actor=acting_user, on=day, data={"reason": reason})
        if app.kind == Application.Kind.RETROACTIVE:
            _settle_retroactive(app, acting_user=acting_user, day=day)
        elif app.kind == Application.Kind.CLASS_AID:
            _settle_pending_year(app, acting_user=acting_user, day=day)
        else:
            _pay_tilted_backlog(app, acting_user=acting_user, day=day)
    return app


def reject_application(app: Application, *, acting_user: Any, day: dt.date, reason: str) -> Application:
    if not reason.strip():
        raise ApiError("missing_reason", "不予批准须写明理由。", field="reason", status=422)
    check_past_date(day, "决定日期", "decided_on", earliest=app.submitted_on, earliest_label="申请日期")
    engine.take(
        app, f"reject_{app.kind}", actor=acting_user, on=day, note=reason.strip(), data={"reason": reason}
    )
    return app


def withdraw_application(app: Application, *, acting_user: Any, day: dt.date) -> Application:
    check_past_date(day, "撤回日期", "decided_on", earliest=app.submitted_on, earliest_label="申请日期")
    engine.take(app, "withdraw", actor=acting_user, on=day, data={"reason": "申请人撤回"})
    return app


def _pending(app: Application, **dates: Any) -> list[Claim]:
    Person.objects.select_for_update().get(pk=app.person_id)
    return list(
        Claim.objects.select_related("person")
        .filter(person_id=app.person_id, status=Claim.Status.PENDING, **dates)
        .order_by("settle_date", "claim_id")
    )


def _settle_pending_year(app: Application, *, acting_user: Any, day: dt.date) -> list[Settlement]:
    """第十五条第一款: once a class-3/4 person's application is approved, the claims of that year received
    while it was pending are settled, in date order, under the class in force on each claim's date."""
    params = tree()
    done = []
    for claim in _pending(app, settle_date__year=app.year):
        if not_settled_reason(claim.person, claim.settle_date):
            continue
        settlement, _ = settle_new(claim, params, acting_user, class_day=claim.settle_date, day=day)
        engine.take(claim, "settle_on_application", actor=acting_user, on=day)
        done.append(settlement)
    return done


def _settle_retroactive(app: Application, *, acting_user: Any, day: dt.date) -> list[Settlement]:
    """第十五条第二款: claims received in the 12 months before the identity was determined and not settled
    are settled, in date order, under the class in force on the day the identity was determined."""
    params = tree()
    recognised_on = app.recognised_on
    assert recognised_on is not None  # required at submission; the approval step checks the class on it
    first, last = retroactive_window(params, recognised_on)
    done = []
    for claim in _pending(app, settle_date__gte=first, settle_date__lte=last):
        settlement, _ = settle_new(claim, params, acting_user, class_day=recognised_on, day=day)
        engine.take(claim, "settle_retroactive", actor=acting_user, on=day)
        done.append(settlement)
    return done


def _pay_tilted_backlog(app: Application, *, acting_user: Any, day: dt.date) -> list[Settlement]:
    """第十二条: approval brings the person into tilted aid for the year, so the in-province costs of that
    year already settled are settled again with tilted aid and the difference is paid now (not only when a
    later claim arrives, which may never happen)."""
    person = Person.objects.select_for_update().get(pk=app.person_id)
    if not Settlement.objects.filter(person=person, year=app.year).exists():
        return []
    _, adjustments = resettle(
        person,
        app.year,
        tree(),
        acting_user=acting_user,
        day=day,
        reason=f"{cn_date(day)}批准{app.year}年度倾斜救助申请，本年度已结算的省域内费用按第十二条重新结算",
    )
    return adjustments
