"""Procedures of 医疗救助: every write is here, atomic and audited; views and the API only validate input.

Concurrency: a settlement locks the person's row (SELECT … FOR UPDATE on PostgreSQL; on SQLite every
transaction begins IMMEDIATE and holds the database's write lock), then reads the year's accumulator, so two
claims of one person never use the same deductible or cap twice; the unique constraints on claim_id and on
"one settlement per claim" are the database's backstop, and a repeated claim_id returns the first result.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.parameters import configured
from ezhou_platform.procedures import periods
from ezhou_rules.core import ids
from ezhou_rules.core import periods as period_rules
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterNotSet, ParameterTree
from ezhou_rules.core.periods import Deadline, compute_deadline
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS, DOCUMENT, parameters
from ezhou_rules.medical_assistance.recipients import (
    CLASS_OF_KIND,
    IdentityKind,
    class_4_valid_until,
    needs_application,
    recipient_class,
    recognised_by,
    retroactive_window,
)
from ezhou_rules.medical_assistance.settlement import Claims, YearState, settle_reference

from .models import Application, Claim, Identity, Person, Recovery, Settlement, YearAccount

CITE_SETTLE = f"{DOCUMENT} 第十一条"
CITE_APPLICATION = f"{DOCUMENT} 第十五条第一款"
CITE_TILTED = f"{DOCUMENT} 第十二条第一款"
CITE_RETRO = f"{DOCUMENT} 第十五条第二款"
# The day 34号 took effect (issued and in force 2022-10-18): no step of this document records an earlier event.
IN_FORCE = dt.date(2022, 10, 18)
EXAMPLE_SOURCE = "示例数据（非官方统计）"


def tree() -> ParameterTree:
    """The parameters with the values administrators entered (incomes, premiums)."""
    return configured(parameters())


# -- persons and identities ----------------------------------------------------------------------------


def register_person(*, resident_id: str, name: str, jurisdiction: Any, acting_user: Any) -> Person:
    try:
        number = ids.validate_resident_id(resident_id)
    except ids.InvalidIdentifier as exc:
        raise ApiError(
            "invalid_resident_id", f"公民身份号码无效：{exc}", field="resident_id", status=422
        ) from None
    if not name.strip():
        raise ApiError("invalid_name", "姓名不能为空。", field="name", status=422)
    with transaction.atomic():
        person, created = Person.objects.get_or_create(
            resident_id=number, defaults={"name": name.strip(), "jurisdiction": jurisdiction}
        )
        if created:
            record(
                "medical_assistance.person.register",
                actor=acting_user,
                obj=person,
                after={"resident_id": number, "name": person.name, "jurisdiction": jurisdiction.code},
                label="登记参保人员",
            )
    return person


def record_identity(
    person: Person,
    *,
    kind: str,
    source_department: Any,
    valid_from: dt.date,
    evidence: str,
    acting_user: Any,
    valid_until: dt.date | None = None,
) -> Identity:
    """Record an identity recognised by the department 第二十二条 names for it — 民政 or 乡村振兴, not either
    (第四条第八款, interpretation M22). A 因病致贫重病患者 identity is valid 12 months from recognition (第四条第七款)
    unless an earlier end is given. The start is a recognition already made: not after today, not before the
    person was born (an identity recognised before 34号 took effect is still that identity)."""
    kind = IdentityKind.of(kind)
    valid_until = check_identity(
        person,
        kind=kind,
        source_department=source_department,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence,
    )
    with transaction.atomic():
        identity = Identity.objects.create(
            person=person,
            kind=kind.value,
            source_department=source_department,
            valid_from=valid_from,
            valid_until=valid_until,
            evidence=evidence.strip(),
        )
        record(
            "medical_assistance.identity.record",
            actor=acting_user,
            obj=identity,
            after={
                "kind": kind.value,
                "source_department": source_department.code,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
                "evidence": identity.evidence,
            },
            label="登记救助身份",
            citation=f"{DOCUMENT} 第四条",
        )
    return identity


def check_identity(
    person: Person,
    *,
    kind: IdentityKind,
    source_department: Any,
    valid_from: dt.date,
    valid_until: dt.date | None,
    evidence: str,
) -> dt.date | None:
    """The checks of record_identity, for forms that show errors by field before saving; returns the end
    (a 因病致贫重病患者 identity ends 12 months after its start at the latest)."""
    who = recognised_by(kind)
    if source_department.code != who.department:
        raise ApiError(
            "invalid_source_department",
            f"“{kind.label}”由{who.label}认定（{who.cite.split(' ', 1)[1]}），认定部门应为{who.label}。",  # type: ignore[attr-defined]
            field="source_department",
            status=422,
        )
    birth = ids.birth_date(person.resident_id)
    check_past_date(valid_from, "有效期起", "valid_from", earliest=birth, earliest_label="本人出生日期")
    if kind == IdentityKind.ILLNESS_POVERTY:
        limit = class_4_valid_until(tree(), valid_from)
        valid_until = min(valid_until, limit) if valid_until else limit
    if valid_until is not None and valid_until < valid_from:
        raise ApiError("invalid_validity", "有效期止不能早于有效期起。", field="valid_until", status=422)
    if not evidence.strip():
        raise ApiError(
            "missing_evidence", "请填写认定依据（文书编号或证明材料）。", field="evidence", status=422
        )
    return valid_until


def identities_on(person: Person, day: dt.date) -> list[Identity]:
    return list(
        person.identities.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
    )


def class_on(person: Person, day: dt.date, trace: Trace | None = None) -> int | None:
    """The class in force on ``day``: the highest of the identities valid that day (第六条)."""
    kinds = [i.kind for i in identities_on(person, day)]
    return recipient_class(kinds, trace=trace) if trace is not None else recipient_class(kinds)


# -- applications ----------------------------------------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    Application.State.SUBMITTED: {
        Application.State.APPROVED,
        Application.State.REJECTED,
        Application.State.WITHDRAWN,
    },
}


MEDICAL_DEPARTMENT = "medical_security"


def _review_deadline(submitted_on: dt.date) -> Deadline | None:
    """The review period counted in working days, when one is configured (the document sets none)."""
    try:
        workdays = tree().get("application_review_workdays", submitted_on)
    except ParameterNotSet:
        return None
    return compute_deadline(platform_calendar(), submitted_on, period_rules.workdays(workdays))


def _track_review(obj: Any, counted: Deadline, citation: str) -> None:
    periods.track(
        obj, "review_deadline", counted, label="审核期限", citation=citation, department=MEDICAL_DEPARTMENT
    )


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
    """Receive an application (第十五条). Its review deadline is counted in working days when the review
    period has been configured (the document sets none)."""
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
    counted = _review_deadline(submitted_on)
    deadline = counted.due if counted else None
    with transaction.atomic():
        app = Application.objects.create(
            person=person,
            kind=kind,
            year=year,
            submitted_on=submitted_on,
            review_deadline=deadline,
            note=note,
            recognised_on=recognised_on,
        )
        if counted is not None:
            _track_review(
                app, counted, CITE_RETRO if kind == Application.Kind.RETROACTIVE else CITE_APPLICATION
            )
        record(
            "medical_assistance.application.submit",
            actor=acting_user,
            obj=app,
            after={
                "kind": kind.value,
                "year": year,
                "submitted_on": submitted_on.isoformat(),
                "review_deadline": deadline.isoformat() if deadline else None,
            },
            label="受理救助申请",
            citation=CITE_RETRO if kind == Application.Kind.RETROACTIVE else CITE_APPLICATION,
        )
    return app


def _transition(app: Application, target: str, *, acting_user: Any, day: dt.date, reason: str) -> Application:
    check_past_date(day, "决定日期", "decided_on", earliest=app.submitted_on, earliest_label="申请日期")
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=app.pk)
        if target not in TRANSITIONS.get(app.state, set()):
            raise ApiError(
                "invalid_transition",
                f"申请当前状态为“{app.get_state_display()}”，不能改为“{Application.State(target).label}”。",
                field="state",
                status=409,
            )
        before = {"state": app.state}
        app.state = target
        app.decided_on = day
        app.decided_by = acting_user if getattr(acting_user, "pk", None) else None
        app.reason = reason
        app.save(update_fields=["state", "decided_on", "decided_by", "reason"])
        record(
            f"medical_assistance.application.{Application.State(target).value}",
            actor=acting_user,
            obj=app,
            before=before,
            after={"state": target, "reason": reason},
            label=f"救助申请{Application.State(target).label}",
            citation=CITE_TILTED if app.kind == Application.Kind.TILTED else CITE_APPLICATION,
        )
        if target == Application.State.APPROVED and app.kind == Application.Kind.RETROACTIVE:
            _settle_retroactive(app, acting_user=acting_user, day=day)
        if target == Application.State.APPROVED and app.kind == Application.Kind.CLASS_AID:
            _settle_pending_year(app, acting_user=acting_user, day=day)
        if target == Application.State.APPROVED and app.kind == Application.Kind.TILTED:
            _pay_tilted_backlog(app, acting_user=acting_user, day=day)
    return app


def _recognised_on(app: Application) -> dt.date:
    """The day the identity of a retroactive application was determined; required at submission, so a
    missing one (the column is nullable for the other kinds) is refused rather than settled against None."""
    if app.recognised_on is None:
        raise ApiError(
            "missing_recognised_on",
            "身份确定前医疗费用救助须填写身份确定日期（第十五条第二款）。",
            field="recognised_on",
            status=422,
        )
    return app.recognised_on


def approve_application(app: Application, *, acting_user: Any, day: dt.date, reason: str = "") -> Application:
    """SUBMITTED → APPROVED. For retroactive aid (第十五条第二款) the claims of the 12 months before the
    identity was determined that were received but not settled are settled now under the new class."""
    if app.kind == Application.Kind.RETROACTIVE:
        cls = class_on(app.person, _recognised_on(app))
        if cls is None:
            raise ApiError(
                "no_identity",
                "身份确定日期当天该人员没有有效的医疗救助身份，不能按相应类别救助。",
                field="recognised_on",
                status=409,
            )
    return _transition(app, Application.State.APPROVED, acting_user=acting_user, day=day, reason=reason)


def reject_application(app: Application, *, acting_user: Any, day: dt.date, reason: str) -> Application:
    if not reason.strip():
        raise ApiError("missing_reason", "不予批准须写明理由。", field="reason", status=422)
    return _transition(app, Application.State.REJECTED, acting_user=acting_user, day=day, reason=reason)


def withdraw_application(app: Application, *, acting_user: Any, day: dt.date) -> Application:
    return _transition(
        app, Application.State.WITHDRAWN, acting_user=acting_user, day=day, reason="申请人撤回"
    )


def _approved(person: Person, kind: str, year: int) -> bool:
    return Application.objects.filter(
        person=person, kind=kind, year=year, state=Application.State.APPROVED
    ).exists()


# -- settlement ------------------------------------------------------------------------------------------


def not_set_error(exc: ParameterNotSet) -> ApiError:
    """A missing configured value as a 409 naming the parameter and the year it is needed for."""
    name = exc.name.removeprefix(f"{parameters().name}.")
    try:
        label = parameters().parameter(name).description
    except LookupError:
        label = ""
    what = f"“{label}”（{name}）" if label else name
    if name.startswith("income."):
        when = f"{exc.date.year}年度的数值"
    else:
        when = f"{cn_date(exc.date)}适用的数值"
    return ApiError(
        "parameter_not_set",
        f"参数{what}尚未录入{when}，暂时无法计算：请管理员在“政策参数取值”中录入数值及其来源。",
        field=None,
        status=409,
    )


def check_past_date(
    day: dt.date, label: str, field_name: str, *, earliest: dt.date = IN_FORCE, earliest_label: str = ""
) -> None:
    """A step that records a past event: not before ``earliest`` (the day 34号 took effect unless the step
    says otherwise), not after today."""
    today = clock.today()
    if day > today:
        raise ApiError(
            "date_in_future",
            f"{label}不能晚于今天（{cn_date(today)}）：此处登记的是已经发生的事项。",
            field=field_name,
            status=422,
        )
    if day < earliest:
        if earliest_label:
            why = f"{earliest_label}（{cn_date(earliest)}）"
        elif earliest == IN_FORCE:
            why = f"本办法施行之日（{cn_date(IN_FORCE)}）"
        else:
            why = cn_date(earliest)
        raise ApiError("date_too_early", f"{label}不能早于{why}。", field=field_name, status=422)


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


@dataclass
class Reversal:
    entry: Settlement
    adjustments: list[Settlement]  # the year's other claims settled again without the reversed one


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
    person = Person.objects.filter(resident_id=number).first()
    if person is None:
        raise ApiError(
            "unknown_person", "该公民身份号码尚未登记为参保人员。", field="resident_id", status=404
        )
    params = tree()
    try:
        with transaction.atomic():
            return _settle_locked(person, data, params, acting_user)
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


def _settle_locked(person: Person, data: ClaimInput, params: ParameterTree, acting_user: Any) -> SettleResult:
    person = Person.objects.select_for_update().get(pk=person.pk)
    existing = Claim.objects.filter(claim_id=data.claim_id).first()
    if existing is not None:
        return _repeat(existing, data)
    claim = Claim.objects.create(claim_id=data.claim_id, person=person, **_claim_fields(data))
    reason = _not_settled_reason(person, data.settle_date)
    if reason:
        claim.pending_reason = reason
        claim.save(update_fields=["pending_reason"])
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
    settlement, adjustments = _settle(
        claim, params, acting_user, class_day=data.settle_date, day=data.settle_date
    )
    return SettleResult(claim, settlement, created=True, adjustments=adjustments)


def _not_settled_reason(person: Person, day: dt.date) -> str:
    cls = class_on(person, day)
    if cls is None:
        return "结算日期当天不是医疗救助对象（第四条）。"
    if needs_application(cls) and not _approved(person, Application.Kind.CLASS_AID, day.year):
        return f"{CLASS_LABELS[cls]}医疗救助对象依本人申请获得救助，{day.year}年尚无批准的申请（第十五条第一款）。"
    return ""


# The year's position a claim adds (YearState fields), stored on each entry so the entries of a year add up to
# its accumulator.
_STATE_DELTAS = {
    "self_pay": "self_pay_delta",
    "tilted_base": "tilted_base_delta",
    "tilted_counted": "tilted_counted_delta",
}
_AMOUNTS = ("basic_aid", "tilted_aid", "hospital_borne")


@dataclass
class _Position:
    """One claim in a settlement of its person's year from the first claim: its amounts, what it added to
    the year's position, and its trace."""

    row: dict[str, int]
    added: YearState
    trace: Trace


