"""Plans (第六条, 第七条, 第九条, 附件1): the unit's request, the year's issuance (statistic and quota methods, the
coefficient of the cases in effect, the 增减量 findings) and the plans a clerk sets for new units."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from ezhou_platform.common import bulk, clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import engine, periods
from ezhou_platform.procedures.machine import APPLICANT
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.periods import Deadline
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import deadlines, limits
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume

from .. import steps
from ..models import CoefficientEvent, MeterReading, Method, PlanRequest, WaterUnit, YearlyPlan
from .common import DOC, WATER, _snap, among, cite, quota_entries, take
from .findings import _findings, _findings_json, _findings_text
from .supplements import construction_deductions

NEEDS_CLERK = "正常用水未满1年，由经办人员核定计划（附件1 二（二）4）"


def file_plan_request(
    unit: WaterUnit, plan_year: int, requested_m3x100: int, filed_on: dt.date, *, actor: Any, note: str = ""
) -> PlanRequest:
    """第六条: by 12-31 for next year; a new unit within the 30 days before it starts using water."""
    today = clock.today()
    limits.check_year(plan_year, field="plan_year", today=today)
    limits.check_date(filed_on, field="filed_on", today=today)
    counted: Deadline | None = None
    if unit.normal_use_started and unit.normal_use_started.year == plan_year:
        first, due = deadlines.new_unit_request_window(unit.normal_use_started)
        if filed_on > due:
            raise WaterPlanError(
                "plan_request_late",
                f"申请日期：新增用水单位应在用水前30日内（{cn_date(first)}至{cn_date(due)}）"
                "提出本年度用水计划申请（第六条）。",
                field="filed_on",
            )
    else:
        counted = deadlines.plan_request_due(plan_year, platform_calendar())
        due = counted.due
        if filed_on > due:
            raise WaterPlanError(
                "plan_request_late",
                f"申请日期：{plan_year}年度用水计划申请应于{cn_date(due)}前提出（第六条）。",
                field="filed_on",
            )
    if requested_m3x100 < 0:
        raise WaterPlanError("volume_negative", "申请水量：不能为负数。", field="requested_volume")
    if YearlyPlan.objects.filter(unit=unit, year=plan_year).exists():
        raise WaterPlanError(
            "plan_request_after_issue",
            f"计划年度：{unit.name}的{plan_year}年度用水计划已下达；需要增加的按第十条提出调整申请。",
            field="plan_year",
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                req = PlanRequest.objects.create(
                    unit=unit,
                    plan_year=plan_year,
                    filed_on=filed_on,
                    due_on=due,
                    requested_m3x100=requested_m3x100,
                    note=note,
                )
        except IntegrityError:
            raise WaterPlanError(
                "plan_request_duplicate", f"{plan_year}年度的用水计划申请已提出过。", field="plan_year"
            ) from None
        case = engine.start(
            req,
            actor=actor,
            on=filed_on,
            label="提出用水计划申请",
            cites=cite("第六条"),
            opens=[steps.PLAN_ISSUE],
        )
        if counted is not None:
            # the unit's own period to file, answered by this filing
            periods.track(
                req,
                "due_on",
                counted,
                label="计划申请截止日",
                citation=cite("第六条"),
                department=WATER,
                case=case,
                party=APPLICANT,
            )
            periods.close(req, "due_on", filed_on)
        record(
            "water_plan.plan_request.file",
            actor=actor,
            obj=req,
            after=_snap(req, ["plan_year", "filed_on", "due_on", "requested_m3x100"]),
            label="提出用水计划申请",
            citation=f"{DOC} 第六条",
        )
    return req


# -- computing and issuing plans (第七条, 第九条, 附件1) ---------------------------------------------------


def _history(unit_ids: list[int], plan_year: int) -> dict[int, list[int]]:
    """Actual use of Y-3, Y-2, Y-1 per unit, as the assessment counts it (第十四条, 附件2 （三））: the supplier's
    volumes of the unit's accounts less the construction water deducted those years (approved requests, months
    reported on time). Accounts flagged as construction meters are sub-meters behind the main meter: their
    water is already in the supplier's volume and is not added (W6)."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    # One sum per year as a date range over the period column: grouping by ExtractYear would call SQLite's
    # date function once for each of the ~36 readings per unit.
    years = {
        f"y{k}": Sum(
            "volume_m3x100",
            filter=Q(
                period__gte=dt.date(plan_year - 3 + k, 1, 1), period__lt=dt.date(plan_year - 2 + k, 1, 1)
            ),
        )
        for k in range(3)
    }
    qs = (
        MeterReading.objects.filter(
            among("account__unit_id", unit_ids),
            kind=MeterReading.Kind.MONTHLY,
            account__construction_meter=False,
            period__gte=dt.date(plan_year - 3, 1, 1),
            period__lt=dt.date(plan_year, 1, 1),
        )
        .values("account__unit_id")
        .annotate(**years)
    )
    for values in qs:
        row: dict[str, Any] = dict(values)  # the sums are annotated by name above
        for k in range(3):
            if row[f"y{k}"] is not None:
                out[row["account__unit_id"]][k] += int(row[f"y{k}"])
    deducted = construction_deductions(unit_ids, range(plan_year - 3, plan_year))
    for (unit_id, year), volume in deducted.items():
        out[unit_id][year - plan_year + 3] -= volume
    return {k: [max(x, 0) for x in v] for k, v in out.items()}


