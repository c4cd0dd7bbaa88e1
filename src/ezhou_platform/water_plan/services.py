"""Procedures of 计划用水管理 (鄂州政办发〔2022〕15号): every write is here, atomic and audited.

State machines (each transition's article and deadline in its function's docstring):

    AdjustmentRequest  received ──verify──▶ verified ──approve──▶ approved     (第十条: 5 / 次月前10个工作日)
                           └──────────────────┴──refuse (第十三条)──▶ refused
    SupplementRequest  received ──approve──▶ approved | ──refuse──▶ refused     (第十二条: 5个工作日)
    SurchargeNotice    issued ──pay──▶ paid | ──appeal upheld──▶ superseded (+ new version issued)
                          └──2nd reminder unpaid──▶ credit_listed                (第十五条, 第十六条)
    Appeal             received ──decide──▶ upheld | rejected                   (第十五条: 8个工作日)
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import numpy as np
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import fields_snapshot, record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.parameters import configured
from ezhou_platform.procedures import periods
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.core.periods import Deadline
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import cite, deadlines, limits, parameters, supplement_requests
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan import settlement as settlement_rules
from ezhou_rules.water_plan import supplements as supplement_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume, parse_volume

from .models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    CollectionReminder,
    ConstructionReport,
    EvidenceFile,
    ImportBatch,
    MeterReading,
    Method,
    PlanChange,
    PlanFinding,
    PlanRequest,
    QuotaEntry,
    ShortageCut,
    Status,
    SupplementRequest,
    SupplierAccount,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)

DOC = "鄂州政办发〔2022〕15号"

REFUSAL_CASES = {  # 第十三条
    1: "水的重复利用率未达到国家有关规定",
    2: "实际用水超过行业综合用水定额或单位用水定额",
    3: "使用间接冷却水的单位，间接冷却水循环率低于百分之九十五",
    4: "单位用水设备、卫生洁具设备漏失率高于百分之二",
    5: "未按规定开展节水评估或水平衡测试工作",
    6: "明知内部管网漏损未及时采取有效措施",
    7: "拖欠超计划用水加价水费",
}


WATER_DEPARTMENT = "water"


def _track(obj: Any, field: str, deadline: Deadline, label: str, place: str) -> None:
    """Store how a deadline of this document was counted (so a 暂定 date is recounted when its year is entered)."""
    periods.track(obj, field, deadline, label=label, citation=f"{DOC} {place}", department=WATER_DEPARTMENT)


def expiry_warning(day: dt.date) -> str:
    """第十九条: 15号 is valid for 5 years (to 2027-07-10); a rule applied after that says so (W18)."""
    return parameters().expiry_warning(day)


def rules_parameters() -> ParameterTree:
    """The YAML tree with the administrator-entered values (surcharge tiers, base price) merged in."""
    return configured(parameters())


_snap = fields_snapshot


# -- units and quota ------------------------------------------------------------------------------------


def units_for(user: Any):  # type: ignore[no-untyped-def]
    """Units an enterprise user acts for: those registered under its USCC."""
    if not getattr(user, "enterprise_uscc", ""):
        return WaterUnit.objects.none()
    return WaterUnit.objects.filter(uscc=user.enterprise_uscc)


def quota_entries() -> list[plan_rules.QuotaEntry]:
    return [
        plan_rules.QuotaEntry(q.indicator, q.unit, Fraction(q.value), q.valid_from, q.source)
        for q in QuotaEntry.objects.all()
    ]


def record_coefficient_event(
    unit: WaterUnit,
    kind: str,
    on: dt.date,
    evidence: str,
    *,
    actor: Any,
    recorded_on: dt.date,
    until: dt.date | None = None,
) -> CoefficientEvent:
    """附件1 三 (and 第八条 findings): a dated case with its evidence; it counts for the years the rule gives.

    A case that counts for a year whose plan is already issued changes that plan at once, as a recorded plan
    change with its article and a notice to the unit (``apply_coefficient_event``; "实施当年 +0.1" of 附件1
    三（四） always happens after issuance). The changes made are on ``event.plan_changes``, the years left
    alone (already settled) with the reason on ``event.not_applied``."""
    today = clock.today()
    limits.check_date(recorded_on, field="recorded_on", label="记录日期", today=today)
    limits.check_date(
        on,
        field="on",
        label="发生（完成、备案、认定）日期",
        today=today,
        not_after=recorded_on,
        not_after_why="记录日期",
        # a case before the document may still count for a plan year under it (W3, W19): checked below
        not_before=dt.date.min,
    )
    first, last = plan_rules.applicable_years(plan_rules.CoefficientEvent(kind, on, until))
    if last < limits.document_start().year:
        raise WaterPlanError(
            "coefficient_before_document",
            f"发生（完成、备案、认定）日期：该情形只计入{first}年至{last}年，均早于本细则施行（第十九条），不予记录。",
            field="on",
        )
    if not evidence.strip():
        raise WaterPlanError("evidence_missing", "证明材料：须写明证明材料（附件1 三）。", field="evidence")
    case = plan_rules.COEFFICIENT_CASES[kind]
    with transaction.atomic():
        ev = CoefficientEvent.objects.create(
            unit=unit, kind=kind, on=on, until=until, evidence=evidence, recorded_by=actor
        )
        record(
            "water_plan.coefficient_event.record",
            actor=actor,
            obj=ev,
            after=_snap(ev, ["kind", "on", "until", "evidence"]),
            label=f"记录增减系数情形：{case.label}",
            citation=f"{DOC} {case.place}",
        )
        changes, not_applied = apply_coefficient_event(ev, actor=actor, on=recorded_on)
    ev.plan_changes = changes  # type: ignore[attr-defined]
    ev.not_applied = not_applied  # type: ignore[attr-defined]
    return ev


def _current_coefficient(plan: YearlyPlan) -> tuple[int, int]:
    """(coefficient in force, the formula part of the plan: issued volume + earlier coefficient changes)."""
    coef_changes = list(plan.changes.filter(kind=PlanChange.Kind.COEFFICIENT).order_by("pk"))
    coef = coef_changes[-1].coefficient_pct if coef_changes else plan.coefficient_pct
    return int(coef if coef is not None else plan.coefficient_pct), plan.volume_m3x100 + sum(
        c.delta_m3x100 for c in coef_changes
    )


def apply_coefficient_event(
    ev: CoefficientEvent, *, actor: Any, on: dt.date
) -> tuple[list[PlanChange], list[tuple[int, str]]]:
    """Each issued plan of the unit for a year the case counts for is recomputed with every case recorded so
    far; a different result is a PlanChange (kind coefficient) of the difference, citing the case's article,
    with the recomputation as its trace (the 计划变更通知书). Idempotent: one change per plan and event.

    Not applied: a clerk-set plan (附件1 二（二）4 applies no coefficient, W2) and a year already assessed
    (its notice is corrected through an appeal, 第十五条)."""
    first, last = plan_rules.applicable_years(plan_rules.CoefficientEvent(ev.kind, ev.on, ev.until))
    case = plan_rules.COEFFICIENT_CASES[ev.kind]
    events = _events_json(_events([ev.unit_id]).get(ev.unit_id, []))
    changes: list[PlanChange] = []
    not_applied: list[tuple[int, str]] = []
    plans = YearlyPlan.objects.filter(unit_id=ev.unit_id, year__gte=first, year__lte=last).order_by("year")
    for plan in plans.select_for_update():
        if plan.method not in (Method.STATISTIC, Method.QUOTA):
            not_applied.append((plan.year, "经办人员核定的计划不适用增减系数（附件1 二（二）4）"))
            continue
        if SurchargeNotice.objects.filter(unit_id=plan.unit_id, year=plan.year).exists():
            not_applied.append(
                (
                    plan.year,
                    f"{plan.year}年度已考核并开具加价收费通知单，计划不再变更；对考核结果有异议的按第十五条办理",
                )
            )
            continue
        if plan.changes.filter(kind=PlanChange.Kind.COEFFICIENT, source_id=ev.pk).exists():
            continue
        old_coef, old_formula = _current_coefficient(plan)
        trace = Trace()
        new_formula = compute_plan({**plan.inputs, "events": events}, plan.year, trace=trace)
        new_coef = plan_rules.coefficient(_events_from_json(events), plan.year)
        if new_coef == old_coef and new_formula == old_formula:
            continue  # e.g. the same case already counted this year, or a side already at ±0.3
        delta = new_formula - old_formula
        change = PlanChange.objects.create(
            plan=plan,
            kind=PlanChange.Kind.COEFFICIENT,
            delta_m3x100=delta,
            coefficient_pct=new_coef,
            reason=(
                f"{cn_date(ev.on)}{case.label}：{plan.year}年增减系数由{old_coef / 100:+.2f}变为{new_coef / 100:+.2f}，"
                f"计划{'增加' if delta >= 0 else '减少'}{format_volume(abs(delta))}立方米"
            )[:300],
            citation=f"{DOC} {case.place}",
            decided_on=on,
            decided_by=actor,
            source_id=ev.pk,
            trace=trace.to_list(),
        )
        record(
            "water_plan.plan.coefficient_change",
            actor=actor,
            obj=change,
            after=_snap(change, ["kind", "delta_m3x100", "coefficient_pct", "decided_on", "source_id"]),
            label=f"增减系数变化，变更{plan.year}年度用水计划",
            citation=f"{DOC} {case.place}",
        )
        changes.append(change)
    return changes, not_applied


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
    for f in PlanFinding.objects.filter(unit_id__in=unit_ids, year=year).order_by("basis"):
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


# -- supplier readings import (第五条) --------------------------------------------------------------------


@dataclass
class ImportResult:
    batch: ImportBatch
    already_imported: bool


def _rows_from_file(content: bytes, filename: str) -> list[dict[str, str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise WaterPlanError("file_format", f"无法读取Excel文件：{exc}", field="file") from None
        rows = list(wb.active.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip() for h in rows[0]]
        return [
            {
                h: ("" if v is None else (v.isoformat()[:10] if isinstance(v, dt.date) else str(v)))
                for h, v in zip(header, r, strict=False)
            }
            for r in rows[1:]
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WaterPlanError("file_encoding", "CSV文件应为UTF-8编码。", field="file") from None
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


REQUIRED_COLUMNS = ("account", "kind", "period", "volume")


def import_readings(content: bytes, filename: str, *, actor: Any) -> ImportResult:
    """Monthly (kind=monthly, period YYYY-MM) and daily (kind=daily, period YYYY-MM-DD) volumes per account.

    Each bad row is rejected with its reason (unknown account, negative or malformed volume, falling
    cumulative reading, duplicate); accepted rows are kept. The same file again changes nothing."""
    today = clock.today()
    digest = hashlib.sha256(content).hexdigest()
    existing = ImportBatch.objects.filter(sha256=digest).first()
    if existing:
        return ImportResult(existing, True)
    rows = _rows_from_file(content, filename)
    if rows and not set(REQUIRED_COLUMNS) <= set(rows[0]):
        raise WaterPlanError(
            "file_columns",
            f"文件缺少列：{'、'.join(c for c in REQUIRED_COLUMNS if c not in rows[0])}。",
            field="file",
        )
    accounts = {
        a.number: a for a in SupplierAccount.objects.filter(number__in={r.get("account", "") for r in rows})
    }
    rejects: list[dict[str, Any]] = []
    accepted: list[MeterReading] = []
    seen: set[tuple[int, str, dt.date]] = set()
    last_cumulative: dict[tuple[int, str], tuple[dt.date, int]] = {}
    for line, row in enumerate(rows, start=2):

        def reject(reason: str, row: dict[str, str] = row, line: int = line) -> None:
            rejects.append(
                {
                    "line": line,
                    "account": row.get("account", ""),
                    "period": row.get("period", ""),
                    "reason": reason,
                }
            )

        acct = accounts.get(row.get("account", ""))
        if acct is None:
            reject("户号不存在")
            continue
        kind = row.get("kind", "")
        if kind not in (MeterReading.Kind.MONTHLY, MeterReading.Kind.DAILY):
            reject("类别应为 monthly 或 daily")
            continue
        try:
            raw_period = row.get("period", "")
            period = (
                dt.date.fromisoformat(raw_period + "-01")
                if kind == "monthly"
                else dt.date.fromisoformat(raw_period)
            )
        except ValueError:
            reject("期间格式不正确（月：YYYY-MM；日：YYYY-MM-DD）")
            continue
        out_of_range = limits.check_reading_period(period, today=today)
        if out_of_range:
            reject(out_of_range)
            continue
        try:
            volume = parse_volume(row.get("volume", ""), field="volume", allow_negative=True)
            cumulative = (
                parse_volume(row["cumulative"], field="cumulative") if row.get("cumulative") else None
            )
        except WaterPlanError as exc:
            reject(exc.message)
            continue
        if volume < 0:
            reject("水量为负数")
            continue
        key = (acct.pk, kind, period)
        if key in seen:
            reject("文件内重复")
            continue
        seen.add(key)
        if cumulative is not None:
            prev = last_cumulative.get((acct.pk, kind))
            if prev is None:
                db_prev = (
                    MeterReading.objects.filter(
                        account=acct, kind=kind, period__lt=period, cumulative_m3x100__isnull=False
                    )
                    .order_by("-period")
                    .values_list("period", "cumulative_m3x100")
                    .first()
                )
                # cumulative_m3x100__isnull=False above: the reading's cumulative is an int
                prev = cast("tuple[dt.date, int] | None", db_prev)
            if prev is not None and prev[0] < period and cumulative < prev[1]:
                reject(f"表底数回落（上期 {format_volume(prev[1])}，本期 {format_volume(cumulative)}）")
                continue
            last_cumulative[(acct.pk, kind)] = (period, cumulative)
        accepted.append(
            MeterReading(
                account=acct, kind=kind, period=period, volume_m3x100=volume, cumulative_m3x100=cumulative
            )
        )
    existing_keys = set(
        MeterReading.objects.filter(account_id__in={r.account_id for r in accepted}).values_list(
            "account_id", "kind", "period"
        )
    )
    fresh = []
    for r in accepted:
        if (r.account_id, r.kind, r.period) in existing_keys:
            rejects.append(
                {
                    "line": None,
                    "account": r.account.number,
                    "period": r.period.isoformat(),
                    "reason": "已导入过该期间的数据（重复）",
                }
            )
        else:
            fresh.append(r)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            sha256=digest,
            filename=filename[:200],
            accepted=len(fresh),
            rejected=len(rejects),
            rejects=rejects,
            imported_by=actor,
        )
        for r in fresh:
            r.batch = batch
        MeterReading.objects.bulk_create(fresh, batch_size=2000)
        record(
            "water_plan.readings.import",
            actor=actor,
            obj=batch,
            after={"filename": filename, "accepted": len(fresh), "rejected": len(rejects)},
            label="导入供水企业抄表数据",
            citation=f"{DOC} 第五条第一款",
        )
    return ImportResult(batch, False)


# -- plan requests (第六条) ---------------------------------------------------------------------------------


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
                if counted is not None:
                    _track(req, "due_on", counted, "计划申请截止日", "第六条")
        except IntegrityError:
            raise WaterPlanError(
                "plan_request_duplicate", f"{plan_year}年度的用水计划申请已提出过。", field="plan_year"
            ) from None
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
    qs = (
        MeterReading.objects.filter(
            kind=MeterReading.Kind.MONTHLY,
            account__unit_id__in=unit_ids,
            account__construction_meter=False,
            period__year__gte=plan_year - 3,
            period__year__lt=plan_year,
        )
        .annotate(y=ExtractYear("period"))
        .values("account__unit_id", "y")
        .annotate(v=Sum("volume_m3x100"))
    )
    for row in qs:
        out[row["account__unit_id"]][row["y"] - plan_year + 3] += int(row["v"])
    deducted = construction_deductions(unit_ids, range(plan_year - 3, plan_year))
    for (unit_id, year), volume in deducted.items():
        out[unit_id][year - plan_year + 3] -= volume
    return {k: [max(x, 0) for x in v] for k, v in out.items()}


def _events(unit_ids: list[int]) -> dict[int, list[plan_rules.CoefficientEvent]]:
    out: dict[int, list[plan_rules.CoefficientEvent]] = defaultdict(list)
    for e in CoefficientEvent.objects.filter(unit_id__in=unit_ids):
        out[e.unit_id].append(plan_rules.CoefficientEvent(e.kind, e.on, e.until, e.evidence))
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


@dataclass
class IssueReport:
    issued: int = 0
    already: int = 0
    needs_clerk: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def issue_plans(
    plan_year: int,
    *,
    actor: Any,
    issued_on: dt.date,
    chunk: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> IssueReport:
    """第九条: the plans of all units for the year. Idempotent and resumable: units that already have a plan
    are skipped, and each chunk commits on its own (one audit record per chunk lists its plans)."""
    _check_issue_date(plan_year, issued_on)
    report = IssueReport(needs_clerk=[], failed=[])
    all_ids = list(WaterUnit.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
    done = set(YearlyPlan.objects.filter(year=plan_year).values_list("unit_id", flat=True))
    todo = [u for u in all_ids if u not in done]
    report.already = len(all_ids) - len(todo)
    total = len(todo)
    quotas = quota_entries()
    first_day = dt.date(plan_year, 1, 1)
    for start in range(0, total, chunk):
        ids = todo[start : start + chunk]
        units = list(WaterUnit.objects.filter(pk__in=ids).order_by("pk"))
        history = _history(ids, plan_year)
        events = _events(ids)
        findings = _findings(ids, plan_year)
        adjust = {k: sum(f.delta_m3x100 for f in v) for k, v in findings.items()}
        stat = [u for u in units if u.method == Method.STATISTIC]
        rows: list[YearlyPlan] = []
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
        stat_ok = [u for u, good in zip(stat, ok, strict=True) if good]
        if stat_ok:
            coefs = np.array([plan_rules.coefficient(events.get(u.pk, []), plan_year) for u in stat_ok])
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
                stat_ok = [stat_ok[i] for i in keep]
                hist, coefs, adjs = hist[keep], coefs[keep], adjs[keep]
                ok_years = years[ok][keep]
                vols = plan_rules.statistic_plan(hist, ok_years, coefs, adjs, plan_year)
            else:
                ok_years = years[ok]
            for u, h, y, c, a, v in zip(stat_ok, hist, ok_years, coefs, adjs, vols, strict=True):
                rows.append(
                    YearlyPlan(
                        unit=u,
                        year=plan_year,
                        method=Method.STATISTIC,
                        volume_m3x100=int(v),
                        coefficient_pct=int(c),
                        explanation=f"统计法（正常用水{int(y)}年），增减系数{int(c) / 100:+g}"
                        + _findings_text(findings.get(u.pk, [])),
                        inputs={
                            "method": "statistic",
                            "history": [int(x) for x in h],
                            "years": int(y),
                            "adjustment": int(a),
                            "events": _events_json(events.get(u.pk, [])),
                            "findings": _findings_json(findings.get(u.pk, [])),
                        },
                        issued_on=issued_on,
                        issued_by=actor,
                    )
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
                continue
            rows.append(
                YearlyPlan(
                    unit=u,
                    year=plan_year,
                    method=Method.QUOTA,
                    volume_m3x100=int(v),
                    coefficient_pct=c,
                    explanation=f"定额法（{u.quota_indicator} {entry.value}{u.quota_unit}，来源：{entry.source}），"
                    f"增减系数{c / 100:+g}" + _findings_text(findings.get(u.pk, [])),
                    inputs={
                        "method": "quota",
                        "quantity": str(u.quota_quantity),
                        "quota": str(entry.value),
                        "indicator": u.quota_indicator,
                        "quota_unit": u.quota_unit,
                        "adjustment": adjust.get(u.pk, 0),
                        "events": _events_json(events.get(u.pk, [])),
                        "findings": _findings_json(findings.get(u.pk, [])),
                    },
                    issued_on=issued_on,
                    issued_by=actor,
                )
            )
        with transaction.atomic():
            YearlyPlan.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
            record(
                "water_plan.plan.issue_batch",
                actor=actor,
                object_type="water_plan.yearlyplan",
                object_id=f"{plan_year}:{ids[0]}-{ids[-1]}",
                after={"year": plan_year, "units": len(rows), "first_unit": ids[0], "last_unit": ids[-1]},
                label=f"下达{plan_year}年度用水计划指标",
                citation=f"{DOC} 第九条第一款",
            )
        report.issued += len(rows)
        if progress:
            progress(min(start + chunk, total), total)
    return report


def _check_issue_date(plan_year: int, issued_on: dt.date) -> None:
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
    _check_issue_date(plan_year, issued_on)
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
    return p


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


# -- 证明材料 (第十条, 第十二条/附件2, 第十五条) ------------------------------------------------------------------

# Size cap of one uploaded file, set 2026-11-28 by the platform (the document sets none): 10 MB covers a
# scanned multi-page PDF of the 调整申请表 or a water-balance report; larger files are refused, not truncated.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))

ADJUSTMENT_KINDS = {
    EvidenceFile.Kind.FORM,
    EvidenceFile.Kind.CHANGE,
    EvidenceFile.Kind.BALANCE_TEST,
    EvidenceFile.Kind.OTHER,
}


def sniff_type(data: bytes) -> str | None:
    """The file's type by its first bytes (PDF, JPEG, PNG); the name and the browser's claim are not trusted."""
    return next((t for magic, t in _MAGIC if data.startswith(magic)), None)


def store_evidence(unit: WaterUnit, kind: str, filename: str, data: bytes, *, actor: Any) -> EvidenceFile:
    """Keep an uploaded 证明材料 under a random name outside the web root; audited."""
    if kind not in EvidenceFile.Kind.values:
        raise WaterPlanError("evidence_kind", "材料类别不正确（第十条、第十二条、第十五条）。", field="kind")
    if not data:
        raise WaterPlanError("evidence_empty", "上传的文件为空。", field="file")
    if len(data) > EVIDENCE_MAX_BYTES:
        raise WaterPlanError(
            "evidence_too_large",
            f"文件大小{len(data) / 1048576:.1f}MB，超过{EVIDENCE_MAX_BYTES // 1048576}MB的上限。",
            field="file",
        )
    content_type = sniff_type(data)
    if content_type is None:
        raise WaterPlanError(
            "evidence_type", "证明材料只接受PDF、JPEG或PNG文件（按文件内容识别）。", field="file"
        )
    with transaction.atomic():
        ev = EvidenceFile(
            unit=unit,
            kind=kind,
            original_name=(filename or "未命名")[-200:],
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        ev.file.save("upload", ContentFile(data), save=False)
        ev.save()
        record(
            "water_plan.evidence.upload",
            actor=actor,
            obj=ev,
            after=_snap(ev, ["kind", "original_name", "content_type", "size", "sha256"]),
            label=f"上传证明材料（{ev.get_kind_display()}）",
            citation=f"{DOC} 第十条",
        )
    return ev


def can_download_evidence(ev: EvidenceFile, user: Any) -> bool:
    """The owning unit's enterprise users; the water department's clerks and heads; auditors."""
    role = getattr(user, "role", "")
    if role == "enterprise":
        return bool(user.enterprise_uscc) and ev.unit.uscc == user.enterprise_uscc
    if role == "auditor":
        return True
    dept = getattr(user, "department", None)
    return role in ("clerk", "head") and dept is not None and dept.code == "water"


def record_evidence_download(ev: EvidenceFile, *, actor: Any) -> None:
    with transaction.atomic():
        record(
            "water_plan.evidence.download",
            actor=actor,
            obj=ev,
            after={"kind": ev.kind, "sha256": ev.sha256},
            label="下载证明材料",
            citation=f"{DOC} 第十条",
        )


def _check_evidence(evidence: list[EvidenceFile], unit: WaterUnit, kinds: Collection[str]) -> None:
    for ev in evidence:
        if ev.unit_id != unit.pk:
            raise WaterPlanError("evidence_unit", f"证明材料#{ev.pk}不属于该单位。", field="evidence_ids")
        if ev.adjustment_id or ev.supplement_id or ev.appeal_id:
            raise WaterPlanError("evidence_used", f"证明材料#{ev.pk}已附于其他申请。", field="evidence_ids")
        if ev.kind not in kinds:
            raise WaterPlanError(
                "evidence_kind",
                f"证明材料#{ev.pk}（{ev.get_kind_display()}）不适用于此申请。",
                field="evidence_ids",
            )


def _attach(evidence: list[EvidenceFile], **link: Any) -> None:
    for ev in evidence:
        for k, v in link.items():
            setattr(ev, k, v)
        ev.save(update_fields=list(link))


# -- refusal case (七): unpaid surcharge --------------------------------------------------------------------


def unpaid_overdue(unit: WaterUnit, on: dt.date) -> list[SurchargeNotice]:
    """Notices in force whose payment period has passed unpaid (第十三条第（七）项, 第十六条)."""
    return list(
        unit.notices.filter(
            state__in=[SurchargeNotice.State.ISSUED, SurchargeNotice.State.CREDIT_LISTED], payment_due__lt=on
        )
    )


def _refuse_if_unpaid(unit: WaterUnit, on: dt.date) -> None:
    owed = unpaid_overdue(unit, on)
    if owed:
        raise WaterPlanError(
            "refused_unpaid_surcharge",
            f"用水单位：该单位拖欠超计划用水加价水费（通知单{'、'.join(n.number for n in owed)}），"
            "不得调整和增补用水计划指标（第十三条第（七）项）。",
            field="unit",
        )


# -- adjustments (第十条, 第十三条) -------------------------------------------------------------------------


def file_adjustment(
    plan: YearlyPlan,
    received_on: dt.date,
    requested_m3x100: int,
    reason: str,
    *,
    actor: Any,
    has_form: bool,
    has_change_evidence: bool,
    has_balance_test: bool,
    other_materials: str = "",
    evidence: list[EvidenceFile] | None = None,
) -> AdjustmentRequest:
    """第十条: filed by the end of the month after the plan was issued, with the materials; verified within 5
    working days of receipt, the adjusted plan notified within the first 10 working days of the next month.
    Where files are uploaded, the material flags come from the uploaded kinds (the booleans are then ignored)."""
    evidence = evidence or []
    if evidence:
        _check_evidence(evidence, plan.unit, ADJUSTMENT_KINDS)
        kinds = {ev.kind for ev in evidence}
        has_form = EvidenceFile.Kind.FORM in kinds
        has_change_evidence = EvidenceFile.Kind.CHANGE in kinds
        has_balance_test = EvidenceFile.Kind.BALANCE_TEST in kinds
        others = "、".join(ev.original_name for ev in evidence if ev.kind == EvidenceFile.Kind.OTHER)
        other_materials = "；".join(x for x in (other_materials, others) if x)[:200]
    limits.check_date(
        received_on,
        field="received_on",
        today=clock.today(),
        not_before=plan.issued_on,
        not_before_why=f"计划下达日期（{cn_date(plan.issued_on)}）",
    )
    due = deadlines.adjustment_filing_due(plan.issued_on, platform_calendar()).due
    if received_on > due:
        raise WaterPlanError(
            "adjustment_late",
            f"接到申请日期：调整申请应在用水计划指标下达次月月底前（{cn_date(due)}）提出，已逾期（第十条第一款）。",
            field="received_on",
        )
    missing = [
        name
        for ok, name in (
            (has_form, "用水计划指标调整申请表"),
            (has_change_evidence, "生产规模、产量、人数等变化的证明材料"),
            (has_balance_test, "已完成水平衡测试的证明材料"),
        )
        if not ok
    ]
    if missing:
        raise WaterPlanError(
            "adjustment_materials",
            f"证明材料：缺少{'、'.join(missing)}；未提供证明材料的，申请内容不予认可（第十条）。",
            field="materials",
        )
    if requested_m3x100 <= 0:
        raise WaterPlanError("volume_range", "申请水量：申请增加的水量应大于0。", field="requested_volume")
    if not reason.strip():
        raise WaterPlanError("adjustment_reason", "理由：须写明申请调整的原因（第十条）。", field="reason")
    cal = platform_calendar()
    verify_due = deadlines.adjustment_verify_due(received_on, cal)
    notify_due = deadlines.adjustment_notify_due(received_on, cal)
    with transaction.atomic():
        req = AdjustmentRequest.objects.create(
            plan=plan,
            received_on=received_on,
            requested_m3x100=requested_m3x100,
            reason=reason,
            has_form=has_form,
            has_change_evidence=has_change_evidence,
            has_balance_test=has_balance_test,
            other_materials=other_materials,
            verify_due=verify_due.due,
            notify_due=notify_due.due,
        )
        _track(req, "verify_due", verify_due, "核实期限", "第十条第一款")
        _track(req, "notify_due", notify_due, "核准告知期限", "第十条第一款")
        _attach(evidence, adjustment=req)
        record(
            "water_plan.adjustment.file",
            actor=actor,
            obj=req,
            after={
                **_snap(req, ["received_on", "requested_m3x100", "verify_due", "notify_due"]),
                "evidence": [ev.pk for ev in evidence],
            },
            label="提出用水计划调整申请",
            citation=f"{DOC} 第十条第一款",
        )
    return req


def _decide(obj: Any, allowed: tuple[str, ...], target: str) -> str:
    if obj.status not in allowed:
        raise WaterPlanError(
            "bad_state", f"状态：当前状态为“{obj.get_status_display()}”，不能执行此操作。", field="status"
        )
    return target


def _check_decision_day(on: dt.date, received_on: dt.date) -> None:
    limits.check_date(
        on,
        field="on",
        label="决定日期",
        today=clock.today(),
        not_before=received_on,
        not_before_why=f"接到申请日期（{cn_date(received_on)}）",
    )


def verify_adjustment(req: AdjustmentRequest, *, actor: Any, on: dt.date) -> AdjustmentRequest:
    """received → verified (第十条: within 5 working days of receipt)."""
    _check_decision_day(on, req.received_on)
    with transaction.atomic():
        before = _snap(req, ["status"])
        req.status = _decide(req, (Status.RECEIVED,), Status.VERIFIED)
        req.save(update_fields=["status"])
        record(
            "water_plan.adjustment.verify",
            actor=actor,
            obj=req,
            before=before,
            after=_snap(req, ["status"]),
            label="核实调整申请",
            citation=f"{DOC} 第十条第一款",
        )
    return req


def approve_adjustment(
    req: AdjustmentRequest, approved_m3x100: int, *, actor: Any, on: dt.date
) -> PlanChange:
    """verified → approved: a PlanChange (the plan itself is never edited); refused if case (七) applies."""
    _check_decision_day(on, req.received_on)
    _refuse_if_unpaid(req.plan.unit, on)
    if not 0 < approved_m3x100 <= req.requested_m3x100:
        raise WaterPlanError(
            "volume_range",
            f"核准水量：应大于0且不超过申请水量{format_volume(req.requested_m3x100)}立方米（第十条）。",
            field="approved_volume",
        )
    with transaction.atomic():
        before = _snap(req, ["status"])
        req.status = _decide(req, (Status.VERIFIED,), Status.APPROVED)
        req.approved_m3x100, req.decided_on = approved_m3x100, on
        req.save(update_fields=["status", "approved_m3x100", "decided_on"])
        change = PlanChange.objects.create(
            plan=req.plan,
            kind=PlanChange.Kind.ADJUSTMENT,
            delta_m3x100=approved_m3x100,
            reason=req.reason[:300],
            citation=f"{DOC} 第十条第一款",
            decided_on=on,
            decided_by=actor,
            source_id=req.pk,
        )
        record(
            "water_plan.adjustment.approve",
            actor=actor,
            obj=req,
            before=before,
            after=_snap(req, ["status", "approved_m3x100", "decided_on"]),
            label="核准调整用水计划",
            citation=f"{DOC} 第十条第一款",
        )
    return change


def refuse_adjustment(req: AdjustmentRequest, case: int, reason: str, *, actor: Any, on: dt.date) -> None:
    """received/verified → refused for one of the seven cases of 第十三条, with the reason."""
    _refuse(
        req, case, reason, actor=actor, on=on, action="water_plan.adjustment.refuse", label="不予调整用水计划"
    )


def _refuse(obj: Any, case: int, reason: str, *, actor: Any, on: dt.date, action: str, label: str) -> None:
    _check_decision_day(on, obj.received_on)
    if case not in REFUSAL_CASES:
        raise WaterPlanError(
            "refusal_case", "不予调整/增补情形：须选择第十三条所列七种情形之一。", field="case"
        )
    if not reason.strip():
        raise WaterPlanError("refusal_reason", "理由：须写明不予调整或增补的具体理由。", field="reason")
    with transaction.atomic():
        before = _snap(obj, ["status"])
        obj.status = _decide(obj, (Status.RECEIVED, Status.VERIFIED), Status.REFUSED)
        obj.refusal_case, obj.refusal_reason, obj.decided_on = case, reason[:300], on
        obj.save(update_fields=["status", "refusal_case", "refusal_reason", "decided_on"])
        record(
            action,
            actor=actor,
            obj=obj,
            before=before,
            after=_snap(obj, ["status", "refusal_case", "refusal_reason", "decided_on"]),
            label=label,
            citation=f"{DOC} 第十三条第（{'一二三四五六七'[case - 1]}）项",
        )


# -- emergency supplements (第十二条, 附件2) --------------------------------------------------------------


def _unit_quota(unit: WaterUnit, on: dt.date) -> Fraction | None:
    if not (unit.quota_indicator and unit.quota_unit):
        return None
    try:
        return plan_rules.find_quota(quota_entries(), unit.quota_indicator, unit.quota_unit, on).value
    except WaterPlanError:
        return None


def _request_quota(unit: WaterUnit, type_: str, inputs: dict[str, Any], on: dt.date) -> Fraction | None:
    """The quota a supplement uses. "Other" cases (附件2 注): the quota of the indicator the request names, if
    the quota table has one in force on the event day ("有定额标准的，按定额增补"); none → the department's
    opinion. The other types: the unit's own quota."""
    if type_ != "other":
        return _unit_quota(unit, on)
    indicator, quota_unit = str(inputs.get("indicator") or ""), str(inputs.get("quota_unit") or "")
    if not (indicator and quota_unit):
        return None
    try:
        return plan_rules.find_quota(quota_entries(), indicator, quota_unit, on).value
    except WaterPlanError:
        return None


