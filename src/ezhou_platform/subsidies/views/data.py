"""Data from its holders and the long work on it: the import jobs (with file templates), the imported tables,
batch applications and the interest run, 第十六条 免申即享, and the what-if of a year. Each form starts the
same background job the CLI runs (``ezhou subsidies …``)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.audit.services import record, record_pii_view
from ezhou_platform.common.models import Department
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.pii_search import link_query, masked_term, pii_search
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.registry import get_job
from ezhou_platform.jobs.runner import may_start
from ezhou_platform.jobs.views import start_from_request
from ezhou_rules.core import ids
from ezhou_rules.core.money import fen_to_decimal
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.deferral import DEFERRAL_FIELDS, UNIT_KINDS
from ezhou_rules.subsidies.fields import RESIDENT_ID, SUBJECT_ID
from ezhou_rules.subsidies.imports import SPECS

from ..jobs import BATCH_COMPONENTS, IMPORT_DEPARTMENT
from ..models import Deferral, ReferenceRow, WhatIf
from ..services import exempt, imports, intake
from ..services.files import template_rows
from .common import STAFF, WORKERS, page_of, shown_value, xlsx_response

# Account numbers of the imported rows (C20/C22): whole only for the department that pays into them.
MASKED_ACCOUNTS = ("payee_account",)

JOB_NAMES = [f"subsidies.import.{k}" for k in SPECS] + [
    "subsidies.applications.import",
    "subsidies.interest.run",
]


@view_requires(*STAFF, department=scopes.SUBSIDIES)
def imports_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        name = request.POST.get("job", "")
        if name not in JOB_NAMES:
            raise Http404
        params = (
            {"component": request.POST.get("component", "")}
            if name == "subsidies.applications.import"
            else {}
        )
        response = start_from_request(request, name, params=params)
        if response is not None:
            return response
    jobs = []
    names = department_names()
    for name in JOB_NAMES:
        spec = get_job(name)
        kind = name.rsplit(".", 1)[1] if name.startswith("subsidies.import.") else ""
        jobs.append(
            {
                "name": name,
                "spec": spec,
                "kind": kind,
                "may": may_start(user, spec),
                "may_open": bool(kind) and may_open_table(user, kind),
                "department": names.get(spec.department or "", spec.department or ""),
                "count": ReferenceRow.objects.filter(kind=kind).count() if kind else None,
            }
        )
    runs = JobRun.objects.filter(name__in=JOB_NAMES).select_related("started_by").order_by("-id")[:20]
    return render(
        request,
        "subsidies/imports.html",
        {
            "jobs": jobs,
            "runs": runs,
            "components": [(c, COMPONENTS[c].title) for c in BATCH_COMPONENTS],
        },
    )


def _template_fields(kind: str) -> list[Any]:
    if kind in SPECS:
        return imports.fields_of(kind)
    if kind == "deferrals":
        return list(exempt.FIELDS)
    if kind in BATCH_COMPONENTS:
        return intake.batch_fields(kind)
    raise Http404


@view_requires(*STAFF, department=scopes.SUBSIDIES)
def template(request: HttpRequest, kind: str) -> HttpResponse:
    """The header row of a file the job reads (Chinese labels; the order is free)."""
    fields = _template_fields(kind)
    title = (
        SPECS[kind].title
        if kind in SPECS
        else ("免申即享缓缴数据" if kind == "deferrals" else f"批量申报-{COMPONENTS[kind].title}")
    )
    return xlsx_response("模板", template_rows(fields), [], f"{title}模板.xlsx")


def department_names() -> dict[str, str]:
    """Department code → name (财政局 …), for the pages that say who holds a table."""
    return dict(Department.objects.values_list("code", "name"))


def may_open_table(user: Any, kind: str) -> bool:
    """Who reads an imported table (its list and export; SECURITY.md C08, issue 14): the clerks and heads of the
    department that imports it and reviews the measures checked against it (jobs.IMPORT_DEPARTMENT — 财政局 the
    bank loan reports of 第一至三条, 商务局 the 限上 and dealer lists, 交通运输局 the 规上 freight list), and
    auditors (read only). Another department's clerk does not: a bank's borrowers are persons, named with
    their IDs and account data. The reviewer of a case sees its rows' checks through the case itself."""
    return getattr(user, "role", None) == Role.AUDITOR or works_table(user, kind)


