"""Applications through the API: file one (an enterprise, or a citizen for the car trade-in with its vehicle
documents as Base64), list and read them (the applicant's own; the department's for its staff), take a step
(review, refuse, decide, claw back; withdraw for the applicant). The same services as the pages."""

import base64
import binascii
import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.security import consent
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import Application
from ..services import apply, clawback, decisions, review
from ..services.apply import ONLINE
from ..views.common import applications_for
from .errors import procedure_error, subsidy_error
from .router import router
from .schemas import FEN_MAX, SubsidyReasonOut, SubsidySchema, SubsidyTraceStepOut

APPLICATION_ID = Path(..., ge=1, le=2_000_000_000, title="申请编号", description="申请编号（记录编号）")
STEP = Path(
    ...,
    title="环节",
    description="环节：review 审核通过、refuse 不予奖补、decide 作出奖补决定、claw_back 追回、withdraw 撤回",
)
STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
APPLICANTS = (Role.CITIZEN, Role.ENTERPRISE)
ONLINE_PATTERN = "^(" + "|".join(c.replace(".", r"\.") for c in ONLINE) + ")$"
MAX_DOCUMENT_CHARS = 7_200_000  # Base64 of 5 MB


class PayeeIn(SubsidySchema):
    name: str = Field(..., min_length=1, max_length=100, title="收款户名")
    bank: str = Field(..., min_length=1, max_length=100, title="开户银行")
    account: str = Field(
        ..., pattern=r"^[\d -]{6,40}$", title="收款账号", description="收款账号（6至34位数字）"
    )


class DocumentIn(SubsidySchema):
    kind: Literal["id_card", "old_car", "old_licence", "invoice", "new_licence", "other"] = Field(
        ...,
        title="材料类别",
        description="材料类别：id_card 身份证、old_car 旧车报废或转出证明、invoice 新车发票、new_licence 新车行驶证等",
    )
    name: str = Field(..., min_length=1, max_length=200, title="文件名")
    content_base64: str = Field(..., min_length=4, max_length=MAX_DOCUMENT_CHARS)


class SubsidyApplicationIn(SubsidySchema, consent.ConsentIn):
    component: str = Field(..., pattern=ONLINE_PATTERN, description="奖补事项代码，如 m12、m05.store")
    facts: dict[str, str | int | bool | None] = Field(
        ..., description="申报信息：以字段名或中文列名为键，金额以元、日期以 YYYY-MM-DD 填写"
    )
    subject_name: str = Field("", max_length=100, description="申请人姓名（个人申请时必填）")
    payee: PayeeIn
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)


class SubsidyApplicationOut(SubsidySchema):
    id: int = Field(..., ge=1)
    number: str = Field(..., title="申请编号")
    component: str
    measure: int = Field(..., ge=1, le=18)
    status: str
    status_label: str
    subject_name: str
    subject: str
    object: str
    year: int = Field(..., ge=2000, le=2100)
    payer: str
    department: str
    source: str
    received_on: dt.date
    amount_fen: int = Field(..., ge=0, le=FEN_MAX)
    ceiling_fen: int = Field(..., ge=0, le=FEN_MAX)
    pending_decision: bool
    payable_fen: int | None
    decided_on: dt.date | None
    paid_on: dt.date | None
    refusal_reason: str
    clawback_reason: str
    reasons: list[SubsidyReasonOut]
    trace: list[SubsidyTraceStepOut]


class ApplicationPage(SubsidySchema):
    total: int = Field(..., ge=0)
    items: list[SubsidyApplicationOut]


def _out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "number": app.number,
        "component": app.component,
        "measure": app.measure,
        "status": app.status,
        "status_label": app.get_status_display(),
        "subject_name": app.subject_name,
        "subject": app.shown_subject,  # a resident ID masked (C05, C20)
        "object": app.object,
        "year": app.year,
        "payer": app.payer,
        "department": app.department.name,
        "source": app.source,
        "received_on": app.received_on,
        "amount_fen": app.amount_fen,
        "ceiling_fen": app.ceiling_fen,
        "pending_decision": app.pending_decision,
        "payable_fen": app.payable_fen,
        "decided_on": app.decided_on,
        "paid_on": app.paid_on,
        "refusal_reason": app.refusal_reason,
        "clawback_reason": app.clawback_reason,
        "reasons": app.reasons,
        "trace": app.trace,
    }


def _uploads(items: list[DocumentIn]) -> list[apply.Upload]:
    out = []
    for i, d in enumerate(items):
        try:
            data = base64.b64decode(d.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                "document_base64",
                f"第{i + 1}份申请材料的“文件内容（Base64）”不是有效的Base64编码。",
                field=f"documents.{i}.content_base64",
                status=422,
            ) from None
        out.append(apply.Upload(d.kind, d.name, data))
    return out


