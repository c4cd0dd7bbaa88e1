"""Stored deadlines: open a period beside the record that holds its date, find it, count it again.

    due = deadlines.adjustment_verify_due(received_on, platform_calendar())   # a Deadline
    req = AdjustmentRequest.objects.create(..., verify_due=due.due)
    periods.track(req, "verify_due", due, label="核实期限", citation=f"{DOC} 第十条第一款", department="water")

``track`` must run in the transaction that writes the record. ``recompute_periods`` runs when the calendar
changes (an administrator enters a year's holidays): every provisional period, and every period whose count
touched a corrected year, is counted again on the new calendar; a date that moves is written back to the
record's field, audited, and listed in a ``Recomputation`` the clerks see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import Department
from ezhou_rules.core.periods import Deadline, PeriodSpec, compute_deadline

from .models import Period, Recomputation, RecomputedPeriod


def _department(code: str | None) -> Department | None:
    return Department.objects.filter(code=code).first() if code else None


def track(
    record: Any,
    field: str,
    deadline: Deadline,
    *,
    label: str,
    citation: str = "",
    department: str | None = None,
    case: Any = None,
    party: str = "department",
) -> Period:
    """Store how ``record.<field>`` was counted. The record must already hold ``deadline.due`` there.

    ``party`` is who must act before the period ends: "department" (a clerk) or "applicant"."""
    if getattr(record, field) != deadline.due:
        raise ValueError(
            f"{type(record).__name__}.{field} holds {getattr(record, field)}, not {deadline.due}"
        )
    period, _ = Period.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        field=field,
        defaults={
            "label": label,
            "citation": citation,
            "department": _department(department),
            "start": deadline.start,
            "spec": deadline.spec.to_data(),
            "due": deadline.due,
            "provisional": deadline.provisional,
            "provisional_years": list(deadline.provisional_years),
            "closed_on": None,
            "party": party,
            **({"case": case} if case is not None else {}),
        },
    )
    return period


def close(record: Any, field: str, on: dt.date) -> None:
    """Mark the period answered (the transition that answers it ran on ``on``)."""
    Period.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, field=field
    ).update(closed_on=on)


def period_of(record: Any, field: str) -> Period | None:
    return Period.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, field=field
    ).first()


def periods_of(records: Sequence[Any], field: str) -> dict[int, Period]:
    """{record pk: its period for ``field``} for records of one model, in one query (for lists and boards)."""
    if not records:
        return {}
    ct = ContentType.objects.get_for_model(records[0])
    rows = Period.objects.filter(content_type=ct, field=field, object_id__in=[r.pk for r in records])
    return {p.object_id: p for p in rows}


def provisional_of(model: Any, field: str, pks: Iterable[int]) -> dict[int, Period]:
    """The provisional periods among ``pks`` for ``field`` of ``model`` (for boards that hold only ids)."""
    ct = ContentType.objects.get_for_model(model)
    rows = Period.objects.filter(content_type=ct, field=field, object_id__in=list(pks), provisional=True)
    return {p.object_id: p for p in rows}


def recompute_periods(*, actor: Any, trigger: str, years: Iterable[int] = ()) -> Recomputation:
    """Count again every provisional period and every period whose count touched one of ``years``.

    One transaction: the records' dates, the periods and the audit trail change together or not at all.
    """
    years = sorted(set(years))
    touched = Q(provisional=True)
    for y in years:
        touched |= Q(start__lte=dt.date(y, 12, 31), due__gte=dt.date(y, 1, 1))
    calendar = platform_calendar()
    with transaction.atomic():
        run = Recomputation.objects.create(
            actor=actor if getattr(actor, "pk", None) else None, trigger=trigger
        )
        checked = moved = 0
        for period in Period.objects.filter(touched).select_related("content_type").order_by("id"):
            checked += 1
            new = compute_deadline(calendar, period.start, PeriodSpec.from_data(period.spec))
            if new.due == period.due and new.provisional == period.provisional:
                continue
            old_due, was_provisional = period.due, period.provisional
            model = period.content_type.model_class()
            if model is not None:
                model._default_manager.filter(pk=period.object_id).update(**{period.field: new.due})
            period.due = new.due
            period.provisional = new.provisional
            period.provisional_years = list(new.provisional_years)
            period.save(update_fields=["due", "provisional", "provisional_years"])
            RecomputedPeriod.objects.create(
                recomputation=run,
                period=period,
                old_due=old_due,
                new_due=new.due,
                was_provisional=was_provisional,
                now_provisional=new.provisional,
            )
            moved += old_due != new.due
            audit(
                "procedures.period.recompute",
                actor=actor,
                object_type=f"{period.content_type.app_label}.{period.content_type.model}",
                object_id=period.object_id,
                object_repr=f"{period.record_label()} · {period.label}",
                before={"due": old_due.isoformat(), "provisional": was_provisional},
                after={"due": new.due.isoformat(), "provisional": new.provisional, "field": period.field},
                citation=period.citation or None,
            )
        run.checked, run.moved = checked, moved
        run.save(update_fields=["checked", "moved"])
        audit(
            "procedures.recomputation.run",
            actor=actor,
            obj=run,
            after={"trigger": trigger, "checked": checked, "moved": moved, "years": years},
        )
    return run
