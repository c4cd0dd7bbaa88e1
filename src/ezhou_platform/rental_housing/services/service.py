"""Tenancy service (第二十四条) and complaints (第二十七条), each a small procedure: a tenant reports a repair on
a live contract → the operator arranges it (维修中) → repaired; a citizen or enterprise files a complaint or
report → the housing staff handle it (处理中) → answered. Neither article sets a time limit, so none is
counted (P10); each step needs a written response and is audited by the layer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine

from .. import steps as S
from ..models import Complaint, Contract, ContractStatus, MaintenanceRequest, Project
from .common import today


def report_maintenance(contract: Contract, *, acting_user: Any, description: str) -> MaintenanceRequest:
    if not description.strip():
        raise ApiError("invalid_input", "报修内容：请填写。", field="description", status=422)
    if contract.status not in (ContractStatus.SIGNED, ContractStatus.FILED):
        raise ApiError("bad_state", "合同不在履行中，不能报修（第二十四条）。", field="contract", status=409)
    day = today()
    with transaction.atomic():
        req = MaintenanceRequest.objects.create(
            contract=contract, reported_on=day, description=description.strip()
        )
        engine.start(req, actor=acting_user, on=day, label="承租人报修", cites=S.CITE_REPAIR)
        record(
            "rental_housing.maintenance.report",
            actor=acting_user,
            obj=req,
            after={"contract": contract.number, "status": req.status},
            label="承租人报修",
            citation=S.CITE_REPAIR,
        )
    return req


def handle_maintenance(
    req: MaintenanceRequest, *, acting_user: Any, status: str, note: str, on: dt.date | None = None
) -> MaintenanceRequest:
    """The operator's handling (第二十四条): 维修中 (`start_repair`) or 已修复 (`complete`), with what was done."""
    steps: dict[str, str] = {
        MaintenanceRequest.Status.IN_PROGRESS.value: "start_repair",
        MaintenanceRequest.Status.DONE.value: "complete",
    }
    if status not in steps:
        raise ApiError("invalid_input", "处理状态：只能是“维修中”或“已修复”。", field="status", status=422)
    engine.take(req, steps[status], actor=acting_user, on=on or today(), data={"note": note})
    return req


def submit_complaint(
    *, acting_user: Any, content: str, project: Project | None = None, complainant: str = "", phone: str = ""
) -> Complaint:
    if not content.strip():
        raise ApiError("invalid_input", "投诉举报内容：请填写。", field="content", status=422)
    day = today()
    with transaction.atomic():
        c = Complaint.objects.create(
            received_on=day,
            content=content.strip(),
            project=project,
            complainant=complainant,
            phone=phone,
            submitted_by=acting_user,
        )
        engine.start(c, actor=acting_user, on=day, label="受理投诉举报", cites=S.CITE_COMPLAINT)
        record(
            "rental_housing.complaint.submit",
            actor=acting_user,
            obj=c,
            after={"project": project.pk if project else None, "phone": phone},
            label="受理投诉举报",
            citation=S.CITE_COMPLAINT,
        )
    return c


def handle_complaint(
    complaint: Complaint, *, acting_user: Any, status: str, reply: str, on: dt.date | None = None
) -> Complaint:
    """The housing department's (or operator's) handling (第二十七条): 处理中 (`handle`) or 已答复 (`answer`)."""
    steps: dict[str, str] = {"in_progress": "handle", "answered": "answer"}  # Complaint.Status
    if status not in steps:
        raise ApiError("invalid_input", "处理状态：只能是“处理中”或“已答复”。", field="status", status=422)
    engine.take(complaint, steps[status], actor=acting_user, on=on or today(), data={"reply": reply})
    return complaint