def _daily_readings(unit: WaterUnit, inputs: dict[str, Any]) -> list[dict[str, str]]:
    """The imported daily readings around a leak (附件2 （五）), summed over the unit's non-construction accounts."""
    try:
        start = dt.date.fromisoformat(str(inputs.get("leak_start"))) - dt.timedelta(days=7)
        end = dt.date.fromisoformat(str(inputs.get("leak_end"))) + dt.timedelta(days=7)
    except ValueError:
        return []
    rows = (
        MeterReading.objects.filter(
            kind=MeterReading.Kind.DAILY,
            account__unit=unit,
            account__construction_meter=False,
            period__range=(start, end),
        )
        .values("period")
        .annotate(v=Sum("volume_m3x100"))
        .order_by("period")
    )
    return [{"date": r["period"].isoformat(), "volume": format_volume(int(r["v"]))} for r in rows]


def file_supplement(
    plan: YearlyPlan,
    type_: str,
    event_on: dt.date,
    received_on: dt.date,
    inputs: dict[str, Any],
    *,
    actor: Any,
    evidence: list[EvidenceFile] | None = None,
    paper_materials: bool = False,
) -> SupplementRequest:
    """第十二条: within 3 working days of the event, none after 12-31; computed by 附件2; reviewed in 5.

    "未提供证明材料的，申请内容不予认可": the request needs its 证明材料 — uploaded files, or material handed in on
    paper and confirmed by a clerk (`paper_materials`, which the API accepts from water-department staff only).
    Construction water (附件2 （三）) is a request to have the monthly construction-meter volumes deducted: its
    months are reported afterwards (``report_construction_month``), so it computes nothing at filing. An
    "other" case without a quota (附件2 注) computes None: the department's opinion sets it on approval.
    """
    cal = platform_calendar()
    today = clock.today()
    evidence = evidence or []
    limits.check_date(received_on, field="received_on", today=today)
    limits.check_date(
        event_on, field="event_on", today=today, not_after=received_on, not_after_why="接到申请日期"
    )
    _check_evidence(evidence, plan.unit, {EvidenceFile.Kind.SUPPLEMENT})
    if not evidence and not paper_materials:
        raise WaterPlanError(
            "supplement_materials",
            "证明材料：未提供。请上传附件2所列的证明材料，或由经办人员确认已收到纸质材料；"
            "未提供证明材料的，申请内容不予认可（第十二条）。",
            field="evidence_ids",
        )
    if event_on.year != plan.year:
        raise WaterPlanError("supplement_year", f"事发日期：应在{plan.year}年度内。", field="event_on")
    cutoff = dt.date(plan.year, 12, 31)
    if received_on > cutoff:
        raise WaterPlanError(
            "supplement_after_cutoff",
            f"接到申请日期：突发用水情况处理申请截止日期为{cn_date(cutoff)}，超过截止日期的不予受理（第十二条）。",
            field="received_on",
        )
    due = deadlines.supplement_filing_due(event_on, cal).due
    if received_on > due:
        raise WaterPlanError(
            "supplement_late",
            f"接到申请日期：应在事发后3个工作日内（{cn_date(due)}前）提出申请，已逾期（第十二条）。",
            field="received_on",
        )
    trace = Trace()
    volume: int | None
    if type_ == "construction":
        volume = _construction_request(inputs, trace)
    else:
        if type_ == "leak" and not inputs.get("daily"):
            inputs = {**inputs, "daily": _daily_readings(plan.unit, inputs)}
        volume = supplement_requests.calculate(
            type_,
            inputs,
            event_on,
            quota=_request_quota(plan.unit, type_, inputs, event_on),
            cal=cal,
            trace=trace,
        )
    review_due = deadlines.supplement_review_due(received_on, cal)
    with transaction.atomic():
        req = SupplementRequest.objects.create(
            plan=plan,
            type=type_,
            event_on=event_on,
            received_on=received_on,
            inputs=inputs,
            computed_m3x100=volume,
            trace=trace.to_list(),
            review_due=review_due.due,
        )
        _track(req, "review_due", review_due, "审核期限", "第十二条")
        _attach(evidence, supplement=req)
        record(
            "water_plan.supplement.file",
            actor=actor,
            obj=req,
            after={
                **_snap(req, ["type", "event_on", "received_on", "computed_m3x100", "review_due"]),
                "evidence": [ev.pk for ev in evidence],
                "paper_materials": paper_materials,
            },
            label=f"提出突发用水增补申请（{supplement_rules.SUPPLEMENT_TYPES[type_]}）",
            citation=f"{DOC} 第十二条",
        )
    return req


