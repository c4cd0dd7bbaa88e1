"""三同时 of a project's unconventional-water facility (第六条, 第八条, 第九条, 第十六条, 第十七条).

    file_project(...)                 备案 before construction; screened against 第八条 as filed; receipt issued
    record_designer(...)              同时设计 (第十七条: a reclaimed system's designer's qualification)
    start_construction(...)           开工; a start on or before the filing day is a violation (U2)
    record_acceptance(...)            分部分项工程验收, the department present or not
    complete_project(...)             竣工: after the acceptance with the department → 日常监管 and the register
    supervise_project(...)            a facility completed without it still comes under supervision

Each step is taken with ``engine.take`` (one audited transaction) and followed by ``sync_violations``, which
records the violations the dated facts show (`ezhou_rules.unconventional_water.projects.project_status`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import documents, engine
from ezhou_platform.registers.jurisdictions import JurisdictionNotFound, find_jurisdiction
from ezhou_rules.core.dates import cn_date
from ezhou_rules.unconventional_water.projects import (
    FACILITY_TYPES,
    RAINWATER,
    RECLAIMED,
    ProjectEvent,
    ProjectStatus,
    project_status,
)
from ezhou_rules.unconventional_water.screening import (
    ART16_CLASSES,
    PROJECT_KINDS,
    WORKS,
    ScreeningResult,
    screen_project,
)

from ..models import AcceptanceRecord, Project, ProjectViolation
from .common import (
    DOC,
    check_day,
    organisation_for,
    refuse,
    require_text,
    rules_parameters,
)

ART6 = f"{DOC} 第六条"


def screen(data: dict[str, Any], on: dt.date) -> ScreeningResult:
    """第八条 for a project's areas (decimal text in m²), as filed on ``on``."""
    for name, label, choices in (
        ("project_kind", "项目类型", PROJECT_KINDS),
        ("works", "建设性质", WORKS),
    ):
        if data.get(name) not in choices:
            allowed = "、".join(f"{k}（{v}）" for k, v in choices.items())
            raise refuse(f"{name}_unknown", name, label, f"应为{allowed}之一。")

    def existing(name: str) -> Any:
        value = data.get(name)
        return None if value in (None, "") else value

    return screen_project(
        data["project_kind"],
        data["works"],
        on=on,
        footprint_m2=data.get("footprint_m2") or 0,
        hardened_m2=data.get("hardened_m2") or 0,
        land_m2=data.get("land_m2") or 0,
        existing_footprint_m2=existing("existing_footprint_m2"),
        existing_hardened_m2=existing("existing_hardened_m2"),
        existing_land_m2=existing("existing_land_m2"),
        art16_class=data.get("art16_class") or "none",
        params=rules_parameters(),
    )


def _hundredths(text: Any) -> int:
    from ezhou_rules.unconventional_water.common import parse_hundredths

    return parse_hundredths(text or 0, field="area")


