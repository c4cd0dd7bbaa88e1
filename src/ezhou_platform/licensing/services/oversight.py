"""Oversight figures for the 法治政府建设考评 (第二部分 四（四）): per item, department and district, from the
cases as they stand on a day — the rules' ``oversight_metrics`` over columns read from the database."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
from django.db.models import Count

from ezhou_rules.licensing.metrics import MetricTable, oversight_metrics

from ..models import Application, MaterialItem


def columns(on: dt.date, year: int | None = None) -> dict[str, Any]:
    """One row per application filed up to ``on`` (in ``year`` if given)."""
    apps = Application.objects.filter(filed_on__lte=on)
    if year:
        apps = apps.filter(filed_on__year=year)
    rows = list(
        apps.values_list(
            "id",
            "item_code",
            "department__name",
            "jurisdiction__name",
            "route",
            "status",
            "decided_on",
            "received_on",
            "verified_on",
        )
    )
    orders = Counter(dict(apps.annotate(n=Count("orders")).values_list("id", "n")))
    expected: dict[int, bool] = {}
    on_time: dict[int, bool] = {}
    mats = MaterialItem.objects.filter(
        application__in=apps, timing="after_decision", due__isnull=False, due__lt=on
    )
    for app_id, due, state, first_sub in mats.values_list(
        "application_id", "due", "state", "submissions__submitted_on"
    ):
        expected[app_id] = True
        ok = state == "conforming" and first_sub is not None and due is not None and first_sub <= due
        on_time[app_id] = on_time.get(app_id, True) and ok
    decided = [r[6] is not None and r[5] not in ("refused", "withdrawn") for r in rows]
    return {
        "item": np.array([r[1] for r in rows], dtype=str),
        "department": np.array([r[2] for r in rows], dtype=str),
        "district": np.array([r[3] or "市级" for r in rows], dtype=str),
        "route": np.array([r[4] for r in rows], dtype=str),
        "decided": np.array(decided, dtype=bool),
        "on_the_spot": np.array([r[6] is not None and r[6] == r[7] for r in rows], dtype=bool),
        "materials_expected": np.array([expected.get(r[0], False) for r in rows], dtype=bool),
        "materials_on_time": np.array([on_time.get(r[0], False) for r in rows], dtype=bool),
        "verified": np.array([r[8] is not None for r in rows], dtype=bool),
        "revoked": np.array([r[5] == "revoked" for r in rows], dtype=bool),
        "rectifications": np.array([orders.get(r[0], 0) for r in rows], dtype=np.int64),
    }


def table(on: dt.date, by: tuple[str, ...], year: int | None = None) -> MetricTable:
    return oversight_metrics(columns(on, year), by=by)
