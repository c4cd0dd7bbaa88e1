"""Online applications (enterprises; citizens for the car trade-in, with the vehicle documents) and the
public self-check.

Submitting runs the measure's rules on the facts as filed: an application the rules find ineligible is not
accepted (the answer says why, with the section); an eligible one is accepted only if it can take its keys in
the ledger — a second application for the same loan, car, person, store or year is refused naming the first
award or application. The application, its keys, its documents, its case and its audit record are written in
one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Department
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_rules.subsidies import cite, measure_name
from ezhou_rules.subsidies.calculate import Calculation, calculate, self_check
from ezhou_rules.subsidies.components import COMPONENTS, Component, component
from ezhou_rules.subsidies.decision import Reason
from ezhou_rules.subsidies.errors import InvalidRows, RowError, SubsidyError
from ezhou_rules.subsidies.fields import Field

from ..models import Application, ApplicationDocument
from ..procedures import department_for_measure
from . import ledger, params

# Components an applicant files online; 一至三 come from the banks' reports, 十六 needs no application.
ONLINE = (
    "m04.interface",
    "m04.facilitation",
    "m04.bills",
    "m05.store",
    "m05.operator",
    "m08.new",
    "m08.ranked",
    "m09.legal_person",
    "m09.individual_first",
    "m09.individual_second",
    "m09.retail_growth",
    "m09.case_by_case",
    "m12",
)
DECISION_FIELDS = frozenset({"decided_amount", "decision_reason", "decision_ref"})
CAR_DOCUMENTS = (
    ApplicationDocument.Kind.ID_CARD,
    ApplicationDocument.Kind.OLD_CAR,
    ApplicationDocument.Kind.INVOICE,
    ApplicationDocument.Kind.NEW_LICENCE,
)
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_ACCOUNT = re.compile(r"^\d{6,34}$")


class NotEligible(SubsidyError):
    """The rules found the case ineligible: the reasons, each with its section."""

    def __init__(self, measure: int, reasons: list[Reason]) -> None:
        text = "；".join(r.text.rstrip("。") for r in reasons)
        super().__init__("not_eligible", f"不符合{measure_name(measure)}（{cite(measure)}）的条件：{text}。")
        self.reasons = reasons


@dataclass(frozen=True)
class Payee:
    name: str
    bank: str
    account: str


@dataclass(frozen=True)
class Upload:
    kind: str
    name: str
    data: bytes


def applicant_fields(code: str) -> list[Field]:
    """The fields an applicant fills in (the department's decision fields are not theirs)."""
    return [f for f in component(code).fields if f.name not in DECISION_FIELDS]


def subject_field(code: str) -> Field:
    """The field that names who receives the award (its first identifier field)."""
    return next(f for f in component(code).fields if f.kind in ("uscc", "resident_id", "subject_id"))


def online_components(role: str) -> list[Component]:
    """What a citizen (the car trade-in) or an enterprise (the rest) may apply for online."""
    return [
        COMPONENTS[c]
        for c in ONLINE
        if (COMPONENTS[c].subject_kind == "resident_id") == (role == Role.CITIZEN)
    ]


def sniff_type(data: bytes) -> str | None:
    return next((t for magic, t in _MAGIC if data.startswith(magic)), None)


def check_payee(payee: Payee) -> list[RowError]:
    errors = []
    if not payee.name.strip() or len(payee.name) > 100:
        errors.append(RowError(1, "payee_name", "收款户名", "required", "“收款户名”不能为空，不超过100字。"))
    if not payee.bank.strip() or len(payee.bank) > 100:
        errors.append(RowError(1, "payee_bank", "开户银行", "required", "“开户银行”不能为空，不超过100字。"))
    if not _ACCOUNT.fullmatch(payee.account.replace(" ", "").replace("-", "")):
        errors.append(
            RowError(
                1,
                "payee_account",
                "收款账号",
                "account_invalid",
                f"“收款账号”应为6至34位数字，收到“{payee.account}”。",
                payee.account,
            )
        )
    return errors


def check_uploads(code: str, uploads: Sequence[Upload]) -> list[RowError]:
    errors = []
    kinds = {u.kind for u in uploads}
    if code == "m12":
        for kind in CAR_DOCUMENTS:
            if kind not in kinds:
                label = ApplicationDocument.Kind(kind).label
                errors.append(
                    RowError(
                        1,
                        kind,
                        label,
                        "document_required",
                        f"请上传“{label}”（第十二条补贴须核对车辆材料）。",
                    )
                )
    for u in uploads:
        if u.kind not in ApplicationDocument.Kind.values:
            errors.append(RowError(1, "documents", "申请材料", "document_kind", "材料类别不正确。"))
            continue
        label = ApplicationDocument.Kind(u.kind).label
        if not u.data:
            errors.append(RowError(1, u.kind, label, "document_empty", f"“{label}”文件为空。", u.name))
        elif len(u.data) > MAX_DOCUMENT_BYTES:
            errors.append(RowError(1, u.kind, label, "document_too_large", f"“{label}”超过5MB。", u.name))
        elif sniff_type(u.data) is None:
            errors.append(
                RowError(
                    1,
                    u.kind,
                    label,
                    "document_type",
                    f"“{label}”只接受PDF、JPEG或PNG文件（按文件内容识别）。",
                    u.name,
                )
            )
        else:
            # no active PDF content, no polyglot, no malware (SECURITY.md C18)
            from ezhou_platform.security.uploads import UploadRejected, screen_bytes

            try:
                screen_bytes(u.data, label=f"“{label}”")
            except UploadRejected as exc:
                errors.append(RowError(1, u.kind, label, f"document_{exc.code}", exc.message, u.name))
    return errors


def check(code: str, facts: Mapping[str, Any], *, on: dt.date) -> Calculation:
    """The rules on an applicant's facts (no ledger): raises InvalidRows for bad input."""
    if code not in ONLINE:
        raise SubsidyError("not_online", f"“{code}”不受理网上申请。", field="component", label="奖补事项")
    unknown_decision = DECISION_FIELDS & set(facts)
    if unknown_decision:
        raise SubsidyError(
            "decision_field",
            "决定金额和理由由主管部门在作出决定时填写，申请时不填。",
            field=sorted(unknown_decision)[0],
        )
    return calculate(code, facts, on=on, params=params.tree(), context=params.context_for(code))


def public_self_check(code: str, facts: Mapping[str, Any], *, on: dt.date) -> Calculation:
    """The public self-check on any computed measure: eligible or not, why, with the section (no ledger)."""
    return self_check(code, facts, on=on, params=params.tree(), context=params.context_for(code))


def submit(
    code: str,
    facts: Mapping[str, Any],
    *,
    actor: Any,
    on: dt.date,
    payee: Payee,
    subject_name: str = "",
    uploads: Sequence[Upload] = (),
) -> Application:
    """File an application online. Raises InvalidRows (every bad field), NotEligible, DuplicateAward or
    SubsidyError; writes nothing then."""
    role = Role(actor.role)
    if role not in (Role.CITIZEN, Role.ENTERPRISE):
        raise SubsidyError("applicant_only", "网上申请由企业或个人账户提交。", field="component")
    comp = component(code) if code in COMPONENTS else None
    if comp is None or comp not in online_components(role):
        who = "个人" if role == Role.CITIZEN else "企业"
        raise SubsidyError(
            "not_online", f"{who}账户不能在线申请“{code}”。", field="component", label="奖补事项"
        )
    errors = check_payee(payee) + check_uploads(code, uploads)
    if role == Role.CITIZEN and not subject_name.strip():
        errors.append(RowError(1, "subject_name", "申请人姓名", "required", "“申请人姓名”不能为空。"))
    try:
        calc = check(code, facts, on=on)
    except InvalidRows as exc:
        raise InvalidRows(exc.errors + errors) from None
    if errors:
        raise InvalidRows(errors)
    if not calc.eligible:
        raise NotEligible(comp.measure, calc.reasons)
    decision = calc.decision
    subject = str(decision.subject[0])
    if role == Role.ENTERPRISE and subject != actor.enterprise_uscc:
        f = subject_field(code)
        raise SubsidyError(
            "subject_not_applicant",
            f"“{f.label}”应为本企业的统一社会信用代码（{actor.enterprise_uscc}），企业只能为本企业申请。",
            field=f.name,
            label=f.label,
        )
    tree = params.tree()
    with transaction.atomic():
        app = Application.objects.create(
            component=code,
            measure=comp.measure,
            department=Department.objects.get(code=department_for_measure(comp.measure)),
            source=Application.Source.ONLINE,
            applicant_user=actor,
            applicant_uscc=actor.enterprise_uscc if role == Role.ENTERPRISE else "",
            subject=subject,
            subject_name=(actor.enterprise_name if role == Role.ENTERPRISE else subject_name.strip())[:100],
            object=str(decision.object[0]),
            year=int(decision.year[0]),
            payer=str(decision.payer[0]),
            facts={k: _plain(v) for k, v in facts.items()},
            amount_fen=int(decision.amount[0]),
            ceiling_fen=int(decision.ceiling[0]),
            pending_decision=bool(decision.pending[0]),
            reasons=[r.to_dict() for r in calc.reasons],
            trace=calc.trace.to_list(),
            payee_name=payee.name.strip(),
            payee_bank=payee.bank.strip(),
            payee_account=payee.account.replace(" ", "").replace("-", ""),
            received_on=on,
        )
        needs = ledger.needs(code, app.subject, app.object, app.year, tree, on)
        compared = app.ceiling_fen if app.pending_decision else app.amount_fen
        replacement = ledger.highest_wins(comp, needs, compared, comp.measure)
        if replacement is not None:
            ledger.release(replacement.holder, on, f"按“就高不就低”原则由{app.number}取代")
            app.supersedes = replacement.holder
            app.save(update_fields=["supersedes"])
        ledger.claim(app, needs, on)
        for u in uploads:
            ApplicationDocument.objects.create(
                application=app,
                kind=u.kind,
                original_name=(u.name or "未命名")[-200:],
                content_type=sniff_type(u.data) or "",
                size=len(u.data),
                sha256=hashlib.sha256(u.data).hexdigest(),
                data=u.data,
            )
        engine.start(app, actor=actor, on=on, label="提交奖补申请", cites=cite(comp.measure))
        if replacement is not None and replacement.withdraw:
            engine.take(
                replacement.holder,
                "withdraw",
                actor=actor,
                on=on,
                data={"reason": f"按“就高不就低”原则，由较高的申请{app.number}取代"},
            )
        record(
            "subsidies.application.submit",
            actor=actor,
            obj=app,
            after={
                "component": code,
                "object": app.object,
                "amount_fen": app.amount_fen,
                "ceiling_fen": app.ceiling_fen,
                "documents": len(uploads),
                "supersedes": replacement.holder.number if replacement else None,
            },
            label="提交奖补申请",
            citation=cite(comp.measure),
        )
    return app


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)
