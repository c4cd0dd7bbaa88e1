"""Projects and units (第六条–第十条, 第十五条): recorded facts, not procedures — each write is one audited
service call. The rent appraisal of 第十条 opens the 3-year re-appraisal period on the department's board."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import fields_snapshot as _snap
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import periods
from ezhou_rules.core import periods as period_rules
from ezhou_rules.core.periods import compute_deadline
from ezhou_rules.rental_housing import parameters
from ezhou_rules.rental_housing.common import RentalHousingInputError, centi_m2, in_force
from ezhou_rules.rental_housing.housing import (
    AREA_REFUSED,
    AREA_WARNING,
    project_type,
    rent_within_cap,
    unit_area_check,
    unit_area_message,
)

from ..models import DEFAULT_PLAN_METHOD, Operator, Project, Unit
from .common import DOC, HOUSING, PLAN_DOC, input_error, not_future, today


def operator_check(operator: Operator) -> None:
    if not operator.has_rental_scope:
        raise ApiError(
            "operator_scope",
            f"运营单位“{operator.name}”营业执照经营范围不含“住房租赁”，项目产权单位应委托具备资格的单位实施运营管理"
            "（鄂州政发〔2022〕19号 第十五条）。",
            field="operator",
            status=422,
        )


def register_project(*, acting_user: Any, **fields: Any) -> Project:
    """Record a recognised project; its type is the one 第六条 gives the sourcing method (第七条)."""
    try:
        kind = str(project_type([fields["sourcing_method"]])[0])
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    operator_check(fields["operator"])
    fields.setdefault("plan_method", DEFAULT_PLAN_METHOD.get(int(fields["sourcing_method"]), ""))
    with transaction.atomic():
        project = Project.objects.create(housing_type=kind, **fields)
        track_reappraisal(project)
        record(
            "rental_housing.project.register",
            actor=acting_user,
            obj=project,
            after=_snap(project, ["name", "certificate_number", "sourcing_method", "housing_type"]),
            label="登记保障性租赁住房项目（项目认定书）",
            citation=f"{DOC} 第七条",
        )
    return project


def unit_checks(
    project: Project, area_m2: Any, rent_fen: int, market_rent_fen: int, on: dt.date
) -> list[str]:
    """Warnings for a unit (an area above 90 m² for rent-then-sell); raises ApiError on a refusal."""
    try:
        area = centi_m2(area_m2, field="area_m2")
        days = np.array([on], dtype="datetime64[D]")
        out = unit_area_check([project.housing_type], [area], [project.started_or_converted], days)
        within = bool(rent_within_cap([rent_fen], [market_rent_fen], days)[0])
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    status, limit = str(out["status"][0]), int(out["limit_centi_m2"][0])
    message = unit_area_message(project.housing_type, area, project.started_or_converted, status, limit)
    if status == AREA_REFUSED:
        raise ApiError("unit_area", message + "（鄂州政发〔2022〕19号 第八条）", field="area_m2", status=422)
    if not within:
        raise ApiError(
            "rent_cap",
            "月租金高于同地段、同品质租赁住房市场租金的70%（鄂州政发〔2022〕19号 第十条）。",
            field="rent_fen",
            status=422,
        )
    return [message] if status == AREA_WARNING else []


def add_unit(
    project: Project, *, acting_user: Any, area_note: str = "", **fields: Any
) -> tuple[Unit, list[str]]:
    warnings = unit_checks(project, fields["area_m2"], fields["rent_fen"], fields["market_rent_fen"], today())
    if warnings and not area_note.strip():
        raise ApiError(
            "area_note_required",
            warnings[0] + "（鄂州政发〔2022〕19号 第八条第一款）",
            field="area_note",
            status=422,
        )
    with transaction.atomic():
        unit = Unit.objects.create(
            project=project, area_note=area_note, area_m2=Decimal(str(fields.pop("area_m2"))), **fields
        )
        record(
            "rental_housing.unit.add",
            actor=acting_user,
            obj=unit,
            after=_snap(unit, ["number", "rent_fen", "market_rent_fen", "fitted_out"])
            | {"area_m2": str(unit.area_m2)},
            label="登记房源",
            citation=f"{DOC} 第八条",
        )
    return unit, warnings


def record_construction_start(
    project: Project, *, acting_user: Any, started_on: dt.date, units: int
) -> Project:
    """A new-build project's actual start of construction and the number of homes started (鄂州政办发〔2022〕19号
    四（二）: 12月市城控集团负责开工建设住房1000套)."""
    if units <= 0:
        raise ApiError("invalid_input", "开工建设套数：应为正整数。", field="units", status=422)
    not_future(started_on, "started_on", "开工日期")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        before = _snap(project, ["construction_started_on", "construction_units"])
        project.construction_started_on = started_on
        project.construction_units = units
        project.save(update_fields=["construction_started_on", "construction_units"])
        record(
            "rental_housing.project.construction_start",
            actor=acting_user,
            obj=project,
            before=before,
            after=_snap(project, ["construction_started_on", "construction_units"]),
            label="登记项目开工",
            citation=f"{PLAN_DOC} 四（二）",
        )
    return project


def track_reappraisal(project: Project) -> None:
    """第十条 "租金标准原则上3年评估一次" (R4): 3 years counted from the appraisal (the day not counted), the
    corresponding day or the month's last day; not rolled. Stored on the project and tracked as the
    department's period; a later appraisal replaces it. Call inside the transaction that records the date."""
    day = project.rent_appraised_on
    if day is None:
        return
    try:
        years = int(in_force(parameters(), "rent.reappraisal_years", day, field="rent_appraised_on"))
    except RentalHousingInputError as exc:
        raise input_error(exc) from exc
    deadline = compute_deadline(platform_calendar(), day, period_rules.months(12 * years, roll=False))
    project.rent_reappraisal_due = deadline.due
    Project.objects.filter(pk=project.pk).update(rent_reappraisal_due=deadline.due)
    periods.track(
        project,
        "rent_reappraisal_due",
        deadline,
        label="租金重新评估期限",
        citation=f"{DOC} 第十条",
        department=HOUSING,
    )


def record_rent_appraisal(project: Project, *, acting_user: Any, appraised_on: dt.date) -> Project:
    """The rent was appraised (第十条): the date is recorded and the next appraisal falls due 3 years later."""
    not_future(appraised_on, "rent_appraised_on", "租金评估日期")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        before = _snap(project, ["rent_appraised_on", "rent_reappraisal_due"])
        project.rent_appraised_on = appraised_on
        project.save(update_fields=["rent_appraised_on"])
        track_reappraisal(project)
        record(
            "rental_housing.project.rent_appraisal",
            actor=acting_user,
            obj=project,
            before=before,
            after=_snap(project, ["rent_appraised_on", "rent_reappraisal_due"]),
            label="登记租金评估",
            citation=f"{DOC} 第十条",
        )
    return project
