"""Credit records: proposed, confirmed by a second person of the credit office, repaired with a date; the
credit bar of the commitment route (第二部分 二（一）2) and the push export (三（四）加强信用监管)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from ezhou_platform.common.models import Organisation
from ezhou_platform.procedures import engine
from ezhou_platform.registers.organisations import OrganisationEntry, load_organisations
from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc
from ezhou_rules.licensing import CITE_APPLICANTS, CITE_OVERSIGHT
from ezhou_rules.licensing.credit import (
    CreditKind,
    Eligibility,
    commitment_eligibility,
    export_csv,
    export_json,
)
from ezhou_rules.licensing.credit import CreditRecord as RulesRecord
from ezhou_rules.licensing.errors import LicensingError

from ..models import CreditRecord
from . import rules

PUBLISHED = (CreditRecord.Status.ACTIVE, CreditRecord.Status.REPAIRED)
EXPORT_SOURCE = "鄂州市政策平台·涉企经营许可告知承诺制"


def enterprise(uscc: str, name: str, *, actor: Any = None) -> Organisation:
    """The register's record of an enterprise, created from its USCC and name when it is not there yet."""
    try:
        code = validate_uscc(uscc)
    except InvalidIdentifier as exc:
        raise LicensingError("uscc_invalid", f"统一社会信用代码：{exc}", field="uscc") from None
    org = Organisation.objects.filter(uscc=code).first()
    if org is None:
        if not name.strip():
            raise LicensingError("name_missing", "企业名称：不能为空。", field="name")
        load_organisations(
            [OrganisationEntry(name.strip(), Organisation.Kind.COMPANY, code)],
            source="涉企经营许可申请人（企业账户或信用记录）",
            actor=actor,
        )
        org = Organisation.objects.filter(uscc=code).first()
        if org is None:
            raise LicensingError(
                "organisation_conflict",
                f"企业名称：“{name}”在单位名录中与其他单位冲突，请管理员核对。",
                field="name",
            )
    return org


def rules_record(r: CreditRecord) -> RulesRecord:
    return RulesRecord(
        record_id=r.number or f"#{r.pk}",
        subject_uscc=r.subject_uscc,
        subject_name=r.subject_name,
        kind=CreditKind(r.kind),
        recorded_on=r.recorded_on,
        authority=r.authority,
        category=r.category,
        item=r.item_code,
        case_ref=(r.application.reference or "") if r.application is not None else "",
        description=r.description,
        repaired_on=r.repaired_on,
        repair_note=r.repair_note,
    )


def records_of(uscc: str) -> list[RulesRecord]:
    """The applicant's confirmed records (proposed and rejected ones do not count)."""
    rows = CreditRecord.objects.filter(subject_uscc=uscc, status__in=PUBLISHED).select_related("application")
    return [rules_record(r) for r in rows]


def eligibility(uscc: str, on: dt.date) -> Eligibility:
    """May the applicant use the commitment route on ``on``? (``credit_policy_not_configured`` when it holds a
    record only the policy can judge and none is entered.)"""
    return commitment_eligibility(records_of(uscc), on, rules.credit_policies())


@transaction.atomic
def propose(
    *,
    uscc: str,
    name: str,
    kind: CreditKind,
    recorded_on: dt.date,
    authority: str,
    description: str,
    source: str,
    actor: Any,
    on: dt.date,
    category: str = "",
    item_code: str = "",
    application: Any = None,
) -> CreditRecord:
    """A proposed record (待认定); it counts and is published only once a second person confirms it."""
    if kind is CreditKind.BAD_CREDIT and not category.strip():
        raise LicensingError("category_missing", "记录类别：不良信用记录须注明类别。", field="category")
    if not description.strip():
        raise LicensingError("description_missing", "记录内容：不能为空。", field="description")
    if recorded_on > on:
        raise LicensingError("recorded_on_future", "认定日期：不能晚于今天。", field="recorded_on")
    org = enterprise(uscc, name, actor=actor)
    rec = CreditRecord.objects.create(
        subject=org,
        subject_uscc=org.uscc,
        subject_name=org.name,
        kind=kind.value,
        category=category.strip(),
        item_code=item_code,
        application=application,
        authority=authority[:100],
        recorded_on=recorded_on,
        description=description.strip()[:500],
        source=source[:300],
    )
    rec.number = f"XY{recorded_on.year}{rec.pk:06d}"
    rec.save(update_fields=["number"])
    cite = CITE_APPLICANTS if kind is CreditKind.BAD_CREDIT else CITE_OVERSIGHT
    engine.start(rec, actor=actor, on=on, label=f"提出信用记录：{kind.label}", cites=cite)
    return rec


def confirm(rec: CreditRecord, *, actor: Any, on: dt.date) -> None:
    engine.take(rec, "confirm", actor=actor, on=on)


def reject(rec: CreditRecord, *, actor: Any, on: dt.date, reason: str) -> None:
    engine.take(rec, "reject", actor=actor, on=on, data={"reason": reason})


def repair(rec: CreditRecord, *, actor: Any, on: dt.date, repaired_on: dt.date, note: str) -> None:
    engine.take(rec, "repair", actor=actor, on=on, data={"repaired_on": repaired_on, "note": note})


def published(on: dt.date | None = None) -> QuerySet[CreditRecord]:
    qs = CreditRecord.objects.filter(status__in=PUBLISHED).select_related("application")
    return qs.filter(decided_on__lte=on) if on else qs


def export(records: Iterable[CreditRecord], on: dt.date, fmt: str) -> str:
    rows = [rules_record(r) for r in records]
    if fmt == "json":
        return export_json(rows, on, source=EXPORT_SOURCE)
    return export_csv(rows, on)
