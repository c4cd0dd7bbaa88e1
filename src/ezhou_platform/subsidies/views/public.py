"""Public pages: the 18 measures, the self-check that says why an applicant is not eligible (with the measure),
and the published notices (names and identifiers masked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ezhou_platform.common import clock
from ezhou_platform.common.permissions import public
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies import MEASURES, cite, measure_name
from ezhou_rules.subsidies.catalogue import catalogue, measure_info
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import PublicNotice, TrackingRecord
from ..services import apply, notices, params
from .common import error_map, form_fields, page_of, posted

KIND_WORDS = {
    "online": "网上申请",
    "bank": "银行报送，无需申请",
    "exempt": "免申即享",
    "tracking": "跟踪落实（文件未规定奖补金额的计算方法）",
    "calculate": "可测算",
}


def _how(number: int, kind: str) -> str:
    if kind == "tracking":
        return KIND_WORDS["tracking"]
    if number in (1, 2, 3):
        return KIND_WORDS["bank"]
    if number == 16:
        return KIND_WORDS["exempt"]
    if any(c.measure == number for code, c in COMPONENTS.items() if code in apply.ONLINE):
        return KIND_WORDS["online"]
    return KIND_WORDS["calculate"]


@public
def index(request: HttpRequest) -> HttpResponse:
    on = clock.today()
    tree = params.tree()
    measures = [{"info": m, "how": _how(m.number, m.kind)} for m in catalogue(on, tree)]
    return render(
        request,
        "subsidies/index.html",
        {"measures": measures, "warning": tree.expiry_warning(on), "notices": PublicNotice.objects.all()[:5]},
    )


def _shown(value: Any) -> str:
    """A parameter's value as people read it: dates as 2022年6月1日 (a window is a pair of them)."""
    if isinstance(value, dt.date):
        return cn_date(value)
    if isinstance(value, tuple):
        return "至".join(_shown(v) for v in value)
    return str(value)


@public
def measure(request: HttpRequest, number: int) -> HttpResponse:
    if number not in MEASURES:
        raise Http404
    on = clock.today()
    info = measure_info(number, on, params.tree())
    records = TrackingRecord.objects.filter(measure=number).select_related("recorded_by")[:50]
    shown = []
    for p in info.parameters:
        value = p.value
        if value is None:
            text = "尚未录入"
        elif p.unit == "fen" and isinstance(value, int):
            text = format_yuan(value)
        elif isinstance(value, tuple):
            text = "、".join(_shown(v) for v in value)
        else:
            text = _shown(value)
        shown.append({"p": p, "text": text})
    return render(
        request,
        "subsidies/measure.html",
        {"info": info, "params": shown, "records": records, "how": _how(number, info.kind)},
    )


@public
def self_check_pick(request: HttpRequest) -> HttpResponse:
    items = [
        {"code": code, "c": c, "cite": cite(c.measure), "name": measure_name(c.measure)}
        for code, c in COMPONENTS.items()
    ]
    return render(request, "subsidies/self_check_pick.html", {"items": items})


@public
def self_check(request: HttpRequest, code: str) -> HttpResponse:
    comp = COMPONENTS.get(code)
    if comp is None:
        raise Http404
    fields = [f for f in comp.fields if f.name not in apply.DECISION_FIELDS]
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    messages: list[str] = []
    result = None
    if request.method == "POST":
        values = posted(request, fields)
        try:
            result = apply.public_self_check(code, values, on=clock.today())
        except SubsidyError as exc:
            errors, messages = error_map(exc)
        except ParameterNotSet as exc:
            messages = [f"暂不能测算：{exc}"]
    return render(
        request,
        "subsidies/self_check.html",
        {
            "comp": comp,
            "cite": cite(comp.measure),
            "measure_name": measure_name(comp.measure),
            "fields": form_fields(fields, values, errors),
            "messages_list": messages,
            "result": result,
            "online": code in apply.ONLINE,
        },
    )


@public
def notice_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, PublicNotice.objects.select_related("department", "document"), 20)
    return render(request, "subsidies/notices.html", {"page": page, "today": clock.today()})


@public
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(PublicNotice.objects.select_related("department", "document"), pk=pk)
    rows = notices.notice_rows(list(notice.applications.order_by("id")))
    return render(request, "subsidies/notice.html", {"notice": notice, "rows": rows, "today": clock.today()})