def _settle_year(
    claims: list[Claim], classes: dict[int, int], tilted: bool, params: ParameterTree
) -> tuple[dict[int, _Position], YearState]:
    """第十一条、第十二条 over a person's surviving claims of one year, in (settle_date, claim_id) order, each
    under the class it was settled with: the law read from the first claim, as if all arrived in order."""
    state = YearState()
    out: dict[int, _Position] = {}
    for claim in claims:
        before = replace(state)
        trace = Trace()
        one = Claims.from_records(
            [
                {
                    "person": claim.person_id,
                    "settle_date": claim.settle_date,
                    "person_class": classes[claim.pk],
                    "inpatient": claim.kind == Claim.Kind.INPATIENT,
                    "hospital_level": claim.hospital_level,
                    "in_city": claim.in_city,
                    "in_province": claim.in_province,
                    "temporary_out_of_city": claim.temporary_out_of_city,
                    "tilted_approved": tilted,
                    "total_cost": claim.total_cost,
                    "out_of_policy_cost": claim.out_of_policy_cost,
                    "policy_self_pay": claim.policy_self_pay,
                }
            ]
        )
        try:
            row = settle_reference(
                one, params, trace=trace, claim_labels=[f"结算单{claim.claim_id}"], start_state=state
            ).row(0)
        except ParameterNotSet as exc:
            raise not_set_error(exc) from None
        added = YearState(**{f.name: getattr(state, f.name) - getattr(before, f.name) for f in fields(state)})
        out[claim.pk] = _Position(row, added, trace)
    return out, state


