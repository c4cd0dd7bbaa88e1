"""The application for 承租资格 (第十二条–第十四条) as a procedure: submitted online by the applicant (or for a
recorded principal) or entered offline by the operator → reviewed within 5 working days → published for 5
working days, objections decided (objections.py) → qualified, or refused / disqualified / given up.

Every step after the submission is `engine.take(app, step, …)`; the step's article, checks, periods and
document are on the model's transitions (models/applications.py, steps.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import engine
from ezhou_rules.core.ids import mask_name
from ezhou_rules.core.periods import Deadline
from ezhou_rules.core.trace import Trace
from ezhou_rules.rental_housing.applicant import check_applicant_ids
from ezhou_rules.rental_housing.common import RentalHousingInputError
from ezhou_rules.rental_housing.eligibility import check_applicant, parse_homes

from .. import steps as S
from ..models import AccountIdentity, AgentRelationship, Application, OfferStatus, Project, UnitOffer
from .common import input_error, today


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
    return S.review_period(start, platform_calendar(), field=field)


def publicity_deadline(start: dt.date, *, field: str = "publicity_start") -> Deadline:
    """公示期为5个工作日 (第十四条第（二）项): published on `start`, the publicity lasts the 5 working days after."""
    return S.publicity_period(start, platform_calendar(), field=field)


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
        raise input_error(exc) from exc
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
        raise input_error(exc) from exc
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
            engine.start(
                app,
                actor=acting_user,
                on=day,
                label="提交申请" if channel == Application.Channel.ONLINE else "运营单位代录线下申请",
                cites=S.CITE_APPLY,
                opens=[S.REVIEW_PERIOD],
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
                citation=S.CITE_APPLY,
            )
    except IntegrityError as exc:
        raise ApiError(
            "duplicate_application", "该申请人在本项目已有未办结的申请。", field="id_number", status=409
        ) from exc
    return app, trace


def review_approve(app: Application, *, acting_user: Any, on: dt.date | None = None) -> Application:
    """审核通过 → 公示 (第十四条第（二）项): the materials of 第十三条 complete and the conditions of 第十二条 met; the
    publicity runs for the 5 working days after publication."""
    engine.take(app, "approve", actor=acting_user, on=on or today())
    return app


def review_reject(
    app: Application, *, acting_user: Any, reason: str, on: dt.date | None = None
) -> Application:
    """审核不予通过, with the reason, in a numbered notice (the route of 第二十七条 beside it)."""
    engine.take(app, "reject", actor=acting_user, on=on or today(), data={"reason": reason})
    return app


def close_publicity(app: Application, *, acting_user: Any, on: dt.date | None = None) -> Application:
    """After the publicity period, without an objection upheld or pending, the applicant is qualified; the
    queue changes, so the project is locked as for a choice of unit."""
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=app.project_id)
        engine.take(app, "qualify", actor=acting_user, on=on or today())
    return app


def withdraw(app: Application, *, acting_user: Any, on: dt.date | None = None) -> Application:
    """The applicant gives up the application (or the waiting); an open 轮候配租通知 is cancelled and the unit
    offered to the next in the queue (P8)."""
    from .allocation import cancel_offer

    day = on or today()
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=app.project_id)
        engine.take(app, "withdraw", actor=acting_user, on=day)
        pending = (
            UnitOffer.objects.select_for_update().filter(application=app, status=OfferStatus.OPEN).first()
        )
        if pending is not None:
            cancel_offer(pending, acting_user=acting_user, on=day)
    return app