def _construction_request(inputs: dict[str, Any], trace: Trace) -> int:
    """附件2 （三） at filing: the contract is required; the months come later, reported one by one."""
    if not inputs.get("has_contract"):
        raise WaterPlanError(
            "construction_contract",
            "工程施工合同：基建、装修用水须提供工程施工合同（附件2 （三））。",
            field="has_contract",
        )
    if inputs.get("months"):
        raise WaterPlanError(
            "construction_months_later",
            "基建水表月用水量：申请时不填写；每月结束后通过节水平台逐月上报，按期上报的月份从实际用水量中减除"
            "（附件2 （三））。",
            field="months",
        )
    trace.step(
        "construction_request",
        cite("附件2 （三）"),
        {"project": str(inputs.get("project", ""))},
        format_volume(0),
        "基建、装修用水申请（附工程施工合同）：申请经核准后，每月通过节水平台上报基建水表用水量，按期上报的月份"
        "在年度考核时从实际用水量中减除；不提出申请或不按期上报的，原则上不予认可基建水量（附件2 （三））。",
    )
    return 0


def approve_supplement(
    req: SupplementRequest,
    *,
    actor: Any,
    on: dt.date,
    approved_m3x100: int | None = None,
    opinion: str = "",
) -> PlanChange:
    """received → approved: the computed volume becomes a PlanChange (construction water: a deduction from
    actual use, recorded as its own kind). An "other" case without a quota (附件2 注) is approved with the
    volume the department's written opinion sets (``approved_m3x100`` and ``opinion`` required)."""
    _check_decision_day(on, req.received_on)
    _refuse_if_unpaid(req.plan.unit, on)
    trace = Trace()
    if req.computed_m3x100 is None:
        if approved_m3x100 is None:
            raise WaterPlanError(
                "opinion_volume_missing",
                "核准水量：无定额标准的其他突发用水情况，须按书面意见填写增补水量（附件2 注）。",
                field="approved_volume",
            )
        volume = supplement_requests.by_opinion(approved_m3x100, opinion, trace=trace)
    else:
        volume = req.computed_m3x100
    with transaction.atomic():
        before = _snap(req, ["status"])
        req.status = _decide(req, (Status.RECEIVED,), Status.APPROVED)
        req.approved_m3x100, req.decided_on = volume, on
        req.opinion = opinion.strip() if req.computed_m3x100 is None else req.opinion
        if trace.steps:
            req.trace = [*req.trace, *trace.to_list()]
        req.save(update_fields=["status", "approved_m3x100", "decided_on", "opinion", "trace"])
        construction = req.type == "construction"
        label = supplement_rules.SUPPLEMENT_TYPES[req.type]
        change = PlanChange.objects.create(
            plan=req.plan,
            kind=PlanChange.Kind.CONSTRUCTION if construction else PlanChange.Kind.SUPPLEMENT,
            # a construction deduction lowers actual use; it is kept apart so it never raises the plan
            delta_m3x100=0 if construction else volume,
            reason=(
                f"{label}：申请经核准，按期上报的基建水表月用水量从实际用水量中减除"
                if construction
                else f"{label}（{format_volume(volume)}立方米）"
                + (f"，依书面意见：{req.opinion}" if req.opinion else "")
            )[:300],
            citation=f"{DOC} 第十二条",
            decided_on=on,
            decided_by=actor,
            source_id=req.pk,
            trace=req.trace,
        )
        record(
            "water_plan.supplement.approve",
            actor=actor,
            obj=req,
            before=before,
            after=_snap(req, ["status", "approved_m3x100", "decided_on", "opinion"]),
            label="核准突发用水增补",
            citation=f"{DOC} 附件2" if req.computed_m3x100 is None else f"{DOC} 第十二条",
        )
    return change


