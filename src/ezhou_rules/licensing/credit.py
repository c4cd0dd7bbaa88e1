"""Credit: the bar on the commitment route (第二部分 二（一）2) and the credit records of 三（四） (加强信用监管).

二（一）2: 申请人有较严重的不良信用记录或者存在曾作出虚假承诺等情形的，在信用修复前不适用告知承诺制.
- An untrue commitment (承诺不实, found in verification or supervision) is a false commitment: it bars by
  the text itself.
- Which bad-credit categories are "较严重", and which other kinds of record the "等情形" covers, is a dated
  ``CreditPolicy`` from configuration; while an applicant holds a record that only the policy can judge and no
  policy is in force, the answer is refused (``credit_policy_not_configured``), never guessed.
- A record bars from its recording day until its repair day (the repair day itself no longer barred).

三（四）: the commitment, late or non-conforming materials, untrue or broken commitments go into the credit
records, are published and pushed to the national platform: ``export_csv`` and ``export_json`` give them in
one fixed push format (documented field by field in ``EXPORT_FIELDS``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ezhou_rules.core.citations import rule
from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import CITE_APPLICANTS, CITE_OVERSIGHT, DOCUMENT
from .errors import LicensingError, NotConfigured, parse_day


class CreditKind(StrEnum):
    COMMITMENT = "commitment"  # 申请人的承诺 (published, not adverse)
    MATERIALS_LATE = "materials_late"  # 在规定期限内未提交材料
    MATERIALS_NONCONFORMING = "materials_nonconforming"  # 提交材料不符合要求
    COMMITMENT_UNTRUE = "commitment_untrue"  # 承诺不实 (虚假承诺)
    COMMITMENT_BROKEN = "commitment_broken"  # 违反承诺
    BAD_CREDIT = "bad_credit"  # 其他不良信用记录, with its category from the source system

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    CreditKind.COMMITMENT: "告知承诺",
    CreditKind.MATERIALS_LATE: "未在规定期限内提交材料",
    CreditKind.MATERIALS_NONCONFORMING: "提交材料不符合要求",
    CreditKind.COMMITMENT_UNTRUE: "承诺不实（虚假承诺）",
    CreditKind.COMMITMENT_BROKEN: "违反承诺",
    CreditKind.BAD_CREDIT: "不良信用记录",
}


@dataclass(frozen=True)
class CreditRecord:
    record_id: str
    subject_uscc: str
    subject_name: str
    kind: CreditKind
    recorded_on: dt.date  # 认定日期
    authority: str  # 认定机关
    category: str = ""  # for BAD_CREDIT: the category the policy judges (严重失信主体名单 …)
    item: str = ""  # the catalogue item, where the record comes from a licensing case
    case_ref: str = ""
    description: str = ""
    repaired_on: dt.date | None = None  # 信用修复日期
    repair_note: str = ""

    def active_on(self, day: dt.date) -> bool:
        return self.recorded_on <= day and (self.repaired_on is None or day < self.repaired_on)

    def describe(self) -> str:
        what = self.kind.label + (f"（{self.category}）" if self.category else "")
        return f"{what}，记录编号 {self.record_id}，{self.authority}于{_cn(self.recorded_on)}认定"


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class CreditPolicy:
    """What counts as 较严重的不良信用记录 and which other kinds bar (等情形), from ``valid_from``."""

    valid_from: dt.date
    serious_categories: frozenset[str]
    other_barring_kinds: frozenset[CreditKind]
    source: str

    def __post_init__(self) -> None:
        if CreditKind.COMMITMENT in self.other_barring_kinds:
            raise LicensingError(
                "credit_policy_invalid",
                "信用政策：作出承诺本身不是不良记录，不能列为限制情形。",
                field="other_barring_kinds",
            )
        if not self.source.strip():
            raise LicensingError("credit_policy_invalid", "信用政策：须注明来源。", field="source")


def policy_from_dict(data: Mapping[str, Any]) -> CreditPolicy:
    """A credit policy from configuration data: valid_from, serious_categories, other_barring_kinds, source."""
    kinds = []
    for k in data.get("other_barring_kinds") or ():
        try:
            kinds.append(CreditKind(str(k)))
        except ValueError:
            raise LicensingError(
                "credit_policy_invalid", f"限制情形：“{k}”不是记录类型。", field="other_barring_kinds"
            ) from None
    valid_from = parse_day(
        data.get("valid_from"), field="valid_from", label="生效日期", code="credit_policy_invalid"
    )
    return CreditPolicy(
        valid_from,
        frozenset(str(c) for c in data.get("serious_categories") or ()),
        frozenset(kinds),
        str(data.get("source") or ""),
    )


def policy_on(policies: Sequence[CreditPolicy], on: dt.date) -> CreditPolicy | None:
    found = None
    for p in sorted(policies, key=lambda p: p.valid_from):
        if p.valid_from <= on:
            found = p
    return found


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    barring: tuple[CreditRecord, ...] = ()
    citation: str = CITE_APPLICANTS

    def to_dict(self) -> dict[str, Any]:
        """The body of POST …/licensing/eligibility."""
        return {
            "eligible": self.eligible,
            "reason": self.reason,
            "citation": self.citation,
            "general_procedure_available": True,
            "barring_records": [r.record_id for r in self.barring],
        }


def _date(value: Any, field: str, label: str, optional: bool = False) -> dt.date | None:
    if value in (None, "") and optional:
        return None
    return parse_day(value, field=field, label=label, code="credit_record_invalid")


def record_from_dict(data: Mapping[str, Any]) -> CreditRecord:
    """A credit record from request or database data; bad fields raise ``credit_record_invalid``."""
    try:
        kind = CreditKind(str(data.get("kind")))
    except ValueError:
        allowed = "、".join(f"{k.value}（{k.label}）" for k in CreditKind)
        raise LicensingError(
            "credit_record_invalid",
            f"记录类型：“{data.get('kind')}”无法识别（可选：{allowed}）。",
            field="kind",
        ) from None
    for key, label in (
        ("record_id", "记录编号"),
        ("subject_uscc", "统一社会信用代码"),
        ("authority", "认定机关"),
    ):
        if not str(data.get(key) or "").strip():
            raise LicensingError("credit_record_invalid", f"{label}：不能为空。", field=key)
    if kind is CreditKind.BAD_CREDIT and not str(data.get("category") or "").strip():
        raise LicensingError("credit_record_invalid", "记录类别：不良信用记录须注明类别。", field="category")
    recorded = _date(data.get("recorded_on"), "recorded_on", "认定日期")
    repaired = _date(data.get("repaired_on"), "repaired_on", "修复日期", optional=True)
    assert recorded is not None
    if repaired is not None and repaired < recorded:
        raise LicensingError("credit_record_invalid", "修复日期：早于认定日期。", field="repaired_on")
    return CreditRecord(
        record_id=str(data["record_id"]).strip(),
        subject_uscc=str(data["subject_uscc"]).strip().upper(),
        subject_name=str(data.get("subject_name") or "").strip(),
        kind=kind,
        recorded_on=recorded,
        authority=str(data["authority"]).strip(),
        category=str(data.get("category") or "").strip(),
        item=str(data.get("item") or ""),
        case_ref=str(data.get("case_ref") or ""),
        description=str(data.get("description") or ""),
        repaired_on=repaired,
        repair_note=str(data.get("repair_note") or ""),
    )


@rule(
    cites=[CITE_APPLICANTS], summary="有较严重的不良信用记录或曾作出虚假承诺的，在信用修复前不适用告知承诺制"
)
def commitment_eligibility(
    records: Iterable[CreditRecord],
    on: dt.date,
    policies: Sequence[CreditPolicy] = (),
    trace: Trace = NO_TRACE,
) -> Eligibility:
    """May the applicant whose records these are use the commitment route on ``on``?"""
    records = list(records)
    subjects = {r.subject_uscc for r in records}
    if len(subjects) > 1:
        raise LicensingError(
            "records_mixed",
            f"信用记录：属于不同主体（{'、'.join(sorted(subjects))}），应只提交申请人本人的记录。",
            field="records",
        )
    active = [r for r in records if r.active_on(on) and r.kind is not CreditKind.COMMITMENT]
    barring = [r for r in active if r.kind is CreditKind.COMMITMENT_UNTRUE]
    to_judge = [r for r in active if r.kind is not CreditKind.COMMITMENT_UNTRUE]
    policy = policy_on(policies, on)
    if to_judge and policy is None:
        raise NotConfigured(
            "credit_policy_not_configured",
            f"信用记录：申请人有{len(to_judge)}条需按信用政策判断的记录（{to_judge[0].describe()}等），"
            f"而“较严重的不良信用记录”的范围在{_cn(on)}尚未配置，无法判断（{CITE_APPLICANTS}）。请管理员录入。",
            field="records",
        )
    kept = []
    for r in to_judge:
        assert policy is not None
        if (r.kind is CreditKind.BAD_CREDIT and r.category in policy.serious_categories) or (
            r.kind in policy.other_barring_kinds
        ):
            barring.append(r)
        else:
            kept.append(r)
    if barring:
        reason = (
            f"截至{_cn(on)}，申请人有"
            + "；".join(r.describe() for r in barring)
            + f"，尚未信用修复。在信用修复前不适用告知承诺制，可以按一般程序办理（{CITE_APPLICANTS}）。"
        )
        result = Eligibility(False, reason, tuple(barring))
    else:
        repaired = [(r, r.repaired_on) for r in records if r.repaired_on is not None and r.repaired_on <= on]
        extra = ""
        if repaired:
            extra += "已修复的记录：" + "；".join(f"{r.describe()}，{_cn(d)}修复" for r, d in repaired) + "。"
        if kept:
            extra += (
                "现有记录不属于较严重的不良信用记录或限制情形："
                + "；".join(r.describe() for r in kept)
                + f"（信用政策依据：{policy.source if policy else ''}）。"
            )
        reason = (
            f"截至{_cn(on)}，申请人没有未修复的较严重的不良信用记录或虚假承诺记录，可以自主选择告知承诺制办理"
            f"（{CITE_APPLICANTS}）。" + extra
        )
        result = Eligibility(True, reason, ())
    trace.step(
        "commitment_eligibility",
        CITE_APPLICANTS,
        {"records": [r.record_id for r in records], "on": on},
        result.eligible,
        result.reason,
    )
    return result


# -- export ------------------------------------------------------------------------------------------------

EXPORT_FORMAT = "ezhou-licensing-credit/1"
# (key, Chinese header, meaning)
EXPORT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("record_id", "记录编号", "平台内唯一的记录编号"),
    ("subject_name", "主体名称", "市场主体名称"),
    ("subject_uscc", "统一社会信用代码", "GB 32100 校验通过的18位代码"),
    (
        "kind",
        "记录类型代码",
        "commitment / materials_late / materials_nonconforming / commitment_untrue / commitment_broken / bad_credit",
    ),
    ("kind_label", "记录类型", "记录类型的中文名称"),
    ("category", "记录类别", "不良信用记录的类别（其他类型为空）"),
    ("item", "事项编号", "告知承诺事项清单编号（如 b1-20）"),
    ("case_ref", "案件编号", "许可或监管案件编号"),
    ("recorded_on", "认定日期", "YYYY-MM-DD"),
    ("authority", "认定机关", "作出认定的行政机关"),
    ("description", "记录内容", "事实与处理"),
    ("status", "状态", "有效 / 已修复（按导出日期）"),
    ("repaired_on", "修复日期", "YYYY-MM-DD，未修复为空"),
    ("repair_note", "修复说明", ""),
    ("basis", "依据", "本记录所依据的条文"),
)


def export_rows(records: Iterable[CreditRecord], on: dt.date) -> list[dict[str, str]]:
    """One flat row a record, as of ``on``; an invalid USCC stops the export naming the record."""
    rows = []
    for r in records:
        try:
            uscc = validate_uscc(r.subject_uscc)
        except InvalidIdentifier:
            raise LicensingError(
                "uscc_invalid",
                f"统一社会信用代码：记录 {r.record_id} 的“{r.subject_uscc}”未通过校验，不能推送。",
                field="subject_uscc",
            ) from None
        basis = CITE_APPLICANTS if r.kind is CreditKind.BAD_CREDIT else CITE_OVERSIGHT
        rows.append(
            {
                "record_id": r.record_id,
                "subject_name": r.subject_name,
                "subject_uscc": uscc,
                "kind": r.kind.value,
                "kind_label": r.kind.label,
                "category": r.category,
                "item": r.item,
                "case_ref": r.case_ref,
                "recorded_on": r.recorded_on.isoformat(),
                "authority": r.authority,
                "description": r.description,
                "status": "已修复" if r.repaired_on is not None and r.repaired_on <= on else "有效",
                "repaired_on": r.repaired_on.isoformat() if r.repaired_on and r.repaired_on <= on else "",
                "repair_note": r.repair_note if r.repaired_on and r.repaired_on <= on else "",
                "basis": basis,
            }
        )
    return rows


@rule(cites=[CITE_OVERSIGHT], summary="承诺、逾期或不符合要求的材料、承诺不实或违反承诺纳入信用记录并推送")
def export_csv(records: Iterable[CreditRecord], on: dt.date) -> str:
    """CSV with the Chinese headers of ``EXPORT_FIELDS`` (UTF-8 text; the caller adds a BOM for Excel)."""
    rows = export_rows(records, on)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([h for _, h, _ in EXPORT_FIELDS])
    for row in rows:
        writer.writerow([row[k] for k, _, _ in EXPORT_FIELDS])
    return buf.getvalue()


def export_json(records: Iterable[CreditRecord], on: dt.date, *, source: str) -> str:
    """JSON: the format name, the document, the export date, the field list and the records."""
    return json.dumps(
        {
            "format": EXPORT_FORMAT,
            "document": DOCUMENT,
            "as_of": on.isoformat(),
            "source": source,
            "fields": [{"key": k, "header": h, "meaning": m} for k, h, m in EXPORT_FIELDS],
            "records": export_rows(records, on),
        },
        ensure_ascii=False,
        indent=1,
    )
