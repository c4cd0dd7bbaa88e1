"""The standards library as data (第十一条, 第十八条): GB/T 18920-2020 shipped with the rules, every other standard
entered by an administrator with its source, held to the same checks as the shipped table.

    library_at(moment=None) -> (StandardsLibrary, [table ids])   the library as it stood then (default: now)
    enter_standard(code, title, in_force, source, limits, actor)  a table of limits (rows as dicts or text)
    withdraw_standard(table, reason, actor)                      a wrongly entered table stops counting
    enter_indicator(code, name, dimension, aliases, source, actor)
    limits_from_text(text) -> [row dicts]                        rows pasted from a spreadsheet (CSV or tabs)

A check that needs a standard not in the library is refused naming it (rules: MissingStandardError).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.standards import LIMIT_KINDS, StandardsLibrary, shipped_library
from ezhou_rules.unconventional_water.units import DIMENSIONS, Indicator
from ezhou_rules.unconventional_water.uses import STANDARD_TITLES, USES

from ..models import IndicatorEntry, StandardTable
from .common import DOC, refuse, require_text

SHIPPED = "shipped"  # marks the rules' own tables in a check's ``library`` list

# The columns of a pasted or uploaded table of limits: Chinese header → key of the rules' table shape.
LIMIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("指标", "indicator"),
    ("用途", "uses"),
    ("限值类型", "kind"),
    ("下限", "low"),
    ("上限", "high"),
    ("单位", "unit"),
    ("采样点", "sample_point"),
    ("选择性控制项目", "selective"),
    ("表号", "table"),
    ("备注", "note"),
)
KIND_WORDS = {
    "≤": "max",
    "≥": "min",
    "～": "range",
    "~": "range",
    "不得检出": "not_detected",
    "范围": "range",
}
POINT_WORDS = {"出厂": "plant_outlet", "管网末端": "network_end", "": "", "任意": ""}
USE_WORDS = {u.label: k for k, u in USES.items()}


def library_at(moment: dt.datetime | None = None) -> tuple[StandardsLibrary, list[Any]]:
    """The library as it stood at ``moment``: the shipped tables, the indicators entered by then and the tables
    entered by then and not withdrawn by then. Returns it with its composition (for QualityCheck.library)."""
    at = moment or clock.now()
    lib = shipped_library()
    for ind in IndicatorEntry.objects.filter(entered_at__lte=at).order_by("entered_at", "id"):
        lib = lib.with_indicator(Indicator(ind.code, ind.name, ind.dimension, tuple(ind.aliases or ())))
    tables = StandardTable.objects.filter(entered_at__lte=at).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at)
    )
    ids: list[Any] = [SHIPPED]
    for t in tables.order_by("entered_at", "id"):
        lib = lib.with_table(t.data, entered_by=str(t.entered_by_id))
        ids.append(t.pk)
    return lib, ids


def _bool(text: str) -> bool:
    return str(text).strip().lower() in ("是", "true", "1", "y", "yes", "选择性")


def limits_from_text(text: str) -> list[dict[str, Any]]:
    """Rows of limits typed or pasted as a table (first row: the Chinese headers of LIMIT_COLUMNS, separated by
    commas or tabs). Uses are codes or Chinese names separated by 、; kinds max/min/range/not_detected or
    ≤ ≥ ～ 不得检出. Refused naming the row and column when a header or a cell cannot be read."""
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    if len(lines) < 2:
        raise refuse("limits_empty", "limits", "限值表", "至少包含表头和一行限值。")
    dialect = "excel-tab" if "\t" in lines[0] else "excel"
    reader = csv.reader(io.StringIO("\n".join(lines)), dialect=dialect)
    header = [h.strip() for h in next(reader)]
    known = dict(LIMIT_COLUMNS)
    for h in header:
        if h not in known:
            raise refuse(
                "limits_header",
                "limits",
                "限值表",
                f"表头“{h}”无法识别；应为{'、'.join(k for k, _ in LIMIT_COLUMNS)}。",
            )
    for required in ("指标", "用途", "限值类型"):
        if required not in header:
            raise refuse("limits_header", "limits", "限值表", f"缺少“{required}”列。")
    rows: list[dict[str, Any]] = []
    for n, cells in enumerate(reader, start=2):
        raw = {known[h]: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        kind = KIND_WORDS.get(raw.get("kind", ""), raw.get("kind", ""))
        if kind not in LIMIT_KINDS:
            raise refuse(
                "limits_kind",
                "limits",
                "限值表",
                f"第{n}行“限值类型”应为 max、min、range、not_detected 或 ≤、≥、～、不得检出。",
            )
        uses = [
            USE_WORDS.get(u.strip(), u.strip())
            for u in raw.get("uses", "").replace(",", "、").split("、")
            if u.strip()
        ]
        point = POINT_WORDS.get(raw.get("sample_point", ""), raw.get("sample_point", ""))
        row: dict[str, Any] = {
            "indicator": raw.get("indicator", ""),
            "uses": uses,
            "kind": kind,
            "unit": raw.get("unit", ""),
        }
        for key in ("low", "high"):
            if raw.get(key):
                row[key] = raw[key]
        if point:
            row["sample_point"] = point
        if raw.get("selective"):
            row["selective"] = _bool(raw["selective"])
        for key in ("table", "note"):
            if raw.get(key):
                row[key] = raw[key][:200]
        rows.append(row)
    return rows


def enter_standard(
    code: str,
    title: str,
    in_force: dt.date | None,
    source: str,
    limits: Sequence[dict[str, Any]],
    *,
    actor: Any,
    issued: dt.date | None = None,
) -> StandardTable:
    """Add a standard's table to the library. Checked exactly as the shipped table is (rules'
    ``parse_table``): its source, every indicator, use, unit, limit and range; refused naming the row."""
    code = require_text(code, field="code", label="标准编号", rule="第十一条、第十八条", max_length=40)
    source = require_text(source, field="source", label="来源", rule="不接受无来源的限值", max_length=300)
    data: dict[str, Any] = {
        "standard": code,
        "title": (title or STANDARD_TITLES.get(code, "")).strip()[:100],
        "source": source,
        "limits": list(limits),
    }
    if issued is not None:
        data["issued"] = issued.isoformat()
    if in_force is not None:
        data["in_force"] = in_force.isoformat()
    current, _ = library_at()
    try:
        current.with_table(data, entered_by=str(getattr(actor, "pk", "") or "admin"))
    except UnconventionalWaterError as exc:
        raise UnconventionalWaterError(exc.code, exc.message, field=exc.field or "limits") from None
    with transaction.atomic():
        table = StandardTable.objects.create(
            code=code,
            title=data["title"],
            data=data,
            source=source,
            entered_by=actor,
            entered_at=clock.now(),
        )
        record(
            "unconventional_water.standard.enter",
            actor=actor,
            obj=table,
            after={"code": code, "rows": len(limits), "source": source},
            label="录入水质标准",
            citation=f"{DOC} 第十八条",
        )
    return table


def withdraw_standard(table: StandardTable, reason: str, *, actor: Any) -> StandardTable:
    """A wrongly entered table stops counting from now; the row, and every check made with it, stay."""
    reason = require_text(reason, field="reason", label="停用原因", rule="标准库", max_length=200)
    if table.withdrawn_at is not None:
        raise refuse("standard_withdrawn", "code", "标准编号", f"《{table.code}》的这份录入已停用。")
    with transaction.atomic():
        table.withdrawn_at = clock.now()
        table.withdrawn_by = actor
        table.withdraw_reason = reason
        table.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        record(
            "unconventional_water.standard.withdraw",
            actor=actor,
            obj=table,
            after={"code": table.code, "reason": reason},
            label="停用水质标准录入",
        )
    return table


def enter_indicator(
    code: str, name: str, dimension: str, aliases: Sequence[str], source: str, *, actor: Any
) -> IndicatorEntry:
    code = require_text(code, field="indicator_code", label="指标代码", rule="指标目录", max_length=40)
    name = require_text(name, field="indicator_name", label="指标名称", rule="指标目录", max_length=60)
    source = require_text(source, field="source", label="来源", rule="指标目录", max_length=300)
    if dimension not in DIMENSIONS:
        raise refuse("indicator_dimension", "dimension", "计量维度", f"应为{'、'.join(DIMENSIONS)}之一。")
    current, _ = library_at()
    clean_aliases = [a.strip() for a in aliases if a.strip()]
    try:
        current.with_indicator(Indicator(code, name, dimension, tuple(clean_aliases)))
    except UnconventionalWaterError as exc:
        raise refuse("indicator_duplicate", "indicator_code", "指标代码", exc.message) from None
    with transaction.atomic():
        entry = IndicatorEntry.objects.create(
            code=code,
            name=name,
            dimension=dimension,
            aliases=clean_aliases,
            source=source,
            entered_by=actor,
            entered_at=clock.now(),
        )
        record(
            "unconventional_water.indicator.enter",
            actor=actor,
            obj=entry,
            after={"code": code, "name": name, "dimension": dimension},
            label="登记水质指标",
        )
    return entry
