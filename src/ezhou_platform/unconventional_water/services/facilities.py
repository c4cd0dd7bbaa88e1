"""The facility register and 日常监管 (第三条, 第十条 – 第十五条, 第二十条 – 第二十三条).

register_facility(data, actor=…)     a facility enters the register and supervision (a case of its own)
add_source / review_source / end_source
                                     what feeds it, decided by 第十三条 (refused sources are never stored)
change_registration(...)             uses, capacity, location, testing interval, the unit it supplies
close_facility(...)                  注销
record_inspection(...)               the on-site checklist (第二十二条 and others, U13)
track_testing(facility)              the next water test (第二十三条 定期) as a period on the operator's side
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import engine, periods
from ezhou_platform.registers.jurisdictions import JurisdictionNotFound, find_jurisdiction
from ezhou_rules.core import periods as period_specs
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.periods import compute_deadline
from ezhou_rules.unconventional_water.common import parse_hundredths
from ezhou_rules.unconventional_water.register import Facility as FacilityRecord
from ezhou_rules.unconventional_water.register import SourceEntry, check_facility, inspect
from ezhou_rules.unconventional_water.sources import REVIEW, SOURCE_KINDS, check_source
from ezhou_rules.unconventional_water.uses import check_uses

from ..models import Facility, FacilitySource, Inspection
from .common import DEPARTMENT, DOC, check_day, organisation_for, refuse, require_text, rules_parameters

ART21 = f"{DOC} 第二十一条"
ART23 = f"{DOC} 第二十三条"
MAX_INTERVAL_MONTHS = 60


def _water_unit(value: Any) -> Any:
    from ezhou_platform.water_plan.models import WaterUnit

    if value in (None, ""):
        return None
    if isinstance(value, WaterUnit):
        return value
    unit = WaterUnit.objects.filter(pk=int(value)).first() if str(value).isdigit() else None
    if unit is None:
        raise refuse(
            "water_unit_unknown",
            "water_unit",
            "供水对象（计划用水单位）",
            f"没有编号为{value}的计划用水单位。",
        )
    return unit


def _interval(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise refuse("interval_format", "testing_interval_months", "检测周期（月）", "应为整月数。") from None
    if not 1 <= months <= MAX_INTERVAL_MONTHS:
        raise refuse(
            "interval_range",
            "testing_interval_months",
            "检测周期（月）",
            f"应为1至{MAX_INTERVAL_MONTHS}个月。",
        )
    return months


def _sources(raw: Iterable[Mapping[str, Any]]) -> tuple[SourceEntry, ...]:
    out = []
    for i, s in enumerate(raw):
        kind = s.get("kind")
        if kind not in SOURCE_KINDS:
            raise refuse(
                "source_kind_unknown", f"sources[{i}].kind", "水源类型", f"“{kind}”不是登记的水源类型。"
            )
        out.append(
            SourceEntry(kind, bool(s.get("meets_standard")), str(s.get("industry") or "").strip()[:50])
        )
    return tuple(out)


def register_facility(
    data: Mapping[str, Any],
    *,
    actor: Any,
    project: Any = None,
    in_service_from: dt.date | None = None,
) -> Facility:
    """Enter a facility in the register (第二十一条 日常监管). ``data``: name, facility_type, operator_name,
    operator_uscc, self_built, uses (list of use codes), sources (list of {kind, meets_standard, industry}),
    capacity_m3_per_day (decimal text), location, jurisdiction (code), water_unit (id, optional),
    testing_interval_months (optional), in_service_from. A source 第十三条 forbids refuses the whole record."""
    today = clock.today()
    start = in_service_from or data.get("in_service_from")
    start = check_day(start, field="in_service_from", label="纳入日常监管日期", not_before=None)
    interval = _interval(data.get("testing_interval_months"))
    try:
        jurisdiction = find_jurisdiction(str(data.get("jurisdiction") or ""), today)
    except JurisdictionNotFound as exc:
        raise refuse("jurisdiction_unknown", "jurisdiction", "所属辖区", str(exc)) from None
    rec = FacilityRecord(
        facility_id="new",
        facility_type=str(data.get("facility_type") or ""),
        name=str(data.get("name") or "").strip()[:100],
        operator=str(data.get("operator_name") or "").strip()[:100],
        self_built=bool(data.get("self_built")),
        uses=tuple(data.get("uses") or ()),
        sources=_sources(data.get("sources") or ()),
        capacity_m3_per_day=data.get("capacity_m3_per_day", ""),
        location=str(data.get("location") or "").strip()[:200],
        jurisdiction=jurisdiction.code,
        testing_interval_months=interval,
    )
    checked = check_facility(rec, today, params=rules_parameters())
    unit = _water_unit(data.get("water_unit"))
    with transaction.atomic():
        operator = organisation_for(
            rec.operator,
            str(data.get("operator_uscc") or ""),
            field="operator",
            label="运行管理单位",
            on=today,
        )
        facility = Facility.objects.create(
            name=rec.name,
            facility_type=rec.facility_type,
            operator=operator,
            operator_uscc=operator.uscc,
            self_built=rec.self_built,
            water_unit=unit,
            uses=list(checked.uses),
            capacity_m3x100_per_day=checked.capacity_m3x100_per_day,
            location=rec.location,
            jurisdiction=jurisdiction,
            project=project,
            in_service_from=start,
            testing_interval_months=interval,
            registered_by=actor,
            registered_on=today,
        )
        for entry, decision in zip(rec.sources, checked.sources, strict=True):
            _store_source(facility, entry, decision, on=today)
        engine.start(facility, actor=actor, on=today, label="登记设施，纳入日常监管", cites=ART21)
        record(
            "unconventional_water.facility.register",
            actor=actor,
            obj=facility,
            after={
                "name": facility.name,
                "type": facility.facility_type,
                "operator": operator.name,
                "uses": facility.uses,
                "sources": [e.kind for e in rec.sources],
                "capacity_m3x100_per_day": facility.capacity_m3x100_per_day,
                "in_service_from": start.isoformat(),
            },
            label="登记非常规水资源利用设施",
            citation=ART21,
        )
        track_testing(facility)
    return facility


def _store_source(facility: Facility, entry: SourceEntry, decision: Any, *, on: dt.date) -> FacilitySource:
    return FacilitySource.objects.create(
        facility=facility,
        kind=entry.kind,
        meets_standard=entry.meets_standard,
        industry=entry.industry,
        decision=decision.status,
        reason=decision.reason,
        citation=decision.citation,
        explanation=decision.explanation,
        review=FacilitySource.Review.PENDING if decision.status == REVIEW else "",
        added_on=on,
    )


def add_source(
    facility: Facility, kind: str, *, meets_standard: bool = False, industry: str = "", actor: Any
) -> FacilitySource:
    """A further source (第十三条): refused — nothing stored — when the article forbids it; "主要有" sources not
    listed wait for the department's review."""
    entry = _sources([{"kind": kind, "meets_standard": meets_standard, "industry": industry}])[0]
    today = clock.today()
    if entry.kind == "industrial_drainage" and not entry.industry:
        raise refuse(
            "industry_required",
            "industry",
            "排水行业",
            "工业排水须填写排水单位所属行业（第十三条第（三）项、第二款）。",
        )
    decision = check_source(
        facility.facility_type,
        entry.kind,
        on=today,
        meets_standard=entry.meets_standard,
        industry=entry.industry,
        params=rules_parameters(),
    )
    if decision.status == "refused":
        raise refuse("source_refused", "source_kind", "水源", decision.explanation)
    with transaction.atomic():
        src = _store_source(facility, entry, decision, on=today)
        record(
            "unconventional_water.facility.source_add",
            actor=actor,
            obj=src,
            after={"kind": entry.kind, "decision": decision.status, "industry": entry.industry},
            label="登记设施水源",
            citation=decision.citation,
        )
    return src


