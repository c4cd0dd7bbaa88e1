"""JSON-shaped requests and answers for the platform's supervision endpoints, one function per endpoint.

The platform's views validate the caller and pass the parsed JSON body here; each function returns a dict
ready for the response, or raises ``SupervisionError`` (Chinese message naming the field, English ``code``)
for a 4xx. Nothing here reads the clock or a database: dates, reports, jurisdictions and sites come in the
request, the unit resolver and the working-day calendar are passed in by the platform.

=================================================  =============================
endpoint                                           function
=================================================  =============================
GET  /api/v1/supervision/{document}/tasks          ``tasks_answer(document)``
POST /api/v1/supervision/task-state                ``task_state_answer(body)``
POST /api/v1/vocational-education/funding-floor    ``funding_floor_answer(body)``
POST /api/v1/vocational-education/progression      ``progression_answer(body)``
POST /api/v1/rural-delivery/coverage               ``coverage_answer(body)``
GET  /api/v1/rural-delivery/phase?date=            ``phase_answer(date)``
=================================================  =============================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ezhou_rules.core.money import MoneyError, parse_yuan
from ezhou_rules.core.workdays import WorkdayCalendar
from ezhou_rules.library import Library

from .boards import membership_check
from .consistency import consistency_report
from .deadlines import as_date
from .errors import SupervisionError
from .plans import plan_slugs
from .state import Report, Supervision
from .tasks import TaskList, load_tasks
from .units import UnitResolver

__all__ = [
    "coverage_answer",
    "funding_floor_answer",
    "phase_answer",
    "progression_answer",
    "task_state_answer",
    "tasks_answer",
]


def _need(body: Mapping[str, Any], key: str, label: str) -> Any:
    if not isinstance(body, Mapping) or body.get(key) in (None, ""):
        raise SupervisionError("field_missing", f"请求缺少{label}（{key}）。", field=label)
    return body[key]


def _plan(document: str, library: Library | None, resolve_unit: UnitResolver | None) -> TaskList:
    """A plan by slug (vocational_education) or by 文号 (鄂州政发〔2022〕15号)."""
    slugs = plan_slugs()
    slug = document if document in slugs else None
    if slug is None:
        for s in slugs:
            tl = load_tasks(s, library=library, resolve_unit=resolve_unit)
            if tl.document == document:
                return tl
        raise SupervisionError(
            "unknown_plan", f"没有督办方案“{document}”（已有：{'、'.join(slugs)}）。", field="文件"
        )
    return load_tasks(slug, library=library, resolve_unit=resolve_unit)


def tasks_answer(
    document: str, *, library: Library | None = None, resolve_unit: UnitResolver | None = None
) -> dict[str, Any]:
    """The plan's tasks and items, what the loader could not read, the main text/annex differences and the
    leading body's membership check."""
    plan = _plan(document, library, resolve_unit)
    out = plan.to_dict()
    out["consistency"] = consistency_report(plan, library=library).to_dict()
    out["membership"] = membership_check(plan).to_dict()
    return out


def task_state_answer(
    body: Mapping[str, Any],
    *,
    calendar: WorkdayCalendar | None = None,
    library: Library | None = None,
    resolve_unit: UnitResolver | None = None,
) -> dict[str, Any]:
    """``{"task": "vocational_education/25", "date": "2023-01-03", "roll_rest_days": false,
    "reports": [{"kind": "completion", "date": "2023-01-03", "document_number": "…", "unit": "education"}]}``.

    ``task`` is an item id (a task, or a yearly item ``…/9@2024``); each report's ``task`` defaults to it.
    """
    item_id = str(_need(body, "task", "任务编号"))
    on = as_date(_need(body, "date", "查询日期"), "查询日期")
    plan = _plan(item_id.split("/", 1)[0], library, resolve_unit)
    roll = bool(body.get("roll_rest_days", False))
    engine = Supervision([plan], roll_rest_days=roll, calendar=calendar)
    reports = []
    for r, raw in enumerate(body.get("reports") or ()):
        if not isinstance(raw, Mapping):
            raise SupervisionError("invalid_report", f"第{r + 1}条报告不是对象。", field="报告", row=r)
        reports.append(
            Report(
                item_id=str(raw.get("task") or item_id),
                kind=str(raw.get("kind", "")),
                date=as_date(_need(raw, "date", "报告日期"), "报告日期"),
                document_number=str(raw.get("document_number") or ""),
                attachment=str(raw.get("attachment") or ""),
                unit=raw.get("unit"),
                note=str(raw.get("note") or ""),
            )
        )
    return {**engine.state_on(item_id, reports, on).to_dict(), "roll_rest_days": roll}