def works_table(user: Any, kind: str) -> bool:
    """A clerk or head of the department that imports the table ``kind`` (jobs.IMPORT_DEPARTMENT)."""
    dept = getattr(getattr(user, "department", None), "code", None)
    return getattr(user, "role", None) in WORKERS and dept is not None and dept == IMPORT_DEPARTMENT.get(kind)


def _table_holders_only(view: Any) -> Any:
    """403 naming the table and the department that holds it, before anything else runs (the search post of
    ``pii_search`` too); outermost, so it copies the inner declarations (roles, scope) for the URL walks."""

    @wraps(view)
    def wrapper(request: HttpRequest, kind: str) -> HttpResponse:
        user: Any = request.user
        if user.is_authenticated and kind in SPECS and not may_open_table(user, kind):
            code = IMPORT_DEPARTMENT[kind]
            holder = department_names().get(code, code)
            raise PermissionDenied(
                f"“{SPECS[kind].title}”由{holder}导入并用于审核，仅{holder}的经办人员、部门负责人和审计人员可以查看、导出。"
            )
        return view(request, kind)

    return wrapper


def needs_whole_ids(request: HttpRequest, kind: str) -> bool:
    """Whole borrower IDs in an imported table's export only for the clerks and heads of the department that
    imports it and works its rows with the banks (财政局 for the loan reports, jobs.IMPORT_DEPARTMENT); the other
    reader, the auditor, gets them masked (SECURITY.md C22, issue 14 failure 8). Another department's staff do
    not reach the table at all (``may_open_table``)."""
    return works_table(request.user, kind)


def _export_value(f: Any, value: Any, whole_ids: bool) -> str:
    """A cell of the export: a person's ID and a 收款账号 whole only when ``whole_ids`` (the department that pays
    into the account); an enterprise's USCC stays whole."""
    text = "" if value is None else str(value)
    if f.kind in (RESIDENT_ID, SUBJECT_ID) and text and not whole_ids and not ids.is_valid_uscc(text):
        return ids.mask_resident_id(text)
    if f.name in MASKED_ACCOUNTS and text and not whole_ids:
        return ids.mask_bank_account(text)
    return text


def _reference_export(request: HttpRequest, kind: str, fields: list[Any], qs: Any, q: str) -> HttpResponse:
    """The imported rows as filtered, every row; audited with who took it, and a whole-ID export is also a view
    of personal data (``record_pii_view``: the mass-view alert counts it)."""
    whole_ids = needs_whole_ids(request, kind)
    person_columns = [f for f in fields if f.kind in (RESIDENT_ID, SUBJECT_ID)]
    header = [
        f.label
        if whole_ids or (f not in person_columns and f.name not in MASKED_ACCOUNTS)
        else f"{f.label}（{'账号' if f.name in MASKED_ACCOUNTS else '个人证件号码'}脱敏）"
        for f in fields
    ]
    rows = ([_export_value(f, r.data.get(f.name, ""), whole_ids) for f in fields] for r in qs[:100000])
    title = SPECS[kind].title
    with transaction.atomic():
        record(
            "subsidies.reference.export",
            actor=request.user,
            object_type="subsidies.reference_row",
            object_id=kind,
            object_repr=title,
            after={"kind": kind, "q": masked_term(q), "rows": qs.count(), "whole_ids": whole_ids},
            label=f"导出报送数据：{title}" + ("（完整证件号码）" if whole_ids else "（证件号码脱敏）"),
            request=request,
        )
        if whole_ids and person_columns:
            record_pii_view(
                request,
                ReferenceRow(kind=kind, key="导出"),  # the table as a whole, not one row
                "subject",
                reason="鄂州政办发〔2022〕32号第一至三条：导入部门与报送银行核对贷款",
                action="pii.export",
                label=f"导出报送数据中的完整证件号码：{title}",
            )
    return xlsx_response(title[:31], header, rows, f"{title}.xlsx")


