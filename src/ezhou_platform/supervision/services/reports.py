"""The report procedure (``supervision.report``): a unit files progress or completion, the plan's supervising
department confirms or returns it.

Who files: a clerk or head of a department whose organisation carries the task files for it; the supervising
department may file for any unit of its plan (for units without accounts, e.g. a school). Every filing is
checked by the rules first (an unknown item, a date before the plan was issued, a completion without its
document number or of a task that runs continuously, a unit not on the task) and by the attachment's type;
nothing is written when a check fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.models import Organisation
from ezhou_platform.common.permissions import WRITE, allowed
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.state import Report as RulesReport

from ..models import Item, Report
from ..models.reports import ATTACHMENT_TYPES
from . import assignments
from .tasklists import snapshot
from .units import user_organisation

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD)
# The rules name a report's fields as a batch does; the form's labels for the same fields.
FORM_LABELS = {
    "完成日期": "证明文件日期",
    "报告日期": "证明文件日期",
    "报告类型": "报送类型",
    "任务编号": "督办事项",
}


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


def _sniff(att: Attachment) -> str:
    if not att.data:
        raise SupervisionError("attachment_empty", "“证明文件”是空文件，请重新选择。", field="证明文件")
    if len(att.data) > MAX_ATTACHMENT_BYTES:
        raise SupervisionError(
            "attachment_too_large", "“证明文件”超过10 MB，请压缩后上传。", field="证明文件"
        )
    for magic, kind in _MAGIC:
        if att.data.startswith(magic):
            # no active PDF content, no polyglot, no malware (SECURITY.md C18)
            from ezhou_platform.security.uploads import UploadRejected, screen_bytes

            try:
                screen_bytes(att.data, label="“证明文件”")
            except UploadRejected as exc:
                raise SupervisionError(f"attachment_{exc.code}", exc.message, field="证明文件") from None
            return kind
    raise SupervisionError(
        "attachment_type", "“证明文件”应为 PDF、JPEG 或 PNG 文件（按文件内容判断）。", field="证明文件"
    )


def units_user_may_file_for(user: Any, item: Item) -> list[Organisation]:
    """The units of the item's task ``user`` may report for: their own organisation if it carries the task;
    every unit of the task when they work for the plan's supervising department."""
    if not allowed(user, roles=STAFF, action=WRITE):
        return []
    found: dict[int, Organisation] = {}
    for u in item.task.units.select_related("organisation"):
        if u.organisation is not None:
            found.setdefault(u.organisation.pk, u.organisation)
    units = list(found.values())
    if user.department_id == item.plan.department_id:
        return units
    own = user_organisation(user)
    return [u for u in units if own is not None and u.pk == own.pk]


def file_report(
    item: Item,
    *,
    unit: Organisation,
    kind: str,
    evidence_date: dt.date,
    document_number: str,
    summary: str,
    attachment: Attachment | None,
    actor: Any,
    corrects: Report | None = None,
) -> Report:
    """File a report and open its case; refused (SupervisionError, nothing written) when a rule says no."""
    plan = item.plan
    if unit.pk not in {u.pk for u in units_user_may_file_for(actor, item)}:
        raise SupervisionError(
            "unit_not_yours",
            f"您不能代“{unit.name}”报送：只能由承担该任务的单位或督办部门（{plan.department.name}）报送。",
            field="报送单位",
            rule=item.task.citation,
        )
    if kind not in Report.Kind.values:
        raise SupervisionError("report_kind_unknown", "“报送类型”应为进展情况或完成情况。", field="报送类型")
    if not summary.strip():
        raise SupervisionError("summary_missing", "请填写“情况说明”。", field="情况说明")
    if kind == Report.Kind.COMPLETION and attachment is None:
        raise SupervisionError(
            "attachment_missing",
            "报送完成情况须上传“证明文件”（出台的文件或完成的证明）。",
            field="证明文件",
            rule=item.task.citation,
        )
    if evidence_date > clock.today():
        raise SupervisionError(
            "evidence_in_future",
            "“证明文件日期”不能晚于今天。",
            field="证明文件日期",
            rule=item.task.citation,
        )
    if corrects is not None and (corrects.item_id != item.pk or corrects.status != Report.Status.RETURNED):
        raise SupervisionError("correction_invalid", "只能更正本事项已退回的报送。", field="更正的报送")
    snap = snapshot([plan])
    try:
        snap.engine.check_report(
            RulesReport(item.code, kind, evidence_date, document_number.strip(), unit=str(unit.pk))
        )
    except SupervisionError as exc:  # the rules' words for the form's fields
        raise SupervisionError(
            exc.code, exc.message, field=FORM_LABELS.get(exc.field or "", exc.field), rule=exc.rule
        ) from None
    content_type = _sniff(attachment) if attachment is not None else ""
    with transaction.atomic():
        report = Report(
            plan=plan,
            item=item,
            unit=unit,
            kind=kind,
            evidence_date=evidence_date,
            document_number=document_number.strip()[:80],
            summary=summary.strip()[:2000],
            filed_by=actor,
            filed_on=clock.today(),
            corrects=corrects,
        )
        if attachment is not None:
            report.original_name = attachment.name[:200]
            report.content_type = content_type
            report.size = len(attachment.data)
            report.sha256 = hashlib.sha256(attachment.data).hexdigest()
            report.attachment.save(
                f"x{ATTACHMENT_TYPES[content_type]}", ContentFile(attachment.data), save=False
            )
        report.save()
        engine.start(
            report,
            actor=actor,
            on=report.filed_on,
            label=f"报送{report.get_kind_display()}",
            cites=item.task.citation,
        )
        audit(
            "supervision.report.file",
            actor=actor,
            obj=report,
            after={
                "item": item.code,
                "unit": unit.name,
                "kind": kind,
                "evidence_date": evidence_date.isoformat(),
                "document_number": report.document_number,
                "sha256": report.sha256,
            },
            label=f"报送{item.label}{report.get_kind_display()}",
            citation=item.task.citation,
        )
    return report


def accept(report: Report, *, actor: Any, note: str = "", on: dt.date | None = None) -> Report:
    """确认: a confirmed completion completes the item from its evidence date and answers its periods."""
    on = on or clock.today()
    with transaction.atomic():
        engine.take(report, "accept", actor=actor, on=on, data={"note": note})
        if report.kind == Report.Kind.COMPLETION:
            assignments.close_item(report.item, on)
    return report


def return_report(report: Report, *, actor: Any, reason: str, on: dt.date | None = None) -> Report:
    """退回 with a reason; the unit files a new report."""
    engine.take(report, "return_report", actor=actor, on=on or clock.today(), data={"reason": reason})
    return report


def may_see(user: Any, report: Report) -> bool:
    """Staff of every department read the supervision (pages are scoped by the views); the file of a
    report is for the reporting unit, the supervising department, the 督查室 and auditors."""
    from ezhou_platform.common.permissions import user_role

    role = user_role(user)
    if role == Role.AUDITOR:
        return True
    if role not in STAFF:
        return False
    own = user_organisation(user)
    return (
        user.department_id == report.plan.department_id
        or (own is not None and own.pk == report.unit_id)
        or user.department.code == "supervision_office"
    )
