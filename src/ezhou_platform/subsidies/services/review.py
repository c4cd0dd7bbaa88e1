"""Review (审核): the facts as filed checked against the documents and against the lists of the people who hold
the data (统计局 限上 list, 交通运输部 规上 list and rankings, the dealer list); a refusal with its reason ends
the case and frees its ledger keys; the applicant may withdraw before the decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_rules.core import ids
from ezhou_rules.subsidies.components import component
from ezhou_rules.subsidies.errors import SubsidyError
from ezhou_rules.subsidies.fields import Field, format_value, parse_rows
from ezhou_rules.subsidies.imports import SPECS

from ..models import Application, ReferenceRow
from ..models.applications import PERSON_ID_FACTS
from . import ledger, notices


def review(app: Application, *, actor: Any, on: dt.date, note: str = "") -> Application:
    engine.take(app, "review", actor=actor, on=on, data={"note": note.strip()})
    return app


def refuse(app: Application, *, actor: Any, on: dt.date, reason: str) -> Application:
    with transaction.atomic():
        engine.take(app, "refuse", actor=actor, on=on, data={"reason": reason})
        ledger.release(app, on, f"不予奖补：{reason.strip()}")
        notices.close_if_done(app.notice, on)
    return app


def owns(user: Any, app: Application) -> bool:
    role = getattr(user, "role", "")
    if role == Role.ENTERPRISE:
        return bool(user.enterprise_uscc) and app.applicant_uscc == user.enterprise_uscc
    if role == Role.CITIZEN:
        return app.applicant_user_id == user.pk
    return False


def withdraw(app: Application, *, actor: Any, on: dt.date, reason: str = "") -> Application:
    if not owns(actor, app):
        raise SubsidyError("not_yours", "只能撤回本人或本企业的申请。", field="application")
    with transaction.atomic():
        engine.take(app, "withdraw", actor=actor, on=on, data={"reason": reason.strip() or "申请人撤回"})
        ledger.release(app, on, "申请人撤回")
        notices.close_if_done(app.notice, on)
    return app


@dataclass(frozen=True)
class ReferenceCheck:
    source: str  # which list
    ok: bool | None  # None: the list holds no row for this case
    text: str


def _shown(fields: list[Field], raw: dict[str, Any], names: dict[str, str]) -> dict[str, str]:
    """The values of ``names`` as a clerk reads them (typed by the field, so 是/true/1 compare equal)."""
    chosen = [f for f in fields if f.name in names and f.name in raw]
    parsed = parse_rows(chosen, [raw])
    bad = {e.field for e in parsed.errors}
    return {f.name: format_value(f, parsed.columns[f.name][0]) for f in chosen if f.name not in bad}


def _compare(kind: str, app: Application, data: dict[str, Any], names: dict[str, str]) -> list[str]:
    filed = _shown(list(component(app.component).fields), app.facts, names)
    listed = _shown(list(SPECS[kind].fields), data, names)
    return [
        f"“{label}”申报为“{filed[name]}”，名单为“{listed[name]}”"
        for name, label in names.items()
        if name in filed and name in listed and filed[name] != listed[name]
    ]


def reference_checks(app: Application) -> list[ReferenceCheck]:
    """What the data holders' lists say about the case (shown to the reviewer beside the facts)."""
    facts = app.facts
    out: list[ReferenceCheck] = []

    def lookup(kind: str, key: str, source: str, names: dict[str, str]) -> None:
        row = ReferenceRow.objects.filter(kind=kind, key=key).first()
        if row is None:
            out.append(ReferenceCheck(source, None, f"{source}中没有该主体（{key}）的记录。"))
            return
        diffs = _compare(kind, app, row.data, names)
        text = "；".join(diffs) if diffs else "申报信息与名单一致。"
        out.append(ReferenceCheck(source, not diffs, text))

    if app.measure == 9:
        year = facts.get("year") or (str(facts.get("entered_on", ""))[:4])
        names = {
            "first_entry": "首次入库",
            "entered_on": "入库日期",
            "in_database": "在库限额以上企业",
            "central_soe": "央企",
            "retail_sales": "本年零售额（元）",
            "retail_sales_last_year": "上年零售额（元）",
            "territory": "所属区域",
        }
        lookup(ReferenceRow.Kind.ABOVE_LIMIT, f"{app.subject}|{year}", "统计局限上名录", names)
    elif app.component == "m08.ranked":
        names = {
            "established_in_ezhou": "在我市依法设立",
            "in_designated_list": "纳入交通运输部规上公路货运",
            "turnover_rank": "2022年公路货物周转量全省排名",
            "growth_rank": "周转量增长量全省排名",
        }
        lookup(ReferenceRow.Kind.FREIGHT, f"{app.subject}|2022", "交通运输部规上名单及全省排名", names)
    elif app.component == "m08.new":
        lookup(
            ReferenceRow.Kind.FREIGHT,
            f"{app.subject}|2022",
            "交通运输部规上名单",
            {"included_on": "纳入规模以上公路货运企业日期"},
        )
    elif app.component == "m12":
        lookup(ReferenceRow.Kind.DEALERS, str(facts.get("dealer_code", "")), "授权经销商名单", {})
    elif app.measure in (1, 2, 3):
        bank_key = app.object.replace(":", "|", 1)
        lookup(ReferenceRow.Kind.BANK_LOANS, bank_key, "银行贷款报送", {})
    return out


def facts_rows(app: Application) -> list[tuple[str, str]]:
    """The facts as filed, each under its Chinese label, as a clerk reads them (1,234.56元, 2022年9月10日)."""
    fields = [f for f in component(app.component).fields if f.name in app.facts]
    shown = _shown(fields, app.facts, {f.name: f.label for f in fields})
    rows = [(f, shown.get(f.name, str(app.facts.get(f.name, "")))) for f in fields]
    # A person's ID number is shown masked (C05): the reviewer checks it against the ID card uploaded with
    # the application, which the ledger has already matched whole; a USCC stays whole (public).
    return [
        (f.label, _masked_id(v) if f.name in PERSON_ID_FACTS and not ids.is_valid_uscc(v) else v)
        for f, v in rows
    ]


def _masked_id(value: str) -> str:
    return ids.mask_resident_id(value) if value else value
