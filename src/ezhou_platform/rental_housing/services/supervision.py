"""Supervision (第二十八条): a district's (or the city's) inspection of a project is recorded with its findings,
each a procedure — 责令整改 by a date (a numbered order; the rectification period) → rectification confirmed;
or, where the case is serious, one of the measures of 第二十八条 decided by a second person (a numbered
decision: it changes a credit record or claws money back), or referral to the judicial organs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine

from .. import steps as S
from ..models import Finding, Inspection, Project
from .common import not_future, today


def record_inspection(
    project: Project,
    *,
    acting_user: Any,
    jurisdiction: Any,
    inspected_on: dt.date,
    inspectors: str,
    summary: str = "",
    findings: Sequence[tuple[str, str]] = (),
) -> Inspection:
    """巡查检查 (第二十八条) with its findings [(category, description)]; each finding opens its case."""
    not_future(inspected_on, "inspected_on", "检查日期")
    if not inspectors.strip():
        raise ApiError("invalid_input", "检查人员：请填写。", field="inspectors", status=422)
    categories = dict(Finding.Category.choices)
    for i, (category, description) in enumerate(findings, start=1):
        if category not in categories:
            raise ApiError("invalid_input", f"第{i}项问题的类别：请选择。", field="category", status=422)
        if not description.strip():
            raise ApiError("invalid_input", f"第{i}项问题的描述：请填写。", field="description", status=422)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            jurisdiction=jurisdiction,
            project=project,
            inspected_on=inspected_on,
            inspectors=inspectors.strip(),
            summary=summary.strip(),
        )
        record(
            "rental_housing.inspection.add",
            actor=acting_user,
            obj=inspection,
            after={"project": project.pk, "findings": len(findings)},
            label="登记巡查检查",
            citation=S.CITE_SUPERVISION,
        )
        for category, description in findings:
            finding = Finding.objects.create(
                inspection=inspection,
                category=category,
                description=description.strip(),
                recorded_by=acting_user,
            )
            engine.start(
                finding,
                actor=acting_user,
                on=inspected_on,
                label="登记检查发现问题",
                cites=S.CITE_SUPERVISION,
            )
            record(
                "rental_housing.finding.save",
                actor=acting_user,
                obj=finding,
                after={"category": category, "project": project.pk},
                label="登记检查发现问题",
                citation=S.CITE_SUPERVISION,
            )
    return inspection


def order_rectification(
    finding: Finding, *, acting_user: Any, rectify_by: dt.date, requirement: str, on: dt.date | None = None
) -> Finding:
    """责令整改 by `rectify_by` (after the order's date), with the numbered order and its remedy."""
    engine.take(
        finding,
        "order",
        actor=acting_user,
        on=on or today(),
        data={"rectify_by": rectify_by, "requirement": requirement},
    )
    return finding


def confirm_rectified(
    finding: Finding, *, acting_user: Any, rectified_on: dt.date, on: dt.date | None = None
) -> Finding:
    not_future(rectified_on, "rectified_on", "整改完成日期")
    engine.take(finding, "confirm", actor=acting_user, on=on or today(), data={"rectified_on": rectified_on})
    return finding


def impose_measure(
    finding: Finding, *, acting_user: Any, sanction: str, reason: str, on: dt.date | None = None
) -> Finding:
    """A measure of 第二十八条 for a serious case; not by the person who recorded the finding (second_person)."""
    engine.take(
        finding, "impose", actor=acting_user, on=on or today(), data={"sanction": sanction, "reason": reason}
    )
    return finding


def refer_finding(finding: Finding, *, acting_user: Any, reason: str, on: dt.date | None = None) -> Finding:
    engine.take(finding, "refer", actor=acting_user, on=on or today(), data={"reason": reason})
    return finding
