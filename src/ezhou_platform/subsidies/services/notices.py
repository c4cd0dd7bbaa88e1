"""名单公示: reviewed applications published together, names and identifiers masked, for a period the department
enters (the text sets none: ``procedure.notice_workdays``, refused until entered). The notice is a numbered
document of the reviewing department; its period is on the department's 待办 until every application in it
is decided or refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import documents, engine, periods
from ezhou_rules.core import ids
from ezhou_rules.core import periods as period_specs
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.periods import compute_deadline
from ezhou_rules.subsidies import cite
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import Application, PublicNotice
from . import params

DOC = "鄂州政办发〔2022〕32号"


@dataclass(frozen=True)
class NoticeRow:
    number: str
    name: str
    identifier: str
    item: str
    citation: str
    amount: str
    payer: str


def _is_person(app: Application) -> bool:
    return app.subject_is_person


def masked_identifier(app: Application) -> str:
    return app.masked_subject


def notice_rows(apps: Sequence[Application]) -> list[NoticeRow]:
    out = []
    for a in apps:
        comp = COMPONENTS.get(a.component)
        out.append(
            NoticeRow(
                a.number,
                ids.mask_name(a.subject_name) if _is_person(a) else a.subject_name,
                masked_identifier(a),
                comp.title if comp else a.component,
                cite(a.measure),
                a.amount_text,
                a.payer,
            )
        )
    return out


def notice_period(on: dt.date) -> tuple[int, Any]:
    try:
        days = int(params.configured_value("procedure.notice_workdays", on))
    except ParameterNotSet as exc:
        raise SubsidyError(
            "notice_period_not_set",
            f"名单公示期尚未录入：文件未规定公示期，请主管部门在“政策参数取值”中录入（{exc}）",
            field="procedure.notice_workdays",
        ) from exc
    return days, compute_deadline(platform_calendar(), on, period_specs.workdays(days))


def publish(apps: Sequence[Application], *, actor: Any, on: dt.date, title: str = "") -> PublicNotice:
    """Publish the reviewed ``apps`` (one department's) in one notice; all of them or none."""
    if not apps:
        raise SubsidyError("nothing_selected", "请选择要公示的申请。", field="applications")
    departments = {a.department_id for a in apps}
    if len(departments) != 1:
        raise SubsidyError("mixed_departments", "一次公示只能包含同一审核部门的申请。", field="applications")
    days, deadline = notice_period(on)
    dept = apps[0].department
    with transaction.atomic():
        notice = PublicNotice.objects.create(
            department=dept,
            created_by=actor,
            published_on=on,
            ends_on=deadline.due,
            workdays=days,
            title=(title.strip() or f"惠企政策奖补名单公示（{cn_date(on)}）")[:200],
        )
        for app in apps:
            try:
                engine.take(app, "publish", actor=actor, on=on, data={"notice": notice})
            except engine.ProcedureError as exc:
                raise SubsidyError(exc.code, f"{app.number}：{exc.message}", field="applications") from exc
        periods.track(
            notice,
            "ends_on",
            deadline,
            label="名单公示期（期满后作出决定）",
            citation=DOC,
            department=dept.code,
        )
        notice.document = documents.issue(
            f"subsidies.notice.{dept.code}",
            template="subsidies/documents/notice.html",
            title=notice.title,
            on=on,
            actor=actor,
            recipient="社会公众",
            citation=DOC,
            context={"notice": notice, "rows": notice_rows(apps), "days": days},
        )
        notice.save(update_fields=["document"])
    return notice


def close_if_done(notice: PublicNotice | None, on: dt.date) -> None:
    """The notice's period is answered once no application in it is still waiting for a decision."""
    if notice is not None and not notice.applications.filter(status=Application.Status.NOTICED).exists():
        periods.close(notice, "ends_on", on)