def review_source(source: FacilitySource, *, accept: bool, note: str, actor: Any) -> FacilitySource:
    """The department's decision on a source "主要有" does not list (第十三条第一款)."""
    note = require_text(note, field="review_note", label="审核意见", rule="第十三条", max_length=300)
    if source.review != FacilitySource.Review.PENDING:
        raise refuse("review_done", "review", "审核", "该水源不在待审核状态。")
    with transaction.atomic():
        before = {"review": source.review}
        source.review = FacilitySource.Review.ACCEPTED if accept else FacilitySource.Review.REJECTED
        source.review_note = note
        source.reviewed_by = actor
        if not accept:
            source.ended_on = clock.today()
        source.save(update_fields=["review", "review_note", "reviewed_by", "ended_on"])
        record(
            "unconventional_water.facility.source_review",
            actor=actor,
            obj=source,
            before=before,
            after={"review": source.review, "note": note},
            label="审核设施水源",
            citation=f"{DOC} 第十三条第一款",
        )
    return source


def end_source(source: FacilitySource, ended_on: Any, *, actor: Any) -> FacilitySource:
    day = check_day(
        ended_on, field="ended_on", label="停用日期", not_before=source.added_on, not_before_why="登记日期"
    )
    if source.ended_on is not None:
        raise refuse("source_ended", "ended_on", "停用日期", f"该水源已于{cn_date(source.ended_on)}停用。")
    with transaction.atomic():
        source.ended_on = day
        source.save(update_fields=["ended_on"])
        record(
            "unconventional_water.facility.source_end",
            actor=actor,
            obj=source,
            after={"ended_on": day.isoformat()},
            label="停用设施水源",
            citation=f"{DOC} 第十三条",
        )
    return source


