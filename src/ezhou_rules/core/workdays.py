"""Working days (工作日): the State Council's holiday schedule, year by year, and nothing guessed.

Counting rules the gazette relies on (see /work/shared/facts/README.md):

- the day of the event is not counted (民法典 第二百零一条), so "在受理之日起5个工作日内" ends on the 5th
  working day *after* the day of receipt;
- a period whose last day falls on a rest day ends on the next working day (第二百零三条);
- make-up working weekends (调休上班日) are working days.

Data: the ``chinese-calendar`` package covers 2004–2026 and raises ``NotImplementedError`` for other years.
A calendar adds *year tables* on top: for a year, the set of days off that would otherwise be working days
(holidays, 调休 rest days; listing weekends inside a holiday block is harmless) and the set of weekend days
that are working days. A year table is declared complete for its year and replaces the package's data for
that year. A date in a year with neither raises ``CalendarYearUnknown``: plain Monday–Friday would put every
deadline of a Spring Festival week wrong, so a strict calendar never falls back to it.

A *provisional* calendar (``WorkdayCalendar(provisional=True)`` or ``cal.as_provisional()``) answers for such a
year with plain Monday–Friday instead, and says so: the year's table is flagged ``provisional`` and
``provisional_years_between()`` names the years a result depended on. The platform computes its deadlines this
way, stores them as 暂定 and recomputes them when the year's table is entered (see ``ezhou_rules.core.periods``);
no page or command stops because the State Council has not yet published next year's schedule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

ONE_DAY = dt.timedelta(days=1)

# Long enough for any real deadline (the longest in the gazette is counted in months, not working days);
# a bound keeps a typo such as n=10**9 from looping for minutes.
MAX_WORKDAYS = 20_000


class CalendarYearUnknown(ValueError):
    """A date falls in a year for which no holiday schedule has been entered."""

    code = "calendar_year_unknown"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year}年的节假日安排尚未录入工作日历，无法计算工作日。"
            f"请管理员在国务院办公厅公布{year}年部分节假日安排后，录入该年的放假日期和调休上班日期。"
        )
        self.year = year


class CalendarDataError(ValueError):
    """A year table (from a file, the database or code) is inconsistent."""

    code = "calendar_data_invalid"


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise CalendarDataError(f"{where}：{value!r} 含有时刻，应只写日期（YYYY-MM-DD）。")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarDataError(f"{where}：{value!r} 不是日期（应为 YYYY-MM-DD）。")


@dataclass(frozen=True, init=False)
class YearTable:
    """One year's schedule: days off that would otherwise be working days, and weekend days worked.

    Every date must lie in ``year``. The State Council's notice for year Y sometimes mentions the last
    days of December of year Y-1 (or Y+1's New Year block ends in Y); those belong to the table of the year
    they fall in, because that is the table a lookup of the date consults.
    """

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str
    # True for the Monday–Friday stand-in a provisional calendar uses for a year nobody has entered.
    provisional: bool

    def __init__(
        self,
        year: int,
        holidays: Iterable[dt.date | str] = (),
        workdays: Iterable[dt.date | str] = (),
        source: str = "",
        *,
        provisional: bool = False,
    ) -> None:
        where = f"{year}年节假日表"
        hol = frozenset(_as_date(d, where) for d in holidays)
        work = frozenset(_as_date(d, where) for d in workdays)
        stray = sorted(d for d in hol | work if d.year != year)
        if stray:
            raise CalendarDataError(f"{where}中的日期 {stray[0].isoformat()} 不属于{year}年。")
        both = sorted(hol & work)
        if both:
            raise CalendarDataError(f"{where}中 {both[0].isoformat()} 同时被列为放假日和调休上班日。")
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "holidays", hol)
        object.__setattr__(self, "workdays", work)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "provisional", provisional)

    @classmethod
    def weekdays_only(cls, year: int) -> YearTable:
        """The stand-in for a year whose schedule is unknown: Monday–Friday, flagged provisional."""
        return cls(year, source=f"{year}年节假日安排尚未录入（暂按周一至周五计算）", provisional=True)

    def is_workday(self, day: dt.date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


@lru_cache(maxsize=1)
def _package_tables() -> Mapping[int, YearTable]:
    # Regrouping the package's ~9,000 dates takes milliseconds; every calendar built shares one copy.
    return MappingProxyType(package_year_tables())


def package_year_tables() -> dict[int, YearTable]:
    """The chinese-calendar package's data, regrouped as one YearTable per year it covers."""
    import chinese_calendar

    hol: dict[int, set[dt.date]] = {}
    work: dict[int, set[dt.date]] = {}
    for d in chinese_calendar.holidays:
        hol.setdefault(d.year, set()).add(d)
    for d in chinese_calendar.workdays:
        work.setdefault(d.year, set()).add(d)
    # The package decides coverage by the span of its holiday keys; a year in that span with no entry at all
    # still counts as covered there, so mirror that.
    first, last = min(hol), max(hol)
    version = getattr(chinese_calendar, "__version__", "")
    return {
        y: YearTable(y, hol.get(y, ()), work.get(y, ()), source=f"chinese-calendar {version}".strip())
        for y in range(first, last + 1)
    }


class WorkdayCalendar:
    """Working-day arithmetic over known years.

    ``WorkdayCalendar(overrides={2027: YearTable(2027, holidays=..., workdays=...)})`` is the package's data
    plus (or, for a year both have, replaced by) the given tables. ``use_package=False`` builds a calendar
    from the given tables alone (for tests, or a platform that stores every year in its database).
    """

    def __init__(
        self,
        overrides: Mapping[int, YearTable] | None = None,
        *,
        use_package: bool = True,
        provisional: bool = False,
    ) -> None:
        tables: dict[int, YearTable] = dict(_package_tables()) if use_package else {}
        for year, table in (overrides or {}).items():
            if table.year != year:
                raise CalendarDataError(f"节假日表的年份 {table.year} 与登记的年份 {year} 不一致。")
            if table.provisional:
                raise CalendarDataError(f"{year}年的暂定表不能作为节假日表登记。")
            tables[year] = table
        self._tables = tables
        self.provisional = provisional
        self._stand_ins: dict[int, YearTable] = {}

    # -- construction --------------------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path: str | Path, *, use_package: bool = True) -> WorkdayCalendar:
        return cls(load_year_tables(path), use_package=use_package)

    def with_overrides(self, overrides: Mapping[int, YearTable]) -> WorkdayCalendar:
        """A new calendar with these year tables added or replaced; this one is left as it is."""
        new = WorkdayCalendar(overrides, use_package=False, provisional=self.provisional)
        new._tables = {**self._tables, **new._tables}
        return new

    def as_provisional(self) -> WorkdayCalendar:
        """This calendar's tables, answering for unknown years with a provisional Monday–Friday."""
        new = WorkdayCalendar(use_package=False, provisional=True)
        new._tables = self._tables
        return new

    @property
    def years(self) -> list[int]:
        """Years whose schedule is known (package or entered), ascending; provisional stand-ins excluded."""
        return sorted(self._tables)

    def is_known_year(self, year: int) -> bool:
        return year in self._tables

    def provisional_years_between(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """Years from ``first`` to ``last`` (either order, both included) whose schedule is not known."""
        a, b = sorted((_plain_date(first).year, _plain_date(last).year))
        return tuple(y for y in range(a, b + 1) if y not in self._tables)

    def table(self, year: int) -> YearTable:
        try:
            return self._tables[year]
        except KeyError:
            if not self.provisional:
                raise CalendarYearUnknown(year) from None
        stand_in = self._stand_ins.get(year)
        if stand_in is None:
            stand_in = self._stand_ins[year] = YearTable.weekdays_only(year)
        return stand_in

    # -- single days ---------------------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        day = _plain_date(day)
        return self.table(day.year).is_workday(day)

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_workdays(day, 1)

    def workday_on_or_after(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next one (民法典 第二百零三条's roll-forward)."""
        day = _plain_date(day)
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself not counted); n < 0 counts backwards, n = 0 is ``day``.

        2023-09-28 + 5 → 2023-10-11: 09-29…10-06 is the National Day holiday, 10-07 and 10-08 are make-up
        working days (1st, 2nd), then 10-09, 10-10, 10-11.
        """
        day = _plain_date(day)
        if abs(n) > MAX_WORKDAYS:
            raise ValueError(f"工作日数 {n} 超出合理范围（最多 {MAX_WORKDAYS}）。")
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_workday(day):
                remaining -= 1
        return day

    def deadline_within_workdays(self, event_day: dt.date, n: int) -> dt.date:
        """Last day of "自…之日起N个工作日内": the n-th working day after the event day.

        The event day is not counted (民法典 第二百零一条); the result is a working day by construction, so
        the roll-forward of 第二百零三条 never applies.
        """
        if n < 1:
            raise ValueError(f"期限的工作日数应至少为1，收到 {n}。")
        return self.add_workdays(event_day, n)

    def deadline_within_days(self, event_day: dt.date, n: int) -> dt.date:
        """Last day of "自…之日起N日内" (calendar days): event day + n, rolled to a working day (第二百零三条)."""
        if n < 1:
            raise ValueError(f"期限的天数应至少为1，收到 {n}。")
        return self.workday_on_or_after(_plain_date(event_day) + dt.timedelta(days=n))

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval (start, end]: ``start`` excluded, ``end`` included.

        This is the counting of 第二百零一条 (the event day is not counted), so
        ``workdays_between(d, add_workdays(d, n)) == n`` for every n >= 0. With end < start the result is
        ``-workdays_between(end, start)``; equal days give 0.
        """
        start, end = _plain_date(start), _plain_date(end)
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count

    # -- columns -------------------------------------------------------------------------------------------
    def is_workday_array(self, days: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Vectorised ``is_workday`` over a datetime64[D] array (one case is an array of one)."""
        arr = np.asarray(days).astype("datetime64[D]")
        if np.isnat(arr).any():
            raise ValueError("日期数组中含有空值（NaT）。")
        years = arr.astype("datetime64[Y]").astype(np.int64) + 1970
        for y in np.unique(years).tolist():
            self.table(int(y))  # a strict calendar raises CalendarYearUnknown naming the first unknown year
        # 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
        weekday = (arr.astype(np.int64) + 3) % 7
        holidays = np.array(
            sorted(d for t in self._tables.values() for d in t.holidays), dtype="datetime64[D]"
        )
        workdays = np.array(
            sorted(d for t in self._tables.values() for d in t.workdays), dtype="datetime64[D]"
        )
        return np.isin(arr, workdays) | ((weekday < 5) & ~np.isin(arr, holidays))


def _plain_date(day: dt.date) -> dt.date:
    # datetime is a subclass of date; comparing it with the date keys of a table would silently miss.
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, np.datetime64):
        return _plain_date(day.astype("datetime64[D]").item())
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


# -- YAML --------------------------------------------------------------------------------------------------


def load_year_tables(path: str | Path) -> dict[int, YearTable]:
    """Read ``years: {2027: {holidays: [...], workdays: [...], source: ...}}`` into year tables."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CalendarDataError(f"节假日文件 {path} 不是有效的 YAML：{exc}") from exc
    return year_tables_from_data(data, where=str(path))


def year_tables_from_data(data: Mapping[str, Any], where: str = "节假日数据") -> dict[int, YearTable]:
    """The same as ``load_year_tables`` for data already read (a database export, a test)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("years", {}), Mapping):
        raise CalendarDataError(f"{where}：应有 years: {{年份: {{holidays: [...], workdays: [...]}}}} 结构。")
    tables: dict[int, YearTable] = {}
    for key, entry in (data.get("years") or {}).items():
        try:
            year = int(key)
        except (TypeError, ValueError):
            raise CalendarDataError(f"{where}：年份 {key!r} 不是整数。") from None
        if not isinstance(entry, Mapping):
            raise CalendarDataError(f"{where}：{year}年应包含 holidays 和 workdays 两个列表。")
        unknown = set(entry) - {"holidays", "workdays", "source"}
        if unknown:
            raise CalendarDataError(f"{where}：{year}年含有未知字段 {sorted(unknown)}。")
        try:
            tables[year] = YearTable(
                year,
                entry.get("holidays") or (),
                entry.get("workdays") or (),
                source=str(entry.get("source") or ""),
            )
        except CalendarDataError as exc:
            raise CalendarDataError(f"{where}：{exc}") from None
    return tables


# -- the default calendar ----------------------------------------------------------------------------------

PROJECT_TABLE = Path(__file__).with_name("data") / "workday_overrides.yaml"

_default: WorkdayCalendar | None = None


def default_calendar() -> WorkdayCalendar:
    """The package's data plus the project table shipped with the code (built on first use)."""
    global _default
    if _default is None:
        _default = WorkdayCalendar.from_yaml(PROJECT_TABLE)
    return _default


def set_default_calendar(calendar: WorkdayCalendar | None) -> None:
    """Install the calendar the module functions use (the platform's, built from its database); None resets."""
    global _default
    _default = calendar


def is_workday(day: dt.date) -> bool:
    return default_calendar().is_workday(day)


def next_workday(day: dt.date) -> dt.date:
    return default_calendar().next_workday(day)


def workday_on_or_after(day: dt.date) -> dt.date:
    return default_calendar().workday_on_or_after(day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    return default_calendar().add_workdays(day, n)


def deadline_within_workdays(event_day: dt.date, n: int) -> dt.date:
    return default_calendar().deadline_within_workdays(event_day, n)


def deadline_within_days(event_day: dt.date, n: int) -> dt.date:
    return default_calendar().deadline_within_days(event_day, n)


def workdays_between(start: dt.date, end: dt.date) -> int:
    return default_calendar().workdays_between(start, end)
