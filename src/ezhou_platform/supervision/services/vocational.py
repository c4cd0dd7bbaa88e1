"""鄂州政发〔2022〕15号's targets from the education department's records, through the plan's rules.

- 十四五 count targets (二, 三（三）9): recognitions with their documents, counted by the rules (T7);
- progression (三（一）1): graduates, progression and vocational bachelor per school and year (T6);
- funding floors (四17): per public school and year, the appropriation counted, what is excluded and the
  shortfall to the fen; private schools outside the floor (T10).

Each record is checked by the same rule that evaluates it before it is written, so a funding figure with
tuition inside or a progression count above the graduates is refused with the rule's Chinese message and
nothing is stored. A correction is a new record superseding the old one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.models import Organisation
from ezhou_platform.registers.organisations import RegisterError, resolve_organisation
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.targets import Evidence, TargetStatus
from ezhou_rules.supervision.vocational_education import DOCUMENT, targets
from ezhou_rules.supervision.vocational_education import target_status as rules_target_status
from ezhou_rules.supervision.vocational_education.funding import (
    FundingCheck,
    SchoolYearFunding,
    funding_floor_check,
)
from ezhou_rules.supervision.vocational_education.funding import (
    FundingLine as RulesLine,
)
from ezhou_rules.supervision.vocational_education.progression import progression_check

from ..models import FundingLine, FundingReport, ProgressionReport, Recognition

PROGRESSION_CITE = f"{DOCUMENT} 三（一）1"
FUNDING_CITE = f"{DOCUMENT} 四17"


def find_school(name: str, on: dt.date) -> Organisation:
    """A school by its name in the organisation register (refused, naming the field, when unknown)."""
    try:
        return resolve_organisation(name, on)
    except RegisterError as exc:
        raise SupervisionError(exc.code, f"“学校”：{exc.message}", field="学校") from None


@contextmanager
def year_in_force(cite: str) -> Iterator[None]:
    """A year before the plan's figures apply (2021) is refused naming the year and the article."""
    try:
        yield
    except ParameterNotSet as exc:
        raise SupervisionError("year_before_plan", f"“年度”：{exc}", field="年度", rule=cite) from None


def _supersede(model: Any, old: Any, reason: str) -> None:
    if old is None:
        return
    if not old.current:
        raise SupervisionError(
            "already_corrected", "该记录已有更正后的记录，请在最新记录上更正。", field="更正前记录"
        )
    if not reason.strip():
        raise SupervisionError(
            "correction_reason_missing", "更正已登记的记录须写明“更正原因”。", field="更正原因"
        )


# -- 十四五 count targets ------------------------------------------------------------------------------------


def _holders() -> dict[int, str]:
    """Organisation id → the holder as the target prints it (鄂州职业大学, 鄂州中专), where the register knows it."""
    out = {}
    for t in targets():
        if t.holder:
            try:
                out[resolve_organisation(t.holder, t.period.start).pk] = t.holder
            except RegisterError:
                continue
    return out


def _evidence(rec: Recognition, holders: dict[int, str]) -> Evidence:
    holder = holders.get(rec.holder_id or 0) or (rec.holder.name if rec.holder else "")
    return Evidence(rec.category, rec.name, rec.level, rec.recognised_on, rec.document_number, holder)


def record_recognition(
    *,
    category: str,
    name: str,
    level: str,
    holder: Organisation | None,
    recognised_on: dt.date,
    document_number: str,
    actor: Any,
    note: str = "",
    supersedes: Recognition | None = None,
    reason: str = "",
) -> Recognition:
    rec = Recognition(
        category=category,
        name=name.strip()[:100],
        level=level,
        holder=holder,
        recognised_on=recognised_on,
        document_number=document_number.strip()[:80],
        recorded_by=actor,
        note=note[:300],
        supersedes=supersedes,
        correction_reason=reason.strip()[:200],
    )
    if not rec.name:
        raise SupervisionError("name_missing", "请填写“认定对象名称”。", field="认定对象名称")
    _supersede(Recognition, supersedes, reason)
    rules_target_status([_evidence(rec, _holders())], recognised_on)  # the rules' checks, nothing written yet
    with transaction.atomic():
        rec.save()
        audit(
            "supervision.recognition.record",
            actor=actor,
            obj=rec,
            after={"category": category, "name": rec.name, "level": level, "on": recognised_on.isoformat()},
            label=f"登记认定材料：{rec.name}",
            citation=f"{DOCUMENT} 二",
        )
    return rec


def target_statuses(on: dt.date) -> list[TargetStatus]:
    holders = _holders()
    current = Recognition.objects.current().select_related("holder")
    return rules_target_status([_evidence(r, holders) for r in current], on)


# -- progression --------------------------------------------------------------------------------------------


