"""Periods (期间) and their last days: how every deadline of the platform is counted, and whether it is final.

A period is counted from an event (the day a request is received, a notice delivered …) by one of the bases
the gazette uses:

===============  =====================================================  ======================================
basis            the gazette's words                                    last day
===============  =====================================================  ======================================
``workdays``     自…之日起N个工作日内                                   the N-th working day after the event
                                                                        (the event day not counted, 民法典
                                                                        第二百零一条); a working day by
                                                                        construction
``calendar_days`` 自…之日起N日内                                        event + N days
``months``       N个月                                                  the day of month N months later that
                                                                        corresponds to the event day, or that
                                                                        month's last day when it has none
                                                                        (民法典 第二百零二条: 2024-02-29 + 12
                                                                        months = 2025-02-28)
``month_end``    次月月底前 (N = 1), 当月底前 (N = 0)                   the last day of the month N months
                                                                        after the event's month
``fixed_date``   每年12月31日前                                         the date the rule names
===============  =====================================================  ======================================

For every basis but ``workdays``, ``roll`` applies 民法典 第二百零三条: a last day that is a statutory holiday
or rest day moves to the next working day. ``not_later_than`` caps the result (第十二条 of 15号: a
supplement is filed within 3 working days but no later than 31 December).

A ``Deadline`` is the result with everything a clerk or a citizen needs to check it: the last day, the rest
days passed over, whether it was rolled or capped, and — when the calendar had to answer for a year whose
holidays are not yet entered — which years, so the date is shown as 暂定 and recomputed once the year's table
is entered. The spec travels with the result (``Deadline.spec``, ``PeriodSpec.to_data()``), so the platform
can store how a date was counted and count it again.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta

from .dates import cn_date as _cn_date
from .workdays import MAX_WORKDAYS, WorkdayCalendar, _plain_date

ONE_DAY = dt.timedelta(days=1)

# The longest period in the gazette is five years (60 months); a bound keeps a typo from computing nonsense.
MAX_MONTHS = 1200
MAX_DAYS = 36_600


class PeriodError(ValueError):
    """A period spec that cannot be counted (a negative length, a fixed date missing …)."""

    code = "period_invalid"


class Basis(StrEnum):
    WORKDAYS = "workdays"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    MONTH_END = "month_end"
    FIXED_DATE = "fixed_date"

    @property
    def label(self) -> str:
        return BASIS_LABELS[self]


BASIS_LABELS: dict[Basis, str] = {
    Basis.WORKDAYS: "工作日",
    Basis.CALENDAR_DAYS: "日（自然日）",
    Basis.MONTHS: "个月",
    Basis.MONTH_END: "月底",
    Basis.FIXED_DATE: "固定日期",
}


@dataclass(frozen=True)
class PeriodSpec:
    """How a period is counted: basis and length, the roll-forward and an optional cap."""

    basis: Basis
    amount: int = 0
    # 民法典 第二百零三条 for the bases that can end on a rest day; ignored for ``workdays``.
    roll: bool = True
    fixed: dt.date | None = None
    not_later_than: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "basis", Basis(self.basis))
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise PeriodError(f"期间长度应为整数，收到 {self.amount!r}。")
        if self.basis == Basis.WORKDAYS and not 1 <= self.amount <= MAX_WORKDAYS:
            raise PeriodError(f"工作日期间应为1至{MAX_WORKDAYS}个工作日，收到 {self.amount}。")
        if self.basis == Basis.CALENDAR_DAYS and not 1 <= self.amount <= MAX_DAYS:
            raise PeriodError(f"自然日期间应为1至{MAX_DAYS}日，收到 {self.amount}。")
        if self.basis == Basis.MONTHS and not 1 <= self.amount <= MAX_MONTHS:
            raise PeriodError(f"按月计算的期间应为1至{MAX_MONTHS}个月，收到 {self.amount}。")
        if self.basis == Basis.MONTH_END and not 0 <= self.amount <= MAX_MONTHS:
            raise PeriodError(f"月底期限的月数应为0至{MAX_MONTHS}，收到 {self.amount}。")
        if self.basis == Basis.FIXED_DATE and self.fixed is None:
            raise PeriodError("固定日期期限缺少日期。")
        if self.basis != Basis.FIXED_DATE and self.fixed is not None:
            raise PeriodError("只有固定日期期限才能指定日期。")

    # -- words ---------------------------------------------------------------------------------------------
    def describe(self) -> str:
        """The counting rule in Chinese, e.g. "自起算日起10个工作日内（起算日不计入）"."""
        if self.basis == Basis.WORKDAYS:
            text = f"自起算日起{self.amount}个工作日内（起算日不计入）"
        elif self.basis == Basis.CALENDAR_DAYS:
            text = f"自起算日起{self.amount}日内（起算日不计入）"
        elif self.basis == Basis.MONTHS:
            text = f"自起算日起{self.amount}个月（到期月没有对应日的，以该月最后一日为期间最后一日）"
        elif self.basis == Basis.MONTH_END:
            text = "起算日当月月底前" if self.amount == 0 else f"起算日所在月后第{self.amount}个月月底前"
        else:
            assert self.fixed is not None
            text = f"{_cn_date(self.fixed)}前"
        if self.basis != Basis.WORKDAYS and self.roll:
            text += "；最后一日为法定休假日的，顺延至休假日结束的次日"
        if self.not_later_than is not None:
            text += f"；最迟不超过{_cn_date(self.not_later_than)}"
        return text

    # -- storage -------------------------------------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        return {
            "basis": self.basis.value,
            "amount": self.amount,
            "roll": self.roll,
            "fixed": self.fixed.isoformat() if self.fixed else None,
            "not_later_than": self.not_later_than.isoformat() if self.not_later_than else None,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PeriodSpec:
        def day(v: Any) -> dt.date | None:
            return dt.date.fromisoformat(v) if isinstance(v, str) else v

        try:
            basis = Basis(data["basis"])
        except (KeyError, ValueError):
            raise PeriodError(f"未知的期间计算方式：{data.get('basis')!r}。") from None
        return cls(
            basis=basis,
            amount=int(data.get("amount") or 0),
            roll=bool(data.get("roll", True)),
            fixed=day(data.get("fixed")),
            not_later_than=day(data.get("not_later_than")),
        )


def workdays(n: int) -> PeriodSpec:
    return PeriodSpec(Basis.WORKDAYS, n)


def calendar_days(n: int, *, roll: bool = True) -> PeriodSpec:
    return PeriodSpec(Basis.CALENDAR_DAYS, n, roll=roll)


def months(n: int, *, roll: bool = True) -> PeriodSpec:
    return PeriodSpec(Basis.MONTHS, n, roll=roll)


def month_end(n: int, *, roll: bool = True) -> PeriodSpec:
    return PeriodSpec(Basis.MONTH_END, n, roll=roll)


def fixed_date(day: dt.date, *, roll: bool = True) -> PeriodSpec:
    return PeriodSpec(Basis.FIXED_DATE, 0, roll=roll, fixed=day)


@dataclass(frozen=True)
class Deadline:
    """The last day of a period counted from ``start``, with what it depended on."""

    start: dt.date
    spec: PeriodSpec
    due: dt.date
    # The last day before the roll-forward and the cap.
    nominal: dt.date
    rolled: bool = False
    capped: bool = False
    # Rest days the count passed over (weekends, holidays), in order.
    skipped: tuple[dt.date, ...] = ()
    # Years whose schedule was not known when this was counted: the date is provisional (暂定).
    provisional_years: tuple[int, ...] = field(default=())

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def reason(self) -> str:
        """Why the date is provisional, e.g. "2027年节假日安排尚未录入"; "" when it is final."""
        if not self.provisional_years:
            return ""
        years = "、".join(f"{y}年" for y in self.provisional_years)
        return f"{years}节假日安排尚未录入"

    def explain(self) -> str:
        """One Chinese sentence: the rule, the start, the result and (if any) why it is provisional."""
        text = f"自{_cn_date(self.start)}起算，{self.spec.describe()}，期限为{_cn_date(self.due)}"
        if self.rolled:
            text += f"（{_cn_date(self.nominal)}为休息日，顺延）"
        if self.capped:
            text += "（以最迟日期为限）"
        if self.provisional:
            text += f"。该日期为暂定：{self.reason}，暂按周一至周五计算，录入后自动重新计算"
        return text + "。"

    def to_data(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "spec": self.spec.to_data(),
            "due": self.due.isoformat(),
            "nominal": self.nominal.isoformat(),
            "rolled": self.rolled,
            "capped": self.capped,
            "skipped": [d.isoformat() for d in self.skipped],
            "provisional": self.provisional,
            "provisional_years": list(self.provisional_years),
            "reason": self.reason,
        }


def _last_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def compute_deadline(calendar: WorkdayCalendar, start: dt.date, spec: PeriodSpec) -> Deadline:
    """The last day of ``spec`` counted from ``start`` on ``calendar``.

    A strict calendar raises ``CalendarYearUnknown`` for a year it does not know; a provisional one
    (``calendar.as_provisional()``) counts that year Monday–Friday and the result names it in
    ``provisional_years``. Only years the count actually consulted make a date provisional: 2027-03-31 as a
    fixed date without roll-forward is final even while 2027 is unknown.
    """
    start = _plain_date(start)
    skipped: list[dt.date] = []
    consulted: tuple[dt.date, dt.date] | None = None  # first and last day whose status was looked up

    if spec.basis == Basis.WORKDAYS:
        day, remaining = start, spec.amount
        while remaining:
            day += ONE_DAY
            if calendar.is_workday(day):
                remaining -= 1
            else:
                skipped.append(day)
        nominal = due = day
        consulted = (start + ONE_DAY, due)
    else:
        if spec.basis == Basis.CALENDAR_DAYS:
            nominal = start + dt.timedelta(days=spec.amount)
        elif spec.basis == Basis.MONTHS:
            # relativedelta clips to the month's last day when the corresponding day does not exist,
            # which is exactly 民法典 第二百零二条.
            nominal = start + relativedelta(months=spec.amount)
        elif spec.basis == Basis.MONTH_END:
            first = start.replace(day=1) + relativedelta(months=spec.amount)
            nominal = _last_of_month(first.year, first.month)
        else:
            assert spec.fixed is not None
            nominal = spec.fixed
        due = nominal
        if spec.roll:
            while not calendar.is_workday(due):
                skipped.append(due)
                due += ONE_DAY
            consulted = (nominal, due)

    capped = False
    if spec.not_later_than is not None and due > spec.not_later_than:
        due, capped = spec.not_later_than, True

    provisional: tuple[int, ...] = ()
    if consulted is not None and consulted[0] <= due:
        # Days looked up after a cap do not matter: every day up to the cap was counted on a known (or
        # equally provisional) table, and the count had not ended there, so any schedule gives the cap.
        provisional = calendar.provisional_years_between(consulted[0], min(consulted[1], due))
    return Deadline(
        start=start,
        spec=spec,
        due=due,
        nominal=nominal,
        rolled=due != nominal and not capped,
        capped=capped,
        skipped=tuple(d for d in skipped if d <= due),
        provisional_years=provisional,
    )
