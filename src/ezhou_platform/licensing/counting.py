"""How the licensing periods are counted for the procedure layer: a configured ``PeriodRule`` as a kernel
``Deadline`` (so the platform stores how the date was counted, recounts it when a year's holidays are
entered, and marks it 暂定 meanwhile), and which rule applies to which case (docs/interpretations.md L4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ezhou_rules.core.periods import Deadline, calendar_days, compute_deadline, fixed_date, workdays
from ezhou_rules.core.workdays import WorkdayCalendar
from ezhou_rules.licensing.periods import (
    CountingEvent,
    PeriodKind,
    PeriodNotConfigured,
    PeriodRule,
    PeriodTable,
    PeriodUnit,
)


def deadline(rule: PeriodRule, start: dt.date, cal: WorkdayCalendar) -> Deadline:
    """``rule`` counted from ``start``: N working days (the N-th working day after it), or N days rolled to
    the next working day (民法典 第二百零一条、第二百零三条) — the same dates as ``PeriodRule.due``."""
    spec = workdays(rule.length) if rule.unit is PeriodUnit.WORKDAYS else calendar_days(rule.length)
    return compute_deadline(cal, start, spec)


def event_days(record: Any) -> dict[CountingEvent, dt.date | None]:
    return {
        CountingEvent.SUBMITTED: record.received_on,
        CountingEvent.DECIDED: record.decided_on,
        CountingEvent.DELIVERED: record.delivered_on,
    }


def case_rule(
    table: PeriodTable, record: Any, kind: PeriodKind, material: str | None = None
) -> PeriodRule | PeriodNotConfigured:
    """Materials, qualification, verification: the rule in force on the day the commitment was received — the
    applicant agreed to what it was told (L4). The verification rule is then looked up on its own start day."""
    return table.lookup(record.item_code, kind, record.received_on, material)


def case_deadline(
    table: PeriodTable, record: Any, kind: PeriodKind, cal: WorkdayCalendar, material: str | None = None
) -> tuple[Deadline | None, str]:
    """The deadline of a period of the case and its description; (None, why) when it opens none yet."""
    found = case_rule(table, record, kind, material)
    if isinstance(found, PeriodNotConfigured):
        return None, found.message
    start = event_days(record).get(found.counts_from)
    if start is None:
        return None, f"{found.describe()}（{found.counts_from.label}尚未发生，期限尚未起算）"
    if kind is PeriodKind.VERIFICATION:
        again = table.lookup(record.item_code, kind, start, material)
        if isinstance(again, PeriodNotConfigured):
            return None, again.message
        found = again
    return deadline(found, start, cal), found.describe()


# -- Opens counters for the steps (record, ctx, calendar) -> Deadline | None ----------------------------------


def decision_due(record: Any, ctx: Any, cal: WorkdayCalendar) -> Deadline:
    """当场作出决定: due on the day the commitment counts as received (第二部分 三（二）)."""
    return compute_deadline(cal, record.received_on, fixed_date(record.received_on, roll=False))


def verification_due(record: Any, ctx: Any, cal: WorkdayCalendar) -> Deadline | None:
    from .services.rules import period_table

    return case_deadline(period_table(), record, PeriodKind.VERIFICATION, cal)[0]


def rectification_due(record: Any, ctx: Any, cal: WorkdayCalendar) -> Deadline | None:
    """The rectification period in force on the day of the order, counted from it (checked configured)."""
    from .services.rules import period_table

    found = period_table().lookup(record.item_code, PeriodKind.RECTIFICATION, ctx.on)
    if isinstance(found, PeriodNotConfigured):
        return None
    return deadline(found, ctx.on, cal)


def commitment_due(record: Any, ctx: Any, cal: WorkdayCalendar) -> Deadline | None:
    """作出承诺的时限, counted from the one-time notice (二（二）1)."""
    from .services.rules import period_table

    found = period_table().lookup(record.item_code, PeriodKind.COMMITMENT, ctx.on)
    if isinstance(found, PeriodNotConfigured):
        return None
    return deadline(found, ctx.on, cal)
