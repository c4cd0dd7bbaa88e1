"""Objections raised during the publicity (第十四条第（二）项), each a procedure: recorded within the publicity
period → 异议成立 (the applicant does not obtain the qualification: the application's `disqualify` step, with
its numbered notice) or 异议不成立 (the publicity goes on; the qualification waits until no objection is
pending)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.core.dates import cn_date

from .. import steps as S
from ..models import Application, ApplicationStatus, Objection
from .common import today


def raise_objection(
    app: Application, *, acting_user: Any, raised_by: str, content: str, on: dt.date | None = None
) -> Objection:
    """Record an objection to an application in publicity, up to the publicity's last day."""
    day = on or today()
    if not content.strip():
        raise ApiError("invalid_input", "异议内容：请填写。", field="content", status=422)
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("project").get(pk=app.pk)
        if app.status != ApplicationStatus.PUBLICITY:
            raise ProcedureError(
                "bad_state",
                f"当前状态为“{app.get_status_display()}”，不能登记公示异议（{S.CITE_REVIEW}）。",
                field="status",
                status=409,
            )
        if app.publicity_end and day > app.publicity_end:
            raise ApiError(
                "publicity_over",
                f"公示期已于{cn_date(app.publicity_end)}结束，不能再登记异议（{S.CITE_REVIEW}）。",
                field="raised_on",
                status=409,
            )
        obj = Objection.objects.create(
            application=app,
            raised_on=day,
            raised_by=raised_by.strip() or "匿名",
            content=content.strip(),
            recorded_by=acting_user,
        )
        engine.start(obj, actor=acting_user, on=day, label="登记公示异议", cites=S.CITE_REVIEW)
        record(
            "rental_housing.objection.raise",
            actor=acting_user,
            obj=obj,
            after={"application": app.pk, "raised_on": day.isoformat()},
            label="登记公示异议",
            citation=S.CITE_REVIEW,
        )
    return obj


def decide_objection(
    objection: Objection, *, acting_user: Any, upheld: bool, decision: str, on: dt.date | None = None
) -> Objection:
    """异议成立 → the applicant is disqualified (numbered notice); 不成立 → the publicity goes on."""
    day = on or today()
    with transaction.atomic():
        engine.take(
            objection,
            "uphold" if upheld else "dismiss",
            actor=acting_user,
            on=day,
            data={"decision": decision},
        )
        app = objection.application
        app.refresh_from_db()
        if upheld and app.status == ApplicationStatus.PUBLICITY:
            engine.take(app, "disqualify", actor=acting_user, on=day, data={"decision": objection.decision})
    return objection
