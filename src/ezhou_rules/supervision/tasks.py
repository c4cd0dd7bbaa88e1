"""The task loader: a plan's tasks read from the policy library's copy of the gazette, never retyped.

``load_tasks(slug)`` reads the plan's specification (``<slug>/plan.yaml``), then from ``gazette/<slug>.md``
each task's printed text, its units (as printed and as keys), the lead unit, the deadline as printed and as a
date, the deliverable and the plan's yearly items. What it cannot read is not guessed: it goes into
``TaskList.problems`` (severity ``error``), and every assumption it makes (a lead taken from the order of an
annex list, a deadline taken from a phase) is there as a ``note``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ezhou_rules.library import Document, Library, Unit, default_library

from .deadlines import Deadline, DeadlineKind, Deliverable, Period, month_end, parse_deadline
from .errors import SupervisionError
from .model import Item, Leadership, LoadProblem, Member, Task, TaskList, headline, plain
from .phases import read_phase
from .plans import PlanSpec, load_periods, plan_spec
from .units import AliasTable, UnitRef, UnitResolver, default_alias_table, parse_units_clause, read_unit_list

__all__ = [
    "Item",
    "Leadership",
    "LoadProblem",
    "Member",
    "Task",
    "TaskList",
    "load_tasks",
    "plain",
]


# -- reading -----------------------------------------------------------------------------------------------


class _Reader:
    def __init__(
        self,
        doc: Document,
        spec: PlanSpec,
        resolve: UnitResolver,
        suffixes: tuple[str, ...],
        periods: Mapping[str, Period],
    ) -> None:
        self.doc = doc
        self.spec = spec
        self.resolve = resolve
        self.suffixes = suffixes
        self.periods = periods
        self.problems: list[LoadProblem] = []
        self.cols: dict[str, int] = {}

    def problem(self, code: str, anchor: str, field: str, message: str, severity: str = "error") -> None:
        self.problems.append(LoadProblem(code, anchor, field, message, severity))

    def unit(self, anchor: str) -> Unit | None:
        if not self.doc.has(anchor):
            self.problem("anchor_missing", anchor, "锚点", f"{self.doc.number} 中没有锚点 #{anchor}。")
            return None
        return self.doc.unit(anchor)

    def cite(self, unit: Unit) -> str:
        return str(unit.citation) if unit.citation else f"{self.doc.number} {unit.label}"

    def check_units(self, refs: tuple[UnitRef, ...], anchor: str) -> None:
        for ref in refs:
            if ref.key is None:
                self.problem(
                    "unit_unresolved",
                    anchor,
                    "责任单位",
                    f"单位“{ref.printed}”不在单位名录（别名表）中，无法归并；已按原文保留。",
                )

    # -- rows of an annex table ------------------------------------------------------------------------
    def table_rows(self) -> list[tuple[Unit, str]]:
        table = self.unit(self.spec.table or "")
        if table is None:
            return []
        header = table.rows[0] if table.header_rows else ()
        cols = {}
        for role, label in self.spec.columns.items():
            if label not in header:
                self.problem("column_missing", table.anchor, label, f"表格表头中没有“{label}”列。")
                return []
            cols[role] = header.index(label)
        self.cols = cols
        rows: list[tuple[Unit, str]] = []
        group = ""
        for anchor in table.row_anchors:
            if anchor is None:
                continue
            row = self.doc.unit(anchor)
            if row.kind == "section":
                group = row.cells[0]
            elif row.kind == "item":
                rows.append((row, group))
        return rows

    def main_items(self) -> dict[str, Unit]:
        out = {}
        for under in self.spec.main_text_under:
            if self.unit(under) is None:
                continue
            for u in self.doc.descendants(under):
                if u.kind == "sub_item":
                    out[u.anchor] = u
        return out

    def task_from_row(self, row: Unit, group: str, main: dict[str, Unit]) -> Task | None:
        cells = row.cells
        try:
            number = int(cells[self.cols["number"]])
        except ValueError:
            self.problem("number_unreadable", row.anchor, "序号", f"序号“{cells[0]}”不是数字。")
            return None
        text = cells[self.cols["text"]]
        units = tuple(read_unit_list(cells[self.cols["units"]], self.resolve, self.suffixes))
        self.check_units(units, row.anchor)
        deadline = parse_deadline(cells[self.cols["deadline"]], self.periods)
        if deadline.kind is DeadlineKind.UNREAD:
            self.problem(
                "deadline_unread", row.anchor, "时间安排", f"时间安排“{deadline.printed}”：{deadline.basis}"
            )
        main_anchor = self.spec.main_text_map.get(number)
        main_lead: tuple[UnitRef, ...] = ()
        main_resp: tuple[UnitRef, ...] = ()
        main_citation = None
        if main_anchor is not None:
            m = main.get(main_anchor)
            if m is None:
                self.problem(
                    "main_text_missing",
                    row.anchor,
                    "正文条目",
                    f"附件第{number}项对应的正文 #{main_anchor} 不存在。",
                )
                main_anchor = None
            else:
                main_citation = self.cite(m)
                _, clause = parse_units_clause(m.plain_text, self.resolve, self.suffixes)
                if clause is not None:
                    main_lead, main_resp = clause.lead, clause.responsible
                    self.check_units(main_lead + main_resp, m.anchor)
                self.check_overlap(number, row, text, m)
        keys = [u.key for u in units if u.key]
        lead_keys = [k for k in keys if k in {u.key for u in main_lead}]
        basis = "main_text"
        if not lead_keys and main_lead and keys:
            self.problem(
                "lead_not_in_annex",
                row.anchor,
                "牵头单位",
                f"附件第{number}项所列单位中没有正文的牵头单位"
                f"（{'、'.join(u.printed for u in main_lead)}），改按附件所列第一家单位牵头。",
                "note",
            )
            lead_keys, basis = [keys[0]], "first_listed"
        elif not lead_keys:
            lead_keys, basis = self.silent_lead(units, row.anchor, f"附件第{number}项")
        return self.make_task(
            row,
            number,
            group,
            text,
            units,
            lead_keys,
            basis,
            deadline,
            main_anchor,
            main_citation,
            main_lead,
            main_resp,
        )

    def silent_lead(self, refs: tuple[UnitRef, ...], anchor: str, where: str) -> tuple[list[str], str]:
        keys = [u.key for u in refs if u.key]
        printed = next((u.printed for u in refs if u.key), "")
        if self.spec.lead_when_silent == "first_listed" and keys:
            self.problem(
                "lead_from_order",
                anchor,
                "牵头单位",
                f"{where}未写明牵头单位，按所列第一家单位（{printed}）牵头（解释 T2）。",
                "note",
            )
            return [keys[0]], "first_listed"
        self.problem("lead_missing", anchor, "牵头单位", f"{where}未写明牵头单位。", "note")
        return [], "none"

    def check_overlap(self, number: int, row: Unit, text: str, main: Unit) -> None:
        """The annex row and the main-text task it is mapped to must share text (a wrong map is reported)."""
        a, b = plain(text), plain(main.plain_text)
        grams = {a[i : i + 4] for i in range(max(len(a) - 3, 1))}
        shared = sum(1 for g in grams if g in b)
        if not grams or shared / len(grams) < 0.3:
            self.problem(
                "main_text_map_mismatch",
                row.anchor,
                "正文条目",
                f"附件第{number}项与所对应的正文 {self.cite(main)} 文字重合不足三成，请核对对应关系。",
            )

    # -- numbered items of a section (28号 三) ---------------------------------------------------------
    def task_from_item(self, item: Unit, undated: Deadline | None) -> Task | None:
        m = re.match(r"^(\d+)\s*[.．、]\s*", item.plain_text)
        if not m:
            self.problem("number_unreadable", item.anchor, "序号", "条目不以“N.”开头。")
            return None
        number = int(m.group(1))
        body, clause = parse_units_clause(item.plain_text[m.end() :], self.resolve, self.suffixes)
        parent = self.doc.unit(item.parent) if item.parent else None
        group = parent.title if parent else ""
        if clause is None:
            self.problem(
                "units_missing", item.anchor, "责任单位", f"第{number}项没有（牵头单位：…；责任单位：…）。"
            )
            lead_refs: tuple[UnitRef, ...] = ()
            resp_refs: tuple[UnitRef, ...] = ()
        else:
            lead_refs, resp_refs = clause.lead, clause.responsible
            self.check_units(lead_refs + resp_refs, item.anchor)
        units = lead_refs + resp_refs
        lead_keys = [u.key for u in lead_refs if u.key]
        basis = "clause"
        if not lead_keys:
            lead_keys, basis = self.silent_lead(units, item.anchor, f"第{number}项")
        deadline = undated or Deadline(
            "", DeadlineKind.UNREAD, None, Deliverable.UNKNOWN, basis="未写明时限。"
        )
        if undated is None:
            self.problem(
                "deadline_unread", item.anchor, "时间安排", f"第{number}项未写明时限，方案配置也未指定。"
            )
        return self.make_task(
            item,
            number,
            group,
            body,
            units,
            lead_keys,
            basis,
            deadline,
            item.anchor,
            self.cite(item),
            lead_refs,
            resp_refs,
        )

    def make_task(
        self,
        unit: Unit,
        number: int,
        group: str,
        text: str,
        units: tuple[UnitRef, ...],
        lead_keys: list[str],
        basis: str,
        deadline: Deadline,
        main_anchor: str | None,
        main_citation: str | None,
        main_lead: tuple[UnitRef, ...],
        main_resp: tuple[UnitRef, ...],
    ) -> Task:
        lead = tuple(dict.fromkeys(lead_keys))
        keys = dict.fromkeys(u.key for u in units if u.key)
        return Task(
            id=f"{self.spec.slug}/{number}",
            slug=self.spec.slug,
            document=self.doc.number,
            number=number,
            group=group,
            text=text,
            anchor=unit.anchor,
            citation=self.cite(unit),
            units=units,
            lead=lead,
            lead_basis=basis,
            responsible=tuple(k for k in keys if k not in lead),
            deadline=deadline,
            main_text_anchor=main_anchor,
            main_text_citation=main_citation,
            main_text_lead=main_lead,
            main_text_responsible=main_resp,
        )

    def undated_deadline(self) -> Deadline | None:
        if not self.spec.undated_phase:
            return None
        try:
            phase = read_phase(self.doc, self.spec.undated_phase)
        except SupervisionError as exc:
            self.problem(exc.code, self.spec.undated_phase, "实施步骤", exc.message)
            return None
        except LookupError:
            self.problem("anchor_missing", self.spec.undated_phase, "实施步骤", "方案配置所指的阶段不存在。")
            return None
        basis = (
            f"任务未单列时限；按{phase.citation}{phase.name}（{phase.printed}）确保建设任务完成，"
            f"以该阶段最后一日{phase.end.year}年{phase.end.month}月{phase.end.day}日为完成时限（解释 T8）。"
        )
        self.problem("deadline_from_phase", self.spec.undated_phase, "时间安排", basis, "note")
        return Deadline("", DeadlineKind.DATE, phase.end, Deliverable.COMPLETION, basis=basis)

    # -- yearly items -----------------------------------------------------------------------------------
    def items(self, tasks: list[Task]) -> list[Item]:
        issued = self.doc.issued
        by_number = {t.number: t for t in tasks}
        out = []
        for t in tasks:
            d = t.deadline
            label = f"{t.number}. {headline(t.text)}"
            out.append(
                Item(
                    t.id,
                    t.id,
                    None,
                    label,
                    d.kind,
                    d.due,
                    d.deliverable,
                    d.printed,
                    d.basis,
                    issued,
                    d.period_end,
                )
            )
        for r in self.spec.recurring:
            task = by_number.get(r.task)
            if task is None:
                self.problem(
                    "recurring_task_missing",
                    "",
                    "年度事项",
                    f"年度事项“{r.label}”所属的第{r.task}项任务不存在。",
                )
                continue
            if plain(r.quote) not in plain(task.text):
                self.problem(
                    "recurring_quote_missing",
                    task.anchor,
                    "年度事项",
                    f"第{r.task}项任务原文中找不到“{r.quote}”，年度事项“{r.label}”未载入。",
                )
                continue
            for year in range(r.first_year, r.last_year + 1):
                due = month_end(year + r.year_offset, r.due_month)
                basis = (
                    f"原文“{r.quote}”为每年事项；{year}年的{r.label}以"
                    f"{due.year}年{due.month}月{due.day}日为时限（解释 T5）。"
                )
                out.append(
                    Item(
                        f"{task.id}@{year}",
                        task.id,
                        year,
                        f"{year}年{r.label}",
                        DeadlineKind.DATE,
                        due,
                        Deliverable.YEARLY,
                        "",
                        basis,
                        issued,
                    )
                )
        return out

    # -- leadership --------------------------------------------------------------------------------------
    def leadership(self) -> Leadership:
        spec = self.spec
        citation = f"{self.doc.number} {spec.leadership_cite}" if spec.leadership_cite else self.doc.number
        if not spec.members_table:
            return Leadership(spec.leadership_name, citation, None, ("方案未逐一列明成员单位。",))
        table = self.unit(spec.members_table)
        if table is None:
            return Leadership(spec.leadership_name, citation, None)
        left: list[tuple[str, str]] = []
        right: list[tuple[str, str]] = []
        notes: list[str] = []
        for row in table.rows[table.header_rows :]:
            for col, pair in ((left, row[0:2]), (right, row[2:4])):
                if len(pair) < 2:
                    continue
                name, position = pair[0].strip(), pair[1].strip()
                if not name and not position:
                    continue
                if not position:
                    notes.append(name)
                    continue
                col.append((name, position))
        members = []
        for name, position in left + right:  # printed in two columns: left top-down, then right
            role = "成员"
            m = re.match(r"^(召\s*集\s*人|成\s*员)\s*[:：]\s*", name)
            if m:
                role = re.sub(r"\s+", "", m.group(1))
                name = name[m.end() :]
            members.append(Member(name, position, role, self.position_unit(position, table.anchor)))
        return Leadership(spec.leadership_name, citation, tuple(members), tuple(notes))

    def position_unit(self, position: str, anchor: str) -> UnitRef | None:
        for end in range(len(position), 1, -1):
            key = self.resolve(position[:end])
            if key is not None:
                return UnitRef(position[:end], key)
        self.problem("member_unit_unresolved", anchor, "成员单位", f"职务“{position}”中找不到已知单位。")
        return None


def load_tasks(
    slug: str,
    *,
    library: Library | None = None,
    resolve_unit: UnitResolver | None = None,
    alias_table: AliasTable | None = None,
    spec: PlanSpec | None = None,
    periods: Mapping[str, Period] | None = None,
) -> TaskList:
    """Read a plan's tasks from the policy library.

    ``resolve_unit`` replaces the shipped alias table (the platform passes its organisation register's
    lookup); ``spec`` replaces ``<slug>/plan.yaml`` (a plan entered as data on the platform).
    """
    library = library or default_library()
    spec = spec or plan_spec(slug)
    doc = library.document(spec.slug)
    if doc.number != spec.document:
        raise SupervisionError(
            "plan_spec_invalid",
            f"督办方案配置 {spec.slug} 写明文号 {spec.document}，但政策文件库中该文件为 {doc.number}。",
            field="文号",
        )
    table = alias_table or default_alias_table()
    resolve = resolve_unit or table.resolve
    reader = _Reader(doc, spec, resolve, table.shared_suffixes, periods or load_periods())
    tasks: list[Task] = []
    if spec.source == "table":
        main = reader.main_items()
        for row, group in reader.table_rows():
            task = reader.task_from_row(row, group, main)
            if task is not None:
                tasks.append(task)
        mapped = set(spec.main_text_map.values())
        for anchor, unit in main.items():
            if anchor not in mapped:
                reader.problem(
                    "main_text_unmapped",
                    anchor,
                    "正文条目",
                    f"正文 {reader.cite(unit)} 没有对应的附件任务。",
                    "note",
                )
    else:
        undated = reader.undated_deadline()
        section = reader.unit(spec.items_under or "")
        if section is not None:
            for unit in doc.descendants(section.anchor):
                if unit.kind == "sub_item":
                    task = reader.task_from_item(unit, undated)
                    if task is not None:
                        tasks.append(task)
    numbers = [t.number for t in tasks]
    if len(set(numbers)) != len(numbers):
        reader.problem("number_duplicated", "", "序号", "任务序号重复。")
    items = reader.items(tasks)
    leadership = reader.leadership()
    names = table.names()
    return TaskList(
        slug=spec.slug,
        document=doc.number,
        title=doc.title,
        issued=doc.issued,
        tasks=tuple(tasks),
        items=tuple(items),
        problems=tuple(reader.problems),
        leadership=leadership,
        spec=spec,
        unit_names=names,
        issuer=doc.issuer,
        resolve_unit=resolve,
    )