def file_project(data: dict[str, Any], *, actor: Any, on: dt.date | None = None) -> Project:
    """备案 (第六条 项目建设前，应当到市水行政主管部门备案). ``data``: name, developer_name, developer_uscc,
    jurisdiction (code), location, project_kind, works, art16_class, footprint_m2, hardened_m2, land_m2,
    existing_* (expansions only), facility_type, planned_start_on. ``on`` is the filing day (a clerk entering a
    paper filing gives its day; the web and API file today)."""
    today = clock.today()
    filed_on = check_day(on or today, field="filed_on", label="备案日期")
    name = require_text(data.get("name"), field="name", label="项目名称", rule="第六条", max_length=100)
    location = require_text(
        data.get("location"), field="location", label="项目地址", rule="第六条", max_length=200
    )
    ftype = data.get("facility_type")
    if ftype not in FACILITY_TYPES:
        raise refuse(
            "facility_type_unknown", "facility_type", "配套设施类型", "应为雨水收集利用设施或再生水利用设施。"
        )
    art16 = data.get("art16_class") or "none"
    if art16 not in ART16_CLASSES:
        raise refuse("art16_class_unknown", "art16_class", "第十六条所列类别", "不在第十六条所列类别之中。")
    planned = data.get("planned_start_on")
    if planned is not None and (
        not isinstance(planned, dt.date) or planned < filed_on - dt.timedelta(days=3650)
    ):
        raise refuse("planned_start_on", "planned_start_on", "计划开工日期", "应为日期。")
    try:
        jurisdiction = find_jurisdiction(str(data.get("jurisdiction") or ""), filed_on)
    except JurisdictionNotFound as exc:
        raise refuse("jurisdiction_unknown", "jurisdiction", "所在辖区", str(exc)) from None
    result = screen(data, filed_on)
    notes = list(result.notes)
    if result.required and ftype == RECLAIMED:
        notes.append(
            "第八条要求配套建设雨水收集利用设施；本次备案的是再生水利用设施，雨水收集利用设施应另行备案。"
        )
    with transaction.atomic():
        developer = organisation_for(
            data.get("developer_name", ""),
            data.get("developer_uscc", ""),
            field="developer",
            label="建设单位",
            on=filed_on,
        )
        existing = [
            data.get(k) for k in ("existing_footprint_m2", "existing_hardened_m2", "existing_land_m2")
        ]
        project = Project.objects.create(
            name=name,
            developer=developer,
            developer_uscc=developer.uscc,
            jurisdiction=jurisdiction,
            location=location,
            project_kind=data["project_kind"],
            works=data["works"],
            art16_class=art16,
            footprint_m2x100=_hundredths(data.get("footprint_m2")),
            hardened_m2x100=_hundredths(data.get("hardened_m2")),
            land_m2x100=_hundredths(data.get("land_m2")),
            existing_m2x100=sum(_hundredths(v) for v in existing)
            if any(v not in (None, "") for v in existing)
            else None,
            facility_type=ftype,
            facility_required=result.required,
            screening_reason=result.reason,
            screening_notes=notes,
            screening_citations=list(result.citations),
            filed_on=filed_on,
            planned_start_on=planned,
            filed_by=actor,
        )
        case = engine.start(project, actor=actor, on=filed_on, label="“三同时”备案", cites=ART6)
        doc = documents.issue(
            "unconventional_water.filing_receipt",
            template="unconventional_water/documents/filing_receipt.html",
            title=f"{name}“三同时”备案回执",
            on=filed_on,
            actor=actor,
            case=case,
            recipient=developer.name,
            citation=f"{ART6}、第八条",
            context={"project": project, "screening": result, "notes": notes},
        )
        project.receipt_number = doc.number
        project.save(update_fields=["receipt_number"])
        record(
            "unconventional_water.project.file",
            actor=actor,
            obj=project,
            after={
                "name": name,
                "developer": developer.name,
                "facility_type": ftype,
                "facility_required": result.required,
                "filed_on": filed_on.isoformat(),
                "receipt": doc.number,
            },
            label="非常规水资源利用设施“三同时”备案",
            citation=ART6,
        )
    return project


def events_of(project: Project) -> list[ProjectEvent]:
    """The project's dated facts in the shape the rules read."""
    out = [ProjectEvent("filed", project.filed_on)]
    if project.designed_on:
        out.append(
            ProjectEvent(
                "designed",
                project.designed_on,
                designer=project.designer,
                designer_qualification=project.designer_qualification,
            )
        )
    if project.construction_started_on:
        out.append(ProjectEvent("construction_started", project.construction_started_on))
    for a in project.acceptances.order_by("on", "id"):
        out.append(ProjectEvent("acceptance", a.on, department_present=a.department_present))
    if project.completed_on:
        out.append(ProjectEvent("completed", project.completed_on))
    return out


def status_of(project: Project) -> ProjectStatus:
    return project_status(project.facility_type, events_of(project))


