"""因病致贫重病患者认定 (第四条第六款、第七款), a procedure of 民政局 (第四条第八款, 第二十二条第三款; M17).

Receiving an application works out the self-pay test against the previous year's per-capita disposable income
(configuration: missing → 409 naming it); the property check is the clerk's recorded decision (a step that may
be taken again while under review); recognition and refusal are steps with the numbered 认定决定书, the
recognition recording the class-4 identity (a case of 民政's identity procedure) valid 12 months from the day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Department
from ezhou_platform.procedures import engine
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import Class4Assessment, IdentityKind, assess_class_4

from ..cites import CITE_CLASS_4
from ..models import Class4Recognition, Person
from .applications import review_period
from .common import ApiError, check_past_date, not_set_error, tree
from .identities import class_on, record_identity


def class_4_test(submitted_on: dt.date, self_pay_12m: int, existing: int | None) -> Class4Assessment:
    """第四条第六款 with the property check taken as passed (it is a recorded decision of its own)."""
    try:
        return assess_class_4(
            tree(),
            application_date=submitted_on,
            self_pay_12m=self_pay_12m,
            property_check_passed=True,
            existing_class=existing,
        )
    except ParameterNotSet as exc:
        raise not_set_error(exc) from None


def submit_class_4_recognition(
    person: Person,
    *,
    submitted_on: dt.date,
    self_pay_12m: int,
    self_pay_evidence: str,
    acting_user: Any,
) -> Class4Recognition:
    """Receive an application for recognition as 因病致贫重病患者 (第四条第六款): the case opens with the test worked
    out and stored with its threshold, and with the review period when one is configured (M11)."""
    if self_pay_12m < 0:
        raise ApiError(
            "negative_amount", "申请前12个月累计自负医疗费用不能为负数。", field="self_pay_12m", status=422
        )
    if not self_pay_evidence.strip():
        raise ApiError(
            "missing_evidence",
            "请填写自负医疗费用的依据（结算单据等材料）。",
            field="self_pay_evidence",
            status=422,
        )
    check_past_date(submitted_on, "申请日期", "submitted_on")
    existing = class_on(person, submitted_on)
    if existing is not None and existing <= 3:
        raise ApiError(
            "already_recipient",
            f"申请人已是{CLASS_LABELS[existing]}医疗救助对象，因病致贫重病患者不含前三类对象（第四条第六款）。",
            field="resident_id",
            status=409,
        )
    result = class_4_test(submitted_on, self_pay_12m, existing)
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        if Class4Recognition.objects.filter(person=person, state=Class4Recognition.State.SUBMITTED).exists():
            raise ApiError(
                "pending_recognition", "该人员已有一件正在审核的认定申请。", field="resident_id", status=409
            )
        rec = Class4Recognition.objects.create(
            person=person,
            submitted_on=submitted_on,
            self_pay_12m=self_pay_12m,
            self_pay_evidence=self_pay_evidence.strip(),
            income_year=submitted_on.year - 1,
            threshold=result.threshold,
            self_pay_test_passed=result.eligible,
        )
        engine.start(
            rec,
            actor=acting_user,
            on=submitted_on,
            label="受理因病致贫重病患者认定申请",
            cites=CITE_CLASS_4,
            opens=[review_period(CITE_CLASS_4)],
        )
        rec.refresh_from_db()
        record(
            "medical_assistance.class_4.submit",
            actor=acting_user,
            obj=rec,
            after={
                "submitted_on": submitted_on.isoformat(),
                "self_pay_12m": self_pay_12m,
                "threshold": result.threshold,
                "self_pay_test_passed": result.eligible,
            },
            label="受理因病致贫重病患者认定申请",
            citation=CITE_CLASS_4,
        )
    return rec


def record_property_check(
    rec: Class4Recognition, *, passed: bool, reason: str, acting_user: Any
) -> Class4Recognition:
    """The family-property check (the standard of 低保边缘家庭, 第四条第七款) as the clerk's decision with its
    reason; it may be recorded again while the application is under review (each step is audited)."""
    if not reason.strip():
        raise ApiError("missing_reason", "请写明家庭财产审核意见。", field="reason", status=422)
    engine.take(rec, "property_check", actor=acting_user, data={"passed": passed, "reason": reason})
    return rec


def approve_class_4(
    rec: Class4Recognition, *, acting_user: Any, day: dt.date, reason: str = ""
) -> Class4Recognition:
    """Recognise the applicant as 因病致贫重病患者 on ``day`` (the step checks the self-pay test, the recorded
    property check and classes 1–3 that day) and record the class-4 identity, source 民政局, valid 12 months
    from ``day`` (第四条第七款), its evidence the number of the 认定决定书."""
    check_past_date(day, "认定日期", "recognised_on", earliest=rec.submitted_on, earliest_label="申请日期")
    with transaction.atomic():
        event = engine.take(rec, "approve", actor=acting_user, on=day, data={"reason": reason})
        number = event.document.number if event.document else f"认定第{rec.pk}号"
        identity = record_identity(
            rec.person,
            kind=IdentityKind.ILLNESS_POVERTY,
            source_department=Department.objects.get(code="civil_affairs"),
            valid_from=day,
            valid_until=rec.valid_until,
            evidence=f"因病致贫重病患者认定决定书{number}",
            acting_user=acting_user,
        )
        rec.identity = identity
        rec.save(update_fields=["identity"])
    return rec


def reject_class_4(
    rec: Class4Recognition, *, acting_user: Any, day: dt.date, reason: str
) -> Class4Recognition:
    if not reason.strip():
        raise ApiError("missing_reason", "不予认定须写明理由。", field="reason", status=422)
    check_past_date(day, "认定日期", "recognised_on", earliest=rec.submitted_on, earliest_label="申请日期")
    engine.take(rec, "reject", actor=acting_user, on=day, note=reason.strip(), data={"reason": reason})
    return rec