@_table_holders_only  # the importing department's staff and auditors only (C08)
@pii_search  # a borrower's resident ID is searched by POST and travels as a session token (C05)
@view_requires(*STAFF, department=scopes.SUBSIDIES)
def reference_list(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SPECS:
        raise Http404
    fields = imports.fields_of(kind)
    qs = ReferenceRow.objects.filter(kind=kind).order_by("key")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(key__contains=q.upper()) | Q(key__contains=q) | Q(subject=q.upper()) | Q(name__contains=q)
        )
    if request.GET.get("format") == "xlsx":
        return _reference_export(request, kind, fields, qs, q)
    page = page_of(request, qs)
    shown = fields[:8]
    return render(
        request,
        "subsidies/reference.html",
        {
            "kind": kind,
            "title": SPECS[kind].title,
            "page": page,
            "header": [f.label for f in shown],
            "rows": [[shown_value(f, r.data.get(f.name)) for f in shown] for r in page],
            "q": q,
            "query": link_query(request, {"q": q}),
        },
    )


@pii_search  # the same search form as the other lists (a unit's code is public; the form is shared)
@view_requires(*STAFF, department="medical_security")
def deferrals(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        response = start_from_request(request, "subsidies.deferral.run")
        if response is not None:
            return response
    qs = Deferral.objects.order_by("unit_id", "month")
    f = {k: (request.GET.get(k) or "").strip() for k in ("q", "deferred")}
    if f["q"]:
        qs = qs.filter(Q(unit_id=f["q"].upper()) | Q(unit_name__contains=f["q"]))
    if f["deferred"] in ("1", "0"):
        qs = qs.filter(deferred=f["deferred"] == "1")
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                d.unit_id,
                d.unit_name,
                d.month,
                UNIT_KINDS.get(d.unit_kind, d.unit_kind),
                fen_to_decimal(d.contribution_fen),
                "是" if d.deferred else "否",
                fen_to_decimal(d.late_fee_fen),
                "；".join(d.reasons),
            ]
            for d in qs[:100000]
        )
        header = (
            "参保单位统一社会信用代码",
            "单位名称",
            "费款所属月份",
            "单位类型",
            "单位应缴职工医保费（元）",
            "缓缴",
            "滞纳金（元）",
            "说明",
        )
        return xlsx_response("免申即享缓缴", header, rows, "职工医保单位缴费缓缴.xlsx")
    page = page_of(request, qs)
    return render(
        request,
        "subsidies/deferrals.html",
        {
            "page": page,
            "f": f,
            "query": link_query(request, {"q": f["q"], "deferred": f["deferred"]}),
            "totals": exempt.totals(),
            "fields": [x.label for x in DEFERRAL_FIELDS],
            "kinds": UNIT_KINDS,
            "runs": JobRun.objects.filter(name="subsidies.deferral.run").order_by("-id")[:10],
        },
    )


@view_requires(*STAFF, department=scopes.SUBSIDIES)
def whatif_page(request: HttpRequest) -> HttpResponse:
    values = {"year": "2022", "overrides": ""}
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in values}
        response = start_from_request(request, "subsidies.whatif", params=values)
        if response is not None:
            return response
    user: Any = request.user
    return render(
        request,
        "subsidies/whatif.html",
        {
            "values": values,
            "results": WhatIf.objects.select_related("run")[:20],
            "may": may_start(user, get_job("subsidies.whatif")),
            "today": clock.today(),
        },
    )


@view_requires(*STAFF, department=scopes.SUBSIDIES)
def whatif_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(WhatIf.objects.select_related("run"), pk=pk)
    return render(request, "subsidies/whatif_detail.html", {"w": result})