def _resettle(
    person: Person,
    year: int,
    params: ParameterTree,
    *,
    acting_user: Any,
    day: dt.date,
    reason: str,
    new: tuple[Claim, int, Trace] | None = None,
) -> tuple[Settlement | None, list[Settlement]]:
    """Settle the person's year again from its first claim and write what changed as new entries: the new
    claim's settlement (``new`` = claim, class, class trace) and, for every other claim whose aid differs from
    the sum of its entries, an adjustment with ``reason``; a lowered aid becomes an amount to recover. The
    accumulator is set to the year's position. The caller holds the person's lock (interpretation M12)."""
    entries = list(Settlement.objects.filter(person=person, year=year).select_related("claim").order_by("id"))
    by_claim: dict[int, list[Settlement]] = defaultdict(list)
    for e in entries:
        by_claim[e.claim_id].append(e)
    reversed_ids = {e.claim_id for e in entries if e.kind == Settlement.Kind.REVERSE}
    classes = {
        cid: next(e.person_class for e in es if e.kind == Settlement.Kind.SETTLE)
        for cid, es in by_claim.items()
        if cid not in reversed_ids
    }
    claims = [es[0].claim for cid, es in by_claim.items() if cid not in reversed_ids]
    if new is not None:
        claims.append(new[0])
        classes[new[0].pk] = new[1]
    claims.sort(key=lambda c: (c.settle_date, c.pk))  # within a day, in the order received (M1)
    tilted = _approved(person, Application.Kind.TILTED, year)
    positions, state = _settle_year(claims, classes, tilted, params)
    created_by = acting_user if getattr(acting_user, "pk", None) else None

    settlement = None
    if new is not None:
        claim, cls, class_trace = new
        pos = positions[claim.pk]
        settlement = Settlement.objects.create(
            claim=claim,
            person=person,
            jurisdiction_id=person.jurisdiction_id,
            year=year,
            person_class=cls,
            tilted_approved=tilted,
            **{k: pos.row[k] for k in (*_AMOUNTS, "remaining_deductible", "remaining_cap")},
            **{d: getattr(pos.added, s) for s, d in _STATE_DELTAS.items()},
            trace=class_trace.to_list() + pos.trace.to_list(),
            entry_date=day,
            created_by=created_by,
        )
        record(
            "medical_assistance.claim.settle",
            actor=acting_user,
            obj=settlement,
            after={
                "claim_id": claim.claim_id,
                "class": cls,
                "basic_aid": pos.row["basic_aid"],
                "tilted_aid": pos.row["tilted_aid"],
                "hospital_borne": pos.row["hospital_borne"],
            },
            label="医疗救助结算",
            citation=CITE_SETTLE,
        )

    adjustments = []
    for claim in claims:
        if new is not None and claim.pk == new[0].pk:
            continue
        pos = positions[claim.pk]
        had = {
            k: sum(getattr(e, k) for e in by_claim[claim.pk]) for k in (*_AMOUNTS, *_STATE_DELTAS.values())
        }
        change = {k: pos.row[k] - had[k] for k in _AMOUNTS}
        if not any(change.values()):
            continue
        district = next(e.jurisdiction_id for e in by_claim[claim.pk] if e.kind == Settlement.Kind.SETTLE)
        adjustments.append(
            _adjust(claim, classes[claim.pk], tilted, district, pos, had, change, reason, day, acting_user)
        )

    account, _ = YearAccount.objects.select_for_update().get_or_create(person=person, year=year)
    for f in fields(state):
        setattr(account, f.name, getattr(state, f.name))
    account.hospital_borne = sum(p.row["hospital_borne"] for p in positions.values())
    account.save()
    return settlement, adjustments


