"""A licensing case: what was notified and committed, the materials, the orders, the documents, what is due
and when (the rules' case state), whether the holder may operate — and the steps the user may take now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.workspace import may_see_case, progress
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.notification import confirmation_texts

from ..models import CREDIT_OFFICE, Application, MaterialSubmission, NotificationProof
from ..services import applications, casefile, supervision
from ..services.sweep import ATTENTION
from .common import ERRORS, STAFF, day, message_of

VIEWERS = (Role.ENTERPRISE, *STAFF)
ACTORS = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD)


def _visible(request: HttpRequest, app: Application) -> None:
    user: Any = request.user
    if user.role == Role.ENTERPRISE:
        if user.enterprise_uscc != app.applicant_uscc:
            raise PermissionDenied("只能查看本企业的申请。")
    elif user.role in (Role.CLERK, Role.DEPARTMENT_HEAD) and user.department_id != app.department_id:
        # The credit office reads the case behind a credit record it is to confirm (it takes no step in it).
        if not (user.department and user.department.code == CREDIT_OFFICE and app.credit_records.exists()):
            raise PermissionDenied("该申请不属于本部门办理。")


def _app(request: HttpRequest, pk: int) -> Application:
    app = get_object_or_404(
        Application.objects.select_related("item", "department", "scheme", "jurisdiction"), pk=pk
    )
    _visible(request, app)
    return app


def _scheme_view(app: Application) -> Any:
    try:
        return casefile.rules_scheme(app)
    except LicensingError:
        return None


@view_requires(*VIEWERS, department=scopes.LICENSING)
def case(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app(request, pk)
    today = clock.today()
    case_row = engine.case_of(app)
    try:
        state = casefile.state_of(app, today)
        state_error = ""
    except LicensingError as exc:
        state, state_error = None, exc.message
    steps = dict(engine.available_steps(app, request.user))
    scheme = _scheme_view(app)
    on_the_spot = None
    if "decide" in steps:
        from ezhou_platform.procedures.machine import StepContext

        from ..checks import decide_on_the_spot

        problem = decide_on_the_spot(app, StepContext(actor=request.user, on=today, data={}))
        on_the_spot = problem or ""
    notification = getattr(app, "notification", None)
    return render(
        request,
        "licensing/case.html",
        {
            "app": app,
            "case": case_row,
            "progress": progress(case_row, today=today) if case_row else None,
            "state": state,
            "state_error": state_error,
            "steps": steps,
            "scheme": scheme,
            "today": today,
            "notification": notification,
            "commitment": getattr(app, "commitment", None),
            "materials": app.materials.prefetch_related("submissions"),
            "orders": app.orders.all(),
            "licence": getattr(app, "licence", None),
            "documents": case_row.documents.order_by("issued_at") if case_row else [],
            # the document pages check the case's visibility on the workspace; link only what they will show
            "documents_visible": case_row is not None and may_see_case(request.user, case_row),
            "events": case_row.events.select_related("actor", "document") if case_row else [],
            "confirmations": list(enumerate(confirmation_texts(app.filed_on), 1)),
            "later_offered": _later_offered(app),
            "on_the_spot": on_the_spot,
            "attention": ATTENTION.get(app.attention, ""),
            "credit_records": app.credit_records.all(),
        },
    )


def _later_offered(app: Application) -> bool:
    try:
        return casefile.rules_notification(app).later_qualification_offered
    except (LicensingError, NotificationProof.DoesNotExist):
        return False


def _commitment_data(request: HttpRequest, user: Any, today: dt.date, errors: list[str]) -> dict[str, Any]:
    post = request.POST
    delivery = "online" if user.role == Role.ENTERPRISE else post.get("delivery", "")
    signed = day(
        post.get("signed_on") or (today.isoformat() if user.role == Role.ENTERPRISE else ""),
        "签署日期",
        errors,
    )
    received = day(post.get("received_on"), "收件日期", errors, required=delivery == "post")
    return {
        "confirmations": post.getlist("confirmations"),
        "delivery": delivery,
        "signed_on": signed,
        "received_on": received,
        "qualification": post.get("qualification", ""),
        "conditions": post.getlist("conditions"),
    }


@view_requires(*ACTORS, department=scopes.LICENSING)
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one step of the case (POST): the service checks it, the engine refuses it in Chinese if it may not
    be taken (state, role, four eyes, the step's checks) and writes nothing."""
    app = _app(request, pk)
    user: Any = request.user
    if request.method != "POST":
        return redirect("licensing:case", pk)
    step = request.POST.get("step", "")
    today = clock.today()
    post = request.POST
    errors: list[str] = []
    try:
        if step == "submit_commitment":
            data = _commitment_data(request, user, today, errors)
            files = {code[len("file_") :]: f for code, f in request.FILES.items() if code.startswith("file_")}
            if not errors:
                applications.sign(app, actor=user, data=data, on=today, files=files)
        elif step == "decide":
            applications.decide(app, actor=user, on=today)
        elif step == "decide_general":
            applications.decide_general(app, actor=user, on=today)
        elif step == "refuse":
            applications.refuse(app, actor=user, reason=post.get("reason", ""), on=today)
        elif step == "withdraw":
            applications.withdraw(app, actor=user, reason=post.get("reason", ""), on=today)
        elif step == "deliver":
            applications.deliver(app, actor=user, on=today)
        elif step == "submit_material":
            supervision.submit_material(
                app, actor=user, code=post.get("material", ""), upload=request.FILES.get("file"), on=today
            )
        elif step == "review_material":
            verdict = post.get("conforming", "")
            if verdict not in ("yes", "no"):
                errors.append("审查结论：请选择“符合要求”或“不符合要求”。")
            else:
                supervision.review_material(
                    app,
                    actor=user,
                    code=post.get("material", ""),
                    conforming=verdict == "yes",
                    note=post.get("note", ""),
                    on=today,
                )
        elif step == "qualify":
            supervision.qualify(app, actor=user, on=today)
        elif step == "verify":
            supervision.verify(
                app, actor=user, result=post.get("result", ""), note=post.get("note", ""), on=today
            )
        elif step == "order_rectification":
            supervision.order(
                app, actor=user, grounds=post.get("grounds", ""), matters=post.get("matters", ""), on=today
            )
        elif step in ("rectified", "rectification_failed"):
            supervision.rectification_result(
                app, actor=user, conforming=step == "rectified", note=post.get("note", ""), on=today
            )
        elif step == "propose_revocation":
            supervision.propose_revocation(app, actor=user, grounds=post.get("grounds", ""), on=today)
        elif step == "state_statement":
            supervision.state_statement(app, actor=user, statement=post.get("statement", ""), on=today)
        elif step == "hear":
            supervision.hear(app, actor=user, note=post.get("note", ""), on=today)
        elif step in ("revoke", "drop_revocation"):
            supervision.decide_revocation(
                app, actor=user, revoke=step == "revoke", note=post.get("note", ""), on=today
            )
        elif step == "complete":
            supervision.complete(app, actor=user, on=today)
        else:
            errors.append("办理环节：无法识别。")
    except ERRORS as exc:
        errors.append(message_of(exc))
    for e in errors:
        messages.error(request, e)
    if not errors:
        messages.success(request, "已办理。")
    return redirect("licensing:case", pk)


@view_requires(*VIEWERS, department=scopes.LICENSING)
def material_file(request: HttpRequest, pk: int, sub: int) -> HttpResponse:
    app = _app(request, pk)
    submission = get_object_or_404(MaterialSubmission, pk=sub, material__application=app)
    if submission.content is None:
        raise PermissionDenied("该提交没有文件。")
    with transaction.atomic():
        record(
            "licensing.material.download",
            actor=request.user,
            obj=submission,
            after={"sha256": submission.file_sha256, "file": submission.file_name},
            label="下载申请材料",
        )
    response = HttpResponse(bytes(submission.content), content_type="application/octet-stream")
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(submission.file_name or 'material')}"
    )
    return response
