"""The audit trail in the UI: list with filters and paging, one record in detail, CSV export.

Read-only for auditors and system administrators; every other role gets 403. Nothing here can change a
record (there is no form that posts, and the model refuses updates). Exporting is itself audited.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role

from .forms import AuditFilterForm, object_type_suggestions
from .models import AuditRecord, Result
from .services import record

PAGE_SIZE = 50
# 三员分立 (SECURITY.md C07): the system administrator cannot read the audit trail; only auditors.
AUDIT_READERS = (Role.AUDITOR,)
ROLE_LABELS = dict(Role.choices)
RESULT_LABELS = dict(Result.choices)


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(request.GET or None)
    qs = (
        form.filter(AuditRecord.objects.order_by("-seq"))
        if form.is_bound
        else AuditRecord.objects.order_by("-seq")
    )
    return form, qs


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@never_cache
@require_safe
@view_requires(*AUDIT_READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "records": page.object_list,
            "query": _query_without_page(request),
            "object_types": object_type_suggestions(),
        },
    )


def _pretty(text: str) -> str:
    return json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) if text else ""


def _changes(before: Any, after: Any) -> list[dict[str, Any]]:
    """Field-by-field rows when both sides are objects: key, before, after, changed?"""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return []
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        rows.append(
            {
                "key": key,
                "before": "" if key not in before else json.dumps(b, ensure_ascii=False),
                "after": "" if key not in after else json.dumps(a, ensure_ascii=False),
                "changed": key not in before or key not in after or a != b,
            }
        )
    return rows


@never_cache
@require_safe
@view_requires(*AUDIT_READERS)
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(AuditRecord, pk=pk)
    return render(
        request,
        "audit/detail.html",
        {
            "r": entry,
            "before_pretty": _pretty(entry.before_json),
            "after_pretty": _pretty(entry.after_json),
            "changes": _changes(entry.before, entry.after),
            "back": request.GET.get("back", ""),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection): prefix =, +, -, @, tab, CR with '."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


CSV_COLUMNS = (
    "序号",
    "时间",
    "用户ID",
    "用户名",
    "姓名",
    "角色",
    "部门",
    "IP地址",
    "操作代码",
    "操作",
    "对象类型",
    "对象ID",
    "对象",
    "结果",
    "政策依据",
    "变更前",
    "变更后",
    "请求路径",
    "哈希",
)


def _csv_rows(qs: Any) -> Iterator[list[Any]]:
    tz = timezone.get_default_timezone()
    yield list(CSV_COLUMNS)
    for r in qs.iterator(chunk_size=2000):
        yield [
            "待封存" if r.seq is None else r.seq,
            r.created_at.astimezone(tz).isoformat(sep=" ", timespec="seconds"),
            "" if r.actor_id is None else r.actor_id,
            r.actor_username,
            r.actor_name,
            ROLE_LABELS.get(r.actor_role, r.actor_role),
            r.actor_department,
            r.remote_addr,
            r.action,
            r.label,
            r.object_type,
            r.object_id,
            r.object_repr,
            RESULT_LABELS.get(r.result, r.result),
            r.citation,
            r.before_json,
            r.after_json,
            r.path,
            r.hash,
        ]


@never_cache
@require_safe
@view_requires(*AUDIT_READERS)
def audit_export(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    criteria = {
        k: v for k, v in (form.cleaned_data.items() if form.is_bound and form.is_valid() else []) if v
    }
    with transaction.atomic():
        record(
            "audit.log.export",
            actor=request.user,
            object_type="audit.auditrecord",
            object_repr=f"审计日志导出（{qs.count()} 条）",
            after={"filters": criteria},
        )
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # BOM, so spreadsheet software reads UTF-8 Chinese correctly
        for row in _csv_rows(qs):
            yield writer.writerow([csv_safe(cell) for cell in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response: HttpResponse = StreamingHttpResponse(  # type: ignore[assignment]
        stream(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
