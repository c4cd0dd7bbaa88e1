"""Procedures of 保障性租赁住房: every write is a function here, atomic and audited (`acting_user` keyword-only).

States of an application (第十四条, 第十七条, 第二十条):

    submitted ──review_approve──▶ publicity ──close_publicity──▶ qualified ──choose_unit──▶ allocated
        │ review_reject              │ decide_objection(upheld)     │ (queue: 轮候)                │ sign_contract
        ▼                            ▼                              ▼ withdraw                    ▼
     rejected                   disqualified                     withdrawn                  contracted ──▶ exited

Deadlines are working days from `platform_calendar()`: the review is due within 5 working days of the
application, the publicity lasts the 5 working days after it is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import fields_snapshot, record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import periods
from ezhou_rules.core import periods as period_rules
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.ids import mask_name
from ezhou_rules.core.periods import Deadline, compute_deadline
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing import parameters
from ezhou_rules.rental_housing.applicant import check_applicant_ids
from ezhou_rules.rental_housing.common import RentalHousingInputError, centi_m2, in_force
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes
from ezhou_rules.rental_housing.housing import (
    AREA_REFUSED,
    AREA_WARNING,
    project_type,
    rent_within_cap,
    unit_area_check,
    unit_area_message,
)
from ezhou_rules.rental_housing.tenancy import check_contract_terms, exit_rent_statement

from .models import (
    BREACH_REASONS,
    AccountIdentity,
    AgentRelationship,
    Allocation,
    Application,
    ApplicationStatus,
    Complaint,
    Contract,
    ContractStatus,
    MaintenanceRequest,
    Objection,
    OfferStatus,
    Operator,
    Project,
    TerminationReason,
    Unit,
    UnitOffer,
    UnitStatus,
)

DOC = "鄂州政发〔2022〕19号"
HOUSING_DEPARTMENT = "housing"


def _input_error(exc: RentalHousingInputError, renamed: dict[str, str] | None = None) -> ApiError:
    """The rules' error as an API error; `renamed` maps a rule's argument to the form or API field it came
    from (the message already names it by its Chinese label)."""
    return ApiError(exc.code, exc.message, field=(renamed or {}).get(exc.field, exc.field), status=422)


_snap = fields_snapshot


def today() -> dt.date:
    return clock.today()


def _not_future(day: dt.date, field: str, label: str) -> None:
    """A step that records a past event (a termination, a hand-back, a construction start) takes no future date."""
    now = today()
    if day > now:
        raise ApiError(
            "date_in_future",
            f"{label}：{cn_date(day)}晚于今天（{cn_date(now)}），此处登记已经发生的事项，请核对日期。",
            field=field,
            status=422,
        )


# -- operators and projects (第七条, 第八条, 第十条, 第十五条) ------------------------------------------------
def operator_check(operator: Operator) -> None:
    if not operator.has_rental_scope:
        raise ApiError(
            "operator_scope",
            f"运营单位“{operator.name}”营业执照经营范围不含“住房租赁”，项目产权单位应委托具备资格的单位实施运营管理"
            "（鄂州政发〔2022〕19号 第十五条）。",
            field="operator",
            status=422,
        )


def register_project(*, acting_user: Any, **fields: Any) -> Project:
    """Record a recognised project; its type is the one 第六条 gives the sourcing method (第七条)."""
    try:
        kind = str(project_type([fields["sourcing_method"]])[0])
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    operator_check(fields["operator"])
    with transaction.atomic():
        project = Project.objects.create(housing_type=kind, **fields)
        record(
            "rental_housing.project.register",
            actor=acting_user,
            obj=project,
            after=_snap(project, ["name", "certificate_number", "sourcing_method", "housing_type"]),
            label="登记保障性租赁住房项目（项目认定书）",
            citation=f"{DOC} 第七条",
        )
    return project


def unit_checks(
    project: Project, area_m2: Any, rent_fen: int, market_rent_fen: int, on: dt.date
) -> list[str]:
    """Warnings for a unit (an area above 90 m² for rent-then-sell); raises ApiError on a refusal."""
    try:
        area = centi_m2(area_m2, field="area_m2")
        days = np.array([on], dtype="datetime64[D]")
        out = unit_area_check([project.housing_type], [area], [project.started_or_converted], days)
        within = bool(rent_within_cap([rent_fen], [market_rent_fen], days)[0])
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    status, limit = str(out["status"][0]), int(out["limit_centi_m2"][0])
    message = unit_area_message(project.housing_type, area, project.started_or_converted, status, limit)
    if status == AREA_REFUSED:
        raise ApiError("unit_area", message + "（鄂州政发〔2022〕19号 第八条）", field="area_m2", status=422)
    if not within:
        raise ApiError(
            "rent_cap",
            "月租金高于同地段、同品质租赁住房市场租金的70%（鄂州政发〔2022〕19号 第十条）。",
            field="rent_fen",
            status=422,
        )
    return [message] if status == AREA_WARNING else []


def add_unit(
    project: Project, *, acting_user: Any, area_note: str = "", **fields: Any
) -> tuple[Unit, list[str]]:
    warnings = unit_checks(project, fields["area_m2"], fields["rent_fen"], fields["market_rent_fen"], today())
    if warnings and not area_note.strip():
        raise ApiError(
            "area_note_required",
            warnings[0] + "（鄂州政发〔2022〕19号 第八条第一款）",
            field="area_note",
            status=422,
        )
    with transaction.atomic():
        unit = Unit.objects.create(
            project=project, area_note=area_note, area_m2=Decimal(str(fields.pop("area_m2"))), **fields
        )
        record(
            "rental_housing.unit.add",
            actor=acting_user,
            obj=unit,
            after=_snap(unit, ["number", "rent_fen", "market_rent_fen", "fitted_out"])
            | {"area_m2": str(unit.area_m2)},
            label="登记房源",
            citation=f"{DOC} 第八条",
        )
    return unit, warnings


# -- applications (第十二条–第十四条) -------------------------------------------------------------------------
@dataclass
class ApplicationInput:
    project: Project
    name: str
    id_number: str
    phone: str
    full_civil_capacity: bool
    has_spouse: bool = False
    minor_children: int = 0
    homes: list[dict[str, Any]] | None = None
    other_subsidised_housing: bool = False
    work_unit: str = ""
    priority_public_service: bool = False
    priority_multi_child: bool = False
    priority_three_generation: bool = False
    materials: tuple[str, ...] = ()


def review_deadline(start: dt.date, *, field: str = "application_date") -> Deadline:
    """运营单位应…在5个工作日内…审核 (第十四条第（二）项): the 5th working day after the application date, on the
    platform calendar (provisional, 暂定, in a year whose holidays are not entered yet)."""
    try:
        days = in_force(parameters(), "procedure.review_workdays", start, field=field)
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    return compute_deadline(platform_calendar(), start, period_rules.workdays(days))


def publicity_deadline(start: dt.date, *, field: str = "publicity_start") -> Deadline:
    """公示期为5个工作日 (第十四条第（二）项): published on `start`, the publicity lasts the 5 working days after."""
    try:
        days = in_force(parameters(), "procedure.publicity_workdays", start, field=field)
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    return compute_deadline(platform_calendar(), start, period_rules.workdays(days))


def online_identities(account: Any, day: dt.date) -> list[tuple[str, str, AgentRelationship | None]]:
    """Whom an account may apply for online on `day`: (name, resident ID, agent relationship or None for
    itself) — its own verified identity first, then the principals of its active agent relationships."""
    out: list[tuple[str, str, AgentRelationship | None]] = []
    if account is None or not getattr(account, "pk", None):
        return out
    identity = AccountIdentity.objects.filter(user_id=account.pk).first()
    if identity is not None:
        out.append((identity.name, identity.id_number, None))
    for rel in AgentRelationship.objects.filter(agent_id=account.pk).order_by("id"):
        if rel.active_on(day):
            out.append((rel.principal_name, rel.principal_id_number, rel))
    return out


def _online_principal(account: Any, name: str, number: str, day: dt.date) -> AgentRelationship | None:
    """An online application is made for the account's own verified identity or for a principal of one of its
    active agent relationships; anything else is an attempt to apply as someone else and is refused."""
    allowed = online_identities(account, day)
    if not allowed:
        raise ApiError(
            "identity_not_verified",
            "本账户尚未完成实名核验（姓名、身份证号码），不能网上申请。请持身份证到住房和城乡建设局或项目运营单位"
            "办理实名核验，或到运营单位线下申请（鄂州政发〔2022〕19号 第十四条第（一）项）。",
            field="id_number",
            status=403,
        )
    for allowed_name, allowed_number, rel in allowed:
        if allowed_number == number:
            if allowed_name != name:
                raise ApiError(
                    "name_mismatch",
                    f"姓名与该身份证号码登记的姓名（{mask_name(allowed_name)}）不一致，请核对。",
                    field="name",
                    status=422,
                )
            return rel
    own = next((n for n, _, rel in allowed if rel is None), None)
    raise ApiError(
        "not_own_identity",
        "网上申请只能以本账户实名核验的身份"
        + (f"（{mask_name(own)}）" if own else "")
        + "提出，或为已登记代理关系的被代理人提出；不能以他人的姓名和身份证号码申请。",
        field="id_number",
        status=403,
    )


def submit_application(
    data: ApplicationInput,
    *,
    acting_user: Any,
    channel: str,
    applicant: Any = None,
    at: dt.datetime | None = None,
) -> tuple[Application, Trace]:
    """Online (the applicant's account, 第十四条第（一）项) or offline (the operator entering it). On submission
    the resident ID is checked (valid, 18 full years on the application date) and the phone number; online,
    the name and ID must be the account's verified identity or a principal of its recorded agent relationship.
    The eligibility check runs at once and its trace is kept; an applicant failing the housing or subsidy
    condition may still submit (the operator decides), the review shows the reasons. The review is due
    within 5 working days."""
    if not data.name.strip():
        raise ApiError("invalid_input", "申请人姓名：请填写。", field="name", status=422)
    when = at or clock.now()
    day = timezone.localdate(when)
    try:
        ids = check_applicant_ids(data.id_number, data.phone, day)
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    agent = None
    if channel == Application.Channel.ONLINE:
        agent = _online_principal(applicant, data.name.strip(), ids.id_number, day)
    trace = Trace()
    try:
        homes = parse_homes(data.homes or [])
        check_applicant(
            application_date=day,
            birth_date=ids.birth_date,
            full_civil_capacity=data.full_civil_capacity,
            has_spouse=data.has_spouse,
            minor_children=data.minor_children,
            homes=homes,
            other_subsidised_housing=data.other_subsidised_housing,
            trace=trace,
        )
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    deadline = review_deadline(day)
    materials = {f"material_{m}": True for m in data.materials}
    try:
        with transaction.atomic():
            app = Application.objects.create(
                project=data.project,
                applicant=applicant,
                agent=agent,
                entered_by=acting_user,
                channel=channel,
                name=data.name.strip(),
                id_number=ids.id_number,
                phone=ids.phone,
                birth_date=ids.birth_date,
                full_civil_capacity=data.full_civil_capacity,
                has_spouse=data.has_spouse,
                minor_children=data.minor_children,
                homes=data.homes or [],
                other_subsidised_housing=data.other_subsidised_housing,
                work_unit=data.work_unit,
                priority_public_service=data.priority_public_service,
                priority_multi_child=data.priority_multi_child,
                priority_three_generation=data.priority_three_generation,
                eligibility_trace=trace.to_list(),
                submitted_on=day,
                submitted_at=when,
                review_deadline=deadline.due,
                **materials,
            )
            periods.track(
                app,
                "review_deadline",
                deadline,
                label="审核期限",
                citation=f"{DOC} 第十四条第（二）项",
                department=HOUSING_DEPARTMENT,
            )
            record(
                "rental_housing.application.submit",
                actor=acting_user,
                obj=app,
                after={
                    "status": app.status,
                    "id_number": app.id_number,
                    "name": app.name,
                    "channel": channel,
                    "agent": agent.pk if agent else None,
                },
                label="提交保障性租赁住房申请" + ("（代理申请）" if agent else ""),
                citation=f"{DOC} 第十四条第（一）项",
            )
    except IntegrityError as exc:
        raise ApiError(
            "duplicate_application", "该申请人在本项目已有未办结的申请。", field="id_number", status=409
        ) from exc
    return app, trace


def _lock(app: Application) -> Application:
    return Application.objects.select_for_update().select_related("project").get(pk=app.pk)


def _transition(app: Application, allowed: tuple[str, ...], verb: str) -> None:
    if app.status not in allowed:
        raise ApiError(
            "invalid_state",
            f"申请当前状态为“{app.get_status_display()}”，不能{verb}。",
            field="status",
            status=409,
        )


def review_approve(app: Application, *, acting_user: Any, on: dt.date | None = None) -> Application:
    """审核通过 → 公示 (第十四条第（二）项): the materials of 第十三条 must be complete and the conditions of
    第十二条 met; the publicity runs for the 5 working days after publication."""
    day = on or today()
    with transaction.atomic():
        app = _lock(app)
        _transition(app, (ApplicationStatus.SUBMITTED,), "审核")
        missing = app.missing_materials()
        if missing:
            raise ApiError(
                "materials_missing",
                "申请材料不全：" + "、".join(missing) + "（第十三条）。",
                field="materials",
                status=422,
            )
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
            raise ApiError(
                "not_eligible",
                "申请人不符合第十二条规定的条件：" + "".join(r["message"] for r in result.reasons),
                field="eligibility",
                status=422,
            )
        before = _snap(app, ["status"])
        app.status = ApplicationStatus.PUBLICITY
        app.reviewed_on = day
        app.reviewed_by = acting_user
        app.publicity_start = day
        publicity = publicity_deadline(day)
        app.publicity_end = publicity.due
        app.save()
        periods.track(
            app,
            "publicity_end",
            publicity,
            label="公示期",
            citation=f"{DOC} 第十四条第（二）项",
            department=HOUSING_DEPARTMENT,
        )
        record(
            "rental_housing.application.approve",
            actor=acting_user,
            obj=app,
            before=before,
            after=_snap(app, ["status", "publicity_start", "publicity_end"]),
            label="审核通过并公示",
            citation=f"{DOC} 第十四条第（二）项",
        )
    return app


def review_reject(
    app: Application, *, acting_user: Any, reason: str, on: dt.date | None = None
) -> Application:
    if not reason.strip():
        raise ApiError(
            "invalid_input", "不予通过理由：请填写（第十四条第（二）项）。", field="reason", status=422
        )
    with transaction.atomic():
        app = _lock(app)
        _transition(app, (ApplicationStatus.SUBMITTED,), "审核")
        before = _snap(app, ["status"])
        app.status = ApplicationStatus.REJECTED
        app.reviewed_on = on or today()
        app.reviewed_by = acting_user
        app.refusal_reason = reason.strip()
        app.save()
        record(
            "rental_housing.application.reject",
            actor=acting_user,
            obj=app,
            before=before,
            after=_snap(app, ["status", "refusal_reason"]),
            label="审核不予通过",
            citation=f"{DOC} 第十四条第（二）项",
        )
    return app


def raise_objection(
    app: Application, *, acting_user: Any, raised_by: str, content: str, on: dt.date | None = None
) -> Objection:
    day = on or today()
    if not content.strip():
        raise ApiError("invalid_input", "异议内容：请填写。", field="content", status=422)
    with transaction.atomic():
        app = _lock(app)
        _transition(app, (ApplicationStatus.PUBLICITY,), "登记公示异议")
        if app.publicity_end and day > app.publicity_end:
            raise ApiError(
                "publicity_over",
                f"公示期已于{cn_date(app.publicity_end)}结束。",
                field="raised_on",
                status=409,
            )
        obj = Objection.objects.create(
            application=app,
            raised_on=day,
            raised_by=raised_by or "匿名",
            content=content.strip(),
            recorded_by=acting_user,
        )
        record(
            "rental_housing.objection.raise",
            actor=acting_user,
            obj=obj,
            after={"application": app.pk, "raised_on": day.isoformat()},
            label="登记公示异议",
            citation=f"{DOC} 第十四条第（二）项",
        )
    return obj


def decide_objection(
    objection: Objection, *, acting_user: Any, upheld: bool, decision: str, on: dt.date | None = None
) -> Objection:
    """异议成立 → the applicant does not obtain the qualification; 不成立 → the publicity goes on."""
    if not decision.strip():
        raise ApiError("invalid_input", "处理意见：请填写。", field="decision", status=422)
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.upheld is not None:
            raise ApiError("invalid_state", "该异议已处理。", field="upheld", status=409)
        app = _lock(objection.application)
        objection.upheld = upheld
        objection.decision = decision.strip()
        objection.decided_on = on or today()
        objection.decided_by = acting_user
        objection.save()
        before = _snap(app, ["status"])
        if upheld and app.status == ApplicationStatus.PUBLICITY:
            app.status = ApplicationStatus.DISQUALIFIED
            app.refusal_reason = f"公示异议成立：{objection.decision}"
            app.save()
        record(
            "rental_housing.objection.decide",
            actor=acting_user,
            obj=objection,
            before=before,
            after={"upheld": upheld, "status": app.status},
            label="处理公示异议",
            citation=f"{DOC} 第十四条第（二）项",
        )
    return objection


def close_publicity(app: Application, *, acting_user: Any, on: dt.date | None = None) -> Application:
    """After the publicity period, without an objection upheld or pending, the applicant is qualified."""
    day = on or today()
    with transaction.atomic():
        Project.objects.select_for_update().get(
            pk=app.project_id
        )  # the queue changes: serialise with allocation
        app = _lock(app)
        _transition(app, (ApplicationStatus.PUBLICITY,), "结束公示")
        if app.publicity_end is None or day <= app.publicity_end:
            raise ApiError(
                "publicity_running",
                f"公示期至{cn_date(app.publicity_end)}，期满后方可确认承租资格（第十四条第（二）项）。",
                field="publicity_end",
                status=409,
            )
        if app.objections.filter(upheld__isnull=True).exists():
            raise ApiError("objection_pending", "尚有未处理的公示异议。", field="objections", status=409)
        before = _snap(app, ["status"])
        app.status = ApplicationStatus.QUALIFIED
        app.qualified_on = day
        app.save()
        record(
            "rental_housing.application.qualify",
            actor=acting_user,
            obj=app,
            before=before,
            after=_snap(app, ["status", "qualified_on"]),
            label="公示期满，取得承租资格",
            citation=f"{DOC} 第十四条第（二）项",
        )
    return app


def withdraw(app: Application, *, acting_user: Any) -> Application:
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=app.project_id)
        app = _lock(app)
        _transition(
            app,
            (ApplicationStatus.SUBMITTED, ApplicationStatus.PUBLICITY, ApplicationStatus.QUALIFIED),
            "放弃",
        )
        before = _snap(app, ["status"])
        app.status = ApplicationStatus.WITHDRAWN
        app.save()
        pending = (
            UnitOffer.objects.select_for_update().filter(application=app, status=OfferStatus.OPEN).first()
        )
        if pending is not None:
            _decline(pending, acting_user, status=OfferStatus.CANCELLED, label="申请人放弃申请，配租通知撤销")
        record(
            "rental_housing.application.withdraw",
            actor=acting_user,
            obj=app,
            before=before,
            after=_snap(app, ["status"]),
            label="申请人放弃申请/轮候",
        )
    return app


# -- allocation: first come, first served, then the queue (第十六条, 第十七条) -------------------------------
def _earlier_waiting(app: Application) -> int:
    """Qualified applicants of the same project, not yet holding a unit, who applied before `app`."""
    return (
        _waiting(app.project_id)
        .filter(Q(submitted_at__lt=app.submitted_at) | Q(submitted_at=app.submitted_at, id__lt=app.id))
        .count()
    )


def _waiting(project_id: int) -> Any:
    """Qualified applicants of a project without a unit and without an open offer (their unit is reserved)."""
    open_offer = UnitOffer.objects.filter(application=OuterRef("pk"), status=OfferStatus.OPEN)
    return Application.objects.filter(project_id=project_id, status=ApplicationStatus.QUALIFIED).exclude(
        Exists(open_offer)
    )


@dataclass
class ChoiceResult:
    allocation: Allocation | None
    queue_position: int | None  # 1 = next in the queue (轮候); None when a unit was let
    earlier_waiting: int
    free_units: int


def queue_position(app: Application) -> ChoiceResult:
    """Where an applicant stands now, without changing anything."""
    free = Unit.objects.filter(
        project_id=app.project_id, status=UnitStatus.AVAILABLE, fitted_out=True
    ).count()
    earlier = _earlier_waiting(app)
    return ChoiceResult(None, None if earlier < free else earlier - free + 1, earlier, free)


def choose_unit(app: Application, *, acting_user: Any, unit_id: int | None = None) -> ChoiceResult:
    """The applicant chooses a unit (第十七条: 按申请先后顺序先到先租; 房源不足的，实行轮候配租).

    An applicant may take a unit only if there are more free units than qualified applicants who applied
    earlier and still wait: then a unit is left for every one of them and nobody is overtaken. Otherwise the
    applicant is in the queue at position (earlier waiting − free units + 1) and nothing changes.

    Safety comes from the database: the project row is locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite
    every transaction takes the write lock at BEGIN IMMEDIATE), so allocations of one project are serialised;
    the conditional unique constraints on Allocation refuse a second active let of a unit, a second unit for
    an application or for a person.
    """
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=app.project_id)
        app = _lock(app)
        if app.status in (ApplicationStatus.ALLOCATED, ApplicationStatus.CONTRACTED):
            raise ApiError(
                "already_allocated", "该申请人已选定房源，不能重复选房。", field="application", status=409
            )
        _transition(app, (ApplicationStatus.QUALIFIED,), "选房（须先取得承租资格）")
        offer = UnitOffer.objects.filter(application=app, status=OfferStatus.OPEN).first()
        if offer is not None:
            if unit_id is not None and unit_id != offer.unit_id:
                raise ApiError(
                    "offer_open",
                    "您有待答复的轮候配租通知，请先接受或放弃所通知的房源（第十七条）。",
                    field="unit_id",
                    status=409,
                )
            allocation = _accept(offer, app, acting_user)
            return ChoiceResult(allocation, None, 0, 0)
        free_qs = Unit.objects.filter(project_id=app.project_id, status=UnitStatus.AVAILABLE, fitted_out=True)
        free = free_qs.count()
        earlier = _earlier_waiting(app)
        if earlier >= free:
            return ChoiceResult(None, earlier - free + 1, earlier, free)
        if unit_id is not None:
            unit = free_qs.select_for_update().filter(pk=unit_id).first()
            if unit is None:
                exists = Unit.objects.filter(pk=unit_id, project_id=app.project_id).exists()
                raise ApiError(
                    "unit_unavailable" if exists else "not_found",
                    "所选房源已被选定或暂不可选，请另选房源。" if exists else "所选房源不属于本项目。",
                    field="unit_id",
                    status=409 if exists else 404,
                )
        else:
            unit = free_qs.select_for_update().order_by("number", "id").first()
            assert unit is not None  # free > earlier >= 0
        try:
            with transaction.atomic():
                allocation = Allocation.objects.create(
                    application=app, unit=unit, id_number=app.id_number, allocated_at=clock.now()
                )
        except IntegrityError as exc:
            raise ApiError(
                "already_allocated",
                "该申请人已在其他项目配租房源，不能同时承租两套。",
                field="id_number",
                status=409,
            ) from exc
        updated = Unit.objects.filter(pk=unit.pk, status=UnitStatus.AVAILABLE).update(status=UnitStatus.LET)
        if updated != 1:  # defensive: the lock and the constraint make this unreachable
            raise ApiError("unit_unavailable", "所选房源已被选定。", field="unit_id", status=409)
        app.status = ApplicationStatus.ALLOCATED
        app.save(update_fields=["status"])
        record(
            "rental_housing.allocation.choose",
            actor=acting_user,
            obj=allocation,
            before={"status": ApplicationStatus.QUALIFIED, "unit": None},
            after={"status": app.status, "unit": unit.number, "project": app.project_id},
            label="选定房源（先到先租）",
            citation=f"{DOC} 第十七条",
        )
    return ChoiceResult(allocation, None, earlier, free)


def release_unit(
    allocation: Allocation, *, acting_user: Any, reason: str, on: dt.date | None = None
) -> Application | None:
    """The unit is free again; it is offered to the first waiting applicant in application order (轮候配租,
    第十七条), who is returned; without one the unit becomes free to choose."""
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=allocation.unit.project_id)
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if not allocation.active:
            raise ApiError("invalid_state", "该配租记录已释放。", field="allocation", status=409)
        allocation.active = False
        allocation.released_on = on or today()
        allocation.release_reason = reason
        allocation.save()
        Unit.objects.filter(pk=allocation.unit_id).update(status=UnitStatus.AVAILABLE)
        offer = _offer_to_next(allocation.unit, acting_user=acting_user)
        head = offer.application if offer else None
        record(
            "rental_housing.allocation.release",
            actor=acting_user,
            obj=allocation,
            before={"active": True},
            after={"active": False, "reason": reason, "queue_head": head.pk if head else None},
            label="房源腾退释放，轮候配租",
            citation=f"{DOC} 第十七条",
        )
    return head


# -- 轮候配租通知 (第十七条) ------------------------------------------------------------------------------------
def _offer_to_next(unit: Unit, *, acting_user: Any) -> UnitOffer | None:
    """Inside a transaction holding the project lock: offer `unit` to the first waiting applicant who has not
    declined it, in application order; none → the unit stays free."""
    declined = UnitOffer.objects.filter(application=OuterRef("pk"), unit=unit, status=OfferStatus.DECLINED)
    head = (
        _waiting(unit.project_id)
        .exclude(Exists(declined))
        .exclude(allocations__active=True)
        .order_by("submitted_at", "id")
        .first()
    )
    if head is None:
        Unit.objects.filter(pk=unit.pk).update(status=UnitStatus.AVAILABLE)
        return None
    offer = UnitOffer.objects.create(application=head, unit=unit, offered_at=clock.now())
    updated = Unit.objects.filter(pk=unit.pk, status=UnitStatus.AVAILABLE).update(status=UnitStatus.OFFERED)
    if updated != 1:
        raise ApiError("unit_unavailable", "该房源已不在空闲状态。", field="unit", status=409)
    record(
        "rental_housing.offer.make",
        actor=acting_user,
        obj=offer,
        after={"application": head.pk, "unit": unit.number, "status": offer.status},
        label="向轮候申请人发出配租通知",
        citation=f"{DOC} 第十七条",
    )
    return offer


def _accept(offer: UnitOffer, app: Application, acting_user: Any) -> Allocation:
    """Inside a transaction holding the project and application locks."""
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                application=app, unit_id=offer.unit_id, id_number=app.id_number, allocated_at=clock.now()
            )
    except IntegrityError as exc:
        raise ApiError(
            "already_allocated", "该申请人已配租其他房源，不能同时承租两套。", field="id_number", status=409
        ) from exc
    if Unit.objects.filter(pk=offer.unit_id, status=UnitStatus.OFFERED).update(status=UnitStatus.LET) != 1:
        raise ApiError("unit_unavailable", "所通知的房源已不可选。", field="unit", status=409)
    offer.status = OfferStatus.ACCEPTED
    offer.answered_at = clock.now()
    offer.save(update_fields=["status", "answered_at"])
    app.status = ApplicationStatus.ALLOCATED
    app.save(update_fields=["status"])
    record(
        "rental_housing.offer.accept",
        actor=acting_user,
        obj=offer,
        before={"status": OfferStatus.OPEN},
        after={"status": offer.status, "unit": offer.unit.number, "application_status": app.status},
        label="接受轮候配租通知，选定房源",
        citation=f"{DOC} 第十七条",
    )
    return allocation


def _locked_offer(offer: UnitOffer) -> tuple[UnitOffer, Application]:
    Project.objects.select_for_update().get(pk=offer.unit.project_id)
    offer = UnitOffer.objects.select_for_update().select_related("unit").get(pk=offer.pk)
    app = _lock(offer.application)
    if offer.status != OfferStatus.OPEN:
        raise ApiError(
            "invalid_state", f"该配租通知已{offer.get_status_display()}。", field="offer", status=409
        )
    return offer, app


def answer_offer(offer: UnitOffer, *, acting_user: Any, accept: bool) -> UnitOffer:
    """The applicant accepts (the unit is let to them) or declines (the unit is offered to the next waiting
    applicant in application order; the decliner keeps their place for the next unit that frees up)."""
    with transaction.atomic():
        offer, app = _locked_offer(offer)
        if accept:
            _accept(offer, app, acting_user)
        else:
            _decline(offer, acting_user, status=OfferStatus.DECLINED, label="放弃轮候配租通知")
    offer.refresh_from_db()
    return offer


def _decline(offer: UnitOffer, acting_user: Any, *, status: str, label: str) -> None:
    offer.status = status
    offer.answered_at = clock.now()
    offer.save(update_fields=["status", "answered_at"])
    Unit.objects.filter(pk=offer.unit_id).update(status=UnitStatus.AVAILABLE)
    nxt = _offer_to_next(offer.unit, acting_user=acting_user)
    record(
        "rental_housing.offer.decline",
        actor=acting_user,
        obj=offer,
        before={"status": OfferStatus.OPEN},
        after={"status": status, "next_application": nxt.application_id if nxt else None},
        label=label,
        citation=f"{DOC} 第十七条",
    )


def open_offer(app: Application) -> UnitOffer | None:
    return (
        UnitOffer.objects.filter(application=app, status=OfferStatus.OPEN)
        .select_related("unit", "unit__project")
        .first()
    )


# -- contracts (第十八条–第二十三条) ---------------------------------------------------------------------------
def sign_contract(
    allocation: Allocation,
    *,
    acting_user: Any,
    number: str,
    start_date: dt.date,
    end_date: dt.date,
    payment_period_months: int,
    deposit_fen: int,
    originals_checked: bool,
    on: dt.date | None = None,
) -> Contract:
    if not originals_checked:
        raise ApiError(
            "originals_not_checked",
            "签订合同前须将申请资料与原件核对一致；核对不一致的不得签订合同（第十八条）。",
            field="originals_checked",
            status=422,
        )
    try:
        check_contract_terms(start_date, end_date, payment_period_months)
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    if deposit_fen < 0:
        raise ApiError("invalid_input", "押金：不能为负数。", field="deposit_fen", status=422)
    with transaction.atomic():
        allocation = (
            Allocation.objects.select_for_update().select_related("unit", "application").get(pk=allocation.pk)
        )
        if not allocation.active or allocation.contracts.exists():
            raise ApiError("invalid_state", "该配租已签约或已释放。", field="allocation", status=409)
        app = _lock(allocation.application)
        try:
            with transaction.atomic():
                contract = Contract.objects.create(
                    allocation=allocation,
                    number=number,
                    start_date=start_date,
                    end_date=end_date,
                    monthly_rent_fen=allocation.unit.rent_fen,
                    deposit_fen=deposit_fen,
                    payment_period_months=payment_period_months,
                    originals_checked=True,
                    signed_on=on or today(),
                )
        except IntegrityError as exc:
            raise ApiError("duplicate_number", "合同编号已存在。", field="number", status=409) from exc
        app.status = ApplicationStatus.CONTRACTED
        app.save(update_fields=["status"])
        record(
            "rental_housing.contract.sign",
            actor=acting_user,
            obj=contract,
            after=_snap(contract, ["number", "start_date", "end_date", "monthly_rent_fen", "deposit_fen"]),
            label="签订保障性租赁住房租赁合同",
            citation=f"{DOC} 第十八条",
        )
    return contract


def renew_contract(
    contract: Contract,
    *,
    acting_user: Any,
    number: str,
    end_date: dt.date,
    payment_period_months: int,
    has_spouse: bool,
    minor_children: int,
    homes: list[dict[str, Any]],
    other_subsidised_housing: bool,
    full_civil_capacity: bool = True,
    on: dt.date | None = None,
) -> Contract:
    """续签 (第二十条第一款): 租赁期满后，承租人经审核仍符合承租条件的，可以续签；不符合的，应当退出.

    The conditions of 第十二条 are checked again with the household's situation on the renewal date; if they
    are not met nothing is written and the message says the tenant must exit. The new contract starts the
    day after the old one ends, at the unit's current (filed) rent.
    """
    day = on or today()
    start = contract.end_date + dt.timedelta(days=1)
    try:
        check_contract_terms(start, end_date, payment_period_months)
        trace = Trace()
        result = check_applicant(
            application_date=day,
            birth_date=contract.allocation.application.birth_date,
            full_civil_capacity=full_civil_capacity,
            has_spouse=has_spouse,
            minor_children=minor_children,
            homes=parse_homes(homes),
            other_subsidised_housing=other_subsidised_housing,
            trace=trace,
        )
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    if not result.eligible:
        raise ApiError(
            "not_eligible_for_renewal",
            "经复核不再符合承租条件，不能续签，应当退出（第二十条第一款）："
            + "".join(r["message"] for r in result.reasons),
            field="eligibility",
            status=422,
        )
    with transaction.atomic():
        old = Contract.objects.select_for_update().select_related("allocation__unit").get(pk=contract.pk)
        if old.status not in (ContractStatus.SIGNED, ContractStatus.FILED):
            raise ApiError("invalid_state", "合同已终止或已续签。", field="status", status=409)
        old.status = ContractStatus.RENEWED
        old.save(update_fields=["status"])
        try:
            with transaction.atomic():
                new = Contract.objects.create(
                    allocation=old.allocation,
                    number=number,
                    start_date=start,
                    end_date=end_date,
                    monthly_rent_fen=old.allocation.unit.rent_fen,
                    deposit_fen=old.deposit_fen,
                    payment_period_months=payment_period_months,
                    originals_checked=True,
                    signed_on=day,
                    renewal_check=trace.to_list(),
                )
        except IntegrityError as exc:
            raise ApiError("duplicate_number", "合同编号已存在。", field="number", status=409) from exc
        record(
            "rental_housing.contract.renew",
            actor=acting_user,
            obj=new,
            before={"contract": old.number, "end_date": old.end_date.isoformat()},
            after=_snap(new, ["number", "start_date", "end_date", "monthly_rent_fen"]),
            label="复核后续签租赁合同",
            citation=f"{DOC} 第二十条第一款",
        )
    return new


def file_contract(contract: Contract, *, acting_user: Any, on: dt.date | None = None) -> Contract:
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status != ContractStatus.SIGNED:
            raise ApiError("invalid_state", "合同已备案或已终止。", field="status", status=409)
        contract.status = ContractStatus.FILED
        contract.filed_on = on or today()
        contract.save()
        record(
            "rental_housing.contract.file",
            actor=acting_user,
            obj=contract,
            before={"status": ContractStatus.SIGNED},
            after=_snap(contract, ["status", "filed_on"]),
            label="租赁合同备案",
            citation=f"{DOC} 第十九条",
        )
    return contract


def terminate_contract(
    contract: Contract,
    *,
    acting_user: Any,
    reason: str,
    on: dt.date,
    record_text: str = "",
    move_out_months: int = 0,
) -> Contract:
    """终止 (第十九条): for a breach of 第二十三条 the facts must be recorded. The move-out period granted
    (at most 3 months, 第二十条第二款) starts the day after `on`."""
    if reason not in TerminationReason.values:
        raise ApiError(
            "invalid_input",
            "终止原因：不在规定范围内（第十九条、第二十条、第二十三条）。",
            field="reason",
            status=422,
        )
    if reason in BREACH_REASONS and not record_text.strip():
        raise ApiError(
            "record_required",
            "因转借、转租、改变用途、破坏或擅自装修解除合同的，须记录违规情况（第二十三条）。",
            field="record_text",
            status=422,
        )
    try:
        most = in_force(parameters(), "contract.max_move_out_months", on, field="terminated_on")
    except RentalHousingInputError as exc:
        raise _input_error(exc) from exc
    _not_future(on, "terminated_on", "终止日期")
    if on < contract.start_date:
        raise ApiError(
            "invalid_date",
            f"终止日期：{cn_date(on)}早于合同起租日期{cn_date(contract.start_date)}。",
            field="terminated_on",
            status=422,
        )
    if isinstance(move_out_months, bool) or not 0 <= move_out_months <= most:
        raise ApiError(
            "move_out_period",
            f"腾退搬迁期：最长不超过{most}个月（第二十条第二款）。",
            field="move_out_months",
            status=422,
        )
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status not in (ContractStatus.SIGNED, ContractStatus.FILED):
            raise ApiError("invalid_state", "合同已终止。", field="status", status=409)
        before = _snap(contract, ["status"])
        contract.status = ContractStatus.TERMINATED
        contract.terminated_on = on
        contract.termination_reason = reason
        contract.termination_record = record_text.strip()
        contract.move_out_months = move_out_months
        contract.save()
        record(
            "rental_housing.contract.terminate",
            actor=acting_user,
            obj=contract,
            before=before,
            after=_snap(contract, ["status", "terminated_on", "termination_reason", "move_out_months"]),
            label="终止租赁合同",
            citation=f"{DOC} 第二十三条" if reason in BREACH_REASONS else f"{DOC} 第十九条",
        )
    return contract


def record_vacated(
    contract: Contract, *, acting_user: Any, vacated_on: dt.date, market_rent_fen: int
) -> Contract:
    """The unit is handed back: the exit rent statement (第二十条第二款) is computed and kept, the unit released."""
    _not_future(vacated_on, "vacated_on", "腾退日期")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().select_related("allocation").get(pk=contract.pk)
        if contract.status != ContractStatus.TERMINATED or contract.terminated_on is None:
            raise ApiError("invalid_state", "合同尚未终止。", field="status", status=409)
        trace = Trace()
        try:
            statement = exit_rent_statement(
                exit_date=contract.terminated_on,
                move_out_months=contract.move_out_months or 0,
                vacated_date=vacated_on,
                contract_rent_fen=contract.monthly_rent_fen,
                market_rent_fen=market_rent_fen,
                trace=trace,
            )
        except RentalHousingInputError as exc:
            raise _input_error(exc, {"vacated_date": "vacated_on", "exit_date": "terminated_on"}) from exc
        contract.vacated_on = vacated_on
        contract.market_rent_fen = market_rent_fen
        contract.exit_rent_fen = statement.total_fen
        contract.exit_statement = trace.to_list()
        contract.status = ContractStatus.CLOSED
        contract.save()
        app = _lock(contract.allocation.application)
        app.status = ApplicationStatus.EXITED
        app.save(update_fields=["status"])
        record(
            "rental_housing.contract.vacate",
            actor=acting_user,
            obj=contract,
            before={"status": ContractStatus.TERMINATED},
            after=_snap(contract, ["status", "vacated_on", "exit_rent_fen"]),
            label="腾退房屋并结算退出租金",
            citation=f"{DOC} 第二十条第二款",
        )
        release_unit(contract.allocation, acting_user=acting_user, reason="腾退", on=vacated_on)
    return contract


# -- maintenance and complaints (第二十四条, 第二十七条) -------------------------------------------------------
def report_maintenance(contract: Contract, *, acting_user: Any, description: str) -> MaintenanceRequest:
    if not description.strip():
        raise ApiError("invalid_input", "报修内容：请填写。", field="description", status=422)
    if contract.status not in (ContractStatus.SIGNED, ContractStatus.FILED):
        raise ApiError("invalid_state", "合同不在履行中，不能报修。", field="contract", status=409)
    with transaction.atomic():
        req = MaintenanceRequest.objects.create(
            contract=contract, reported_on=today(), description=description.strip()
        )
        record(
            "rental_housing.maintenance.report",
            actor=acting_user,
            obj=req,
            after={"contract": contract.number, "status": req.status},
            label="承租人报修",
            citation=f"{DOC} 第二十四条",
        )
    return req


def submit_complaint(
    *, acting_user: Any, content: str, project: Project | None = None, complainant: str = "", phone: str = ""
) -> Complaint:
    if not content.strip():
        raise ApiError("invalid_input", "投诉举报内容：请填写。", field="content", status=422)
    with transaction.atomic():
        c = Complaint.objects.create(
            received_on=today(),
            content=content.strip(),
            project=project,
            complainant=complainant,
            phone=phone,
            submitted_by=acting_user,
        )
        record(
            "rental_housing.complaint.submit",
            actor=acting_user,
            obj=c,
            after={"project": project.pk if project else None, "phone": phone},
            label="受理投诉举报",
            citation=f"{DOC} 第二十七条",
        )
    return c


def handle_maintenance(
    req: MaintenanceRequest, *, acting_user: Any, status: str, note: str, on: dt.date | None = None
) -> MaintenanceRequest:
    """The operator's handling of a maintenance request (第二十四条): 维修中 or 已修复, with what was done."""
    if status not in (MaintenanceRequest.Status.IN_PROGRESS, MaintenanceRequest.Status.DONE):
        raise ApiError("invalid_input", "处理状态：只能是“维修中”或“已修复”。", field="status", status=422)
    if not note.strip():
        raise ApiError("invalid_input", "处理情况：请填写（第二十四条）。", field="note", status=422)
    with transaction.atomic():
        req = MaintenanceRequest.objects.select_for_update().get(pk=req.pk)
        if req.status == MaintenanceRequest.Status.DONE:
            raise ApiError("invalid_state", "该报修已修复办结。", field="status", status=409)
        before = _snap(req, ["status"])
        req.status = status
        req.note = note.strip()
        req.completed_on = (on or today()) if status == MaintenanceRequest.Status.DONE else None
        req.save()
        record(
            "rental_housing.maintenance.handle",
            actor=acting_user,
            obj=req,
            before=before,
            after=_snap(req, ["status", "completed_on"]),
            label="处理维修申请",
            citation=f"{DOC} 第二十四条",
        )
    return req


