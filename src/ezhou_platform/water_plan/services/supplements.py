"""突发用水增补 (第十二条, 附件2): filed within 3 working days of the event and by 31 December, computed by the
annex's rules, reviewed within 5 working days; construction water (附件2 （三）) reported month by month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from fractions import Fraction
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Sum

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import engine, periods
from ezhou_platform.procedures.machine import APPLICANT
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import cite as rules_cite
from ezhou_rules.water_plan import deadlines, limits, supplement_requests
from ezhou_rules.water_plan import plan as plan_rules
from ezhou_rules.water_plan import supplements as supplement_rules
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume

from .. import steps
from ..models import (
    ConstructionReport,
    EvidenceFile,
    MeterReading,
    PlanChange,
    Status,
    SupplementRequest,
    WaterUnit,
    YearlyPlan,
)
from .common import DOC, WATER, _snap, among, cite, quota_entries, take
from .evidence import _attach, _check_evidence


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
    with transaction.atomic():
        req = SupplementRequest.objects.create(
            plan=plan,
            type=type_,
            event_on=event_on,
            received_on=received_on,
            inputs=inputs,
            computed_m3x100=volume,
            trace=trace.to_list(),
            # counted again by the engine with its period (steps.SUPPLEMENT_REVIEW)
            review_due=deadlines.supplement_review_due(received_on, cal).due,
        )
        engine.start(
            req,
            actor=actor,
            on=received_on,
            label=f"提出突发用水增补申请（{supplement_rules.SUPPLEMENT_TYPES[type_]}）",
            cites=cite("第十二条"),
            opens=[steps.SUPPLEMENT_REVIEW],
        )
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
        rules_cite("附件2 （三）"),
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
    """received → approved, by another person than the one who filed it: the computed volume becomes a
    PlanChange notified by the numbered decision (construction water: a deduction from actual use, recorded as
    its own kind, W6). An "other" case without a quota (附件2 注) is approved with the volume the department's
    written opinion sets (``approved_m3x100`` and ``opinion`` required)."""
    with transaction.atomic():
        event = take(
            req, "approve", actor=actor, on=on, data={"approved_m3x100": approved_m3x100, "opinion": opinion}
        )
        volume = int(req.approved_m3x100 or 0)
        construction = req.type == "construction"
        label = supplement_rules.SUPPLEMENT_TYPES[req.type]
        return PlanChange.objects.create(
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
            citation=cite("第十二条"),
            decided_on=on,
            decided_by=actor,
            source_id=req.pk,
            trace=req.trace,
            document=event.document,
        )


def refuse_supplement(req: SupplementRequest, case: int, reason: str, *, actor: Any, on: dt.date) -> None:
    """received → refused for one of the seven cases of 第十三条, with the reason (a numbered decision)."""
    take(req, "refuse", actor=actor, on=on, data={"case": case, "reason": reason})


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
        # the unit's period to report the month, answered by this report (late or not: W16 decides at assessment)
        periods.track(
            report,
            "due_on",
            due,
            label="基建水表月用水量上报期限",
            citation=cite("附件2 （三）"),
            department=WATER,
            case=engine.case_of(req),
            party=APPLICANT,
        )
        periods.close(report, "due_on", reported_on)
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
            among("plan__unit_id", unit_ids),
            plan__year__in=years,
            type="construction",
            status=Status.APPROVED,
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
