"""The catalogue's records (modes, items, inconsistencies, batches, report); its loader is ``catalogue``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from ezhou_rules.core.citations import Citation

from . import CITE_ANNEX, DOCUMENT
from .errors import LicensingError
from .facets import Facet, FacetKind, Vocabulary


class ReformMode(StrEnum):
    CANCEL = "cancel"  # 直接取消审批
    RECORD = "record"  # 审批改为备案
    COMMITMENT = "commitment"  # 实行告知承诺
    OPTIMISE = "optimise"  # 优化审批服务

    @property
    def label(self) -> str:
        return MODE_LABELS[self]


MODE_LABELS = {
    ReformMode.CANCEL: "直接取消审批",
    ReformMode.RECORD: "审批改为备案",
    ReformMode.COMMITMENT: "实行告知承诺",
    ReformMode.OPTIMISE: "优化审批服务",
}


@dataclass(frozen=True)
class LoadProblem:
    """Something the loader could not read: the row (序号, or None for the table), column and text."""

    code: str
    row: int | None
    column: str
    text: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "row": self.row,
            "column": self.column,
            "text": self.text,
            "message": self.message,
        }


@dataclass(frozen=True)
class LoadReport:
    source: str
    problems: tuple[LoadProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def explain(self) -> str:
        if not self.problems:
            return f"{self.source}：全部读取，没有无法识别的内容。"
        lines = [f"{self.source}：{len(self.problems)} 处无法读取或有疑问："]
        for p in self.problems:
            where = f"第{p.row}项" if p.row is not None else "表格"
            lines.append(f"- {where}“{p.column}”：{p.message}")
        return "\n".join(lines)


@dataclass(frozen=True)
class InconsistencyDecision:
    item: str
    kind: str
    decision: str  # scope_governs | list_governs
    valid_from: dt.date
    source: str
    note: str = ""

    @property
    def label(self) -> str:
        return DECISION_LABELS[self.decision]


DECISION_LABELS = {
    "scope_governs": "以事项名称的限定为准，范围外的证件按一般程序办理",
    "list_governs": "以许可证件名称栏为准，范围扩至所列证件",
}


@dataclass(frozen=True)
class Inconsistency:
    """An item whose certificate column reaches outside its own wording."""

    item: str
    kind: str  # certificate_outside_scope
    dimension: str
    contested: frozenset[str]  # values the certificate column adds beyond the wording
    certificates: tuple[str, ...]
    message: str
    decisions: tuple[InconsistencyDecision, ...] = ()  # dated, ascending

    def decision_on(self, day: dt.date) -> InconsistencyDecision | None:
        found = None
        for d in self.decisions:
            if d.valid_from <= day:
                found = d
        return found

    def to_dict(self, on: dt.date | None = None) -> dict[str, Any]:
        d = self.decision_on(on) if on else (self.decisions[-1] if self.decisions else None)
        return {
            "kind": self.kind,
            "dimension": self.dimension,
            "contested": sorted(self.contested),
            "certificates": list(self.certificates),
            "message": self.message,
            "decision": None
            if d is None
            else {
                "decision": d.decision,
                "label": d.label,
                "valid_from": d.valid_from.isoformat(),
                "source": d.source,
                "note": d.note,
            },
        }


@dataclass(frozen=True)
class CatalogueItem:
    code: str  # b1-08: batch 1, 序号 8
    batch: int
    number: int  # 序号
    matter: str  # 涉企经营许可事项, as printed
    certificates: tuple[str, ...]  # 许可证件名称
    basis: tuple[str, ...]  # 设定依据: the titles 《…》
    department_label: str  # 审批部门, as printed
    department_type: str | None  # its type code (None when the label is not known)
    modes: frozenset[ReformMode]
    facets: tuple[Facet, ...]
    citation: Citation  # 鄂州政办发〔2022〕27号 附件1 （八）
    valid_from: dt.date
    valid_until: dt.date | None = None  # first day no longer in the list (withdrawn)
    inconsistencies: tuple[Inconsistency, ...] = ()

    @property
    def title(self) -> str:
        return f"事项{self.number}“{self.matter}”"

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    def facet(self, dimension: str, kind: FacetKind) -> Facet | None:
        for f in self.facets:
            if f.dimension == dimension and f.kind is kind:
                return f
        return None

    def to_dict(self, on: dt.date | None = None, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
        return {
            "code": self.code,
            "batch": self.batch,
            "number": self.number,
            "matter": self.matter,
            "certificates": list(self.certificates),
            "basis": list(self.basis),
            "department": {"label": self.department_label, "type": self.department_type},
            "modes": [{"mode": m.value, "label": m.label} for m in ReformMode if m in self.modes],
            "facets": [f.to_dict(vocabulary) for f in self.facets],
            "citation": str(self.citation),
            "anchor": self.citation.anchor(),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "inconsistencies": [i.to_dict(on) for i in self.inconsistencies],
        }


@dataclass(frozen=True)
class Batch:
    number: int  # 第N批
    title: str
    valid_from: dt.date
    citation: str  # where valid_from comes from
    source: str  # where the rows come from (gazette/licensing.md#annex1-table1, or a later list)


@dataclass(frozen=True)
class Catalogue:
    batches: tuple[Batch, ...]
    items: tuple[CatalogueItem, ...]
    report: LoadReport
    _by_code: dict[str, CatalogueItem] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_code.update({i.code: i for i in self.items})

    def item(self, code: str) -> CatalogueItem:
        """The item with this code (b1-08; b1-8 is accepted); LicensingError ``unknown_item`` otherwise."""
        key = str(code).strip().lower()
        m = re.fullmatch(r"b(\d+)-0*(\d+)", key)
        if m:
            key = item_code(int(m.group(1)), int(m.group(2)))
        try:
            return self._by_code[key]
        except KeyError:
            raise LicensingError(
                "unknown_item",
                f"事项：清单中没有编号为“{code}”的事项（编号形如 b1-08，即第一批第8项；{CITE_ANNEX}）。",
                field="item",
            ) from None

    def items_on(self, day: dt.date) -> list[CatalogueItem]:
        """The items in force on ``day``, by batch and 序号."""
        return [i for i in self.items if i.in_force(day)]

    @property
    def inconsistencies(self) -> list[Inconsistency]:
        return [x for i in self.items for x in i.inconsistencies]

    def with_batch(
        self, batch: Batch, items: Sequence[CatalogueItem], problems: Iterable[LoadProblem] = ()
    ) -> Catalogue:
        """A new catalogue with a later batch added (四（一）: 动态清单管理); this one is left as it is."""
        if any(b.number == batch.number for b in self.batches):
            raise LicensingError("batch_exists", f"清单第{batch.number}批已经载入。", field="batch")
        report = LoadReport(self.report.source, self.report.problems + tuple(problems))
        return Catalogue((*self.batches, batch), (*self.items, *items), report)

    def withdraw(self, code: str, on: dt.date) -> Catalogue:
        """A new catalogue in which the item leaves the list from ``on`` (the day itself no longer in force)."""
        target = self.item(code)
        if on <= target.valid_from:
            raise LicensingError(
                "withdrawal_before_start", f"移出日期 {on.isoformat()} 不晚于该事项的生效日期。", field="on"
            )
        items = tuple(replace(i, valid_until=on) if i.code == target.code else i for i in self.items)
        return Catalogue(self.batches, items, self.report)

    def to_dict(self, on: dt.date, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
        """The catalogue in force on ``on`` with facets, flags and the load report (GET …/licensing/items)."""
        return {
            "on": on.isoformat(),
            "document": DOCUMENT,
            "batches": [
                {
                    "batch": b.number,
                    "title": b.title,
                    "valid_from": b.valid_from.isoformat(),
                    "citation": b.citation,
                    "source": b.source,
                }
                for b in self.batches
                if b.valid_from <= on
            ],
            "items": [i.to_dict(on, vocabulary) for i in self.items_on(on)],
            "report": [p.to_dict() for p in self.report.problems],
        }


def item_code(batch: int, number: int) -> str:
    return f"b{batch}-{number:02d}"
