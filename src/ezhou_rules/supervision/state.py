"""Task state on any date from the units' reports, vectorised over items, reports and dates.

States (``State``; codes for machines, labels for people):

- ``not_issued`` 方案尚未印发 — the date is before the plan's issue date;
- ``not_due`` 未到期 — not completed and the deadline is later (``days`` = days left);
- ``due`` 今日到期 — not completed and the date is the deadline;
- ``overdue`` 逾期N天 — not completed and the date is after the deadline (``days`` = calendar days past it);
- ``done_on_time`` 按期完成 — a completion dated on or before the deadline (``days`` = days early);
- ``done_late`` 逾期完成 — a completion dated after the deadline (``days`` = days late);
- ``continuous`` 持续实施 — the task has no deadline.

A report counts from its own date: on a date before a completion's date the item is not yet done. The
deadline is the printed one, or with ``roll_rest_days`` the next working day (T3). Reports are validated as a
batch: an unknown task, a completion without a document number, a completion dated before the plan's issue
date or a completion of a task that runs continuously rejects the whole batch with every problem listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.trace import NO_TRACE, Trace
from ezhou_rules.core.workdays import WorkdayCalendar

from .deadlines import DeadlineKind, as_date, cn_date, effective_due_array
from .errors import SupervisionError, raise_all
from .model import Item, TaskList

__all__ = [
    "STATE_CODES",
    "STATE_LABELS",
    "ItemState",
    "Report",
    "ReportColumns",
    "State",
    "StateMatrix",
    "Supervision",
    "state_label",
]


class State(IntEnum):
    NOT_ISSUED = 0
    NOT_DUE = 1
    DUE = 2
    OVERDUE = 3
    DONE_ON_TIME = 4
    DONE_LATE = 5
    CONTINUOUS = 6


STATE_CODES = {
    State.NOT_ISSUED: "not_issued",
    State.NOT_DUE: "not_due",
    State.DUE: "due",
    State.OVERDUE: "overdue",
    State.DONE_ON_TIME: "done_on_time",
    State.DONE_LATE: "done_late",
    State.CONTINUOUS: "continuous",
}
STATE_LABELS = {
    State.NOT_ISSUED: "方案尚未印发",
    State.NOT_DUE: "未到期",
    State.DUE: "今日到期",
    State.OVERDUE: "逾期",
    State.DONE_ON_TIME: "按期完成",
    State.DONE_LATE: "逾期完成",
    State.CONTINUOUS: "持续实施",
}


def state_label(state: State, days: int) -> str:
    if state is State.NOT_DUE:
        return f"未到期（还有{days}天）"
    if state is State.OVERDUE:
        return f"逾期{days}天"
    if state is State.DONE_LATE:
        return f"逾期{days}天完成"
    if state is State.DONE_ON_TIME and days > 0:
        return f"按期完成（提前{days}天）"
    return STATE_LABELS[state]


REPORT_KINDS = {"progress": "进展", "completion": "完成"}
_NO_DATE = np.iinfo(np.int64).max  # "never" for an item without a completion


@dataclass(frozen=True)
class Report:
    """A unit's report on an item: progress or completion, with its evidence (文号 and date)."""

    item_id: str  # a task ("vocational_education/9") or a yearly item ("vocational_education/9@2024")
    kind: str  # progress | completion
    date: dt.date  # the date of the evidence (the day the measures were issued, the work completed)
    document_number: str = ""  # 文号 of the evidence; required for a completion
    attachment: str = ""  # a stored file's reference, where the platform keeps one
    unit: str | None = None  # the reporting unit's key; must carry the task when given
    note: str = ""


@dataclass(frozen=True)
class ReportColumns:
    """Validated reports as columns: item index, completion flag, date."""

    item: npt.NDArray[np.int64]
    completion: npt.NDArray[np.bool_]
    date: npt.NDArray[np.datetime64]

    def __len__(self) -> int:
        return int(self.item.shape[0])


@dataclass(frozen=True)
class StateMatrix:
    """States of every item (rows) on every date (columns)."""

    item_ids: tuple[str, ...]
    dates: npt.NDArray[np.datetime64]
    state: npt.NDArray[np.int8]  # State values
    days: npt.NDArray[np.int32]  # see the module docstring
    due: npt.NDArray[np.datetime64]  # effective deadline per item (NaT: none)
    completed_on: npt.NDArray[np.datetime64]  # earliest completion per item (NaT: none)
    last_report: npt.NDArray[np.datetime64] | None = None  # [item, date]: latest report on or before the date

    def counts(self) -> dict[str, npt.NDArray[np.int64]]:
        """Items per state on each date: code → int array over dates."""
        return {code: (self.state == s).sum(axis=0) for s, code in STATE_CODES.items()}