def refuse_supplement(req: SupplementRequest, case: int, reason: str, *, actor: Any, on: dt.date) -> None:
    _refuse(
        req, case, reason, actor=actor, on=on, action="water_plan.supplement.refuse", label="不予增补用水计划"
    )


def report_construction_month(
    req: SupplementRequest, month: dt.date, volume_m3x100: int, reported_on: dt.date, *, actor: Any
) -> ConstructionReport:
    """附件2 （三）: a month's construction-meter volume reported through the platform, once the month is over.
    Its due date (the end of the next month, W16) is stored and tracked; whether it counts is decided at the
    assessment (approved request, reported on time)."""
    first = month.replace(day=1)
    if req.type != "construction":
        raise WaterPlanError(
            "not_construction",
            "基建、装修项目：只有基建、装修用水申请才能上报基建水表用水量。",
            field="request",
        )
    if req.status == Status.REFUSED:
        raise WaterPlanError(
            "construction_refused",
            "基建、装修项目：该基建用水申请不予认可，基建水量不从实际用水量中减除（附件2 （三））。",
            field="request",
        )
    month_end = first + relativedelta(months=1) - dt.timedelta(days=1)
    limits.check_date(reported_on, field="reported_on", today=clock.today())
    if first.year != req.plan.year or first < req.event_on.replace(day=1):
        raise WaterPlanError(
            "construction_month",
            f"月份：应为{req.plan.year}年内、基建用水开始（{cn_date(req.event_on)}）以后的月份。",
            field="month",
        )
    if reported_on <= month_end:
        raise WaterPlanError(
            "construction_month_open",
            f"月份：{first.year}年{first.month}月尚未结束，月用水量在月末抄表后上报。",
            field="month",
        )
    if volume_m3x100 < 0:
        raise WaterPlanError("volume_negative", "水量：不能为负数。", field="volume")
    due = deadlines.construction_report_due(first, platform_calendar())
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = ConstructionReport.objects.create(
                    request=req,
                    month=first,
                    volume_m3x100=volume_m3x100,
                    reported_on=reported_on,
                    due_on=due.due,
                    reported_by=actor,
                )
        except IntegrityError:
            raise WaterPlanError(
                "construction_month_duplicate",
                f"月份：{first.year}年{first.month}月的基建水表用水量已上报过。",
                field="month",
            ) from None
        _track(report, "due_on", due, "基建水表月用水量上报期限", "附件2 （三）")
        record(
            "water_plan.construction.report",
            actor=actor,
            obj=report,
            after=_snap(report, ["month", "volume_m3x100", "reported_on", "due_on"]),
            label="上报基建水表月用水量",
            citation=f"{DOC} 附件2 （三）",
        )
    return report


