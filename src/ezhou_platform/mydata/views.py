"""我的个人信息: view, export and ask to correct (C28); the department's queue of correction requests."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Department
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role

from . import providers
from .models import CorrectionRequest

OWNERS = (Role.CITIZEN, Role.ENTERPRISE)
STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD)
CORRECTIONS = scopes.CORRECTIONS


def _masked(value: str) -> str:
    """On the page the person sees their ID numbers, phones and accounts masked (a screen may be shared); the
    export carries them whole."""
    keep = 4 if len(value) > 8 else 1
    return value[:3] + "*" * max(len(value) - 3 - keep, 1) + value[-keep:]


def _shown(records: list[tuple[str, list[providers.Record]]]) -> list[dict[str, Any]]:
    sections = []
    for title, recs in records:
        rows = []
        for r in recs:
            fields = [(label, _masked(v) if label in r.sensitive and v else v) for label, v in r.fields]
            rows.append({"record": r, "fields": fields})
        sections.append({"title": title, "rows": rows})
    return sections


class CorrectionForm(forms.Form):
    record = forms.CharField(label="业务记录", max_length=170)
    field_label = forms.CharField(label="更正事项", max_length=100)
    requested_value = forms.CharField(label="更正为", max_length=200)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


@never_cache
@view_requires(*OWNERS)
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    records = providers.records_of(user)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_type, _, record_id = form.cleaned_data["record"].partition("#")
        target = providers.find(user, record_type, record_id)
        labels = [label for label, _v in target.fields] if target else []
        if target is None or not target.department:
            form.add_error("record", "业务记录：只能对本人的业务记录申请更正；账户信息请在账户设置中修改。")
        elif form.cleaned_data["field_label"] not in labels:
            form.add_error("field_label", f"更正事项：该记录没有“{form.cleaned_data['field_label']}”这一项。")
        else:
            with transaction.atomic():
                req = CorrectionRequest.objects.create(
                    requester=user,
                    department=Department.objects.get(code=target.department),
                    record_type=target.record_type,
                    record_id=target.record_id,
                    record_label=target.label,
                    field_label=form.cleaned_data["field_label"],
                    requested_value=form.cleaned_data["requested_value"],
                    reason=form.cleaned_data["reason"],
                )
                record(
                    "mydata.correction.request",
                    actor=user,
                    obj=req,
                    after={"record": target.label, "field": req.field_label},
                    request=request,
                )
            messages.success(request, f"更正申请已提交，由{req.department.name}处理。")
            return redirect("mydata:index")
    mine = CorrectionRequest.objects.filter(requester=user).select_related("department")[:50]
    return render(
        request,
        "mydata/index.html",
        {"sections": _shown(records), "form": form, "requests": mine},
    )


@never_cache
@view_requires(*OWNERS)
def export(request: HttpRequest) -> HttpResponse:
    """All of it, whole, as a JSON file the person keeps (个人信息保护法 第四十五条: 复制); the export is audited."""
    user: Any = request.user
    data = {
        "exported_at": clock.now().isoformat(),
        "account": user.username,
        "sections": [
            {
                "title": title,
                "records": [
                    {"record": r.label, "department": r.department, "fields": dict(r.fields)} for r in recs
                ],
            }
            for title, recs in providers.records_of(user)
        ],
    }
    with transaction.atomic():
        record(
            "mydata.export", actor=user, obj=user, after={"sections": len(data["sections"])}, request=request
        )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@never_cache
@view_requires(*STAFF, Role.AUDITOR, department=CORRECTIONS)
def corrections(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs = CorrectionRequest.objects.select_related("requester", "department", "answered_by")
    if user.role != Role.AUDITOR:
        qs = qs.filter(department_id=user.department_id)
    status = request.GET.get("status", "pending")
    if status in CorrectionRequest.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "mydata/corrections.html",
        {"page": page, "status": status, "statuses": CorrectionRequest.Status.choices},
    )


@view_requires(*STAFF, department=CORRECTIONS)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    user: Any = request.user
    req = get_object_or_404(CorrectionRequest, pk=pk, department_id=user.department_id)
    decision = request.POST.get("decision")
    note = (request.POST.get("answer") or "").strip()
    if req.status != CorrectionRequest.Status.PENDING:
        messages.error(request, "该申请已处理。")
    elif decision not in ("accepted", "refused") or not note:
        messages.error(request, "处理说明：请选择处理结果并写明说明（已更正的记录或不予更正的理由）。")
    else:
        with transaction.atomic():
            before = {"status": req.status}
            req.status = decision
            req.answer = note
            req.answered_by = user
            req.answered_at = clock.now()
            req.save(update_fields=["status", "answer", "answered_by", "answered_at"])
            record(
                "mydata.correction.answer",
                actor=user,
                obj=req,
                before=before,
                after={"status": decision},
                request=request,
            )
        messages.success(request, "已处理。")
    return redirect("mydata:corrections")