def sync_violations(project: Project, *, actor: Any) -> list[ProjectViolation]:
    """Record each violation the facts show that is not on record yet (idempotent; never edits one)."""
    new = []
    for v in status_of(project).violations:
        row, created = ProjectViolation.objects.get_or_create(
            project=project,
            code=v.code,
            defaults={"label": v.label, "citation": v.citation, "explanation": v.explanation, "on": v.on},
        )
        if created:
            record(
                "unconventional_water.project.violation",
                actor=actor,
                obj=row,
                after={
                    "code": v.code,
                    "on": v.on.isoformat() if v.on else None,
                    "explanation": v.explanation,
                },
                label=f"记录“三同时”违规：{v.label}",
                citation=v.citation,
            )
            new.append(row)
    return new


def _take(
    project: Project, name: str, *, actor: Any, on: dt.date, data: dict[str, Any], note: str = ""
) -> None:
    with transaction.atomic():
        engine.take(project, name, actor=actor, on=on, data=data, note=note)
        sync_violations(project, actor=actor)


def record_designer(
    project: Project, designer: str, qualification: str, designed_on: Any, *, actor: Any
) -> Project:
    """同时设计 (第六条); 第十七条 asks the designer of a reclaimed-water system for its qualification."""
    designer = require_text(
        designer, field="designer", label="设计单位", rule="第六条 同时设计", max_length=100
    )
    qualification = str(qualification or "").strip()[:60]
    day = check_day(designed_on, field="designed_on", label="确定设计单位日期", not_before=None)
    if project.designed_on is not None:
        raise refuse(
            "designer_recorded",
            "designer",
            "设计单位",
            f"已于{cn_date(project.designed_on)}记录为“{project.designer}”，不重复记录。",
        )
    started = project.construction_started_on
    if started is not None and day <= started:
        # U2: 同时设计 is read from the record as it stood on the start day. The start was recorded with no
        # designer, so `designer_missing` is on record; a designer dated back to or before the start would make
        # the facts contradict a violation that is never edited.
        raise refuse(
            "designer_after_start",
            "designed_on",
            "确定设计单位日期",
            f"本项目{cn_date(started)}开工时没有设计单位记录，已记为“未同时设计”（第六条）；"
            f"补记的确定设计单位日期应晚于开工日期。",
        )
    if project.facility_type == RECLAIMED and not qualification:
        raise refuse(
            "designer_qualification_required",
            "designer_qualification",
            "设计单位资质证书编号",
            "再生水利用系统的设计单位应当具备相应的资质（第十七条），请填写资质证书编号。",
        )
    data = {"designer": designer, "designer_qualification": qualification, "designed_on": day}
    _take(project, "record_designer", actor=actor, on=day, data=data)
    return project


def start_construction(
    project: Project, started_on: Any, planned_completion_on: Any, *, actor: Any
) -> Project:
    """开工 (第六条 同时施工). A start on or before the filing day is allowed as a record and kept as the
    violation "项目建设前未备案" (U2)."""
    day = check_day(started_on, field="started_on", label="开工日期", not_before=None)
    planned = None
    if planned_completion_on not in (None, ""):
        if isinstance(planned_completion_on, dt.datetime) or not isinstance(planned_completion_on, dt.date):
            raise refuse("date_format", "planned_completion_on", "计划竣工日期", "应为日期（YYYY-MM-DD）。")
        if planned_completion_on <= day:
            raise refuse(
                "planned_completion_order",
                "planned_completion_on",
                "计划竣工日期",
                f"应晚于开工日期（{cn_date(day)}）。",
            )
        if planned_completion_on > day + dt.timedelta(days=3660):
            raise refuse(
                "planned_completion_far", "planned_completion_on", "计划竣工日期", "不应晚于开工后十年。"
            )
        planned = planned_completion_on
    _take(
        project,
        "start_construction",
        actor=actor,
        on=day,
        data={"started_on": day, "planned_completion_on": planned},
    )
    return project


