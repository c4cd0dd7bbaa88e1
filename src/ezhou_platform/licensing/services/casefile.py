"""A platform case as the rules layer reads it: the item, the notice, the commitment, the events, the state.

``state_of(app, on)`` is the rules' ``case_state`` over the events the services logged (``rules_events``) —
what is due and when, what the clerk must do next, whether the holder may operate — with the platform's
calendar and the configured periods.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ezhou_platform.common.calendar import platform_calendar
from ezhou_rules.licensing.case_state import CaseFile, CaseState, EventKind, Route, case_from_dict, case_state
from ezhou_rules.licensing.catalogue import CatalogueItem as RulesItem
from ezhou_rules.licensing.coverage import Coverage, coverage
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.notification import (
    Commitment,
    Delivery,
    Notification,
    Qualification,
    Section,
    confirmations_from_codes,
)
from ezhou_rules.licensing.scheme import Scheme as RulesScheme
from ezhou_rules.licensing.scheme import Timing

from . import rules


def rules_item(app: Any) -> RulesItem:
    return rules.catalogue().item(app.item_code)


def rules_scheme(app: Any) -> RulesScheme:
    if app.scheme is None:
        raise LicensingError("scheme_missing", "该申请没有一事项一方案（一般程序办理）。", field="scheme")
    return rules.rules_scheme(app.scheme)


def rules_notification(app: Any) -> Notification:
    """The notice as notified, rebuilt from its stored canonical content (its hash checked)."""
    proof = app.notification
    data = json.loads(proof.content_json)
    n = Notification(
        item=data["item"],
        item_title=data["item_title"],
        on=dt.date.fromisoformat(data["on"]),
        scheme_version=data["scheme_version"],
        template_version=data["template_version"],
        template_sha256=data["template_sha256"],
        sections=tuple(Section(s["number"], s["heading"], tuple(s["lines"])) for s in data["sections"]),
        later_qualification_offered=bool(data["later_qualification_offered"]),
    )
    if n.sha256 != proof.content_sha256:
        raise LicensingError(
            "notification_altered",
            "一次性告知：留存内容与其摘要不一致，留存记录可能被改动。",
            field="notification",
        )
    return n


def _day(value: Any, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LicensingError("commitment_invalid", f"{label}：“{value}”不是日期。", field=field) from None


def commitment_from_data(app: Any, data: dict[str, Any]) -> Commitment:
    """A signed commitment from a form or the API (ticks 1–5, delivery, dates, qualification, conditions)."""
    try:
        delivery = Delivery(str(data.get("delivery") or ""))
    except ValueError:
        raise LicensingError(
            "commitment_invalid", "递交方式：应为在线提交、当面递交或邮寄。", field="delivery"
        ) from None
    try:
        qualification = Qualification(str(data.get("qualification") or ""))
    except ValueError:
        raise LicensingError(
            "commitment_invalid",
            "承诺类型：应为“已具备经营许可条件”或“领证后一定期限内具备”。",
            field="qualification",
        ) from None
    signed = _day(data.get("signed_on"), "signed_on", "签署日期")
    if signed is None:
        raise LicensingError("commitment_invalid", "签署日期：不能为空。", field="signed_on")
    notification = rules_notification(app)
    return Commitment(
        item=app.item_code,
        template_version=str(data.get("template_version") or notification.template_version),
        notification_sha256=str(data.get("notification_sha256") or notification.sha256),
        confirmations=confirmations_from_codes(data.get("confirmations") or ()),
        delivery=delivery,
        signed_on=signed,
        qualification=qualification,
        conditions=frozenset(str(c) for c in data.get("conditions") or ()),
        received_on=_day(data.get("received_on"), "received_on", "收件日期"),
        applicant_uscc=app.applicant_uscc,
        applicant_name=app.applicant_name,
    )


def stored_commitment(app: Any) -> Commitment:
    c = app.commitment
    return commitment_from_data(
        app,
        {
            "delivery": c.delivery,
            "qualification": c.qualification,
            "signed_on": c.signed_on,
            "received_on": c.received_on,
            "confirmations": c.confirmations,
            "conditions": c.conditions,
            "template_version": c.template_version,
            "notification_sha256": c.notification_sha256,
        },
    )


def coverage_of(app: Any, on: dt.date) -> Coverage:
    return coverage(
        rules_item(app),
        app.facets,
        on=on,
        certificate=app.certificate or None,
        partial_scopes=rules.partial_scopes(),
    )


def materials_submitted(app: Any) -> set[str]:
    """Codes of the at-submission materials handed in with the commitment."""
    return {
        m.code
        for m in app.materials.all()
        if m.timing == Timing.AT_SUBMISSION.value and m.state in ("submitted", "conforming")
    }


# -- events ---------------------------------------------------------------------------------------------------


def log(app: Any, kind: EventKind, on: dt.date, **extra: Any) -> None:
    """Append a rules event to the case (call inside the transaction that took the step)."""
    event = {"kind": kind.value, "on": on.isoformat(), **{k: v for k, v in extra.items() if v is not None}}
    app.rules_events = [*(app.rules_events or []), event]
    app.save(update_fields=["rules_events"])


def case_file(app: Any, extra: list[dict[str, Any]] | None = None) -> CaseFile:
    """The case as the rules read it; ``extra`` events are appended (to try a step before taking it)."""
    after = [m.code for m in app.materials.all() if m.timing == Timing.AFTER_DECISION.value]
    return case_from_dict(
        {
            "item": app.item_code,
            "route": app.route,
            "qualification": app.qualification or ("already" if app.route == Route.COMMITMENT else None),
            "materials_after_decision": after,
            "events": [*(app.rules_events or []), *(extra or [])],
        }
    )


def state_of_file(case: CaseFile, on: dt.date) -> CaseState:
    return case_state(case, periods=rules.period_table(), cal=platform_calendar(), on=on)


def state_of(app: Any, on: dt.date) -> CaseState:
    return state_of_file(case_file(app), on)
