"""An award found undue (不应享受): the deciding department records why, the award stops standing in the
ledger (its keys are freed, its amount leaves the cap of its subject and year) and a numbered 追回通知书 is
issued — the amount to return where it was paid, the decision revoked where it was not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.procedures import documents, engine
from ezhou_rules.subsidies import cite
from ezhou_rules.subsidies.errors import SubsidyError

from ..models import Application
from . import ledger, params

REMEDY = (
    "当事人对本通知不服的，可以自收到本通知之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
)


def claw_back(app: Application, *, actor: Any, on: dt.date, reason: str) -> Application:
    if not reason.strip():
        raise SubsidyError("reason_required", "请填写认定不应享受的理由。", field="reason", label="追回理由")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        was_paid = locked.status == Application.Status.PAID
        payable = int(locked.payable_fen or 0)
        engine.take(locked, "claw_back", actor=actor, on=on, data={"reason": reason})
        ledger.release(locked, on, f"认定不应享受：{reason.strip()}")
        cap = ledger.lock_cap(locked, params.tree(), on)
        if cap is not None and payable:
            cap.used_fen = max(cap.used_fen - payable, 0)
            cap.save(update_fields=["used_fen"])
        locked.clawback_document = documents.issue(
            f"subsidies.clawback.{locked.department.code}",
            template="subsidies/documents/clawback.html",
            title=f"{locked.subject_name}奖补资金追回通知书",
            on=on,
            actor=actor,
            case=engine.case_of(locked),
            recipient=locked.subject_name,
            citation=cite(locked.measure),
            remedy=REMEDY,
            context={"application": locked, "was_paid": was_paid},
        )
        locked.save(update_fields=["clawback_document"])
    app.refresh_from_db()
    return app