def record_progression(
    *,
    school: Organisation,
    year: int,
    graduates: int,
    progressed: int,
    to_bachelor: int,
    actor: Any,
    supersedes: ProgressionReport | None = None,
    reason: str = "",
) -> ProgressionReport:
    _supersede(ProgressionReport, supersedes, reason)
    existing = (
        ProgressionReport.objects.current()
        .filter(school=school, year=year)
        .exclude(pk=getattr(supersedes, "pk", None))
    )
    if existing.exists():
        raise SupervisionError(
            "already_recorded",
            f"{school.name}{year}年的升学情况已登记，如需修改请在原记录上“更正”。",
            field="年度",
            rule=PROGRESSION_CITE,
        )
    with year_in_force(PROGRESSION_CITE):  # the rule refuses bad counts
        progression_check([school.name], [year], [graduates], [progressed], [to_bachelor])
    with transaction.atomic():
        rec = ProgressionReport.objects.create(
            school=school,
            year=year,
            graduates=graduates,
            progressed=progressed,
            to_bachelor=to_bachelor,
            recorded_by=actor,
            supersedes=supersedes,
            correction_reason=reason.strip()[:200],
        )
        audit(
            "supervision.progression.record",
            actor=actor,
            obj=rec,
            after={
                "year": year,
                "graduates": graduates,
                "progressed": progressed,
                "to_bachelor": to_bachelor,
            },
            label=f"登记{school.name}{year}年中职升学情况",
            citation=PROGRESSION_CITE,
        )
    return rec


def progression_results(
    records: Sequence[ProgressionReport], *, denominator: str = "graduates"
) -> list[dict[str, Any]]:
    if not records:
        return []
    with year_in_force(PROGRESSION_CITE):
        result = progression_check(
            [r.school.name for r in records],
            [r.year for r in records],
            [r.graduates for r in records],
            [r.progressed for r in records],
            [r.to_bachelor for r in records],
            bachelor_denominator=denominator,
        )
    return [{**row, "record": rec} for row, rec in zip(result.rows(), records, strict=True)]


# -- funding floors -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    kind: str
    label: str
    amount_fen: int
    includes_tuition: bool = False
    includes_service_income: bool = False


def _rules_record(
    school: str, kind: str, ownership: str, year: int, students: int, lines: Sequence[Any]
) -> SchoolYearFunding:
    return SchoolYearFunding(
        school=school,
        kind=kind,
        ownership=ownership,
        year=year,
        students=students,
        lines=tuple(
            RulesLine(
                kind=ln.kind,
                amount_fen=ln.amount_fen,
                label=ln.label,
                includes_tuition=getattr(ln, "includes_tuition", False),
                includes_service_income=getattr(ln, "includes_service_income", False),
            )
            for ln in lines
        ),
    )


def record_funding(
    *,
    school: Organisation,
    year: int,
    school_kind: str,
    ownership: str,
    students: int,
    lines: Sequence[LineInput],
    actor: Any,
    supersedes: FundingReport | None = None,
    reason: str = "",
) -> FundingReport:
    """Check with 四17's rule (a line declared to include tuition or service income is refused), then store."""
    _supersede(FundingReport, supersedes, reason)
    if not lines:
        raise SupervisionError("lines_missing", "请至少填写一项经费。", field="经费明细", rule=FUNDING_CITE)
    existing = (
        FundingReport.objects.current()
        .filter(school=school, year=year)
        .exclude(pk=getattr(supersedes, "pk", None))
    )
    if existing.exists():
        raise SupervisionError(
            "already_recorded",
            f"{school.name}{year}年的生均拨款情况已登记，如需修改请在原记录上“更正”。",
            field="年度",
            rule=FUNDING_CITE,
        )
    with year_in_force(FUNDING_CITE):
        funding_floor_check([_rules_record(school.name, school_kind, ownership, year, students, lines)])
    with transaction.atomic():
        rec = FundingReport.objects.create(
            school=school,
            year=year,
            school_kind=school_kind,
            ownership=ownership,
            students=students,
            recorded_by=actor,
            supersedes=supersedes,
            correction_reason=reason.strip()[:200],
        )
        FundingLine.objects.bulk_create(
            FundingLine(report=rec, position=k, kind=ln.kind, label=ln.label[:100], amount_fen=ln.amount_fen)
            for k, ln in enumerate(lines)
        )
        audit(
            "supervision.funding.record",
            actor=actor,
            obj=rec,
            after={
                "year": year,
                "students": students,
                "lines": [{"kind": ln.kind, "label": ln.label, "fen": ln.amount_fen} for ln in lines],
            },
            label=f"登记{school.name}{year}年生均拨款情况",
            citation=FUNDING_CITE,
        )
    return rec


def funding_results(records: Sequence[FundingReport]) -> list[tuple[FundingReport, FundingCheck]]:
    if not records:
        return []
    with year_in_force(FUNDING_CITE):
        checks = funding_floor_check(
            [
                _rules_record(
                    r.school.name, r.school_kind, r.ownership, r.year, r.students, list(r.lines.all())
                )
                for r in records
            ]
        )
    return list(zip(records, checks, strict=True))