def _adjust(
    claim: Claim,
    cls: int,
    tilted: bool,
    district: int,
    pos: _Position,
    had: dict[str, int],
    change: dict[str, int],
    reason: str,
    day: dt.date,
    acting_user: Any,
) -> Settlement:
    """One adjustment entry (and, when it lowers the aid, the amount to recover)."""
    was = had["basic_aid"] + had["tilted_aid"]
    now = pos.row["basic_aid"] + pos.row["tilted_aid"]
    diff = now - was
    outcome = (
        f"多付{format_yuan(-diff)}，应追回"
        if diff < 0
        else (f"应补发{format_yuan(diff)}" if diff > 0 else "救助合计不变")
    )
    summary = (
        f"结算单{claim.claim_id}：原救助合计{format_yuan(was)}，重新结算为{format_yuan(now)}，{outcome}"
        + (f"；医疗机构承担调整{format_yuan(change['hospital_borne'])}" if change["hospital_borne"] else "")
        + "。"
    )
    entry = Settlement.objects.create(
        claim=claim,
        person_id=claim.person_id,
        jurisdiction_id=district,
        kind=Settlement.Kind.ADJUST,
        year=claim.settle_date.year,
        person_class=cls,
        tilted_approved=tilted,
        **change,
        remaining_deductible=pos.row["remaining_deductible"],
        remaining_cap=pos.row["remaining_cap"],
        **{d: getattr(pos.added, s) - had[d] for s, d in _STATE_DELTAS.items()},
        trace=[
            {"rule": "medical_assistance.resettle", "citation": CITE_SETTLE, "explanation": reason},
            *pos.trace.to_list(),
            {"rule": "medical_assistance.adjust", "citation": None, "explanation": summary},
        ],
        reason=f"{reason}：{summary}",
        entry_date=day,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record(
        "medical_assistance.settlement.adjust",
        actor=acting_user,
        obj=entry,
        before={"basic_aid": had["basic_aid"], "tilted_aid": had["tilted_aid"]},
        after={
            "basic_aid": pos.row["basic_aid"],
            "tilted_aid": pos.row["tilted_aid"],
            "reason": entry.reason,
        },
        label="重新结算调整",
        citation=CITE_TILTED if change["tilted_aid"] else CITE_SETTLE,
    )
    if diff < 0:
        recovery = Recovery.objects.create(
            adjustment=entry, person_id=claim.person_id, year=entry.year, amount=-diff, reason=entry.reason
        )
        record(
            "medical_assistance.recovery.open",
            actor=acting_user,
            obj=recovery,
            after={"amount": -diff, "reason": entry.reason},
            label="多付救助应追回",
            citation=CITE_SETTLE,
        )
    return entry


def _settle(
    claim: Claim, params: ParameterTree, acting_user: Any, *, class_day: dt.date, day: dt.date
) -> tuple[Settlement, list[Settlement]]:
    """Settle ``claim`` within its person's year; the caller holds the person's lock. When the claim is dated
    before claims already settled, those are settled again after it (adjustments)."""
    trace = Trace()
    cls = class_on(claim.person, class_day, trace)
    assert cls is not None
    settlement, adjustments = _resettle(
        claim.person,
        claim.settle_date.year,
        params,
        acting_user=acting_user,
        day=day,
        reason=(
            f"结算单{claim.claim_id}的结算日期{cn_date(claim.settle_date)}早于本年度已结算的结算单，"
            "按结算日期顺序重新结算本年度（第十一条：年起付标准和年度限额按年度累计）"
        ),
        new=(claim, cls, trace),
    )
    assert settlement is not None
    return settlement, adjustments


def _sums(claim: Claim) -> dict[str, int]:
    entries = list(claim.settlements.all())
    return {k: sum(getattr(e, k) for e in entries) for k in (*_AMOUNTS, *_STATE_DELTAS.values())}


def reverse_settlement(settlement: Settlement, *, reason: str, acting_user: Any) -> Reversal:
    """Cancel a claim (a hospital's 冲销) by a new entry negating everything the claim was paid (its settlement
    and any adjustments); the rest of the person's year is then settled again without it, so the deductible
    and cap it used go to the later claims and an aid paid too early becomes an amount to recover
    (interpretation M12). The original entries are never edited."""
    if not reason.strip():
        raise ApiError("missing_reason", "冲销须写明原因。", field="reason", status=422)
    today = clock.today()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=settlement.person_id)
        original = Settlement.objects.select_related("claim").get(pk=settlement.pk)
        if original.kind != Settlement.Kind.SETTLE:
            raise ApiError("not_reversible", "只有结算记录可以冲销；冲销、调整记录不能再冲销。", status=409)
        if Settlement.objects.filter(reverses=original).exists():
            raise ApiError("already_reversed", "该结算已冲销。", status=409)
        claim = original.claim
        sums = _sums(claim)
        params = tree()
        reversal = Settlement.objects.create(
            claim=claim,
            person_id=original.person_id,
            jurisdiction_id=original.jurisdiction_id,
            kind=Settlement.Kind.REVERSE,
            reverses=original,
            year=original.year,
            person_class=original.person_class,
            tilted_approved=original.tilted_approved,
            **{k: -v for k, v in sums.items()},
            remaining_deductible=0,
            remaining_cap=0,
            trace=[
                {
                    "rule": "medical_assistance.reverse",
                    "citation": None,
                    "explanation": f"冲销结算单{claim.claim_id}：原因“{reason.strip()}”；冲销救助合计"
                    f"{format_yuan(sums['basic_aid'] + sums['tilted_aid'])}。",
                }
            ],
            reason=reason.strip(),
            entry_date=today,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        _, adjustments = _resettle(
            person,
            original.year,
            params,
            acting_user=acting_user,
            day=today,
            reason=f"结算单{claim.claim_id}已冲销（{reason.strip()}），本年度其余结算单按结算日期顺序重新结算",
        )
        account = YearAccount.objects.get(person=person, year=original.year)
        day = claim.settle_date
        cls = original.person_class
        reversal.remaining_deductible = max(
            params.get(f"basic.deductible.class_{cls}", day) - account.self_pay, 0
        )
        reversal.remaining_cap = max(params.get(f"basic.cap.class_{cls}", day) - account.basic_paid, 0)
        reversal.save(update_fields=["remaining_deductible", "remaining_cap"])
        record(
            "medical_assistance.settlement.reverse",
            actor=acting_user,
            obj=reversal,
            before={
                "settlement": original.pk,
                "basic_aid": sums["basic_aid"],
                "tilted_aid": sums["tilted_aid"],
            },
            after={"reason": reason.strip(), "adjustments": [a.pk for a in adjustments]},
            label="冲销医疗救助结算",
            citation=CITE_SETTLE,
        )
    return Reversal(reversal, adjustments)


def _settle_pending_year(app: Application, *, acting_user: Any, day: dt.date) -> list[Settlement]:
    """第十五条第一款: once a class-3/4 person's application is approved, the claims of that year received
    while it was pending are settled, in date order, under the class in force on each claim's date."""
    params = tree()
    Person.objects.select_for_update().get(pk=app.person_id)
    pending = (
        Claim.objects.select_related("person")
        .filter(person_id=app.person_id, settle_date__year=app.year)
        .exclude(settlements__kind=Settlement.Kind.SETTLE)
        .order_by("settle_date", "claim_id")
    )
    done = []
    for claim in pending:
        if _not_settled_reason(claim.person, claim.settle_date):
            continue
        settlement, _ = _settle(claim, params, acting_user, class_day=claim.settle_date, day=day)
        done.append(settlement)
        claim.pending_reason = ""
        claim.save(update_fields=["pending_reason"])
    return done


def _settle_retroactive(app: Application, *, acting_user: Any, day: dt.date) -> list[Settlement]:
    """第十五条第二款: claims received in the 12 months before the identity was determined and not settled
    are settled, in date order, under the class in force on the day the identity was determined."""
    params = tree()
    recognised_on = _recognised_on(app)
    first, last = retroactive_window(params, recognised_on)
    Person.objects.select_for_update().get(pk=app.person_id)
    pending = (
        Claim.objects.select_related("person")
        .filter(person_id=app.person_id, settle_date__gte=first, settle_date__lte=last)
        .exclude(settlements__kind=Settlement.Kind.SETTLE)
        .order_by("settle_date", "claim_id")
    )
    done = []
    for claim in pending:
        settlement, _ = _settle(claim, params, acting_user, class_day=recognised_on, day=day)
        done.append(settlement)
        claim.pending_reason = ""
        claim.save(update_fields=["pending_reason"])
    return done


def _pay_tilted_backlog(app: Application, *, acting_user: Any, day: dt.date) -> list[Settlement]:
    """第十二条: approval brings the person into tilted aid for the year, so the in-province costs of that
    year already settled are settled again with tilted aid and the difference is paid now (not only when a
    later claim arrives, which may never happen)."""
    person = Person.objects.select_for_update().get(pk=app.person_id)
    if not Settlement.objects.filter(person=person, year=app.year).exists():
        return []
    _, adjustments = _resettle(
        person,
        app.year,
        tree(),
        acting_user=acting_user,
        day=day,
        reason=f"{cn_date(day)}批准{app.year}年度倾斜救助申请，本年度已结算的省域内费用按第十二条重新结算",
    )
    return adjustments


# -- reading ---------------------------------------------------------------------------------------------


def year_summary(person: Person, year: int) -> dict[str, Any]:
    params = tree()
    today = clock.today()
    day = min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))
    cls = class_on(person, day)
    account = YearAccount.objects.filter(person=person, year=year).first()
    state = account or YearAccount(person=person, year=year)
    out: dict[str, Any] = {
        "year": year,
        "person_class": cls,
        "class_label": CLASS_LABELS.get(cls or 0, "非救助对象"),
        "identities": [
            {
                "kind": i.kind,
                "label": i.get_kind_display(),
                "valid_from": i.valid_from,
                "valid_until": i.valid_until,
            }
            for i in person.identities.all()
        ],
        "self_pay": state.self_pay,
        "basic_paid": state.basic_paid,
        "tilted_paid": state.tilted_paid,
        "tilted_base": state.tilted_base,
        "hospital_borne": state.hospital_borne,
        "remaining_deductible": None,
        "remaining_cap": None,
        "settlements": Settlement.objects.filter(person=person, year=year).count(),
        "pay_after_treatment_eligible": pay_after_treatment_eligible(person, day),
        "recoverable": sum(
            r.amount for r in Recovery.objects.filter(person=person, year=year, state=Recovery.State.OPEN)
        ),
        "recoveries": [
            recovery_out(r)
            for r in Recovery.objects.filter(person=person, year=year).select_related("adjustment__claim")
        ],
    }
    if cls is not None:
        out["remaining_deductible"] = max(
            params.get(f"basic.deductible.class_{cls}", day) - state.self_pay, 0
        )
        out["remaining_cap"] = max(params.get(f"basic.cap.class_{cls}", day) - state.basic_paid, 0)
    return out