def handle_complaint(
    complaint: Complaint, *, acting_user: Any, status: str, reply: str, on: dt.date | None = None
) -> Complaint:
    """The housing department's (or operator's) handling of a complaint (第二十七条): 处理中 or 已答复."""
    if status not in (Complaint.Status.IN_PROGRESS, Complaint.Status.ANSWERED):
        raise ApiError("invalid_input", "处理状态：只能是“处理中”或“已答复”。", field="status", status=422)
    if not reply.strip():
        raise ApiError("invalid_input", "处理意见或答复：请填写（第二十七条）。", field="reply", status=422)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status == Complaint.Status.ANSWERED:
            raise ApiError("invalid_state", "该投诉举报已答复办结。", field="status", status=409)
        before = _snap(complaint, ["status"])
        complaint.status = status
        complaint.reply = reply.strip()
        complaint.answered_on = (on or today()) if status == Complaint.Status.ANSWERED else None
        complaint.save()
        record(
            "rental_housing.complaint.handle",
            actor=acting_user,
            obj=complaint,
            before=before,
            after=_snap(complaint, ["status", "answered_on"]),
            label="处理投诉举报",
            citation=f"{DOC} 第二十七条",
        )
    return complaint


def record_construction_start(
    project: Project, *, acting_user: Any, started_on: dt.date, units: int
) -> Project:
    """A new-build project's actual start of construction and the number of homes started (鄂州政办发〔2022〕19号
    四（二）: 12月市城控集团负责开工建设住房1000套)."""
    if units <= 0:
        raise ApiError("invalid_input", "开工建设套数：应为正整数。", field="units", status=422)
    _not_future(started_on, "started_on", "开工日期")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        before = _snap(project, ["construction_started_on", "construction_units"])
        project.construction_started_on = started_on
        project.construction_units = units
        project.save(update_fields=["construction_started_on", "construction_units"])
        record(
            "rental_housing.project.construction_start",
            actor=acting_user,
            obj=project,
            before=before,
            after=_snap(project, ["construction_started_on", "construction_units"]),
            label="登记项目开工",
            citation="鄂州政办发〔2022〕19号 四（二）",
        )
    return project