def _amount(raw: Mapping[str, Any], label: str) -> int:
    if "amount_fen" in raw:
        return raw["amount_fen"]  # type checked (int, not float) by the rule
    try:
        return parse_yuan(str(_need(raw, "amount", label)))
    except MoneyError as exc:
        raise SupervisionError(exc.code, f"{label}：{exc}", field=label) from None


def funding_floor_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"records": [{"school", "kind", "ownership", "year", "students", "lines": [{"kind", "amount" |
    "amount_fen", "label", "includes_tuition", "includes_service_income"}]}]}``."""
    from .vocational_education.funding import FundingLine, SchoolYearFunding, funding_floor_check

    records = []
    for raw in _need(body, "records", "学校经费记录"):
        lines = tuple(
            FundingLine(
                kind=str(ln.get("kind", "")),
                amount_fen=_amount(ln, "经费金额"),
                label=str(ln.get("label") or ""),
                includes_tuition=bool(ln.get("includes_tuition", False)),
                includes_service_income=bool(ln.get("includes_service_income", False)),
            )
            for ln in raw.get("lines") or ()
        )
        records.append(
            SchoolYearFunding(
                school=str(raw.get("school", "")),
                kind=str(raw.get("kind", "")),
                ownership=str(raw.get("ownership", "")),
                year=raw.get("year"),  # type: ignore[arg-type]  # checked by the rule
                students=raw.get("students"),  # type: ignore[arg-type]
                lines=lines,
            )
        )
    return {"results": [c.to_dict() for c in funding_floor_check(records)]}


def progression_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"rows": [{"school", "year", "graduates", "progressed", "to_bachelor"}], "bachelor_denominator":
    "graduates" | "progressed"}``."""
    from .vocational_education.progression import progression_check

    rows: Sequence[Mapping[str, Any]] = _need(body, "rows", "升学数据")
    result = progression_check(
        [r.get("school", "") for r in rows],
        [r.get("year") for r in rows],
        [r.get("graduates") for r in rows],
        [r.get("progressed") for r in rows],
        [r.get("to_bachelor") for r in rows],
        bachelor_denominator=str(body.get("bachelor_denominator", "graduates")),
    )
    return {"results": result.rows(), "bachelor_denominator": result.bachelor_denominator}


def coverage_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """``{"date", "jurisdictions": [{"code", "name", "level", "parent", "development_zone", "dispersed",
    "valid_from", "valid_until"}], "sites": [{"id", "name", "level", "jurisdiction", "operators",
    "functions", "history": [{"since", "state"}]}], "series": {"start", "end", "step"}}`` (series optional)."""
    from .rural_delivery.coverage import coverage_on, coverage_series, coverage_tree, series_dates
    from .rural_delivery.jurisdictions import JurisdictionRegister
    from .rural_delivery.sites import function_gaps, site_table, sites_from_dicts

    on = as_date(_need(body, "date", "统计日期"), "统计日期")
    register = JurisdictionRegister.from_dicts(_need(body, "jurisdictions", "辖区名录"))
    sites = sites_from_dicts(body.get("sites") or ())
    table = site_table(sites, register)
    out = coverage_on(register, table, on).to_dict()
    out["tree"] = coverage_tree(register, table, on)
    out["function_gaps"] = function_gaps(sites)
    series = body.get("series")
    if series:
        start = as_date(_need(series, "start", "序列开始日期"), "序列开始日期")
        end = as_date(series["end"], "序列结束日期") if series.get("end") else None
        dates = series_dates(start, end, step=str(series.get("step", "month")))
        out["series"] = coverage_series(register, table, dates).to_dict()
    return out


def phase_answer(date: Any, *, library: Library | None = None) -> dict[str, Any]:
    from .rural_delivery import current_phase

    return current_phase(as_date(date, "日期"), library).to_dict()