def change_registration(facility: Facility, changes: Mapping[str, Any], *, actor: Any) -> Facility:
    """变更登记 (uses, capacity, location, testing interval, the unit supplied); the old values stay in the
    audit trail and in the checks already made (each check keeps the uses it judged by)."""
    data: dict[str, Any] = {}
    if "uses" in changes:
        data["uses"] = list(check_uses(facility.facility_type, changes["uses"]))
    if "capacity_m3_per_day" in changes:
        cap = parse_hundredths(changes["capacity_m3_per_day"], field="capacity_m3_per_day", unit="立方米/日")
        if cap == 0:
            raise refuse("capacity_zero", "capacity_m3_per_day", "设计规模（立方米/日）", "应大于零。")
        data["capacity_m3x100_per_day"] = cap
    if "location" in changes:
        data["location"] = require_text(
            changes["location"], field="location", label="位置", rule="登记", max_length=200
        )
    if "testing_interval_months" in changes:
        data["testing_interval_months"] = _interval(changes["testing_interval_months"])
    if "water_unit" in changes:
        data["water_unit"] = _water_unit(changes["water_unit"])
    if not data:
        raise refuse("nothing_changed", "changes", "变更事项", "没有填写要变更的内容。")
    with transaction.atomic():
        engine.take(facility, "change_registration", actor=actor, on=clock.today(), data=data)
        track_testing(facility)
    return facility


def close_facility(facility: Facility, closed_on: Any, reason: str, *, actor: Any) -> Facility:
    day = check_day(
        closed_on,
        field="closed_on",
        label="注销日期",
        not_before=facility.in_service_from,
        not_before_why="纳入日常监管日期",
    )
    reason = require_text(reason, field="reason", label="注销原因", rule="第二十一条", max_length=200)
    engine.take(facility, "close", actor=actor, on=day, data={"closed_on": day}, note=reason)
    return facility


def testing_interval(facility: Facility, on: dt.date) -> int | None:
    """The facility's own interval, else the default an administrator entered for ``on`` (U10), else None."""
    if facility.testing_interval_months:
        return int(facility.testing_interval_months)
    try:
        return int(rules_parameters().get("testing.interval_months", on))
    except ParameterNotSet:
        return None


def last_sampled(facility: Facility) -> dt.date | None:
    return facility.reports.order_by("-sampled_on").values_list("sampled_on", flat=True).first()


def track_testing(facility: Facility) -> dt.date | None:
    """Store the next test due (last sample, else service start, + the interval in calendar months; U10) as a
    period the operator must meet (第二十三条). With no interval configured nothing is stored and the reminder
    page says which parameter is missing."""
    if facility.status != "in_service":
        return None
    interval = testing_interval(facility, clock.today())
    if interval is None:
        if facility.next_test_due is not None:
            facility.next_test_due = None
            facility.save(update_fields=["next_test_due"])
            periods.close(facility, "next_test_due", clock.today())
        return None
    base = last_sampled(facility) or facility.in_service_from
    deadline = compute_deadline(platform_calendar(), base, period_specs.months(interval, roll=False))
    facility.next_test_due = deadline.due
    facility.save(update_fields=["next_test_due"])
    periods.track(
        facility,
        "next_test_due",
        deadline,
        label="水质定期检测并备案",
        citation=ART23,
        department=DEPARTMENT,
        case=engine.case_of(facility),
        party="applicant",
    )
    return deadline.due


def record_inspection(
    facility: Facility, answers: Mapping[str, bool], inspected_on: Any, *, note: str = "", actor: Any
) -> Inspection:
    """An on-site inspection (第二十二条: separation from the tap-water system, marks, 非饮用水 labels; and the
    other items of the checklist): every applicable item answered; each "no" is a finding with its article."""
    day = check_day(
        inspected_on,
        field="inspected_on",
        label="检查日期",
        not_before=facility.in_service_from,
        not_before_why="纳入日常监管日期",
    )
    result = inspect(facility.facility_type, dict(answers), day)
    with transaction.atomic():
        ins = Inspection.objects.create(
            facility=facility,
            inspected_on=day,
            inspector=actor,
            answers=result.items,
            passed=result.passed,
            findings=[{"key": k, "citation": c, "text": t} for k, c, t in result.findings],
            suggested_acts=list(result.suggested_acts),
            explanation=list(result.explanation),
            note=str(note or "")[:2000],
        )
        record(
            "unconventional_water.facility.inspect",
            actor=actor,
            obj=ins,
            after={"passed": result.passed, "findings": [k for k, _, _ in result.findings]},
            label="非常规水资源利用设施现场检查",
            citation=f"{DOC} 第二十二条",
        )
    return ins


def public_facilities(q: str = "", facility_type: str = "", jurisdiction: str = "") -> Any:
    """The public list: facilities in service, searchable (name, operator, location), by type and district."""
    from django.db.models import Q

    qs = (
        Facility.objects.filter(status="in_service")
        .select_related("operator", "jurisdiction")
        .order_by("name", "id")
    )
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(operator__name__icontains=q) | Q(location__icontains=q))
    if facility_type in ("rainwater", "reclaimed"):
        qs = qs.filter(facility_type=facility_type)
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    return qs