def recovery_out(r: Recovery) -> dict[str, Any]:
    return {
        "id": r.pk,
        "claim_id": r.adjustment.claim.claim_id,
        "year": r.year,
        "amount": r.amount,
        "reason": r.reason,
        "state": r.state,
        "state_label": r.get_state_display(),
        "created_on": r.adjustment.entry_date,
        "recovered_on": r.recovered_on,
        "evidence": r.evidence,
    }


def record_recovery(recovery: Recovery, *, day: dt.date, evidence: str, acting_user: Any) -> Recovery:
    """An amount to recover is recovered (the person or the hospital paid it back) on ``day``, with the receipt.
    The day is a past event: not after today, not before the adjustment that opened the recovery."""
    if not evidence.strip():
        raise ApiError(
            "missing_evidence", "请填写追回凭证（缴款凭证号或抵扣说明）。", field="evidence", status=422
        )
    with transaction.atomic():
        recovery = Recovery.objects.select_for_update().select_related("adjustment").get(pk=recovery.pk)
        if recovery.state != Recovery.State.OPEN:
            raise ApiError(
                "already_recovered",
                f"该笔已于{cn_date(recovery.recovered_on)}追回。",
                field="state",
                status=409,
            )
        opened = recovery.adjustment.entry_date or recovery.created_at.date()
        check_past_date(day, "追回日期", "recovered_on", earliest=opened, earliest_label="多付调整之日")
        recovery.state = Recovery.State.RECOVERED
        recovery.recovered_on = day
        recovery.evidence = evidence.strip()
        recovery.recorded_by = acting_user if getattr(acting_user, "pk", None) else None
        recovery.save(update_fields=["state", "recovered_on", "evidence", "recorded_by"])
        record(
            "medical_assistance.recovery.recovered",
            actor=acting_user,
            obj=recovery,
            before={"state": "open"},
            after={"state": "recovered", "recovered_on": day.isoformat(), "evidence": recovery.evidence},
            label="登记多付救助已追回",
            citation=CITE_SETTLE,
        )
    return recovery


def paid_by_district_and_class(year: int) -> list[dict[str, Any]]:
    """Fund ledger lines: aid paid (reversals and adjustments netted) by district and class."""
    rows = (
        Settlement.objects.filter(year=year)
        .values("jurisdiction__name", "person_class")
        .annotate(basic=Sum("basic_aid"), tilted=Sum("tilted_aid"))
        .order_by("jurisdiction__name", "person_class")
    )
    return [
        {
            "district": r["jurisdiction__name"],
            "person_class": r["person_class"],
            "class_label": CLASS_LABELS[r["person_class"]],
            "basic": r["basic"] or 0,
            "tilted": r["tilted"] or 0,
        }
        for r in rows
    ]


