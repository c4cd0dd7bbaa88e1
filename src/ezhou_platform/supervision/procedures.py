"""The supervision system's procedures on the platform's layer.

- ``supervision.report``: a unit's progress or completion report, confirmed or returned by the plan's
  supervising department (市教育局 for 15号, 市邮政管理局 for 28号), each step citing the plan's article — one
  procedure for every plan, the department and the article taken from the record's plan.
- ``supervision.site``: a delivery site of 28号 through its dated states (规划, 在建, 运营, 暂停, 撤销), each
  step citing the article of its level (二（一）–（三）).
"""

from __future__ import annotations

from typing import Any

from ezhou_platform.procedures.machine import Procedure, register
from ezhou_rules.supervision.rural_delivery import DOCUMENT as RD_DOCUMENT

from .models import Report, Site

LEVEL_CITES = {"district": "二（一）", "township": "二（二）", "village": "二（三）"}


def _report_title(r: Report) -> str:
    return f"{r.unit.name}报送{r.item.label}{r.get_kind_display()}"[:200]


REPORT = register(
    Procedure(
        slug="supervision.report",
        label="任务进展完成情况报送",
        model=Report,
        department="supervision_office",
        document="鄂州政发〔2022〕15号",
        path=(("submitted", "待确认"), ("accepted", "已确认")),
        endings=(("returned", "已退回"),),
        title=_report_title,
        url=lambda r: r.get_absolute_url(),
        department_of=lambda r: r.plan.department.code,
        cites_of=lambda r, st: r.plan.supervision_cite,
    )
)


def _site_cite(site: Any, st: Any) -> str:
    return f"{RD_DOCUMENT} {LEVEL_CITES[site.level]}"


SITE = register(
    Procedure(
        slug="supervision.site",
        label="寄递物流站点",
        model=Site,
        department="postal",
        document=RD_DOCUMENT,
        # 暂停 is not an end (a suspended site may resume); only 撤销 closes the case.
        path=(("planned", "规划"), ("building", "在建"), ("operating", "运营"), ("closed", "撤销")),
        title=lambda s: f"{s.name}（{s.get_level_display()}）"[:200],
        url=lambda s: s.get_absolute_url(),
        department_of=lambda s: s.plan.department.code,
        cites_of=_site_cite,
    )
)