def construction_deductions(
    unit_ids: Collection[int],
    years: Collection[int],
    traces: dict[tuple[int, int], list[dict[str, Any]]] | None = None,
) -> dict[tuple[int, int], int]:
    """(unit, year) → the construction water deducted from actual use (附件2 （三）, W6, W16): the on-time
    monthly reports of the year's approved construction requests. Without an approved request, nothing.
    ``traces`` (if given) receives each deduction's explanation, for the notice."""
    cal = platform_calendar()
    out: dict[tuple[int, int], int] = defaultdict(int)
    requests = (
        SupplementRequest.objects.filter(
            plan__unit_id__in=unit_ids, plan__year__in=years, type="construction", status=Status.APPROVED
        )
        .select_related("plan")
        .prefetch_related("construction_reports")
    )
    for req in requests:
        rows = [(r.month, r.volume_m3x100, r.reported_on) for r in req.construction_reports.all()]
        trace = Trace(enabled=traces is not None)
        key = (req.plan.unit_id, req.plan.year)
        out[key] += supplement_rules.construction_deduction(rows, True, cal, trace=trace)
        if traces is not None:
            traces.setdefault(key, []).extend(trace.to_list())
    return out


# -- settlement, notices, appeals, collection (第十四条—第十六条) ---------------------------------------------