__all__ = [
    "CLASS_OF_KIND",
    "ClaimInput",
    "SettleResult",
    "approve_application",
    "class_on",
    "record_identity",
    "register_person",
    "reject_application",
    "reverse_settlement",
    "settle_claim",
    "submit_application",
    "withdraw_application",
    "year_summary",
]


# -- 第十四条 双预警 ---------------------------------------------------------------------------------------

CITE_WARNING = f"{DOCUMENT} 第十四条"


def self_borne_by_person(year: int, through: dt.date) -> dict[int, int]:
    """Each person's self-borne medical cost this year up to ``through``: what the claims left the person to
    pay (policy-range self-pay + out-of-policy cost) less medical assistance and the hospital-borne part."""
    from django.db.models import F

    start = dt.date(year, 1, 1)
    costs = (
        Claim.objects.filter(settle_date__gte=start, settle_date__lte=through)
        .values("person_id")
        .annotate(total=Sum(F("policy_self_pay") + F("out_of_policy_cost")))
    )
    out = {r["person_id"]: int(r["total"] or 0) for r in costs}
    relief = (
        Settlement.objects.filter(claim__settle_date__gte=start, claim__settle_date__lte=through)
        .values("person_id")
        .annotate(total=Sum(F("basic_aid") + F("tilted_aid") + F("hospital_borne")))
    )
    for r in relief:
        out[r["person_id"]] = out.get(r["person_id"], 0) - int(r["total"] or 0)
    return out


def run_warnings(year: int, month: int, *, acting_user: Any) -> Any:
    """第十四条: the month's two lists — 因病返贫 (低保边缘, 农村易返贫致贫, 稳定脱贫 above 50% of last year's
    rural per-capita disposable income) and 因病致贫 (ordinary enrollees above 100%) — each entry marked new or
    continuing against the previous month's run of the same year."""
    import calendar

    import numpy as np

    from ezhou_rules.medical_assistance.parameters_tree import statistical_year_value
    from ezhou_rules.medical_assistance.recipients import (
        WARN_INTO,
        WARN_NONE,
        WARN_RETURN,
        warning_group,
        warning_thresholds,
        warnings,
    )

    from .models import WarningEntry, WarningRun

    if not 1 <= month <= 12:
        raise ApiError("invalid_month", "月份应为 1—12。", field="month", status=422)
    today = clock.today()
    if (year, month) < (IN_FORCE.year, IN_FORCE.month) or (year, month) > (today.year, today.month):
        raise ApiError(
            "invalid_month",
            f"预警月份应在{IN_FORCE.year}年{IN_FORCE.month}月（本办法施行）至本月（{today.year}年{today.month}月）之间。",
            field="month",
            status=422,
        )
    params = tree()
    through = dt.date(year, month, calendar.monthrange(year, month)[1])
    try:
        income = statistical_year_value(params, "income.rural_per_capita_disposable", year - 1)
        thresholds = warning_thresholds(params, through)
    except ParameterNotSet as exc:
        raise not_set_error(exc) from None
    borne = self_borne_by_person(year, through)
    person_ids = sorted(borne)
    kinds: dict[int, list[str]] = {pid: [] for pid in person_ids}
    for ident in Identity.objects.filter(person_id__in=person_ids, valid_from__lte=through).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=through)
    ):
        kinds[ident.person_id].append(ident.kind)
    groups = np.array([warning_group(kinds[p]) for p in person_ids], dtype=np.int8)
    amounts = np.array([borne[p] for p in person_ids], dtype=np.int64)
    flags = warnings(params, through, groups, amounts) if person_ids else np.zeros(0, dtype=np.int8)
    previous = WarningRun.objects.filter(year=year, month=month - 1).first()
    before = set(previous.entries.values_list("person_id", "list")) if previous else set()
    with transaction.atomic():
        if WarningRun.objects.filter(year=year, month=month).exists():
            raise ApiError("already_run", f"{year}年{month}月的预警名单已生成。", field="month", status=409)
        run = WarningRun.objects.create(
            year=year,
            month=month,
            through=through,
            rural_income=income,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        entries = []
        for pid, flag, amount in zip(person_ids, flags, amounts, strict=True):
            if flag == WARN_NONE:
                continue
            lst = WarningEntry.List.RETURN if flag == WARN_RETURN else WarningEntry.List.INTO
            entries.append(
                WarningEntry(
                    run=run,
                    person_id=pid,
                    list=lst,
                    self_borne=int(amount),
                    threshold=thresholds[WARN_RETURN if flag == WARN_RETURN else WARN_INTO],
                    change=WarningEntry.Change.CONTINUING
                    if (pid, lst.value) in before
                    else WarningEntry.Change.NEW,
                )
            )
        WarningEntry.objects.bulk_create(entries)
        record(
            "medical_assistance.warning.run",
            actor=acting_user,
            obj=run,
            after={
                "year": year,
                "month": month,
                "return": sum(e.list == "return" for e in entries),
                "into": sum(e.list == "into" for e in entries),
            },
            label="生成因病致贫返贫预警名单",
            citation=CITE_WARNING,
        )
    return run


# -- 第二十条 先诊疗后付费 -------------------------------------------------------------------------------------


def pay_after_treatment_eligible(person: Person, day: dt.date) -> bool:
    """第二十条: whether the person's identities valid on ``day`` allow 先诊疗后付费 (classes 1, 2 and monitored
    rural persons; the admission must still be a referral from primary care to an in-city hospital)."""
    from ezhou_rules.medical_assistance.recipients import pay_after_treatment_person

    return pay_after_treatment_person([i.kind for i in identities_on(person, day)])


def claim_pay_after_treatment(claim: Claim) -> bool:
    """第二十条 for one claim: an eligible person (identities on the settlement date), referred from primary care,
    inpatient at an in-city designated hospital."""
    from ezhou_rules.medical_assistance.recipients import pay_after_treatment

    return pay_after_treatment(
        [i.kind for i in identities_on(claim.person, claim.settle_date)],
        referred_from_primary_care=claim.referred_from_primary_care,
        in_city_inpatient=claim.in_city and claim.kind == Claim.Kind.INPATIENT,
    )


# -- 第四条 因病致贫重病患者认定 -------------------------------------------------------------------------------

CITE_CLASS_4 = f"{DOCUMENT} 第四条第六款"
CITE_CLASS_4_VALIDITY = f"{DOCUMENT} 第四条第七款"


def _class_4_test(person: Person, submitted_on: dt.date, self_pay_12m: int, existing: int | None) -> Any:
    from ezhou_rules.medical_assistance.recipients import assess_class_4

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
) -> Any:
    """Receive an application for recognition as 因病致贫重病患者 (第四条第六款). The self-pay test is worked out
    now against the previous year's per-capita disposable income (configuration; missing → 409 naming it)."""
    from .models import Class4Recognition

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
    result = _class_4_test(person, submitted_on, self_pay_12m, existing)
    counted = _review_deadline(submitted_on)
    deadline = counted.due if counted else None
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
            review_deadline=deadline,
        )
        if counted is not None:
            _track_review(rec, counted, CITE_CLASS_4)
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


