"""Oversight for the 法治政府建设考评 (第二部分 四（四）): per item, department and district — share through the
commitment route, on-the-spot rate, materials on time, verification coverage, rectifications, revocations —
with charts and an Excel extract."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.charts import Series, bar_chart
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.licensing import CITE_EVALUATION
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.metrics import COUNT_LABELS, KEY_LABELS, RATE_LABELS

from ..services import oversight, rules
from .common import STAFF, xlsx

VIEWERS = (*STAFF, Role.ADMIN)


def _params(request: HttpRequest) -> tuple[tuple[str, ...], int | None]:
    by = request.GET.get("by", "item")
    if by not in KEY_LABELS:
        by = "item"
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2022 <= int(raw) <= 2100 else None
    return (by,), year


def _label(by: str, key: str) -> str:
    if by == "item":
        try:
            item = rules.catalogue().item(key)
            return f"{item.number}. {item.matter}"
        except LicensingError:  # an item withdrawn or not loaded is shown by its code
            return key
    return key


def _pct(text: str) -> Decimal | None:
    return None if text == "—" else Decimal(text.rstrip("%"))


@view_requires(*VIEWERS, department=scopes.LICENSING)
def page(request: HttpRequest) -> HttpResponse:
    by, year = _params(request)
    today = clock.today()
    table = oversight.table(today, by, year)
    rows = table.rows()
    for r in rows:
        r["label"] = _label(by[0], r[by[0]])
    charts = []
    if rows:
        cats = [r["label"] for r in rows]
        charts.append(
            bar_chart(
                title="申请数与告知承诺制办理数",
                categories=cats,
                unit="件",
                horizontal=len(cats) > 6,
                series=[
                    Series("申请数", [r["applications"] for r in rows]),
                    Series("告知承诺制办理数", [r["commitment"] for r in rows]),
                ],
            )
        )
        charts.append(
            bar_chart(
                title="当场决定率、材料按期提交率、核查覆盖率",
                categories=cats,
                unit="%",
                horizontal=len(cats) > 6,
                series=[
                    Series(RATE_LABELS[k][0], [_pct(r[k]) for r in rows])
                    for k in ("on_the_spot_rate", "materials_on_time_rate", "verification_coverage")
                ],
            )
        )
    return render(
        request,
        "licensing/oversight.html",
        {
            "rows": rows,
            "by": by[0],
            "year": year or "",
            "keys": KEY_LABELS,
            "counts": COUNT_LABELS,
            "rates": {k: v[0] for k, v in RATE_LABELS.items()},
            "charts": charts,
            "today": today,
            "cite": CITE_EVALUATION,
        },
    )


@view_requires(*VIEWERS, department=scopes.LICENSING)
def export(request: HttpRequest) -> HttpResponse:
    by, year = _params(request)
    today = clock.today()
    table = oversight.table(today, by, year)
    headers = table.headers()
    rows: list[list[Any]] = []
    for r in table.rows():
        rows.append([_label(by[0], r[k]) if k == by[0] else r[k] for k, _ in headers])
    return xlsx(
        "告知承诺制实施情况",
        [h for _, h in headers],
        rows,
        f"licensing-oversight-{by[0]}-{year or 'all'}-{today.isoformat()}.xlsx",
    )