def _year_volumes(
    unit_ids: list[int], year: int, traces: dict[tuple[int, int], list[dict[str, Any]]] | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """(supplier volume, construction water deducted) per unit for the year (第十四条, 附件2 （三））.

    The supplier volume is the unit's accounts' monthly volumes; construction-meter accounts are sub-meters and
    not added. The deduction comes only from an approved construction request's months reported on time —
    a construction meter's water without one stays in actual use ("不提出申请或不按期上报的，原则上不予认可")."""
    supplier: dict[int, int] = defaultdict(int)
    qs = (
        MeterReading.objects.filter(
            kind=MeterReading.Kind.MONTHLY,
            account__unit_id__in=unit_ids,
            account__construction_meter=False,
            period__year=year,
        )
        .values("account__unit_id")
        .annotate(v=Sum("volume_m3x100"))
    )
    for row in qs:
        supplier[row["account__unit_id"]] += int(row["v"])
    construction = {u: v for (u, _), v in construction_deductions(unit_ids, [year], traces).items()}
    return supplier, construction


def _next_number(prefix: str, year: int, model: Any) -> str:
    n = model.objects.filter(number__startswith=f"{prefix}〔{year}〕").count() + 1
    return f"{prefix}〔{year}〕{n:05d}号"


def settle_year(
    year: int,
    *,
    actor: Any,
    issued_on: dt.date,
    chunk: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """第十四条: assess every plan of the year; a notice for each unit above its plan. Idempotent (a unit that
    has a notice for the year is skipped). Stops with ParameterNotSet until the tiers and price are entered.
    The year is assessed after it ends (第七条: 年度考核), on a day that has come."""
    today = clock.today()
    limits.check_year(year, field="year", today=today)
    limits.check_date(
        issued_on,
        field="issued_on",
        label="开具日期",
        today=today,
        not_before=dt.date(year + 1, 1, 1),
        not_before_why=f"{year}年度结束（年度考核在年度结束后进行，第七条）",
    )
    params = rules_parameters()
    bounds, multipliers, price = settlement_rules.surcharge_tiers(params, dt.date(year, 12, 31))
    done = set(SurchargeNotice.objects.filter(year=year).values_list("unit_id", flat=True))
    plan_ids = list(
        YearlyPlan.objects.filter(year=year)
        .exclude(unit_id__in=done)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    created = 0
    seq = SurchargeNotice.objects.filter(year=year, version=1).count()
    for start in range(0, len(plan_ids), chunk):
        plans = list(
            YearlyPlan.objects.filter(pk__in=plan_ids[start : start + chunk])
            .select_related("unit")
            .prefetch_related("changes")
            .order_by("pk")
        )
        unit_ids = [p.unit_id for p in plans]
        traces: dict[tuple[int, int], list[dict[str, Any]]] = {}
        supplier, construction = _year_volumes(unit_ids, year, traces)
        changes = {p.pk: p.changes.all() for p in plans}
        adj = [
            sum(c.delta_m3x100 for c in changes[p.pk] if c.kind == PlanChange.Kind.ADJUSTMENT) for p in plans
        ]
        sup = [
            sum(c.delta_m3x100 for c in changes[p.pk] if c.kind == PlanChange.Kind.SUPPLEMENT) for p in plans
        ]
        cut = [-sum(c.delta_m3x100 for c in changes[p.pk] if c.kind == PlanChange.Kind.CUT) for p in plans]
        sv = np.array([supplier.get(u, 0) for u in unit_ids], dtype=np.int64)
        cv = np.minimum(np.array([construction.get(u, 0) for u in unit_ids], dtype=np.int64), sv)
        actual, plan_v, excess = settlement_rules.assessment(
            sv, cv, [p.volume_m3x100 for p in plans], adj, sup, cut
        )
        bands, total = settlement_rules.surcharge(plan_v, excess, bounds, multipliers, price)
        rows = []
        for i, p in enumerate(plans):
            if excess[i] <= 0:
                continue
            seq += 1
            rows.append(
                SurchargeNotice(
                    unit=p.unit,
                    year=year,
                    number=f"鄂水节计〔{year}〕{seq:05d}号",
                    version=1,
                    actual_m3x100=int(actual[i]),
                    plan_m3x100=int(plan_v[i]),
                    excess_m3x100=int(excess[i]),
                    bands={
                        "bounds": [str(b) for b in bounds],
                        "multipliers": [str(m) for m in multipliers],
                        "price": price,
                        "amounts": [int(a) for a in bands[i]],
                        "supplier": int(sv[i]),
                        "construction": int(cv[i]),
                    },
                    amount_fen=int(total[i]),
                    # the construction deduction's months (附件2 （三）), shown before the recomputed steps
                    trace=traces.get((p.unit_id, year), []),
                    issued_on=issued_on,
                )
            )
        with transaction.atomic():
            SurchargeNotice.objects.bulk_create(rows, batch_size=2000)
            if plans:
                record(
                    "water_plan.notice.issue_batch",
                    actor=actor,
                    object_type="water_plan.surchargenotice",
                    object_id=f"{year}:{plans[0].pk}-{plans[-1].pk}",
                    after={"year": year, "assessed": len(plans), "notices": len(rows)},
                    label=f"{year}年度计划用水考核，开具超计划用水加价收费通知单",
                    citation=f"{DOC} 第十四条",
                )
        created += len(rows)
        if progress:
            progress(min(start + chunk, len(plan_ids)), len(plan_ids))
    return created


def notice_trace(notice: SurchargeNotice) -> Trace:
    """The explanation of a notice, recomputed from what it recorded."""
    t = Trace()
    b = notice.bands
    settlement_rules.assessment(
        [b.get("supplier", notice.actual_m3x100)],
        [b.get("construction", 0)],
        [notice.plan_m3x100],
        [0],
        [0],
        [0],
        trace=t,
    )
    settlement_rules.surcharge(
        [notice.plan_m3x100],
        [notice.excess_m3x100],
        tuple(Fraction(x) for x in b["bounds"]),
        tuple(Fraction(x) for x in b["multipliers"]),
        int(b["price"]),
        trace=t,
    )
    return t


def deliver_notice(notice: SurchargeNotice, on: dt.date, *, actor: Any) -> SurchargeNotice:
    """The unit received the notice: the 10-working-day periods to appeal (第十五条) and pay (第十六条) start."""
    if notice.received_on:
        return notice
    limits.check_date(
        on,
        field="on",
        label="送达日期",
        today=clock.today(),
        not_before=notice.issued_on,
        not_before_why=f"通知单开具日期（{cn_date(notice.issued_on)}）",
    )
    cal = platform_calendar()
    with transaction.atomic():
        payment_due = deadlines.payment_due(on, cal)
        appeal_due = deadlines.appeal_filing_due(on, cal)
        notice.received_on = on
        notice.payment_due, notice.appeal_due = payment_due.due, appeal_due.due
        notice.save(update_fields=["received_on", "payment_due", "appeal_due"])
        _track(notice, "payment_due", payment_due, "缴费期限", "第十六条第二款")
        _track(notice, "appeal_due", appeal_due, "异议期限", "第十五条")
        record(
            "water_plan.notice.deliver",
            actor=actor,
            obj=notice,
            after=_snap(notice, ["received_on", "payment_due", "appeal_due"]),
            label="送达加价收费通知单",
            citation=f"{DOC} 第十六条第二款",
        )
    return notice


def file_appeal(
    notice: SurchargeNotice,
    received_on: dt.date,
    reason: str,
    *,
    actor: Any,
    claimed_actual_m3x100: int | None = None,
    evidence: list[EvidenceFile] | None = None,
) -> Appeal:
    """第十五条: within 10 working days of receipt of the notice; decided within 8 working days."""
    evidence = evidence or []
    _check_evidence(evidence, notice.unit, {EvidenceFile.Kind.APPEAL})
    if notice.state != SurchargeNotice.State.ISSUED:
        raise WaterPlanError(
            "bad_state", f"通知单：状态为“{notice.get_state_display()}”，不能提出异议。", field="notice"
        )
    if notice.received_on is None or notice.appeal_due is None:
        raise WaterPlanError("notice_not_received", "通知单：尚未送达，不能提出异议。", field="notice")
    limits.check_date(
        received_on,
        field="received_on",
        today=clock.today(),
        not_before=notice.received_on,
        not_before_why=f"通知单送达日期（{cn_date(notice.received_on)}）",
    )
    if received_on > notice.appeal_due:
        raise WaterPlanError(
            "appeal_late",
            f"接到申请日期：应在收到通知单之日起10个工作日内（{cn_date(notice.appeal_due)}前）"
            "提出异议，已逾期（第十五条）。",
            field="received_on",
        )
    if not reason.strip():
        raise WaterPlanError(
            "appeal_reason", "异议内容：须写明对水量、金额的异议（第十五条）。", field="reason"
        )
    if notice.appeals.filter(state=Appeal.State.RECEIVED).exists():
        raise WaterPlanError("appeal_pending", "通知单：已有待处理的异议。", field="notice")
    decision_due = deadlines.appeal_decision_due(received_on, platform_calendar())
    with transaction.atomic():
        appeal = Appeal.objects.create(
            notice=notice,
            received_on=received_on,
            reason=reason,
            claimed_actual_m3x100=claimed_actual_m3x100,
            decision_due=decision_due.due,
        )
        _track(appeal, "decision_due", decision_due, "异议处理期限", "第十五条")
        _attach(evidence, appeal=appeal)
        record(
            "water_plan.appeal.file",
            actor=actor,
            obj=appeal,
            after=_snap(appeal, ["received_on", "decision_due", "claimed_actual_m3x100"]),
            label="对加价收费通知单提出异议",
            citation=f"{DOC} 第十五条",
        )
    return appeal


def decide_appeal(
    appeal: Appeal,
    upheld: bool,
    decision: str,
    *,
    actor: Any,
    on: dt.date,
    corrected_actual_m3x100: int | None = None,
) -> Appeal:
    """received → upheld (a new notice version with the corrected volume; the old one kept, superseded) or
    rejected. 第十五条: within 8 working days of receipt."""
    if appeal.state != Appeal.State.RECEIVED:
        raise WaterPlanError("bad_state", "状态：该异议已处理。", field="state")
    limits.check_date(
        on,
        field="on",
        label="处理日期",
        today=clock.today(),
        not_before=appeal.received_on,
        not_before_why=f"接到异议日期（{cn_date(appeal.received_on)}）",
    )
    if not decision.strip():
        raise WaterPlanError("appeal_decision", "处理意见：须写明处理意见。", field="decision")
    old = appeal.notice
    with transaction.atomic():
        before = _snap(appeal, ["state"])
        if upheld:
            if corrected_actual_m3x100 is None or corrected_actual_m3x100 < 0:
                raise WaterPlanError(
                    "appeal_correction", "核实后的实际用水量：异议成立须填写。", field="corrected_actual"
                )
            b = old.bands
            excess = max(corrected_actual_m3x100 - old.plan_m3x100, 0)
            bands, total = settlement_rules.surcharge(
                [old.plan_m3x100],
                [excess],
                tuple(Fraction(x) for x in b["bounds"]),
                tuple(Fraction(x) for x in b["multipliers"]),
                int(b["price"]),
            )
            base = old.number.split("-")[0]
            payment_due = deadlines.payment_due(on, platform_calendar())
            appeal_due = deadlines.appeal_filing_due(on, platform_calendar())
            new = SurchargeNotice.objects.create(
                unit=old.unit,
                year=old.year,
                number=f"{base}-{old.version + 1}",
                version=old.version + 1,
                supersedes=old,
                actual_m3x100=corrected_actual_m3x100,
                plan_m3x100=old.plan_m3x100,
                excess_m3x100=excess,
                bands={
                    **b,
                    "amounts": [int(a) for a in bands[0]],
                    "supplier": corrected_actual_m3x100,
                    "construction": 0,
                },
                amount_fen=int(total[0]),
                issued_on=on,
                # delivered through the platform on the day of the decision: fresh periods to pay and appeal
                received_on=on,
                payment_due=payment_due.due,
                appeal_due=appeal_due.due,
            )
            _track(new, "payment_due", payment_due, "缴费期限", "第十六条第二款")
            _track(new, "appeal_due", appeal_due, "异议期限", "第十五条")
            old.state = SurchargeNotice.State.SUPERSEDED
            old.save(update_fields=["state"])
            appeal.new_notice = new
            appeal.state = Appeal.State.UPHELD
        else:
            appeal.state = Appeal.State.REJECTED
        appeal.decision, appeal.decided_on = decision, on
        appeal.save(update_fields=["state", "decision", "decided_on", "new_notice"])
        record(
            "water_plan.appeal.decide",
            actor=actor,
            obj=appeal,
            before=before,
            after={
                **_snap(appeal, ["state", "decided_on"]),
                "new_notice": appeal.new_notice.number if appeal.new_notice else None,
            },
            label="处理加价水费异议",
            citation=f"{DOC} 第十五条",
        )
    return appeal


def record_payment(notice: SurchargeNotice, on: dt.date, *, actor: Any) -> SurchargeNotice:
    if notice.state not in (SurchargeNotice.State.ISSUED, SurchargeNotice.State.CREDIT_LISTED):
        raise WaterPlanError(
            "bad_state", f"通知单：状态为“{notice.get_state_display()}”，不能登记缴费。", field="notice"
        )
    limits.check_date(
        on,
        field="on",
        label="缴费日期",
        today=clock.today(),
        not_before=notice.issued_on,
        not_before_why=f"通知单开具日期（{cn_date(notice.issued_on)}）",
    )
    with transaction.atomic():
        before = _snap(notice, ["state", "paid_on"])
        notice.state, notice.paid_on = SurchargeNotice.State.PAID, on
        notice.save(update_fields=["state", "paid_on"])
        record(
            "water_plan.notice.pay",
            actor=actor,
            obj=notice,
            before=before,
            after=_snap(notice, ["state", "paid_on"]),
            label="登记缴纳超计划用水加价水费",
            citation=f"{DOC} 第十六条第一款",
        )
    return notice


def issue_reminder(
    notice: SurchargeNotice, on: dt.date, pay_by: dt.date, *, actor: Any
) -> CollectionReminder:
    """第十六条第二款: after the payment period, the first 《征收催告单》; after the first's date, the second."""
    if notice.state != SurchargeNotice.State.ISSUED or notice.payment_due is None:
        raise WaterPlanError("bad_state", "通知单：只有已送达且未缴费的通知单才能催告。", field="notice")
    limits.check_date(on, field="on", label="催告日期", today=clock.today())
    if on <= notice.payment_due:
        raise WaterPlanError(
            "reminder_early",
            f"催告日期：缴费期限{cn_date(notice.payment_due)}尚未届满，不能催告（第十六条第二款）。",
            field="on",
        )
    existing = list(notice.reminders.order_by("sequence"))
    if len(existing) >= 2:
        raise WaterPlanError(
            "reminder_limit",
            "通知单：已催告两次；仍未缴纳的，纳入社会信用体系平台（第十六条第二款）。",
            field="notice",
        )
    if existing and on <= existing[-1].pay_by:
        raise WaterPlanError(
            "reminder_early",
            f"催告日期：第一次催告的缴费期限{cn_date(existing[-1].pay_by)}尚未届满。",
            field="on",
        )
    if pay_by <= on:
        raise WaterPlanError("reminder_pay_by", "催告缴费期限：应晚于催告日期。", field="pay_by")
    latest = on + relativedelta(years=1)
    if pay_by > latest:
        raise WaterPlanError(
            "reminder_pay_by",
            f"催告缴费期限：{cn_date(pay_by)}晚于催告日期后一年（{cn_date(latest)}），请核对（W19）。",
            field="pay_by",
        )
    with transaction.atomic():
        rem = CollectionReminder.objects.create(
            notice=notice,
            sequence=len(existing) + 1,
            number=_next_number("鄂水节催", on.year, CollectionReminder),
            issued_on=on,
            pay_by=pay_by,
        )
        record(
            "water_plan.reminder.issue",
            actor=actor,
            obj=rem,
            after=_snap(rem, ["sequence", "issued_on", "pay_by"]),
            label=f"下发第{rem.sequence}次征收催告单",
            citation=f"{DOC} 第十六条第二款",
        )
    return rem


def list_for_credit(notice: SurchargeNotice, on: dt.date, *, actor: Any) -> SurchargeNotice:
    """Unpaid after the second reminder → listed for the social credit platform (第十六条第二款)."""
    second = notice.reminders.filter(sequence=2).first()
    limits.check_date(on, field="on", label="纳入日期", today=clock.today())
    if notice.state != SurchargeNotice.State.ISSUED or second is None or on <= second.pay_by:
        raise WaterPlanError(
            "credit_not_due",
            "通知单：第二次催缴期限届满后仍未缴纳的，方可纳入社会信用体系平台（第十六条第二款）。",
            field="notice",
        )
    with transaction.atomic():
        before = _snap(notice, ["state"])
        notice.state, notice.credit_listed_on = SurchargeNotice.State.CREDIT_LISTED, on
        notice.save(update_fields=["state", "credit_listed_on"])
        record(
            "water_plan.notice.credit_list",
            actor=actor,
            obj=notice,
            before=before,
            after=_snap(notice, ["state", "credit_listed_on"]),
            label="纳入社会信用体系平台",
            citation=f"{DOC} 第十六条第二款",
        )
    return notice


# -- the clerks' deadline board ------------------------------------------------------------------------------


@dataclass
class BoardItem:
    kind: str
    label: str
    unit: str
    due: dt.date
    workdays_left: int
    citation: str
    url: str = ""
    # Why the date is 暂定 (a year's holidays not entered yet); "" when final.
    provisional_reason: str = ""

    @property
    def overdue(self) -> bool:
        return self.workdays_left < 0

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_reason)


def _unit_url(unit_id: int) -> str:
    """The unit page, where the clerk acts on the item (decision forms)."""
    from django.urls import reverse

    return reverse("water_plan:unit_detail", args=[unit_id])


def deadline_board(today: dt.date) -> list[BoardItem]:
    cal = platform_calendar()

    def left(due: dt.date) -> int:
        return cal.workdays_between(today, due) if due >= today else -max(cal.workdays_between(due, today), 1)

    def why(periods_by_pk: dict[int, Any], pk: int) -> str:
        p = periods_by_pk.get(pk)
        return p.reason if p is not None else ""

    def provisional_year(due: dt.date) -> str:
        # For dates not stored as periods: provisional when counting to them needs an unknown year.
        years = cal.provisional_years_between(today, due)
        return f"{'、'.join(f'{y}年' for y in years)}节假日安排尚未录入" if years else ""

    items: list[BoardItem] = []
    adjustments = list(
        AdjustmentRequest.objects.filter(status__in=[Status.RECEIVED, Status.VERIFIED]).select_related(
            "plan__unit"
        )
    )
    verify_p = periods.periods_of(adjustments, "verify_due")
    notify_p = periods.periods_of(adjustments, "notify_due")
    for r in adjustments:
        due = r.verify_due if r.status == Status.RECEIVED else r.notify_due
        what = "核实调整申请" if r.status == Status.RECEIVED else "核准调整并告知"
        items.append(
            BoardItem(
                "adjustment",
                f"{what}（申请#{r.pk}）",
                r.plan.unit.name,
                due,
                left(due),
                f"{DOC} 第十条第一款",
                _unit_url(r.plan.unit_id),
                why(verify_p if r.status == Status.RECEIVED else notify_p, r.pk),
            )
        )
    supplements = list(SupplementRequest.objects.filter(status=Status.RECEIVED).select_related("plan__unit"))
    review_p = periods.periods_of(supplements, "review_due")
    for s in supplements:
        items.append(
            BoardItem(
                "supplement",
                f"审核突发用水增补（申请#{s.pk}）",
                s.plan.unit.name,
                s.review_due,
                left(s.review_due),
                f"{DOC} 第十二条",
                _unit_url(s.plan.unit_id),
                why(review_p, s.pk),
            )
        )
    appeals = list(Appeal.objects.filter(state=Appeal.State.RECEIVED).select_related("notice__unit"))
    decision_p = periods.periods_of(appeals, "decision_due")
    for a in appeals:
        items.append(
            BoardItem(
                "appeal",
                f"处理异议（{a.notice.number}）",
                a.notice.unit.name,
                a.decision_due,
                left(a.decision_due),
                f"{DOC} 第十五条",
                _unit_url(a.notice.unit_id),
                why(decision_p, a.pk),
            )
        )
    notices = list(
        SurchargeNotice.objects.filter(state=SurchargeNotice.State.ISSUED, payment_due__isnull=False)
        .select_related("unit")
        .prefetch_related("reminders")
    )
    payment_p = periods.periods_of(notices, "payment_due")
    for n in notices:
        reminders = list(n.reminders.all())
        if not reminders:
            payment_due = cast(dt.date, n.payment_due)  # payment_due__isnull=False above
            items.append(
                BoardItem(
                    "payment",
                    f"缴费期限（{n.number}），逾期应催告",
                    n.unit.name,
                    payment_due,
                    left(payment_due),
                    f"{DOC} 第十六条第二款",
                    _unit_url(n.unit_id),
                    why(payment_p, n.pk),
                )
            )
        else:
            last = max(reminders, key=lambda r: r.sequence)
            what = (
                "第一次催告期限，逾期应再次催告" if last.sequence == 1 else "第二次催告期限，逾期纳入信用平台"
            )
            items.append(
                BoardItem(
                    "reminder",
                    f"{what}（{n.number}）",
                    n.unit.name,
                    last.pay_by,
                    left(last.pay_by),
                    f"{DOC} 第十六条第二款",
                    _unit_url(n.unit_id),
                    provisional_year(last.pay_by),
                )
            )
    year = today.year
    issuance = deadlines.issuance_due(year, cal)
    issue_due = issuance.due
    if today <= issue_due:
        missing = WaterUnit.objects.filter(active=True).exclude(plans__year=year).count()
        if missing:
            items.append(
                BoardItem(
                    "issuance",
                    f"下达{year}年度用水计划指标（尚有{missing}个单位）",
                    "全部用水单位",
                    issue_due,
                    left(issue_due),
                    f"{DOC} 第九条第一款",
                    provisional_reason=issuance.reason,
                )
            )
    items.sort(key=lambda i: (not i.overdue, i.due, i.label))
    return items