@dataclass(frozen=True)
class ItemState:
    item_id: str
    task_id: str
    date: dt.date
    state: State
    days: int
    due: dt.date | None  # the effective deadline
    printed_due: dt.date | None  # before any rest-day roll
    completed_on: dt.date | None  # counted only when on or before ``date``
    evidence: str  # 文号 of the completion counted
    last_report: dt.date | None
    explanation: str

    @property
    def code(self) -> str:
        return STATE_CODES[self.state]

    @property
    def label(self) -> str:
        return state_label(self.state, self.days)

    def to_dict(self) -> dict[str, Any]:
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "item_id": self.item_id,
            "task_id": self.task_id,
            "date": self.date.isoformat(),
            "state": self.code,
            "label": self.label,
            "days": self.days,
            "due": iso(self.due),
            "printed_due": iso(self.printed_due),
            "completed_on": iso(self.completed_on),
            "evidence": self.evidence,
            "last_report": iso(self.last_report),
            "explanation": self.explanation,
        }


class Supervision:
    """The items of one or more plans with their deadlines, ready to be evaluated on any dates.

    ``roll_rest_days`` moves a deadline that falls on a rest day to the next working day of ``calendar``
    (T3); off, the printed date holds and no calendar is needed. A mapping (plan slug → switch) sets it per
    plan, so one engine can hold plans whose installations decided differently.
    """

    def __init__(
        self,
        task_lists: Sequence[TaskList],
        *,
        roll_rest_days: bool | Mapping[str, bool] = False,
        calendar: WorkdayCalendar | None = None,
    ) -> None:
        self.task_lists = {tl.slug: tl for tl in task_lists}
        self.items: tuple[Item, ...] = tuple(i for tl in task_lists for i in tl.items)
        self.index = {item.id: k for k, item in enumerate(self.items)}
        self._ids: tuple[str, ...] = tuple(item.id for item in self.items)
        if len(self.index) != len(self.items):
            raise SupervisionError(
                "duplicate_item", "督办事项编号重复：同一方案被载入了两次。", field="任务编号"
            )
        self.roll_rest_days = roll_rest_days
        self.plan_of = {item.id: tl for tl in task_lists for item in tl.items}
        n = len(self.items)
        printed = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        issued = np.empty(n, dtype="datetime64[D]")
        for k, item in enumerate(self.items):
            if item.due is not None and item.kind is DeadlineKind.DATE:
                printed[k] = np.datetime64(item.due, "D")
            issued[k] = np.datetime64(item.issued, "D")
        self.printed_due = printed
        if isinstance(roll_rest_days, Mapping):
            rolled = np.array(
                [bool(roll_rest_days.get(tl.slug, False)) for tl in task_lists for _ in tl.items], dtype=bool
            ).reshape(n)
            self.due = printed.copy()
            if rolled.any():
                self.due[rolled] = effective_due_array(
                    printed[rolled], roll_rest_days=True, calendar=calendar
                )
        else:
            self.due = effective_due_array(printed, roll_rest_days=roll_rest_days, calendar=calendar)
        self.issued = issued
        self.continuous = np.isnat(self.due)

    @classmethod
    def from_arrays(cls, item_ids: Sequence[str], due: npt.ArrayLike, issued: npt.ArrayLike) -> Supervision:
        """An engine over bare columns (a batch import or the benchmark): ids, deadlines (NaT: none), issue dates."""
        self = cls.__new__(cls)
        self.task_lists = {}
        self.items = ()
        self.index = {i: k for k, i in enumerate(item_ids)}
        self.roll_rest_days = False
        self.plan_of = {}
        self.printed_due = np.asarray(due).astype("datetime64[D]")
        self.due = self.printed_due.copy()
        self.issued = np.asarray(issued).astype("datetime64[D]")
        self.continuous = np.isnat(self.due)
        self._ids = tuple(item_ids)
        return self

    @property
    def item_ids(self) -> tuple[str, ...]:
        return self._ids

    # -- reports ---------------------------------------------------------------------------------------
    def reports(self, reports: Iterable[Report]) -> ReportColumns:
        """Validate report records; any problem rejects the whole batch (``SupervisionError.problems``)."""
        rows = list(reports)
        problems: list[SupervisionError] = []
        item = np.empty(len(rows), dtype=np.int64)
        completion = np.empty(len(rows), dtype=bool)
        dates = np.empty(len(rows), dtype="datetime64[D]")
        for r, rep in enumerate(rows):
            try:
                item[r], completion[r], dates[r] = self._check(rep, r)
            except SupervisionError as exc:
                problems.append(exc)
        raise_all(problems)
        return ReportColumns(item, completion, dates)

    def check_report(self, rep: Report) -> None:
        """Check one report as a unit files it (the same rules as a batch, the message without a row)."""
        self._check(rep, None)

    def _check(self, rep: Report, r: int | None) -> tuple[int, bool, np.datetime64]:
        where = f"第{r + 1}条报告：" if r is not None else ""
        k = self.index.get(rep.item_id)
        if k is None:
            raise SupervisionError(
                "unknown_task",
                f"{where}任务“{rep.item_id}”不存在，无法登记进展或完成情况。",
                field="任务编号",
                row=r,
            )
        if rep.kind not in REPORT_KINDS:
            raise SupervisionError(
                "report_kind_unknown",
                f"{where}报告类型“{rep.kind}”未知（应为 progress 进展 或 completion 完成）。",
                field="报告类型",
                row=r,
            )
        day = as_date(rep.date, "报告日期", r)
        item = self.items[k] if self.items else None
        plan = self.plan_of.get(rep.item_id)
        rule_text = f"{plan.document}（{cn_date(plan.issued)}印发）" if plan else None
        issued = self.issued[k].astype(object)
        if day < issued:
            what = "完成日期" if rep.kind == "completion" else "报告日期"
            raise SupervisionError(
                "completion_before_issue" if rep.kind == "completion" else "report_before_issue",
                f"{where}{what}{cn_date(day)}早于方案印发日期{cn_date(issued)}，不能作为本方案任务的"
                f"{REPORT_KINDS[rep.kind]}依据。",
                field=what,
                rule=rule_text,
                row=r,
            )
        if rep.kind == "completion":
            if not rep.document_number.strip():
                raise SupervisionError(
                    "evidence_missing",
                    f"{where}报送完成情况须附证明文件的文号（如出台措施的文件文号）。",
                    field="证明文件文号",
                    rule=rule_text,
                    row=r,
                )
            if self.continuous[k]:
                raise SupervisionError(
                    "completion_on_continuous",
                    f"{where}任务“{rep.item_id}”为持续实施，没有完成时限，请以进展报告报送。",
                    field="报告类型",
                    rule=rule_text,
                    row=r,
                )
        if rep.unit is not None and item is not None and plan is not None:
            task = plan.task(item.task_id)
            if rep.unit not in task.unit_keys:
                raise SupervisionError(
                    "unit_not_on_task",
                    f"{where}报送单位“{plan.unit_name(rep.unit)}”不是任务“{rep.item_id}”的牵头或责任单位。",
                    field="报送单位",
                    rule=task.citation,
                    row=r,
                )
        return k, rep.kind == "completion", np.datetime64(day, "D")

    def report_arrays(
        self, item: npt.ArrayLike, completion: npt.ArrayLike, dates: npt.ArrayLike
    ) -> ReportColumns:
        """Validate reports given as columns (item index, completion flag, date) without a Python loop."""
        item = np.asarray(item, dtype=np.int64)
        completion = np.asarray(completion, dtype=bool)
        dates = np.asarray(dates).astype("datetime64[D]")
        if not (item.shape == completion.shape == dates.shape):
            raise SupervisionError("column_lengths", "报告的各列长度不一致。", field="报告")
        problems = []
        bad = np.flatnonzero((item < 0) | (item >= len(self.due)))
        for r in bad[:20].tolist():
            problems.append(
                SupervisionError(
                    "unknown_task", f"第{r + 1}条报告：任务序号 {item[r]} 不存在。", field="任务编号", row=r
                )
            )
        ok = np.clip(item, 0, max(len(self.due) - 1, 0))
        early = np.flatnonzero(completion & (dates < self.issued[ok]) & (bad.size == 0))
        for r in early[:20].tolist():
            problems.append(
                SupervisionError(
                    "completion_before_issue",
                    f"第{r + 1}条报告：完成日期{cn_date(dates[r].astype(object))}早于方案印发日期"
                    f"{cn_date(self.issued[ok[r]].astype(object))}。",
                    field="完成日期",
                    row=r,
                )
            )
        cont = np.flatnonzero(completion & self.continuous[ok])
        for r in cont[:20].tolist():
            problems.append(
                SupervisionError(
                    "completion_on_continuous",
                    f"第{r + 1}条报告：持续实施的任务没有完成时限，请以进展报告报送。",
                    field="报告类型",
                    row=r,
                )
            )
        if np.isnat(dates).any():
            r = int(np.flatnonzero(np.isnat(dates))[0])
            problems.append(
                SupervisionError("invalid_date", f"第{r + 1}条报告：缺少报告日期。", field="报告日期", row=r)
            )
        raise_all(problems)
        return ReportColumns(item, completion, dates)

    # -- states ----------------------------------------------------------------------------------------
    @rule(
        cites=["鄂州政发〔2022〕15号 附件2", "鄂州政办发〔2022〕28号 四（二）"],
        summary="任务在任一日期的状态：未到期、今日到期、逾期N天、按期完成、逾期完成、持续实施",
    )
    def states(
        self, reports: ReportColumns, dates: npt.ArrayLike, *, with_last_report: bool = False
    ) -> StateMatrix:
        days = np.atleast_1d(np.asarray(dates).astype("datetime64[D]"))
        if np.isnat(days).any():
            raise SupervisionError("invalid_date", "查询日期中含有空值。", field="查询日期")
        n = len(self.due)
        comp_days = np.full(n, _NO_DATE, dtype=np.int64)
        sel = reports.completion
        np.minimum.at(comp_days, reports.item[sel], reports.date[sel].astype(np.int64))
        d = days.astype(np.int64)[None, :]
        due = np.where(self.continuous, 0, self.due.astype(np.int64))[:, None]
        comp = comp_days[:, None]
        done = comp <= d
        state = np.where(d < due, State.NOT_DUE, np.where(d == due, State.DUE, State.OVERDUE)).astype(np.int8)
        span = np.abs(due - d)
        state = np.where(done, np.where(comp <= due, State.DONE_ON_TIME, State.DONE_LATE), state).astype(
            np.int8
        )
        span = np.where(done, np.abs(comp - due), span)
        cont = self.continuous[:, None]
        state = np.where(cont, np.int8(State.CONTINUOUS), state)
        before = d < self.issued.astype(np.int64)[:, None]
        state = np.where(before, np.int8(State.NOT_ISSUED), state).astype(np.int8)
        span = np.where(cont | before, 0, span).astype(np.int32)
        completed_on = np.where(
            comp_days == _NO_DATE, np.datetime64("NaT"), comp_days.astype("datetime64[D]")
        )
        last = self._last_reports(reports, days) if with_last_report else None
        return StateMatrix(
            self.item_ids, days, state, span, self.due, completed_on.astype("datetime64[D]"), last
        )

    def _last_reports(
        self, reports: ReportColumns, days: npt.NDArray[np.datetime64]
    ) -> npt.NDArray[np.datetime64]:
        """Latest report (progress or completion) of each item on or before each date."""
        base = np.int64(1 << 20)  # day numbers stay far below 2**20 (year 4840)
        keys = np.sort(reports.item * base + reports.date.astype(np.int64))
        n = len(self.due)
        probe = np.arange(n, dtype=np.int64)[:, None] * base + days.astype(np.int64)[None, :]
        pos = np.searchsorted(keys, probe, side="right") - 1
        found = pos >= 0
        prev = keys[np.clip(pos, 0, None)] if keys.size else np.zeros_like(probe)
        same_item = found & (prev // base == np.arange(n)[:, None]) if keys.size else np.zeros_like(found)
        out = np.full(probe.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        out[same_item] = (prev[same_item] % base).astype("datetime64[D]")
        return out

    def states_on(self, reports: Iterable[Report] | ReportColumns, on: dt.date) -> list[ItemState]:
        """Every item's state on one date, with its explanation."""
        cols = reports if isinstance(reports, ReportColumns) else self.reports(reports)
        matrix = self.states(cols, np.array([on], dtype="datetime64[D]"), with_last_report=True)
        evidence = self._evidence(reports, matrix) if not isinstance(reports, ReportColumns) else {}
        return [self._item_state(matrix, k, on, evidence.get(k, "")) for k in range(len(self.due))]

    def state_on(
        self, item_id: str, reports: Iterable[Report], on: dt.date, *, trace: Trace = NO_TRACE
    ) -> ItemState:
        """One item's state on a date from its reports (``POST /supervision/task-state``)."""
        if item_id not in self.index:
            raise SupervisionError("unknown_task", f"任务“{item_id}”不存在。", field="任务编号")
        rows = list(reports)
        problems = [
            SupervisionError(
                "report_for_other_task",
                f"第{r + 1}条报告属于任务“{rep.item_id}”，不是所查询的任务“{item_id}”。",
                field="任务编号",
                row=r,
            )
            for r, rep in enumerate(rows)
            if rep.item_id != item_id and rep.item_id in self.index
        ]
        raise_all(problems)
        cols = self.reports(rows)
        matrix = self.states(cols, np.array([on], dtype="datetime64[D]"), with_last_report=True)
        k = self.index[item_id]
        answer = self._item_state(matrix, k, on, self._evidence(rows, matrix).get(k, ""))
        plan = self.plan_of.get(item_id)
        if trace and plan is not None:
            citation = plan.task(answer.task_id).citation
            trace.step(
                "state_on",
                citation,
                {"item": item_id, "date": on, "reports": len(rows)},
                {"state": answer.code, "days": answer.days},
                answer.explanation,
            )
        return answer

    def _evidence(self, reports: Iterable[Report] | ReportColumns, matrix: StateMatrix) -> dict[int, str]:
        out: dict[int, str] = {}
        if isinstance(reports, ReportColumns):
            return out
        for rep in reports:
            k = self.index[rep.item_id]
            if rep.kind == "completion" and np.datetime64(rep.date, "D") == matrix.completed_on[k]:
                out.setdefault(k, rep.document_number)
        return out

    def _item_state(self, matrix: StateMatrix, k: int, on: dt.date, evidence: str) -> ItemState:
        state = State(int(matrix.state[k, 0]))
        days = int(matrix.days[k, 0])

        def date_or_none(v: np.datetime64) -> dt.date | None:
            return None if np.isnat(v) else v.astype(object)

        due = date_or_none(self.due[k])
        printed = date_or_none(self.printed_due[k])
        completed = date_or_none(matrix.completed_on[k])
        if completed is not None and completed > on:
            completed, evidence = None, ""
        last = date_or_none(matrix.last_report[k, 0]) if matrix.last_report is not None else None
        item_id = matrix.item_ids[k]
        task_id = self.items[k].task_id if self.items else item_id
        return ItemState(
            item_id,
            task_id,
            on,
            state,
            days,
            due,
            printed,
            completed,
            evidence,
            last,
            self._explain(state, days, on, due, printed, completed, evidence, k),
        )

    def _explain(
        self,
        state: State,
        days: int,
        on: dt.date,
        due: dt.date | None,
        printed: dt.date | None,
        completed: dt.date | None,
        evidence: str,
        k: int,
    ) -> str:
        item = self.items[k] if self.items else None
        head = f"截至{cn_date(on)}，"
        if state is State.NOT_ISSUED:
            return head + f"方案尚未印发（{cn_date(self.issued[k].astype(object))}印发）。"
        if state is State.CONTINUOUS:
            return head + (item.basis if item else "该任务持续实施，无完成时限。")
        assert due is not None
        rolled = ""
        if printed is not None and printed != due:
            rolled = f"（原定{cn_date(printed)}为休息日，顺延至{cn_date(due)}）"
        deadline = f"完成时限{cn_date(due)}{rolled}"
        if state is State.DONE_ON_TIME:
            assert completed is not None
            return (
                head + f"已于{cn_date(completed)}完成（{evidence or '有完成报告'}），{deadline}，按期完成。"
            )
        if state is State.DONE_LATE:
            assert completed is not None
            return (
                head
                + f"已于{cn_date(completed)}完成（{evidence or '有完成报告'}），{deadline}，逾期{days}天完成。"
            )
        if state is State.DUE:
            return head + f"尚未报送完成情况，今日为{deadline}。"
        if state is State.OVERDUE:
            return head + f"尚未报送完成情况，{deadline}，已逾期{days}天。"
        return head + f"尚未报送完成情况，{deadline}，还有{days}天。"