def _after_start(project: Project, day: dt.date, field: str, label: str) -> None:
    started = project.construction_started_on
    if started is None:
        raise refuse("not_started", field, label, "尚未记录开工，不能记录此事项（第六条）。")
    if day < started:
        raise refuse("before_start", field, label, f"{cn_date(day)}早于开工日期{cn_date(started)}。")


def record_acceptance(
    project: Project, on: Any, *, department_present: bool, parts: str, note: str = "", actor: Any
) -> AcceptanceRecord:
    """分部分项工程验收 (第六条). The department's presence is attested by a water clerk; the first acceptance
    it attended moves the project to 已验收 and answers the 参加验收 period."""
    from .common import is_water_staff

    day = check_day(on, field="acceptance_on", label="验收日期", not_before=None)
    parts = require_text(parts, field="parts", label="验收的分部分项工程", rule="第六条", max_length=200)
    _after_start(project, day, "acceptance_on", "验收日期")
    if department_present and not is_water_staff(actor):
        raise refuse(
            "department_presence",
            "department_present",
            "市水行政主管部门参加",
            "部门参加验收由市水利和湖泊局经办人员记录。",
        )
    first_with_department = department_present and project.status == "under_construction"
    with transaction.atomic():
        acceptance = AcceptanceRecord.objects.create(
            project=project,
            on=day,
            department_present=department_present,
            parts=parts,
            note=str(note or "")[:2000],
            recorded_by=actor,
        )
        if first_with_department:
            engine.take(project, "accept", actor=actor, on=day, data={"accepted_on": day}, note=parts)
        else:
            engine.take(project, "record_acceptance", actor=actor, on=day, note=parts)
        sync_violations(project, actor=actor)
    return acceptance


def complete_project(project: Project, completed_on: Any, facility: dict[str, Any], *, actor: Any) -> Project:
    """竣工 (第六条). After an acceptance the department attended on an earlier day, the facility enters 日常监管
    and the register (``facility``: the register's fields, see facilities.register_facility); otherwise the
    completion is recorded with its violation and the clerk brings the facility under supervision later."""
    from .facilities import register_facility

    day = check_day(completed_on, field="completed_on", label="竣工日期", not_before=None)
    _after_start(project, day, "completed_on", "竣工日期")
    accepted_in_time = project.accepted_on is not None and project.accepted_on < day
    with transaction.atomic():
        if accepted_in_time:
            engine.take(project, "complete", actor=actor, on=day, data={"completed_on": day})
            register_facility(facility, actor=actor, project=project, in_service_from=day)
        else:
            engine.take(project, "complete_unaccepted", actor=actor, on=day, data={"completed_on": day})
        sync_violations(project, actor=actor)
    return project


def supervise_project(
    project: Project, supervised_from: Any, facility: dict[str, Any], *, actor: Any
) -> Project:
    """纳入日常监管 of a facility completed without the department's acceptance (第二十一条); its violation stays."""
    from .facilities import register_facility

    day = check_day(supervised_from, field="supervised_from", label="纳入日常监管日期", not_before=None)
    if project.completed_on is not None and day < project.completed_on:
        raise refuse(
            "supervised_before_completion",
            "supervised_from",
            "纳入日常监管日期",
            f"不应早于竣工日期{cn_date(project.completed_on)}。",
        )
    with transaction.atomic():
        engine.take(project, "supervise", actor=actor, on=day, data={"supervised_from": day})
        register_facility(facility, actor=actor, project=project, in_service_from=day)
    return project


def facility_defaults(project: Project) -> dict[str, Any]:
    """What the register takes from the project when its facility enters supervision."""
    return {
        "name": f"{project.name}{'雨水收集利用设施' if project.facility_type == RAINWATER else '再生水利用设施'}",
        "facility_type": project.facility_type,
        "location": project.location,
        "jurisdiction": project.jurisdiction.code,
        "operator_name": project.developer.name,
        "operator_uscc": project.developer_uscc,
    }
