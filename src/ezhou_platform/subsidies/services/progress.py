"""Progress for the 发改委 (结尾: "市发改委要定期做好政策实施的跟踪分析，及时通报进展情况"): awards and payments by
measure, payer and month, the share paid "直达快享" within the configured period, deferrals (十六) and the
tracked measures' records.

The 直达快享 period is not in the text: it is ``procedure.direct_payment_days`` (calendar days from receipt to
payment), entered by the 发改委; until then the share is not computed and the page says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum

from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.subsidies import MEASURES, measure_name, parameters

from ..models import Application, Deferral, TrackingRecord
from . import params

AWARDED = (Application.Status.DECIDED, Application.Status.PAID)


@dataclass
class Line:
    label: str
    decided_count: int = 0
    decided_fen: int = 0
    paid_count: int = 0
    paid_fen: int = 0
    applications: int = 0


@dataclass
class Progress:
    by_measure: list[Line]
    by_payer: list[Line]
    by_month: list[tuple[str, int, int]]  # (YYYY-MM, decided fen, paid fen)
    direct_days: int | None
    direct_paid: int  # payments within the period
    paid_total: int
    direct_message: str
    deferral_units: int
    deferral_months: int
    deferral_fen: int
    tracking: list[tuple[int, str, int]] = field(default_factory=list)  # (measure, title, records)

    @property
    def direct_share(self) -> str:
        if self.direct_days is None or not self.paid_total:
            return "—"
        return f"{self.direct_paid * 100 / self.paid_total:.1f}%"


def _lines(key: str, labels: dict[Any, str]) -> list[Line]:
    rows = (
        Application.objects.values(key)
        .annotate(
            n=Count("id"),
            dn=Count("id", filter=Q(status__in=AWARDED)),
            df=Sum("payable_fen", filter=Q(status__in=AWARDED)),
            pn=Count("id", filter=Q(status=Application.Status.PAID)),
            pf=Sum("payable_fen", filter=Q(status=Application.Status.PAID)),
        )
        .order_by(key)
    )
    return [
        Line(labels.get(r[key], str(r[key])), r["dn"], r["df"] or 0, r["pn"], r["pf"] or 0, r["n"])
        for r in rows
    ]


def progress(on: dt.date) -> Progress:
    tree = parameters()
    titles = {m: f"{measure_name(m)} {tree.get(f'm{m:02d}.title', on)}" for m in MEASURES}
    by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for decided_on, fen in Application.objects.filter(status__in=AWARDED).values_list(
        "decided_on", "payable_fen"
    ):
        by_month[f"{decided_on:%Y-%m}"][0] += fen or 0
    paid = list(
        Application.objects.filter(status=Application.Status.PAID).values_list(
            "paid_on", "received_on", "payable_fen"
        )
    )
    for paid_on, _received, fen in paid:
        by_month[f"{paid_on:%Y-%m}"][1] += fen or 0
    try:
        days: int | None = int(params.configured_value("procedure.direct_payment_days", on))
        message = f"自受理之日起{days}日内支付的占已支付笔数的比例"
    except ParameterNotSet:
        days, message = (
            None,
            "“直达快享”期限（procedure.direct_payment_days）尚未录入：文件未规定天数，请市发改委录入后统计。",
        )
    direct = sum(1 for p, r, _ in paid if days is not None and p is not None and (p - r).days <= days)
    deferred = Deferral.objects.filter(deferred=True)
    tracked = dict(
        TrackingRecord.objects.values_list("measure").annotate(n=Count("id")).values_list("measure", "n")
    )
    tracking = [
        (m, titles[m], tracked.get(m, 0))
        for m in MEASURES
        if tree.get(f"m{m:02d}.kind", on) == "tracking" or f"m{m:02d}.tracking" in tree
    ]
    return Progress(
        by_measure=_lines("measure", titles),
        by_payer=_lines("payer", {}),
        by_month=sorted((k, v[0], v[1]) for k, v in by_month.items()),
        direct_days=days,
        direct_paid=direct,
        paid_total=len(paid),
        direct_message=message,
        deferral_units=deferred.values("unit_id").distinct().count(),
        deferral_months=deferred.count(),
        deferral_fen=deferred.aggregate(s=Sum("contribution_fen"))["s"] or 0,
        tracking=tracking,
    )