def _events(unit_ids: list[int]) -> dict[int, list[plan_rules.CoefficientEvent]]:
    """The coefficient cases in effect (confirmed by a second person, W23) per unit."""
    out: dict[int, list[plan_rules.CoefficientEvent]] = defaultdict(list)
    for unit_id, kind, on, until, evidence in (
        CoefficientEvent.objects.filter(among("unit_id", unit_ids), status=CoefficientEvent.Status.APPLIED)
        .order_by("pk")
        .values_list("unit_id", "kind", "on", "until", "evidence")
    ):
        out[unit_id].append(plan_rules.CoefficientEvent(kind, on, until, evidence))
    return out


def _events_from_json(rows: list[dict[str, Any]]) -> list[plan_rules.CoefficientEvent]:
    return [
        plan_rules.CoefficientEvent(
            e["kind"],
            dt.date.fromisoformat(e["on"]),
            dt.date.fromisoformat(e["until"]) if e.get("until") else None,
            e.get("evidence", ""),
        )
        for e in rows
    ]


def compute_plan(inputs: dict[str, Any], plan_year: int, trace: Trace | None = None) -> int:
    """Recompute (and explain) a plan from its stored inputs: the explanation a unit sees."""
    trace = trace or Trace(enabled=False)
    coef = plan_rules.coefficient(_events_from_json(inputs.get("events", [])), plan_year, trace=trace)
    for f in inputs.get("findings", []):
        delta = int(f["delta_m3x100"])
        trace.step(
            "plan_finding",
            f["citation"],
            {"basis": f["basis"], "reason": f["reason"]},
            format_volume(delta),
            f"认定的增减量{'+' if delta > 0 else ''}{format_volume(delta)}立方米（{f['citation']}）：{f['reason']}。",
        )
    if inputs["method"] == Method.STATISTIC:
        return int(
            plan_rules.statistic_plan(
                [inputs["history"]],
                [inputs["years"]],
                [coef],
                [inputs.get("adjustment", 0)],
                plan_year,
                trace=trace,
            )[0]
        )
    if inputs["method"] == Method.QUOTA:
        return int(
            plan_rules.quota_plan(
                [Fraction(inputs["quantity"])],
                [Fraction(inputs["quota"])],
                [coef],
                [inputs.get("adjustment", 0)],
                trace=trace,
                indicator=inputs["indicator"],
                unit=inputs["quota_unit"],
            )[0]
        )
    return plan_rules.clerk_set_plan(inputs["volume"], inputs["basis"], inputs["reason"], trace=trace)