def _locked_submitted(rec: Any) -> Any:
    from .models import Class4Recognition

    rec = Class4Recognition.objects.select_for_update().select_related("person").get(pk=rec.pk)
    if rec.state != Class4Recognition.State.SUBMITTED:
        raise ApiError(
            "invalid_transition",
            f"认定申请当前状态为“{rec.get_state_display()}”，不能再审核。",
            field="state",
            status=409,
        )
    return rec


def record_property_check(rec: Any, *, passed: bool, reason: str, acting_user: Any) -> Any:
    """The family-property check (第四条第六款、第七款: the standard of 低保边缘家庭) as a decision of the clerk,
    with its reason. It may be recorded again while the application is under review; each is audited."""
    if not reason.strip():
        raise ApiError("missing_reason", "请写明家庭财产审核意见。", field="reason", status=422)
    with transaction.atomic():
        rec = _locked_submitted(rec)
        before = {"property_check_passed": rec.property_check_passed, "reason": rec.property_check_reason}
        rec.property_check_passed = passed
        rec.property_check_reason = reason.strip()
        rec.property_checked_by = acting_user if getattr(acting_user, "pk", None) else None
        rec.save(update_fields=["property_check_passed", "property_check_reason", "property_checked_by"])
        record(
            "medical_assistance.class_4.property_check",
            actor=acting_user,
            obj=rec,
            before=before,
            after={"property_check_passed": passed, "reason": rec.property_check_reason},
            label="记录家庭财产审核结论",
            citation=CITE_CLASS_4,
        )
    return rec


def approve_class_4(rec: Any, *, acting_user: Any, day: dt.date, reason: str = "") -> Any:
    """Recognise the applicant as 因病致贫重病患者 on ``day``: the self-pay test passed, the property check recorded
    as passed, not in classes 1–3 that day. Records the class-4 identity (source 民政局), valid 12 months from
    ``day`` (第四条第七款)."""
    from ezhou_platform.common.models import Department

    with transaction.atomic():
        rec = _locked_submitted(rec)
        check_past_date(
            day, "认定日期", "recognised_on", earliest=rec.submitted_on, earliest_label="申请日期"
        )
        if rec.property_check_passed is None:
            raise ApiError(
                "property_check_missing",
                "尚未记录家庭财产审核结论，不能认定（第四条第六款）。",
                field="property_check_passed",
                status=409,
            )
        if not rec.property_check_passed:
            raise ApiError(
                "property_check_failed",
                "家庭财产不符合我市规定，不能认定为因病致贫重病患者，请作不予认定处理。",
                field="property_check_passed",
                status=409,
            )
        result = _class_4_test(rec.person, rec.submitted_on, rec.self_pay_12m, class_on(rec.person, day))
        if not result.eligible:
            raise ApiError("not_eligible", "".join(result.reasons), field="self_pay_12m", status=409)
        identity = record_identity(
            rec.person,
            kind=IdentityKind.ILLNESS_POVERTY,
            source_department=Department.objects.get(code="civil_affairs"),
            valid_from=day,
            evidence=f"因病致贫重病患者认定第{rec.pk}号",
            acting_user=acting_user,
        )
        rec.state = rec.State.APPROVED
        rec.decided_on = day
        rec.decided_by = acting_user if getattr(acting_user, "pk", None) else None
        rec.reason = reason.strip()
        rec.valid_until = identity.valid_until
        rec.identity = identity
        rec.save(update_fields=["state", "decided_on", "decided_by", "reason", "valid_until", "identity"])
        record(
            "medical_assistance.class_4.approved",
            actor=acting_user,
            obj=rec,
            before={"state": "submitted"},
            after={
                "state": "approved",
                "recognised_on": day.isoformat(),
                "valid_until": identity.valid_until.isoformat() if identity.valid_until else None,
            },
            label="认定因病致贫重病患者",
            citation=CITE_CLASS_4_VALIDITY,
        )
    return rec


def reject_class_4(rec: Any, *, acting_user: Any, day: dt.date, reason: str) -> Any:
    if not reason.strip():
        raise ApiError("missing_reason", "不予认定须写明理由。", field="reason", status=422)
    with transaction.atomic():
        rec = _locked_submitted(rec)
        check_past_date(
            day, "认定日期", "recognised_on", earliest=rec.submitted_on, earliest_label="申请日期"
        )
        rec.state = rec.State.REJECTED
        rec.decided_on = day
        rec.decided_by = acting_user if getattr(acting_user, "pk", None) else None
        rec.reason = reason.strip()
        rec.save(update_fields=["state", "decided_on", "decided_by", "reason"])
        record(
            "medical_assistance.class_4.rejected",
            actor=acting_user,
            obj=rec,
            before={"state": "submitted"},
            after={"state": "rejected", "reason": rec.reason},
            label="不予认定因病致贫重病患者",
            citation=CITE_CLASS_4,
        )
    return rec


# -- 第七条 参保资助 ---------------------------------------------------------------------------------------


def premium_subsidy_for(person: Person, coverage_year: int, trace: Trace | None = None) -> Any:
    """第七条 for a registered person: the identities valid on 1 January of the coverage year decide."""
    from ezhou_rules.core.trace import NO_TRACE
    from ezhou_rules.medical_assistance.recipients import premium_subsidy

    kinds = [i.kind for i in identities_on(person, dt.date(coverage_year, 1, 1))]
    return premium_subsidy(tree(), kinds, coverage_year, trace=trace if trace is not None else NO_TRACE)


# -- 第二十三条 基金市级统筹预算管理 ------------------------------------------------------------------------------

CITE_FUND = f"{DOCUMENT} 第二十三条第二款"


def _fund_rule_day(year: int) -> dt.date:
    """The day a year's fund rules are read: 1 January, or the day 34号 took effect in its first year."""
    return max(dt.date(year, 1, 1), IN_FORCE)


def poverty_measure_amount(year: int, persons: int) -> tuple[int, int]:
    """第二十三条第二款: the poverty-measure funds merged into the fund, persons × 320元/人/年 → (rate, amount)."""
    rate = int(tree().get("fund.poverty_measure_per_person", _fund_rule_day(year)))
    return rate, rate * persons


