"""Periods of the commitment route: configured per item, dated, in working or calendar days, each counted from
a named event. The document fixes no length (“在约定期限内”, “一定期限内”, “责令限期整改”, “及时…组织核查”), so
every period is configuration: a ``PeriodRule`` the item's department sets in its 一事项一方案. A period that has
not been configured is reported as such (``PeriodNotConfigured``) and opens no deadline; no default is ever
used.

Counting (民法典 第二百零一条、第二百零三条; docs/interpretations.md K1): the day of the event is not counted;
"N个工作日" ends on the N-th working day after it; "N日" ends N calendar days after it, moved to the next working
day when that is a rest day. The calendar is a parameter (the platform passes its own, built from the holiday
tables an administrator enters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.workdays import CalendarYearUnknown, WorkdayCalendar

from . import CITE_APPLY, CITE_NOTIFY, CITE_OPERATE, CITE_OVERSIGHT
from .errors import LicensingError, NotConfigured, parse_day


class PeriodKind(StrEnum):
    COMMITMENT = "commitment"  # 申请人作出承诺的时限 (二（二）1)
    MATERIALS = "materials"  # 决定作出后一定期限内提交材料 (三（一）)
    QUALIFY = "qualify"  # 领证后一定期限内具备经营许可条件 (三（三）)
    VERIFICATION = "verification"  # 对承诺内容组织核查 (三（四）)
    RECTIFICATION = "rectification"  # 责令限期整改 (三（四）)

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def citation(self) -> str:
        return KIND_CITES[self]


KIND_LABELS = {
    PeriodKind.COMMITMENT: "作出承诺的时限",
    PeriodKind.MATERIALS: "决定作出后提交材料的约定期限",
    PeriodKind.QUALIFY: "领证后具备经营许可条件的期限",
    PeriodKind.VERIFICATION: "承诺内容核查期限",
    PeriodKind.RECTIFICATION: "限期整改的期限",
}
KIND_CITES = {
    PeriodKind.COMMITMENT: CITE_NOTIFY,
    PeriodKind.MATERIALS: CITE_APPLY,
    PeriodKind.QUALIFY: CITE_OPERATE,
    PeriodKind.VERIFICATION: CITE_OVERSIGHT,
    PeriodKind.RECTIFICATION: CITE_OVERSIGHT,
}


class PeriodUnit(StrEnum):
    WORKDAYS = "workdays"  # 工作日
    DAYS = "days"  # 日（自然日）


UNIT_LABELS = {PeriodUnit.WORKDAYS: "个工作日", PeriodUnit.DAYS: "日"}


class CountingEvent(StrEnum):
    NOTIFIED = "notified"  # 一次性告知之日
    SUBMITTED = "submitted"  # 申请（递交告知承诺书）之日
    DECIDED = "decided"  # 许可决定作出之日
    DELIVERED = "delivered"  # 许可证件送达之日
    ORDERED = "rectification_ordered"  # 责令整改通知作出之日

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    CountingEvent.NOTIFIED: "一次性告知",
    CountingEvent.SUBMITTED: "递交告知承诺书",
    CountingEvent.DECIDED: "许可决定作出",
    CountingEvent.DELIVERED: "许可证件送达",
    CountingEvent.ORDERED: "责令整改通知作出",
}
# which events a kind of period may count from
ALLOWED_EVENTS: Mapping[PeriodKind, frozenset[CountingEvent]] = {
    PeriodKind.COMMITMENT: frozenset({CountingEvent.NOTIFIED}),
    PeriodKind.MATERIALS: frozenset({CountingEvent.DECIDED, CountingEvent.DELIVERED}),
    PeriodKind.QUALIFY: frozenset({CountingEvent.DECIDED, CountingEvent.DELIVERED}),
    PeriodKind.VERIFICATION: frozenset(
        {CountingEvent.SUBMITTED, CountingEvent.DECIDED, CountingEvent.DELIVERED}
    ),
    PeriodKind.RECTIFICATION: frozenset({CountingEvent.ORDERED}),
}


def due_date(event_day: dt.date, length: int, unit: PeriodUnit, cal: WorkdayCalendar) -> dt.date:
    """Last day of a period of ``length`` units counted from ``event_day`` (the event day not counted).

    2023-09-28 + 5 working days = 2023-10-11 (09-29…10-06 off, 10-07 and 10-08 worked);
    2023-09-28 + 5 days = 10-03, a holiday, moved to the next working day 10-07 (a make-up Saturday).
    """
    if unit is PeriodUnit.WORKDAYS:
        return cal.deadline_within_workdays(event_day, length)
    return cal.deadline_within_days(event_day, length)


@dataclass(frozen=True)
class PeriodRule:
    """One configured period of an item (optionally of one material), from ``valid_from`` on."""

    item: str
    kind: PeriodKind
    length: int
    unit: PeriodUnit
    counts_from: CountingEvent
    valid_from: dt.date
    source: str  # the scheme version or decision that set it
    material: str | None = None

    def describe(self) -> str:
        """自许可决定作出之日起20个工作日内."""
        return f"自{self.counts_from.label}之日起{self.length}{UNIT_LABELS[self.unit]}内"

    def due(self, event_day: dt.date, cal: WorkdayCalendar) -> dt.date:
        return due_date(event_day, self.length, self.unit, cal)

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "kind": self.kind.value,
            "label": self.kind.label,
            "length": self.length,
            "unit": self.unit.value,
            "counts_from": self.counts_from.value,
            "valid_from": self.valid_from.isoformat(),
            "source": self.source,
            "material": self.material,
            "description": self.describe(),
        }


@dataclass(frozen=True)
class PeriodNotConfigured:
    """The answer for a period nobody has configured: it says so and opens no deadline."""

    item: str
    kind: PeriodKind
    on: dt.date
    material: str | None = None

    @property
    def message(self) -> str:
        what = f"材料“{self.material}”的" if self.material else ""
        return (
            f"事项 {self.item} 未配置{what}“{self.kind.label}”（{self.on.isoformat()} 适用的期限），"
            f"不开启期限；请业务部门在一事项一方案中配置（{self.kind.citation}）。"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "kind": self.kind.value,
            "label": self.kind.label,
            "configured": False,
            "material": self.material,
            "message": self.message,
        }


def _enum(cls: Any, value: Any, field: str, label: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        allowed = "、".join(m.value for m in cls)
        raise LicensingError(
            "period_invalid", f"{label}：“{value}”无法识别（可选：{allowed}）。", field=field
        ) from None


def period_rule_from_dict(data: Mapping[str, Any], item: str | None = None) -> PeriodRule:
    """A period rule from configuration data (a scheme's ``periods`` list, a database row)."""
    kind = _enum(PeriodKind, data.get("kind"), "kind", "期限类型")
    unit = _enum(PeriodUnit, data.get("unit"), "unit", "期限单位")
    event = _enum(CountingEvent, data.get("counts_from"), "counts_from", "起算事件")
    length = data.get("length")
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise LicensingError(
            "period_invalid", f"期限长度：应为不小于1的整数，收到 {length!r}。", field="length"
        )
    valid_from = parse_day(
        data.get("valid_from"), field="valid_from", label="生效日期", code="period_invalid"
    )
    source = str(data.get("source") or "").strip()
    if not source:
        raise LicensingError(
            "period_invalid", "期限来源：配置期限须注明来源（方案版本或决定文号）。", field="source"
        )
    code = item or data.get("item")
    if not code:
        raise LicensingError("period_invalid", "事项：期限须属于一个事项。", field="item")
    return PeriodRule(str(code), kind, length, unit, event, valid_from, source, data.get("material") or None)


class PeriodTable:
    """The configured periods of all items; ``lookup`` picks the rule in force on the counting event's day."""

    def __init__(self, rules: Iterable[PeriodRule] = ()) -> None:
        self._rules: dict[tuple[str, PeriodKind, str | None], list[PeriodRule]] = {}
        for r in rules:
            if r.counts_from not in ALLOWED_EVENTS[r.kind]:
                allowed = "、".join(e.label for e in ALLOWED_EVENTS[r.kind])
                raise LicensingError(
                    "period_invalid",
                    f"起算事件：{r.kind.label}不能自“{r.counts_from.label}”起算（可选：{allowed}；{r.kind.citation}）。",
                    field="counts_from",
                )
            if r.length < 1:
                raise LicensingError("period_invalid", "期限长度：应不小于1。", field="length")
            key = (r.item, r.kind, r.material)
            same = self._rules.setdefault(key, [])
            if any(x.valid_from == r.valid_from for x in same):
                raise LicensingError(
                    "period_duplicate",
                    f"事项 {r.item} 的“{r.kind.label}”在 {r.valid_from.isoformat()} 有两条配置。",
                    field="valid_from",
                )
            same.append(r)
            same.sort(key=lambda x: x.valid_from)

    def rules(self) -> list[PeriodRule]:
        return [r for rs in self._rules.values() for r in rs]

    @rule(cites=[CITE_APPLY, CITE_OVERSIGHT], summary="按事项配置的期限；未配置的期限不开启，不使用默认值")
    def lookup(
        self, item: str, kind: PeriodKind, on: dt.date, material: str | None = None
    ) -> PeriodRule | PeriodNotConfigured:
        """The rule for the item (a material's own rule before the item's general one) in force on ``on``."""
        for key in ((item, kind, material), (item, kind, None)) if material else ((item, kind, None),):
            found = None
            for r in self._rules.get(key, ()):
                if r.valid_from <= on:
                    found = r
            if found is not None:
                return found
        return PeriodNotConfigured(item, kind, on, material)

    def require(self, item: str, kind: PeriodKind, on: dt.date, material: str | None = None) -> PeriodRule:
        """``lookup``, raising ``NotConfigured`` (code ``period_not_configured``) where nothing is configured."""
        found = self.lookup(item, kind, on, material)
        if isinstance(found, PeriodNotConfigured):
            raise NotConfigured("period_not_configured", found.message, field=kind.value)
        return found


# -- columns -----------------------------------------------------------------------------------------------


def _workday_index(cal: WorkdayCalendar) -> tuple[npt.NDArray[np.datetime64], int, npt.NDArray[np.int64]]:
    """All working days of the calendar's known years, the first known year, and per year from it a running
    count of unknown years (to find rows whose period crosses a year nobody has entered)."""
    years = cal.years
    first, last = years[0], years[-1]
    known = np.zeros(last - first + 1, dtype=bool)
    known[np.array(years) - first] = True
    spans = [
        np.arange(np.datetime64(f"{y}-01-01"), np.datetime64(f"{y + 1}-01-01"), dtype="datetime64[D]")
        for y in years
    ]
    days = np.concatenate(spans)
    workdays = days[cal.is_workday_array(days)]
    unknown_before = np.cumsum(~known).astype(np.int64)
    return workdays, first, unknown_before


def _year(a: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    return a.astype("datetime64[Y]").astype(np.int64) + 1970


@rule(cites=[CITE_APPLY, CITE_OVERSIGHT], summary="批量计算期限届满日（工作日或自然日，事件当日不计）")
def due_dates(
    event_days: npt.ArrayLike,
    lengths: npt.ArrayLike,
    workdays: npt.ArrayLike,
    cal: WorkdayCalendar,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_]]:
    """Vectorised ``due_date``: (due dates, calendar_unknown). ``workdays`` is True for working-day periods.

    A row whose period runs into a year without a holiday table gets NaT and ``calendar_unknown`` True,
    after one more try through the calendar's own methods (so a calendar that can answer for that year,
    e.g. provisionally, is used as it is); the other rows are unaffected.
    """
    ev = np.asarray(event_days).astype("datetime64[D]")
    n = np.asarray(lengths, dtype=np.int64)
    is_w = np.asarray(workdays, dtype=bool)
    if ev.shape != n.shape or ev.shape != is_w.shape:
        raise LicensingError(
            "columns_mismatch", "起算日期、期限长度、期限单位三列的行数不一致。", field="lengths"
        )
    if np.isnat(ev).any():
        raise LicensingError("event_missing", "起算日期：批量计算中有空的起算日期。", field="event_days")
    if (n < 1).any():
        raise LicensingError("period_invalid", "期限长度：应不小于1。", field="lengths")
    wd, first, unknown_before = _workday_index(cal)
    out = np.full(ev.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    # working days: the n-th working day strictly after the event day
    idx = np.searchsorted(wd, ev, side="right") + n - 1
    # calendar days: event + n, rolled forward to the first working day on or after it
    target = ev + n.astype("timedelta64[D]")
    cidx = np.searchsorted(wd, target, side="left")
    pos = np.where(is_w, idx, cidx)
    inside = pos < len(wd)
    out[inside] = wd[pos[inside]]
    # a row is exact only if every year from the event to the result is known
    y_ev, y_out = _year(ev), _year(np.where(inside, out, ev))
    last = first + len(unknown_before) - 1
    in_range = inside & (y_ev >= first) & (y_out <= last)
    ok = in_range.copy()
    ok[in_range] = (unknown_before[y_out[in_range] - first] - unknown_before[y_ev[in_range] - first]) == 0
    ok[in_range] &= ~np.isnat(out[in_range])
    unknown = ~ok
    for i in np.flatnonzero(unknown):
        try:
            out[i] = due_date(
                ev[i].astype(object), int(n[i]), PeriodUnit.WORKDAYS if is_w[i] else PeriodUnit.DAYS, cal
            )
            unknown[i] = False
        except CalendarYearUnknown:
            out[i] = np.datetime64("NaT")
    return out, unknown


@dataclass(frozen=True)
class Sweep:
    """The daily overdue sweep over open cases (one row a case, or a due item of a case)."""

    overdue: npt.NDArray[np.bool_]  # past the last day of the period (the last day itself is in time)
    due_today: npt.NDArray[np.bool_]
    days_overdue: npt.NDArray[np.int64]  # calendar days since the last day, 0 when not overdue
    no_deadline: npt.NDArray[np.bool_]  # NaT: period not configured or calendar unknown

    def counts(self) -> dict[str, int]:
        return {
            "overdue": int(self.overdue.sum()),
            "due_today": int(self.due_today.sum()),
            "no_deadline": int(self.no_deadline.sum()),
            "rows": int(self.overdue.size),
        }


@rule(cites=[CITE_OVERSIGHT], summary="逐日检查逾期：期限最后一日当日仍在期限内，次日起逾期")
def overdue_sweep(due: npt.ArrayLike, on: dt.date, closed: npt.ArrayLike | None = None) -> Sweep:
    """Compare the due dates of many open cases with ``on``. NaT means no deadline (not overdue)."""
    d = np.asarray(due).astype("datetime64[D]")
    today = np.datetime64(on, "D")
    open_ = ~np.asarray(closed, dtype=bool) if closed is not None else np.ones(d.shape, dtype=bool)
    if open_.shape != d.shape:
        raise LicensingError("columns_mismatch", "期限届满日与已办结标记的行数不一致。", field="closed")
    nat = np.isnat(d)
    late = open_ & ~nat & (d < today)
    days = np.zeros(d.shape, dtype=np.int64)
    days[late] = (today - d[late]).astype(np.int64)
    return Sweep(late, open_ & ~nat & (d == today), days, open_ & nat)


def rules_from_dicts(rows: Sequence[Mapping[str, Any]]) -> PeriodTable:
    return PeriodTable(period_rule_from_dict(r) for r in rows)
