"""Applicants' pages: apply online (an enterprise for its measures; a citizen for the car trade-in, with the
vehicle documents uploaded), follow each application through its steps, withdraw one before the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine, workspace
from ezhou_platform.security import consent
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies import cite, measure_name
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import Application, ApplicationDocument
from ..services import apply, review
from ..services.apply import NotEligible
from .common import APPLICANTS, error_map, form_fields, posted

PAYEE_FIELDS = (("payee_name", "收款户名"), ("payee_bank", "开户银行"), ("payee_account", "收款账号"))


@view_requires(*APPLICANTS)
def apply_pick(request: HttpRequest) -> HttpResponse:
    items = [
        {"code": c.code, "c": c, "cite": cite(c.measure), "name": measure_name(c.measure)}
        for c in apply.online_components(request.user.role)  # type: ignore[union-attr]
    ]
    return render(request, "subsidies/apply_pick.html", {"items": items})


def _uploads(request: HttpRequest) -> list[apply.Upload]:
    out = []
    for kind in ApplicationDocument.Kind.values:
        f = request.FILES.get(f"doc_{kind}")
        if f is not None:
            out.append(apply.Upload(kind, f.name or "", f.read()))
    return out


@view_requires(*APPLICANTS)
def apply_form(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    comp = COMPONENTS.get(code)
    if comp is None or comp not in apply.online_components(user.role):
        raise Http404
    fields = apply.applicant_fields(code)
    citizen = user.role == Role.CITIZEN
    values: dict[str, Any] = {}
    if not citizen:
        values[apply.subject_field(code).name] = user.enterprise_uscc
    extra = {"subject_name": user.display_name if citizen else user.enterprise_name, "payee_name": ""}
    errors: dict[str, str] = {}
    problems: list[str] = []
    reasons: list[Any] = []
    notice_key = consent.SUBSIDY_NOTICES.get(code)
    notice_errors: dict[str, str] = {}
    if request.method == "POST":
        values = posted(request, fields)
        extra = {k: (request.POST.get(k) or "").strip() for k in ("subject_name", *dict(PAYEE_FIELDS))}
        try:
            ack = consent.from_post(request, notice_key) if notice_key else None
            with consent.submission(ack, request) as c:
                app = apply.submit(
                    code,
                    values,
                    actor=user,
                    on=clock.today(),
                    payee=apply.Payee(extra["payee_name"], extra["payee_bank"], extra["payee_account"]),
                    subject_name=extra["subject_name"],
                    uploads=_uploads(request),
                )
                c.subject = app
        except ApiError as exc:  # the notice not acknowledged (C26)
            notice_errors = {"notice_read" if exc.field == "notice_version" else exc.field or "": exc.message}
            problems = [exc.message]
        except NotEligible as exc:
            problems, reasons = [exc.message], exc.reasons
        except SubsidyError as exc:
            errors, problems = error_map(exc)
        except ParameterNotSet as exc:
            problems = [f"暂不能受理：{exc}"]
        else:
            messages.success(request, f"申请已受理，申请编号{app.number}。")
            return redirect(app.get_absolute_url())
    documents = [
        {"kind": k, "label": ApplicationDocument.Kind(k).label, "error": errors.get(k, "")}
        for k in (apply.CAR_DOCUMENTS if code == "m12" else ())
    ]
    return render(
        request,
        "subsidies/apply_form.html",
        {
            "comp": comp,
            "cite": cite(comp.measure),
            "measure_name": measure_name(comp.measure),
            "fields": form_fields(fields, values, errors),
            "extra": extra,
            "payee_fields": [(n, label, extra.get(n, ""), errors.get(n, "")) for n, label in PAYEE_FIELDS],
            "citizen": citizen,
            "subject_error": errors.get("subject_name", ""),
            "documents": documents,
            "problems": problems,
            "reasons": reasons,
            "notice": consent.current(notice_key) if notice_key else None,
            "notice_errors": notice_errors,
        },
    )


@view_requires(*APPLICANTS)
def my_applications(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role == Role.ENTERPRISE:
        qs = (
            Application.objects.filter(applicant_uscc=user.enterprise_uscc)
            if user.enterprise_uscc
            else Application.objects.none()
        )
    else:
        qs = Application.objects.filter(applicant_user=user)
    rows = []
    for app in qs.order_by("-id")[:200]:
        case = engine.case_of(app)
        rows.append({"app": app, "progress": workspace.progress(case) if case else None})
    return render(request, "subsidies/my.html", {"rows": rows})


@view_requires(*APPLICANTS)
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    if not review.owns(request.user, app):
        raise Http404
    try:
        review.withdraw(app, actor=request.user, on=clock.today(), reason=request.POST.get("reason", ""))
        messages.success(request, f"申请{app.number}已撤回。")
    except (SubsidyError, engine.ProcedureError) as exc:
        messages.error(request, exc.message)
    return redirect(app.get_absolute_url())
