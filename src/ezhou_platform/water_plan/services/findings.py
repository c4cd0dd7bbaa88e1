"""What changes plans besides the requests: the 增减量 of 第八条 and 附件1 recorded before issuance, and the
proportional cut of 第十一条 in a water shortage."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.water_plan import limits
from ezhou_rules.water_plan import settlement as settlement_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume

from ..models import PlanChange, PlanFinding, ShortageCut, WaterUnit, YearlyPlan
from .common import DOC, _snap, among

FINDING_CITATIONS = {
    PlanFinding.Basis.ART8_ITEM1: f"{DOC} 第八条第（一）项",
    PlanFinding.Basis.ART8_ITEM2: f"{DOC} 第八条第（二）项",
    PlanFinding.Basis.ANNEX1: f"{DOC} 附件1 二",
}


def record_plan_finding(
    unit: WaterUnit,
    year: int,
    basis: str,
    delta_m3x100: int,
    reason: str,
    evidence: str,
    *,
    actor: Any,
) -> PlanFinding:
    """The ± 增减量 of one unit's plan for a year, applied by issue_plans: 第八条第（一）（二）项 reduce only
    (negative), 附件1 either way. Refused once the year's plan is issued (a later change is 第十条/第十一条)."""
    limits.check_year(year, field="year", today=clock.today())
    if basis not in PlanFinding.Basis.values:
        raise WaterPlanError(
            "finding_basis", "依据应为第八条第（一）项、第八条第（二）项或附件1 增减量。", field="basis"
        )
    if delta_m3x100 == 0:
        raise WaterPlanError("finding_zero", "增减量不能为0（附件1）。", field="delta")
    if basis != PlanFinding.Basis.ANNEX1 and delta_m3x100 > 0:
        raise WaterPlanError(
            "finding_sign",
            f"{PlanFinding.Basis(basis).label}：第八条规定的是核减，增减量应为负数。",
            field="delta",
        )
    if not reason.strip():
        raise WaterPlanError("finding_reason", "须写明认定理由（第八条、附件1）。", field="reason")
    if not evidence.strip():
        raise WaterPlanError("evidence_missing", "须写明证明材料（第八条、附件1）。", field="evidence")
    if YearlyPlan.objects.filter(unit=unit, year=year).exists():
        raise WaterPlanError(
            "finding_after_issue",
            f"{year}年度用水计划已下达，增减量须在下达前认定；下达后的变化按第十条调整或第十一条下调办理。",
            field="year",
        )
    if PlanFinding.objects.filter(unit=unit, year=year, basis=basis).exists():
        raise WaterPlanError(
            "finding_duplicate", f"该单位{year}年度已有同一依据的增减量认定。", field="basis"
        )
    with transaction.atomic():
        f = PlanFinding.objects.create(
            unit=unit,
            year=year,
            basis=basis,
            delta_m3x100=delta_m3x100,
            reason=reason[:300],
            evidence=evidence[:200],
            recorded_by=actor,
        )
        record(
            "water_plan.finding.record",
            actor=actor,
            obj=f,
            after=_snap(f, ["year", "basis", "delta_m3x100", "reason", "evidence"]),
            label=f"认定{year}年度用水计划增减量",
            citation=FINDING_CITATIONS[PlanFinding.Basis(basis)],
        )
    return f


def _findings(unit_ids: list[int], year: int) -> dict[int, list[PlanFinding]]:
    out: dict[int, list[PlanFinding]] = defaultdict(list)
    for f in PlanFinding.objects.filter(among("unit_id", unit_ids), year=year).order_by("basis"):
        out[f.unit_id].append(f)
    return out


def _findings_text(findings: list[PlanFinding]) -> str:
    """The explanation's part naming each 增减量 and its citation."""
    if not findings:
        return ""
    parts = [
        f"{format_volume(f.delta_m3x100) if f.delta_m3x100 < 0 else '+' + format_volume(f.delta_m3x100)}立方米"
        f"（{FINDING_CITATIONS[PlanFinding.Basis(f.basis)]}：{f.reason}）"
        for f in findings
    ]
    return "；增减量" + "、".join(parts)


def _findings_json(findings: list[PlanFinding]) -> list[dict[str, Any]]:
    return [
        {
            "basis": f.basis,
            "delta_m3x100": f.delta_m3x100,
            "reason": f.reason,
            "citation": FINDING_CITATIONS[PlanFinding.Basis(f.basis)],
        }
        for f in findings
    ]


# -- 第十一条 --------------------------------------------------------------------------------------------


def _percent_decimal(percent: Fraction) -> Decimal:
    scaled = percent * 10_000  # hundredths of a percent
    if scaled.denominator != 1:
        raise WaterPlanError("cut_percent", "下调比例最多精确到0.01%（第十一条）。", field="percent")
    return Decimal(int(scaled)) / 100


def apply_shortage_cut(
    year: int, percent: Fraction, start: dt.date, end: dt.date, reason: str, *, actor: Any, on: dt.date
) -> ShortageCut:
    """第十一条: cut every unit's plan by `percent` for the period; one PlanChange per plan, recorded."""
    today = clock.today()
    limits.check_year(year, field="year", today=today)
    limits.check_date(on, field="on", label="决定日期", today=today)
    if not reason.strip():
        raise WaterPlanError("cut_reason", "理由：须写明水资源紧缺的情况（第十一条）。", field="reason")
    if start.year != year:
        raise WaterPlanError("cut_period", "开始日期：下调期间应在该年度内（第十一条）。", field="start")
    plans = list(YearlyPlan.objects.filter(year=year).order_by("pk"))
    cuts = settlement_rules.proportional_cut([p.volume_m3x100 for p in plans] or [0], percent, start, end)
    with transaction.atomic():
        cut = ShortageCut.objects.create(
            year=year,
            percent=_percent_decimal(percent),
            start=start,
            end=end,
            reason=reason,
            created_by=actor,
        )
        PlanChange.objects.bulk_create(
            [
                PlanChange(
                    plan=p,
                    kind=PlanChange.Kind.CUT,
                    delta_m3x100=-int(c),
                    reason=f"按比例下调：{reason}",
                    citation=f"{DOC} 第十一条",
                    decided_on=on,
                    decided_by=actor,
                    source_id=cut.pk,
                )
                for p, c in zip(plans, cuts, strict=False)
            ]
        )
        record(
            "water_plan.shortage_cut.apply",
            actor=actor,
            obj=cut,
            after={
                "year": year,
                "percent": str(percent * 100),
                "start": start.isoformat(),
                "end": end.isoformat(),
                "plans": len(plans),
            },
            label="水资源紧缺时按比例下调用水计划",
            citation=f"{DOC} 第十一条",
        )
    return cut
