"""Claims received from designated hospitals and settled (一站式结算, 第十八条; 第十一条 to 第十三条).

A claim is a case of 医疗保障局 (M26): received and settled at once when the person is a recipient who needs no
application (第十五条第一款: classes 1 and 2, or 3 and 4 with the year's application approved), otherwise kept
pending with the reason and settled when an application is approved (services.applications).

Concurrency: a settlement locks the person's row (SELECT … FOR UPDATE on PostgreSQL; on SQLite every
transaction begins IMMEDIATE and holds the database's write lock), then reads the year's accumulator, so two
claims of one person never use the same deductible or cap twice; the unique constraints on claim_id and on
"one settlement per claim" are the database's backstop, and a repeated claim_id returns the first result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_rules.core import ids
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import needs_application

from ..cites import CITE_APPLICATION, CITE_ONE_STOP
from ..models import Application, Claim, Person, Settlement
from .common import ApiError, check_past_date, tree
from .identities import class_on, same_identities
from .resettle import approved, settle_new


@dataclass
class ClaimInput:
    claim_id: str
    resident_id: str
    settle_date: dt.date
    kind: str
    hospital_name: str
    hospital_level: int
    in_city: bool
    in_province: bool
    temporary_out_of_city: bool
    total_cost: int
    out_of_policy_cost: int
    policy_self_pay: int
    referred_from_primary_care: bool = False

    def check(self) -> None:
        """Field-level rules; a bad claim is refused whole, nothing written."""
        if not self.claim_id.strip():
            raise ApiError("invalid_claim_id", "结算单号不能为空。", field="claim_id", status=422)
        if self.kind not in Claim.Kind.values:
            raise ApiError(
                "invalid_kind",
                "类别应为 inpatient（住院）或 chronic_outpatient（门诊慢特病）。",
                field="kind",
                status=422,
            )
        if self.hospital_level not in (1, 2, 3):
            raise ApiError(
                "invalid_hospital_level", "医疗机构级别应为 1、2 或 3。", field="hospital_level", status=422
            )
        for name, label in (
            ("total_cost", "医疗总费用"),
            ("out_of_policy_cost", "政策范围外费用"),
            ("policy_self_pay", "政策范围内个人自付"),
        ):
            if getattr(self, name) < 0:
                raise ApiError("negative_amount", f"{label}不能为负数。", field=name, status=422)
        if self.out_of_policy_cost > self.total_cost:
            raise ApiError(
                "out_of_policy_above_total",
                "政策范围外费用不能超过医疗总费用。",
                field="out_of_policy_cost",
                status=422,
            )
        if self.policy_self_pay > self.total_cost - self.out_of_policy_cost:
            raise ApiError(
                "self_pay_above_policy_cost",
                "政策范围内个人自付不能超过政策范围内费用（总费用减政策范围外费用）。",
                field="policy_self_pay",
                status=422,
            )
        if self.in_city and not self.in_province:
            raise ApiError(
                "invalid_location", "市域内医疗机构必然在省域内。", field="in_province", status=422
            )
        if self.in_city and self.temporary_out_of_city:
            raise ApiError(
                "invalid_location",
                "临时外出就医指到市外定点医疗机构治疗（第十三条第二款）。",
                field="temporary_out_of_city",
                status=422,
            )
        # a hospital settles at discharge: the date is a past event, within the document's life
        check_past_date(self.settle_date, "结算日期", "settle_date")


@dataclass
class SettleResult:
    claim: Claim
    settlement: Settlement | None
    created: bool  # False when the claim_id had been received before (idempotent repeat)
    adjustments: list[Settlement] = field(default_factory=list)  # other claims of the year settled again


def _claim_fields(data: ClaimInput) -> dict[str, Any]:
    return {
        "settle_date": data.settle_date,
        "kind": data.kind,
        "hospital_name": data.hospital_name,
        "hospital_level": data.hospital_level,
        "in_city": data.in_city,
        "in_province": data.in_province,
        "temporary_out_of_city": data.temporary_out_of_city,
        "total_cost": data.total_cost,
        "out_of_policy_cost": data.out_of_policy_cost,
        "policy_self_pay": data.policy_self_pay,
        "referred_from_primary_care": data.referred_from_primary_care,
    }


def settle_claim(data: ClaimInput, *, acting_user: Any) -> SettleResult:
    """One-stop settlement of a hospital claim (第十八条), idempotent on claim_id."""
    data.check()
    try:
        number = ids.validate_resident_id(data.resident_id)
    except ids.InvalidIdentifier as exc:
        raise ApiError(
            "invalid_resident_id", f"公民身份号码无效：{exc}", field="resident_id", status=422
        ) from None
    params = tree()
    try:
        with transaction.atomic(), same_identities():
            return _settle_locked(number, data, params, acting_user)
    except IntegrityError:
        # A concurrent request with the same claim_id won the race: answer with its result.
        existing = Claim.objects.filter(claim_id=data.claim_id).first()
        if existing is None:
            raise
        return _repeat(existing, data)


def _repeat(claim: Claim, data: ClaimInput) -> SettleResult:
    mine = _claim_fields(data)
    theirs = {k: getattr(claim, k) for k in mine}
    if claim.person.resident_id != ids.validate_resident_id(data.resident_id) or mine != theirs:
        raise ApiError(
            "claim_id_conflict",
            f"结算单号 {claim.claim_id} 已以不同内容提交过；同一结算单号只能结算一次。",
            field="claim_id",
            status=409,
        )
    return SettleResult(claim, claim.settlements.filter(kind=Settlement.Kind.SETTLE).first(), created=False)


def _settle_locked(number: str, data: ClaimInput, params: ParameterTree, acting_user: Any) -> SettleResult:
    # Found and locked in one query: the person's claims are settled one after the other (M12).
    person = Person.objects.select_for_update().filter(resident_id=number).first()
    if person is None:
        raise ApiError(
            "unknown_person", "该公民身份号码尚未登记为参保人员。", field="resident_id", status=404
        )
    existing = Claim.objects.filter(claim_id=data.claim_id).first()
    if existing is not None:
        return _repeat(existing, data)
    reason = not_settled_reason(person, data.settle_date)
    claim = Claim.objects.create(
        claim_id=data.claim_id,
        person=person,
        pending_reason=reason,
        status=Claim.Status.PENDING if reason else Claim.Status.SETTLED,
        **_claim_fields(data),
    )
    if reason:
        engine.start(
            claim, actor=acting_user, on=clock.today(), label="接收结算单（未结算）", cites=CITE_ONE_STOP
        )
        record(
            "medical_assistance.claim.receive",
            actor=acting_user,
            obj=claim,
            after={
                "claim_id": claim.claim_id,
                "policy_self_pay": claim.policy_self_pay,
                "pending_reason": reason,
            },
            label="接收结算单（未结算）",
            citation=CITE_APPLICATION,
        )
        return SettleResult(claim, None, created=True)
    settlement, adjustments = settle_new(
        claim, params, acting_user, class_day=data.settle_date, day=data.settle_date
    )
    # Settled on receipt: the case is opened and closed at once (一站式直接结算, 第十八条).
    engine.start(claim, actor=acting_user, on=clock.today(), label="一站式结算", cites=CITE_ONE_STOP)
    return SettleResult(claim, settlement, created=True, adjustments=adjustments)


def not_settled_reason(person: Person, day: dt.date) -> str:
    cls = class_on(person, day)
    if cls is None:
        return "结算日期当天不是医疗救助对象（第四条）。"
    if needs_application(cls) and not approved(person, Application.Kind.CLASS_AID, day.year):
        return f"{CLASS_LABELS[cls]}医疗救助对象依本人申请获得救助，{day.year}年尚无批准的申请（第十五条第一款）。"
    return ""