def record_contribution(
    *,
    year: int,
    jurisdiction: Any,
    source: str,
    basis: str,
    acting_user: Any,
    persons: int | None = None,
    amount: int | None = None,
) -> Any:
    """A budget line of the fund (第二十三条): what a district, zone or the city puts in for a year, by source.
    The poverty-measure line is a number of persons (the amount follows from 320元/人/年); the others an
    amount. Entering a line again for the same year, place and source revises it (audited, old and new)."""
    from .models import FundContribution

    source = FundContribution.Source(source)
    today = clock.today()
    if not IN_FORCE.year <= year <= today.year + 1:
        raise ApiError(
            "invalid_year",
            f"预算年度应在{IN_FORCE.year}年至下一年度（{today.year + 1}年）之间。",
            field="year",
            status=422,
        )
    if not basis.strip():
        raise ApiError(
            "missing_basis", "请填写依据（预算批复文号、人数统计来源等）。", field="basis", status=422
        )
    if source == FundContribution.Source.POVERTY_MEASURE:
        if persons is None or persons < 0:
            raise ApiError(
                "missing_persons",
                "扶贫措施资金按人数计算（320元/人/年，第二十三条第二款），请填写人数。",
                field="persons",
                status=422,
            )
        _, amount = poverty_measure_amount(year, persons)
    else:
        if persons is not None:
            raise ApiError(
                "persons_not_used",
                "只有扶贫措施资金按人数计算，其他来源请填写金额。",
                field="persons",
                status=422,
            )
        if amount is None or amount < 0:
            raise ApiError("invalid_amount", "金额应为不小于零的数。", field="amount", status=422)
    with transaction.atomic():
        row = (
            FundContribution.objects.select_for_update()
            .filter(year=year, jurisdiction=jurisdiction, source=source)
            .first()
        )
        before = {"persons": row.persons, "amount": row.amount, "basis": row.basis} if row else None
        if row is None:
            row = FundContribution(year=year, jurisdiction=jurisdiction, source=source)
        row.persons, row.amount, row.basis = persons, amount, basis.strip()
        row.recorded_by = acting_user if getattr(acting_user, "pk", None) else None
        row.save()
        record(
            "medical_assistance.fund.contribution",
            actor=acting_user,
            obj=row,
            before=before,
            after={
                "year": year,
                "source": source.value,
                "persons": persons,
                "amount": amount,
                "basis": row.basis,
            },
            label="录入医疗救助基金筹集" if before is None else "调整医疗救助基金筹集",
            citation=CITE_FUND,
        )
    return row


def premium_subsidies_by_district(year: int) -> tuple[dict[int, int], str]:
    """第七条 subsidies of the registered persons for coverage year ``year``, summed by district (identities
    valid on 1 January decide, M18); with a note when they cannot be computed (no premium entered)."""
    from ezhou_rules.medical_assistance.recipients import premium_subsidy

    if year <= IN_FORCE.year:
        return {}, f"{year}医保年度的个人缴费早于本办法施行，不按第七条资助。"
    day = dt.date(year, 1, 1)
    kinds: dict[int, set[str]] = defaultdict(set)
    district: dict[int, int] = {}
    for pid, kind, jid in (
        Identity.objects.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .values_list("person_id", "kind", "person__jurisdiction_id")
    ):
        kinds[pid].add(kind)
        district[pid] = jid
    params = tree()
    cache: dict[frozenset[str], int] = {}
    out: dict[int, int] = defaultdict(int)
    try:
        for pid, held in kinds.items():
            key = frozenset(held)
            if key not in cache:
                cache[key] = premium_subsidy(params, key, year).subsidy
            out[district[pid]] += cache[key]
    except ParameterNotSet as exc:
        return {}, not_set_error(exc).message
    return dict(out), ""


def fund_ledger(year: int) -> dict[str, Any]:
    """第二十三条: for each district and zone (and the city), the year's budget lines — the poverty-measure funds
    (persons × 320), the premium-subsidy funds and the other sources — against what was paid from the fund:
    medical assistance (settlements, reversals and adjustments netted) and premium subsidies."""
    from ezhou_platform.common.models import Jurisdiction

    from .models import FundContribution

    places = list(Jurisdiction.objects.exclude(code="ezhou").order_by("id"))
    city = Jurisdiction.objects.filter(code="ezhou").first()
    contributions = list(
        FundContribution.objects.filter(year=year).select_related("jurisdiction").order_by("source")
    )
    if city is not None and any(c.jurisdiction_id == city.pk for c in contributions):
        places.append(city)
    aid: dict[int, int] = defaultdict(int)
    for r in (
        Settlement.objects.filter(year=year)
        .values("jurisdiction_id")
        .annotate(basic=Sum("basic_aid"), tilted=Sum("tilted_aid"))
    ):
        aid[r["jurisdiction_id"]] = int(r["basic"] or 0) + int(r["tilted"] or 0)
    open_recoveries: dict[int, int] = defaultdict(int)
    for opened in (
        Recovery.objects.filter(year=year, state=Recovery.State.OPEN)
        .values("adjustment__jurisdiction_id")
        .annotate(total=Sum("amount"))
    ):
        open_recoveries[opened["adjustment__jurisdiction_id"]] = int(opened["total"] or 0)
    subsidies, subsidy_note = premium_subsidies_by_district(year)
    rows = []
    for place in places:
        lines = [c for c in contributions if c.jurisdiction_id == place.pk]
        income = sum(c.amount for c in lines)
        subsidy = subsidies.get(place.pk, 0)
        paid = aid.get(place.pk, 0) + subsidy
        rows.append(
            {
                "place": place,
                "lines": lines,
                "budget": income,
                "aid": aid.get(place.pk, 0),
                "premium_subsidy": subsidy,
                "open_recoveries": open_recoveries.get(place.pk, 0),
                "paid": paid,
                "balance": income - paid,
            }
        )
    return {
        "year": year,
        "rows": rows,
        "rate": poverty_measure_amount(year, 1)[0],
        "subsidy_note": subsidy_note,
        "totals": {
            k: sum(r[k] for r in rows)
            for k in ("budget", "aid", "premium_subsidy", "open_recoveries", "paid", "balance")
        },
    }


# -- 示例数据（演示） -----------------------------------------------------------------------------------------


def example_values(names: tuple[str, ...] = ()) -> list[str]:
    """The configured values of this system that the demo entered as examples (their source says
    示例数据（非官方统计）), as "parameter (year)" labels; pages that use them say so. Empty outside the demo."""
    from ezhou_platform.common.models import ConfiguredValue

    rows = ConfiguredValue.objects.filter(tree="medical_assistance")
    if names:
        rows = rows.filter(name__in=names)
    latest: dict[tuple[str, dt.date], ConfiguredValue] = {}
    for r in rows.order_by("name", "valid_from", "id"):
        latest[(r.name, r.valid_from)] = r  # the newest row for a date is the one in force (configured())
    labels = []
    for r in latest.values():
        if not r.source.startswith(EXAMPLE_SOURCE):
            continue
        try:
            description = parameters().parameter(r.name).description
        except LookupError:
            description = r.name
        labels.append(f"{description.split('（')[0]}（{r.valid_from.year}年度）")
    return labels