@router.post("/applications", response={201: SubsidyApplicationOut}, summary="在线提交奖补申请")
@api_requires(*APPLICANTS)
def submit(request: HttpRequest, payload: SubsidyApplicationIn) -> tuple[int, dict[str, Any]]:
    """A citizen's car trade-in (m12) needs the current notice acknowledged (`notice_version`,
    `sensitive_acknowledged`; GET /api/v1/notices/subsidies-car-trade-in): otherwise 400, nothing written."""
    notice_key = consent.SUBSIDY_NOTICES.get(payload.component)
    ack = consent.from_payload(payload, notice_key) if notice_key else None
    try:
        with consent.submission(ack, request) as c:
            app = apply.submit(
                payload.component,
                {k: ("" if v is None else v) for k, v in payload.facts.items()},
                actor=request.user,
                on=clock.today(),
                payee=apply.Payee(payload.payee.name, payload.payee.bank, payload.payee.account),
                subject_name=payload.subject_name,
                uploads=_uploads(payload.documents),
            )
            c.subject = app
    except SubsidyError as exc:
        raise subsidy_error(exc) from exc
    except ParameterNotSet as exc:
        raise ApiError("parameter_not_set", str(exc), field="facts", status=422) from exc
    return 201, _out(app)


def _visible(request: HttpRequest) -> Any:
    user: Any = request.user
    if user.role == Role.ENTERPRISE:
        return (
            Application.objects.filter(applicant_uscc=user.enterprise_uscc)
            if user.enterprise_uscc
            else Application.objects.none()
        )
    if user.role == Role.CITIZEN:
        return Application.objects.filter(applicant_user=user)
    return applications_for(user)


class ListQuery(SubsidySchema):
    status: (
        Literal["submitted", "reviewed", "noticed", "decided", "paid", "refused", "withdrawn", "clawed_back"]
        | None
    ) = Field(None, title="状态")
    measure: int | None = Field(None, ge=1, le=18, title="措施序号")
    component: str | None = Field(None, max_length=30, title="奖补事项")
    limit: int = Field(50, ge=1, le=200, title="每页条数")
    offset: int = Field(0, ge=0, le=10_000_000, title="起始位置")


@router.get("/applications", response=ApplicationPage, summary="奖补申请列表（本人、本企业或本部门的）")
@api_requires(*STAFF, *APPLICANTS, department=scopes.SUBSIDIES)
def list_applications(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    qs = _visible(request).select_related("department").order_by("-id")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.measure:
        qs = qs.filter(measure=query.measure)
    if query.component:
        qs = qs.filter(component=query.component)
    return {"total": qs.count(), "items": [_out(a) for a in qs[query.offset : query.offset + query.limit]]}


@router.get("/applications/{application_id}", response=SubsidyApplicationOut, summary="一份奖补申请")
@api_requires(*STAFF, *APPLICANTS, department=scopes.SUBSIDIES)
def get_application(request: HttpRequest, application_id: int = APPLICATION_ID) -> dict[str, Any]:
    return _out(get_object_or_404(_visible(request).select_related("department"), pk=application_id))


class SubsidyStepIn(SubsidySchema):
    note: str = Field("", max_length=300)
    reason: str = Field("", max_length=300)
    decided_amount_fen: int | None = Field(
        None, ge=0, le=FEN_MAX, description="决定奖励金额（分）：“最高”“不高于”“一事一议”的奖补必填"
    )
    reference: str = Field("", max_length=100, title="决定文号或会议纪要")


StepName = Literal["review", "refuse", "decide", "claw_back", "withdraw"]


@router.post(
    "/applications/{application_id}/steps/{step}", response=SubsidyApplicationOut, summary="办理一个环节"
)
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, *APPLICANTS, department=scopes.SUBSIDIES)
def take_step(
    request: HttpRequest,
    payload: SubsidyStepIn,
    application_id: int = APPLICATION_ID,
    step: StepName = STEP,
) -> dict[str, Any]:
    user: Any = request.user
    app = get_object_or_404(_visible(request), pk=application_id)
    on = clock.today()
    applicant = user.role in APPLICANTS
    if applicant != (step == "withdraw"):
        raise ApiError("forbidden", "您没有权限办理该环节。", field="step", status=403)
    try:
        if step == "review":
            review.review(app, actor=user, on=on, note=payload.note)
        elif step == "refuse":
            review.refuse(app, actor=user, on=on, reason=payload.reason)
        elif step == "decide":
            decisions.decide(
                [decisions.Item(app, payload.decided_amount_fen, payload.reason, payload.reference)],
                actor=user,
                on=on,
            )
        elif step == "claw_back":
            clawback.claw_back(app, actor=user, on=on, reason=payload.reason)
        else:
            review.withdraw(app, actor=user, on=on, reason=payload.reason)
    except SubsidyError as exc:
        raise subsidy_error(exc) from exc
    except ProcedureError as exc:
        raise procedure_error(exc) from exc
    app.refresh_from_db()
    return _out(app)
