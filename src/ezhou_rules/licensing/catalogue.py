"""The reform list (附件1 鄂州市实行告知承诺涉企经营许可事项清单) as a versioned catalogue.

The loader reads the annex table from the policy library's copy (gazette/licensing.md, through
``ezhou_rules.library``), never from a retyped list: per row 序号, 涉企经营许可事项, 许可证件名称, 设定依据,
审批部门 (mapped to a department type) and the four reform modes (√ in 直接取消审批 / 审批改为备案 /
实行告知承诺 / 优化审批服务). The batch is read from the annex title (第一批) and holds from the day the plans
were issued (第一部分 二: 自本方案印发之日起). Anything it cannot read goes into ``Catalogue.report`` with the
row and column; the rest of the row is still loaded where it can be. Later batches and withdrawals
(四（一）: 动态清单管理) are added with ``with_batch`` and ``withdraw``; nothing is overwritten.

Items the annex leaves inconsistent are flagged (``CatalogueItem.inconsistencies``): a certificate whose scope
lies outside the item's own wording (item 8: 仅限巡游出租车, yet 网络预约出租汽车运输证). What applies is a dated
decision from configuration (data/decisions.yaml); until one holds, coverage of the contested part is refused.

The records the loader builds (``CatalogueItem``, ``Catalogue`` and the rest) are in ``catalogue_items``;
they are imported here, so every name can still be imported from this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import yaml

from ezhou_rules.core.citations import Citation, parse_chinese_number, rule
from ezhou_rules.library import Document, Library, default_library

from . import CITE_ANNEX, CITE_REFORM_GOAL, CITE_REFORM_LIST, DATA_DIR, DOCUMENT
from .catalogue_items import (
    DECISION_LABELS,
    MODE_LABELS,
    Batch,
    Catalogue,
    CatalogueItem,
    Inconsistency,
    InconsistencyDecision,
    LoadProblem,
    LoadReport,
    ReformMode,
    item_code,
)
from .errors import LicensingError, parse_day
from .facets import Facet, FacetKind, ParsedScope, Vocabulary, default_vocabulary, parse_scope

_MARKS = frozenset({"√", "✓", "✔", "☑"})
COLUMNS = {
    "number": "序号",
    "matter": "涉企经营许可事项",
    "certificates": "许可证件名称",
    "basis": "设定依据",
    "department": "审批部门",
}


# -- configuration ---------------------------------------------------------------------------------------------


@cache
def default_department_types() -> dict[str, str]:
    data = yaml.safe_load((DATA_DIR / "department_types.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (data.get("department_types") or {}).items()}


def decisions_from_data(
    data: Mapping[str, Any], where: str = "不一致事项决定"
) -> tuple[InconsistencyDecision, ...]:
    out = []
    for n, entry in enumerate(data.get("decisions") or (), 1):
        missing = [k for k in ("item", "kind", "decision", "valid_from", "source") if not entry.get(k)]
        if missing:
            raise LicensingError("decision_invalid", f"{where} 第{n}条缺少 {', '.join(missing)}。")
        if entry["decision"] not in DECISION_LABELS:
            raise LicensingError(
                "decision_invalid",
                f"{where} 第{n}条：决定“{entry['decision']}”无法识别（可选：{', '.join(DECISION_LABELS)}）。",
            )
        valid_from = parse_day(
            entry["valid_from"],
            field="valid_from",
            label=f"{where} 第{n}条的生效日期",
            code="decision_invalid",
        )
        out.append(
            InconsistencyDecision(
                str(entry["item"]),
                str(entry["kind"]),
                str(entry["decision"]),
                valid_from,
                str(entry["source"]),
                str(entry.get("note") or ""),
            )
        )
    return tuple(sorted(out, key=lambda d: d.valid_from))


@cache
def default_decisions() -> tuple[InconsistencyDecision, ...]:
    path = DATA_DIR / "decisions.yaml"
    return decisions_from_data(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, where=str(path))


# -- the loader ------------------------------------------------------------------------------------------------


@rule(
    cites=[CITE_ANNEX, CITE_REFORM_LIST, CITE_REFORM_GOAL],
    summary="从政策文件库读取告知承诺事项清单（第一批）",
)
def load_catalogue(
    library: Library | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    decisions: Sequence[InconsistencyDecision] | None = None,
    department_types: Mapping[str, str] | None = None,
    strict: bool = False,
) -> Catalogue:
    """The catalogue of 鄂州政办发〔2022〕27号 附件1 read from the policy library.

    ``strict=True`` raises ``LicensingError`` (code ``catalogue_unreadable``) with the report when anything
    could not be read; otherwise the problems are in ``catalogue.report``.
    """
    doc = (library or default_library()).document_by_number(DOCUMENT)
    table = doc.unit("annex1-table1")
    heading = doc.unit("annex1").heading or ""
    problems: list[LoadProblem] = []
    m = re.search(r"第([一二三四五六七八九十\d]+)批", heading)
    if not m:
        raise LicensingError(
            "catalogue_unreadable", f"{CITE_ANNEX} 的标题“{heading}”中没有批次（第N批），无法确定清单版本。"
        )
    batch = Batch(
        number=parse_chinese_number(m.group(1)),
        title=re.sub(r"^附件[\d　\s]*", "", heading).strip(),
        valid_from=doc.issued,
        citation=CITE_REFORM_GOAL,
        source=f"gazette/{doc.slug}.md#{table.anchor}",
    )
    items = rows_to_items(
        doc,
        table.rows,
        table.header_rows,
        table.row_anchors,
        batch=batch.number,
        valid_from=batch.valid_from,
        vocabulary=vocabulary,
        decisions=default_decisions() if decisions is None else decisions,
        department_types=department_types,
        problems=problems,
    )
    report = LoadReport(batch.source, tuple(problems))
    if strict and problems:
        raise LicensingError("catalogue_unreadable", report.explain())
    return Catalogue((batch,), tuple(items), report)


def _columns(header: Sequence[Sequence[str]], problems: list[LoadProblem]) -> dict[str, int]:
    """Column index per field; a mode column is named by the second header row under 改革方式."""
    names: dict[str, int] = {}
    width = max(len(r) for r in header)
    for col in range(width):
        for row in reversed(header):
            if col < len(row) and row[col].strip():
                names.setdefault(row[col].strip(), col)
                break
    out: dict[str, int] = {}
    for key, label in COLUMNS.items():
        if label in names:
            out[key] = names[label]
        else:
            problems.append(LoadProblem("column_missing", None, label, "", f"表头中没有“{label}”列。"))
    for mode, label in MODE_LABELS.items():
        if label in names:
            out[mode.value] = names[label]
        else:
            problems.append(
                LoadProblem("column_missing", None, label, "", f"表头中没有改革方式“{label}”列。")
            )
    return out


def rows_to_items(
    doc: Document,
    rows: Sequence[Sequence[str]],
    header_rows: int,
    row_anchors: Sequence[str | None],
    *,
    batch: int,
    valid_from: dt.date,
    vocabulary: Vocabulary | None = None,
    decisions: Sequence[InconsistencyDecision] = (),
    department_types: Mapping[str, str] | None = None,
    problems: list[LoadProblem],
) -> list[CatalogueItem]:
    """Items from the rows of a reform-list table (header rows first); problems are appended, not raised."""
    vocab = vocabulary or default_vocabulary()
    types = default_department_types() if department_types is None else department_types
    cols = _columns(rows[:header_rows], problems)
    if any(k not in cols for k in ("number", "matter")):
        return []
    items: list[CatalogueItem] = []
    seen: set[int] = set()
    for cells, anchor in zip(rows[header_rows:], row_anchors[header_rows:], strict=False):

        def cell(key: str, cells: Sequence[str] = cells) -> str:
            i = cols.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        raw_number = cell("number")
        try:
            number = int(raw_number)
        except ValueError:
            problems.append(
                LoadProblem(
                    "number_unreadable",
                    None,
                    COLUMNS["number"],
                    raw_number,
                    f"序号“{raw_number}”不是整数，该行未载入。",
                )
            )
            continue
        if number in seen:
            problems.append(
                LoadProblem(
                    "number_duplicate",
                    number,
                    COLUMNS["number"],
                    raw_number,
                    f"序号{number}重复出现，后一行未载入。",
                )
            )
            continue
        seen.add(number)
        citation = Citation(document=doc.number, annex=1, item=number)
        if anchor != citation.anchor():
            problems.append(
                LoadProblem(
                    "anchor_mismatch",
                    number,
                    COLUMNS["number"],
                    str(anchor),
                    f"该行的锚点应为 #{citation.anchor()}，实为 {anchor!r}，引用无法指向该行。",
                )
            )
        matter = cell("matter")
        code = item_code(batch, number)
        scope: ParsedScope = parse_scope(matter, vocab)
        for p in scope.problems:
            problems.append(LoadProblem(p.code, number, COLUMNS["matter"], p.text, p.message))
        certificates = tuple(c.strip() for c in re.split(r"[、；;]", cell("certificates")) if c.strip())
        if not certificates:
            problems.append(
                LoadProblem("certificates_missing", number, COLUMNS["certificates"], "", "没有许可证件名称。")
            )
        basis_text = cell("basis")
        basis = tuple(re.findall(r"《[^《》]+》", basis_text))
        rest = re.sub(r"《[^《》]+》", "", basis_text).strip(" 　、，,")
        if not basis or rest:
            problems.append(
                LoadProblem(
                    "basis_unreadable",
                    number,
                    COLUMNS["basis"],
                    basis_text,
                    f"设定依据中有无法识别为法规名称（《…》）的内容：“{rest or basis_text}”。",
                )
            )
        department = cell("department")
        dep_type = types.get(department)
        if dep_type is None:
            problems.append(
                LoadProblem(
                    "department_unknown",
                    number,
                    COLUMNS["department"],
                    department,
                    f"审批部门“{department}”不在部门类型表中。",
                )
            )
        modes = set()
        for mode in ReformMode:
            mark = cell(mode.value)
            if mark in _MARKS:
                modes.add(mode)
            elif mark:
                problems.append(
                    LoadProblem(
                        "mode_unreadable",
                        number,
                        mode.label,
                        mark,
                        f"改革方式栏“{mode.label}”中的“{mark}”不是勾选标记（√）。",
                    )
                )
        if not modes:
            problems.append(
                LoadProblem("mode_missing", number, "改革方式", "", "该事项没有勾选任何改革方式。")
            )
        facets = tuple(scope.facets)
        flags = _inconsistencies(
            code, facets, certificates, vocab, tuple(d for d in decisions if d.item == code)
        )
        items.append(
            CatalogueItem(
                code,
                batch,
                number,
                matter,
                certificates,
                basis,
                department,
                dep_type,
                frozenset(modes),
                facets,
                citation,
                valid_from,
                None,
                flags,
            )
        )
    numbers = sorted(seen)
    if numbers and numbers != list(range(1, numbers[-1] + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - seen)
        problems.append(
            LoadProblem(
                "number_gap",
                None,
                COLUMNS["number"],
                "",
                f"序号不连续，缺少：{'、'.join(map(str, missing))}。",
            )
        )
    return items


def _inconsistencies(
    code: str,
    facets: Sequence[Facet],
    certificates: Sequence[str],
    vocab: Vocabulary,
    decisions: Sequence[InconsistencyDecision],
) -> tuple[Inconsistency, ...]:
    contested: dict[str, tuple[set[str], list[str]]] = {}
    for cert in certificates:
        for dim, value in vocab.certificates.get(cert, {}).items():
            inc = next((f for f in facets if f.dimension == dim and f.kind is FacetKind.INCLUDE), None)
            exc = next((f for f in facets if f.dimension == dim and f.kind is FacetKind.EXCLUDE), None)
            if (inc and value not in inc.values) or (exc and value in exc.values):
                values, certs = contested.setdefault(dim, (set(), []))
                values.add(value)
                certs.append(cert)
    out = []
    for dim, (values, certs) in contested.items():
        wording = next(f.wording for f in facets if f.dimension == dim)
        label = vocab.dimension(dim).label
        message = (
            f"事项名称限定“{wording}”，而许可证件名称栏列有“{'、'.join(certs)}”，属于{label}“{'、'.join(sorted(values))}”，"
            f"超出事项名称的范围。"
        )
        mine = tuple(d for d in decisions if d.kind == "certificate_outside_scope")
        out.append(
            Inconsistency(
                code, "certificate_outside_scope", dim, frozenset(values), tuple(certs), message, mine
            )
        )
    return tuple(out)