class _Unit(NamedTuple):
    """The columns of a unit the issuance reads (not a model instance)."""

    pk: int
    name: str
    method: str
    normal_use_started: dt.date | None
    quota_indicator: str
    quota_unit: str
    quota_quantity: Decimal | None


@dataclass
class IssueReport:
    issued: int = 0
    already: int = 0
    needs_clerk: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # (unit id, unit name, why) of every unit not issued, for a job's errors file
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)


def units_to_issue(plan_year: int) -> tuple[list[int], int]:
    """(active units without a plan for the year, in order; how many already have one)."""
    all_ids = list(WaterUnit.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
    done = set(YearlyPlan.objects.filter(year=plan_year).values_list("unit_id", flat=True))
    todo = [u for u in all_ids if u not in done]
    return todo, len(all_ids) - len(todo)


def issue_plans(
    plan_year: int,
    *,
    actor: Any,
    issued_on: dt.date,
    chunk: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> IssueReport:
    """第九条: the plans of all units for the year. Idempotent and resumable: units that already have a plan
    are skipped, and each chunk commits on its own (one audit record per chunk lists its plans). The job
    ``water_plan.plans.issue`` runs the same chunks as units of work."""
    check_issue_date(plan_year, issued_on)
    todo, already = units_to_issue(plan_year)
    report = IssueReport(already=already)
    quotas = quota_entries()
    for start in range(0, len(todo), chunk):
        with transaction.atomic():
            issue_chunk(
                todo[start : start + chunk],
                plan_year,
                actor=actor,
                issued_on=issued_on,
                report=report,
                quotas=quotas,
            )
        if progress:
            progress(min(start + chunk, len(todo)), len(todo))
    return report


def issue_chunk(
    ids: list[int],
    plan_year: int,
    *,
    actor: Any,
    issued_on: dt.date,
    report: IssueReport,
    quotas: list[plan_rules.QuotaEntry] | None = None,
) -> int:
    """Issue the plans of the units ``ids`` (one unit of work, in the caller's transaction): the statistic
    method vectorised over the chunk, the quota method unit by unit; the units' pending plan requests
    (第六条) are answered. Returns how many plans were issued; the others are in ``report``."""
    if not ids:
        return 0
    quotas = quota_entries() if quotas is None else quotas
    first_day = dt.date(plan_year, 1, 1)
    # the columns the rules read, not model instances
    units = [
        _Unit(*row)
        for row in WaterUnit.objects.filter(among("pk", ids)).order_by("pk").values_list(*_Unit._fields)
    ]
    history = _history(ids, plan_year)
    events = _events(ids)
    findings = _findings(ids, plan_year)
    adjust = {k: sum(f.delta_m3x100 for f in v) for k, v in findings.items()}
    stat = [u for u in units if u.method == Method.STATISTIC]
    rows: list[dict[str, Any]] = []
    # 统计法, vectorised over the chunk
    years = np.array(
        [
            plan_rules.normal_use_years(u.normal_use_started, plan_year) if u.normal_use_started else 0
            for u in stat
        ],
        dtype=np.int64,
    )
    ok = years >= 1
    for u in (u for u, good in zip(stat, ok, strict=True) if not good):
        report.needs_clerk.append(u.name)
        report.problems.append((u.pk, u.name, NEEDS_CLERK, "needs_clerk"))
    stat_ok = [u for u, good in zip(stat, ok, strict=True) if good]
    if stat_ok:
        # a unit without a case in effect has the coefficient of no cases: computed once, not per unit
        none = plan_rules.coefficient([], plan_year)
        coefs = np.array(
            [plan_rules.coefficient(events[u.pk], plan_year) if u.pk in events else none for u in stat_ok]
        )
        hist = np.array([history.get(u.pk, [0, 0, 0]) for u in stat_ok], dtype=np.int64)
        adjs = np.array([adjust.get(u.pk, 0) for u in stat_ok], dtype=np.int64)
        try:
            vols = plan_rules.statistic_plan(hist, years[ok], coefs, adjs, plan_year)
        except WaterPlanError:
            # a 增减量 larger than a unit's plan: find the units, report them, issue the rest
            keep = []
            for i, u in enumerate(stat_ok):
                try:
                    plan_rules.statistic_plan(
                        hist[i : i + 1], years[ok][i : i + 1], coefs[i], adjs[i], plan_year
                    )
                    keep.append(i)
                except WaterPlanError as exc:
                    report.failed.append((u.name, exc.message))
                    report.problems.append((u.pk, u.name, exc.message, exc.code))
            stat_ok = [stat_ok[i] for i in keep]
            hist, coefs, adjs = hist[keep], coefs[keep], adjs[keep]
            ok_years = years[ok][keep]
            vols = plan_rules.statistic_plan(hist, ok_years, coefs, adjs, plan_year)
        else:
            ok_years = years[ok]
        for u, h, y, c, a, v in zip(stat_ok, hist, ok_years, coefs, adjs, vols, strict=True):
            rows.append(
                {
                    "unit_id": u.pk,
                    "method": Method.STATISTIC.value,
                    "volume_m3x100": int(v),
                    "coefficient_pct": int(c),
                    "explanation": f"统计法（正常用水{int(y)}年），增减系数{int(c) / 100:+g}"
                    + _findings_text(findings.get(u.pk, [])),
                    "inputs": {
                        "method": "statistic",
                        "history": [int(x) for x in h],
                        "years": int(y),
                        "adjustment": int(a),
                        "events": _events_json(events.get(u.pk, [])),
                        "findings": _findings_json(findings.get(u.pk, [])),
                    },
                }
            )
    for u in (u for u in units if u.method == Method.QUOTA):
        try:
            entry = plan_rules.find_quota(quotas, u.quota_indicator, u.quota_unit, first_day)
            if u.quota_quantity is None:
                raise WaterPlanError(
                    "quota_quantity_missing",
                    "定额法须填写考核指标数量（附件1 一），该单位未填写，定额法无法计算。",
                    field="quota_quantity",
                )
            c = plan_rules.coefficient(events.get(u.pk, []), plan_year)
            v = plan_rules.quota_plan(
                [Fraction(u.quota_quantity)], [entry.value], [c], [adjust.get(u.pk, 0)]
            )[0]
        except WaterPlanError as exc:
            report.failed.append((u.name, exc.message))
            report.problems.append((u.pk, u.name, exc.message, exc.code))
            continue
        rows.append(
            {
                "unit_id": u.pk,
                "method": Method.QUOTA.value,
                "volume_m3x100": int(v),
                "coefficient_pct": c,
                "explanation": f"定额法（{u.quota_indicator} {entry.value}{u.quota_unit}，来源：{entry.source}），"
                f"增减系数{c / 100:+g}" + _findings_text(findings.get(u.pk, [])),
                "inputs": {
                    "method": "quota",
                    "quantity": str(u.quota_quantity),
                    "quota": str(entry.value),
                    "indicator": u.quota_indicator,
                    "quota_unit": u.quota_unit,
                    "adjustment": adjust.get(u.pk, 0),
                    "events": _events_json(events.get(u.pk, [])),
                    "findings": _findings_json(findings.get(u.pk, [])),
                },
            }
        )
    # One executemany of prepared columns, no YearlyPlan instances; a plan another run wrote meanwhile is kept
    # (ON CONFLICT DO NOTHING, as bulk_create's ignore_conflicts did).
    bulk.insert(
        YearlyPlan,
        len(rows),
        {
            # ints and text go to the database as they are; the JSON is prepared by its field
            **{
                name: [r[name] for r in rows]
                for name in ("unit_id", "method", "volume_m3x100", "coefficient_pct", "explanation")
            },
            "inputs": bulk.db_values(YearlyPlan, "inputs", [r["inputs"] for r in rows]),
        },
        same={"year": plan_year, "issued_on": issued_on, "issued_by_id": actor.pk},
        ignore_conflicts=True,
    )
    record(
        "water_plan.plan.issue_batch",
        actor=actor,
        object_type="water_plan.yearlyplan",
        object_id=f"{plan_year}:{ids[0]}-{ids[-1]}",
        after={"year": plan_year, "units": len(rows), "first_unit": ids[0], "last_unit": ids[-1]},
        label=f"下达{plan_year}年度用水计划指标",
        citation=f"{DOC} 第九条第一款",
    )
    _answer_requests([r["unit_id"] for r in rows], plan_year, actor=actor, on=issued_on)
    report.issued += len(rows)
    return len(rows)


def _answer_requests(unit_ids: list[int], plan_year: int, *, actor: Any, on: dt.date) -> None:
    """The plan requests (第六条) of units whose plan was just issued: answered (第九条)."""
    for req in PlanRequest.objects.filter(
        among("unit_id", unit_ids), plan_year=plan_year, status=PlanRequest.Status.RECEIVED
    ).select_related("unit"):
        take(req, "issue", actor=actor, on=on)


def check_issue_date(plan_year: int, issued_on: dt.date) -> None:
    """A plan is issued in the year before its plan year or during it (第六条, 第九条), on a day that has come."""
    today = clock.today()
    limits.check_year(plan_year, field="plan_year", today=today)
    limits.check_date(
        issued_on,
        field="issued_on",
        today=today,
        not_after=dt.date(plan_year, 12, 31),
        not_after_why=f"{plan_year}年度结束",
    )
    if issued_on.year < plan_year - 1:
        raise WaterPlanError(
            "issue_date_early",
            f"下达日期：{cn_date(issued_on)}早于{plan_year - 1}年，{plan_year}年度计划按上一年度12月31日前的申请核定"
            "（第六条、第九条）。",
            field="issued_on",
        )


def _events_json(events: list[plan_rules.CoefficientEvent]) -> list[dict[str, Any]]:
    return [
        {
            "kind": e.kind,
            "on": e.on.isoformat(),
            "until": e.until.isoformat() if e.until else None,
            "evidence": e.evidence,
        }
        for e in events
    ]


def issue_clerk_set_plan(
    unit: WaterUnit,
    plan_year: int,
    volume_m3x100: int,
    basis: str,
    reason: str,
    *,
    actor: Any,
    issued_on: dt.date,
) -> YearlyPlan:
    """附件1 二（二）4: a new unit or one under a year of normal use; the reason is recorded."""
    check_issue_date(plan_year, issued_on)
    plan_rules.clerk_set_plan(volume_m3x100, basis, reason)
    with transaction.atomic():
        if YearlyPlan.objects.filter(unit=unit, year=plan_year).exists():
            raise WaterPlanError(
                "plan_exists",
                f"{unit.name}的{plan_year}年度计划已下达；变更须走调整程序（第十条）。",
                field="plan_year",
            )
        p = YearlyPlan.objects.create(
            unit=unit,
            year=plan_year,
            method="clerk_set",
            volume_m3x100=volume_m3x100,
            explanation=f"经办人员核定（{plan_rules.CLERK_SET_BASES[basis]}）：{reason}",
            inputs={"method": "clerk_set", "volume": volume_m3x100, "basis": basis, "reason": reason},
            issued_on=issued_on,
            issued_by=actor,
        )
        record(
            "water_plan.plan.issue",
            actor=actor,
            obj=p,
            after=_snap(p, ["year", "method", "volume_m3x100"]),
            label="核定并下达用水计划（未满1年）",
            citation=f"{DOC} 附件1 二（二）4",
        )
        _answer_requests([unit.pk], plan_year, actor=actor, on=issued_on)
    return p
