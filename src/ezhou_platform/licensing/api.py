"""JSON API of the licensing system (鄂州政办发〔2022〕27号), mounted at /api/v1/licensing/.

Public: the catalogue with its facets, coverage, the credit bar over given records, a case's state from its
events. Logged in: the case endpoints (an enterprise files, signs its commitment; a clerk of the deciding
department takes the steps). Errors are 4xx JSON with a code and a Chinese message naming the field.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.licensing.case_state import case_from_dict, case_state
from ezhou_rules.licensing.credit import commitment_eligibility, record_from_dict
from ezhou_rules.licensing.errors import LicensingError, NotConfigured
from ezhou_rules.licensing.periods import PeriodTable, period_rule_from_dict

from .api_schemas import (
    DAY_MAX,
    DAY_MIN,
    CaseOut,
    CasesOut,
    CaseStateIn,
    CaseStateOut,
    CommitmentIn,
    ItemsOut,
    LicensingApplicationIn,
    LicensingCoverageIn,
    LicensingCoverageOut,
    LicensingEligibilityIn,
    LicensingEligibilityOut,
    LicensingStepIn,
)
from .models import Application
from .services import applications, casefile, rules, supervision

router = Router(tags=["证照分离与告知承诺"])

VIEWERS = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
STEPS = (
    "decide",
    "decide_general",
    "refuse",
    "withdraw",
    "deliver",
    "review_material",
    "qualify",
    "verify",
    "order_rectification",
    "rectified",
    "rectification_failed",
    "propose_revocation",
    "hear",
    "revoke",
    "drop_revocation",
    "complete",
)


def _error(exc: Exception) -> ApiError:
    if isinstance(exc, ProcedureError):
        return ApiError(exc.code, exc.message, field=exc.field, status=exc.status)
    assert isinstance(exc, LicensingError)
    status = 409 if isinstance(exc, NotConfigured) else 422
    return ApiError(exc.code, exc.message, field=exc.field, status=status)


# -- public -----------------------------------------------------------------------------------------------------


@router.get("/items", response=ItemsOut, auth=None, summary="告知承诺事项清单（含范围限定）")
def items(
    request: HttpRequest,
    on: dt.date | None = Query(  # noqa: B008 - django-ninja reads the parameter's title from its default
        None,
        title="日期",
        description="日期（YYYY-MM-DD，2022-09-29 至 2100-12-31；不填为今天）：列出该日在清单中的事项",
    ),
) -> dict[str, Any]:
    day = on or clock.today()
    if not DAY_MIN <= day <= DAY_MAX:
        raise ApiError(
            "invalid_input", "日期：应在2022年9月29日至2100年12月31日之间。", field="on", status=422
        )
    data = rules.catalogue().to_dict(day)
    published = {s.item_code for s in rules.scheme_rows() if s.valid_from <= day}
    for i in data["items"]:
        i["scheme_published"] = i["code"] in published
    return data


@router.post("/coverage", response=LicensingCoverageOut, auth=None, summary="申请是否适用告知承诺制及理由")
def coverage(request: HttpRequest, payload: LicensingCoverageIn) -> dict[str, Any]:
    try:
        described = applications.describe(
            payload.item, payload.facets, on=payload.on, certificate=payload.certificate
        )
    except LicensingError as exc:
        raise _error(exc) from None
    return described.coverage.to_dict()


@router.post(
    "/eligibility", response=LicensingEligibilityOut, auth=None, summary="信用记录是否限制适用告知承诺制"
)
def eligibility(request: HttpRequest, payload: LicensingEligibilityIn) -> dict[str, Any]:
    try:
        records = [record_from_dict(r.dict()) for r in payload.records]
        return commitment_eligibility(records, payload.on, rules.credit_policies()).to_dict()
    except LicensingError as exc:
        raise _error(exc) from None


@router.post(
    "/case-state", response=CaseStateOut, auth=None, summary="按事件和期限计算案件状态、到期事项和能否经营"
)
def case_state_endpoint(request: HttpRequest, payload: CaseStateIn) -> dict[str, Any]:
    try:
        case = case_from_dict(payload.dict(exclude={"periods", "on"}))
        if payload.periods is not None:
            table = PeriodTable(
                period_rule_from_dict({**p.dict(), "item": case.item}) for p in payload.periods
            )
        else:
            table = rules.period_table()
        rules.catalogue().item(case.item)
        return case_state(case, periods=table, cal=platform_calendar(), on=payload.on).to_dict()
    except LicensingError as exc:
        raise _error(exc) from None


# -- cases ------------------------------------------------------------------------------------------------------


def _visible(user: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related("item", "department")
    if user.role == Role.ENTERPRISE:
        return qs.filter(applicant_uscc=user.enterprise_uscc)
    if user.role in CLERKS:
        return qs.filter(department_id=user.department_id)
    return qs


def _case_out(app: Application, user: Any, with_state: bool = True) -> dict[str, Any]:
    notification = getattr(app, "notification", None) if app.route == "commitment" else None
    licence = getattr(app, "licence", None) if app.decided_on else None
    state = None
    if with_state:
        try:
            state = casefile.state_of(app, clock.today()).to_dict()
        except LicensingError:
            state = None
    return {
        "id": app.pk,
        "reference": app.reference or "",
        "item": app.item_code,
        "matter": app.item.matter,
        "applicant_uscc": app.applicant_uscc,
        "applicant_name": app.applicant_name,
        "route": app.route,
        "department": app.department.name,
        "status": app.status,
        "status_label": app.get_status_display(),
        "filed_on": app.filed_on,
        "received_on": app.received_on,
        "decided_on": app.decided_on,
        "notification_sha256": notification.content_sha256 if notification else None,
        "template_version": notification.template_version if notification else None,
        "licence_number": licence.number if licence else None,
        "state": state,
        "steps": [name for name, _ in engine.available_steps(app, user)],
    }


@router.get("/cases", response=CasesOut, summary="许可案件（企业：本企业；经办人员：本部门）")
@api_requires(*VIEWERS, department=scopes.LICENSING)
def cases(
    request: HttpRequest,
    status: str = Query("", max_length=30, title="状态", description="状态代码（可空）"),
    offset: int = Query(0, ge=0, le=1_000_000, title="起始位置"),
    limit: int = Query(50, ge=1, le=200, title="每页条数"),
) -> dict[str, Any]:
    qs = _visible(request.user)
    if status:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("-filed_on", "-id")[offset : offset + limit])
    return {"count": qs.count(), "cases": [_case_out(a, request.user, with_state=False) for a in rows]}


@router.post("/cases", response={201: CaseOut}, summary="提出许可申请（告知承诺制或一般程序）")
@api_requires(Role.ENTERPRISE)
def file_case(request: HttpRequest, payload: LicensingApplicationIn) -> Status:
    user: Any = request.user
    district = (
        Jurisdiction.objects.filter(code=payload.jurisdiction).first() if payload.jurisdiction else None
    )
    if payload.jurisdiction and district is None:
        raise ApiError(
            "jurisdiction_unknown",
            f"所在辖区：“{payload.jurisdiction}”不存在。",
            field="jurisdiction",
            status=422,
        )
    try:
        app = applications.file(
            code=payload.item,
            facets=payload.facets,
            route=payload.route,
            uscc=user.enterprise_uscc,
            name=user.enterprise_name or str(user),
            actor=user,
            certificate=payload.certificate,
            level=payload.level,
            jurisdiction=district,
        )
    except (LicensingError, ProcedureError) as exc:
        raise _error(exc) from None
    return Status(201, _case_out(app, user))


@router.get("/cases/{case_id}", response=CaseOut, summary="许可案件及其当前情况")
@api_requires(*VIEWERS, department=scopes.LICENSING)
def case_detail(
    request: HttpRequest, case_id: int = Path(..., ge=1, le=2**31, title="案件编号")
) -> dict[str, Any]:
    return _case_out(get_object_or_404(_visible(request.user), pk=case_id), request.user)


@router.post("/cases/{case_id}/commitment", response=CaseOut, summary="在线递交经签署的告知承诺书")
@api_requires(Role.ENTERPRISE)
def sign(
    request: HttpRequest, payload: CommitmentIn, case_id: int = Path(..., ge=1, le=2**31, title="案件编号")
) -> dict[str, Any]:
    app = get_object_or_404(_visible(request.user), pk=case_id)
    files = {}
    for m in payload.materials:
        try:
            files[m.code] = (m.file_name, base64.b64decode(m.content_base64, validate=True))
        except (binascii.Error, ValueError):
            raise ApiError(
                "invalid_input", f"文件内容：材料“{m.code}”不是有效的Base64。", field="materials", status=422
            ) from None
    data = {
        "confirmations": payload.confirmations,
        "delivery": "online",
        "signed_on": payload.signed_on,
        "qualification": payload.qualification,
        "conditions": payload.conditions,
    }
    try:
        applications.sign(app, actor=request.user, data=data, files=files)
    except (LicensingError, ProcedureError) as exc:
        raise _error(exc) from None
    return _case_out(app, request.user)


@router.post("/cases/{case_id}/steps/{step}", response=CaseOut, summary="办理环节（经办人员）")
@api_requires(*CLERKS, department=scopes.LICENSING)
def take_step(
    request: HttpRequest,
    payload: LicensingStepIn,
    case_id: int = Path(..., ge=1, le=2**31, title="案件编号"),
    step: str = Path(..., max_length=40, title="办理环节", description="办理环节代码"),
) -> dict[str, Any]:
    if step not in STEPS:
        raise ApiError(
            "unknown_step",
            f"办理环节：“{step[:40]}”无法识别（可选：{'、'.join(STEPS)}）。",
            field="step",
            status=422,
        )
    app = get_object_or_404(_visible(request.user), pk=case_id)
    user = request.user
    try:
        _dispatch(app, step, user, payload)
    except (LicensingError, ProcedureError) as exc:
        raise _error(exc) from None
    app.refresh_from_db()
    return _case_out(app, user)


def _dispatch(app: Application, step: str, user: Any, p: LicensingStepIn) -> None:
    if step == "decide":
        applications.decide(app, actor=user)
    elif step == "decide_general":
        applications.decide_general(app, actor=user)
    elif step == "refuse":
        applications.refuse(app, actor=user, reason=p.reason)
    elif step == "withdraw":
        applications.withdraw(app, actor=user, reason=p.reason)
    elif step == "deliver":
        applications.deliver(app, actor=user)
    elif step == "review_material":
        if p.conforming is None:
            raise ApiError("invalid_input", "是否符合要求：审查材料须填写。", field="conforming", status=422)
        supervision.review_material(app, actor=user, code=p.material, conforming=p.conforming, note=p.note)
    elif step == "qualify":
        supervision.qualify(app, actor=user)
    elif step == "verify":
        supervision.verify(app, actor=user, result=p.result, note=p.note)
    elif step == "order_rectification":
        supervision.order(app, actor=user, grounds=p.grounds, matters=p.matters)
    elif step in ("rectified", "rectification_failed"):
        supervision.rectification_result(app, actor=user, conforming=step == "rectified", note=p.note)
    elif step == "propose_revocation":
        supervision.propose_revocation(app, actor=user, grounds=p.grounds)
    elif step == "hear":
        supervision.hear(app, actor=user, note=p.note)
    elif step in ("revoke", "drop_revocation"):
        supervision.decide_revocation(app, actor=user, revoke=step == "revoke", note=p.note)
    else:
        supervision.complete(app, actor=user)
