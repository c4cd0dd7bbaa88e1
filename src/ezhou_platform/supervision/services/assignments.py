"""Each item given to each of its units, and the period (完成时限) on the lead units' workspaces.

A lead unit's assignment with a deadline and a platform department gets a ``procedures.Period`` for its
department: the item sits on that department's 待办 from the load until it is completed, overdue first, with
the working days left — the reminder before the deadline. The date is the printed one, or the next working
day when the plan's rest-day switch is on (T3); a confirmed completion closes the periods of its item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.procedures import periods
from ezhou_platform.procedures.models import Period
from ezhou_rules.core.periods import Deadline, compute_deadline, fixed_date

from ..models import Assignment, Item, Plan, Report
from .units import department_of


def item_deadline(item: Item, plan: Plan) -> Deadline | None:
    """How the item's deadline is counted: the printed date, rolled to a working day when the switch is on."""
    if item.due is None:
        return None
    return compute_deadline(platform_calendar(), plan.issued, fixed_date(item.due, roll=plan.roll_rest_days))


def completed_on(item: Item) -> dt.date | None:
    """The day the item's completion was confirmed (the step that answers its periods), if it was."""
    done = (
        item.reports.filter(kind=Report.Kind.COMPLETION, status=Report.Status.ACCEPTED)
        .order_by("reviewed_on")
        .values_list("reviewed_on", flat=True)
        .first()
    )
    return done


def _track(a: Assignment, deadline: Deadline, plan: Plan, done: dt.date | None) -> None:
    task = a.item.task
    periods.track(
        a,
        "due",
        deadline,
        label="督办事项完成时限",
        citation=task.citation,
        department=a.department.code if a.department else None,
    )
    if done is not None:
        periods.close(a, "due", done)


def sync(plan: Plan) -> dict[str, int]:
    """Bring every assignment of the plan in line with its tasks' units and the switch (idempotent)."""
    counts = {"交办单位次": 0, "工作台期限": 0}
    ct = ContentType.objects.get_for_model(Assignment)
    keep: set[int] = set()
    departments: dict[int, Any] = {}
    with transaction.atomic():
        for item in plan.items.select_related("task").prefetch_related("task__units"):
            deadline = item_deadline(item, plan)
            done = completed_on(item) if deadline is not None else None
            for unit in item.task.units.all():
                if unit.organisation_id is None:
                    continue
                org = unit.organisation_id
                if org not in departments:
                    departments[org] = department_of(org)
                a, _ = Assignment.objects.update_or_create(
                    item=item,
                    organisation_id=org,
                    defaults={
                        "role": unit.role,
                        "department": departments[org],
                        "due": deadline.due if deadline else None,
                    },
                )
                keep.add(a.pk)
                counts["交办单位次"] += 1
                if deadline is not None and unit.role == "lead" and a.department is not None:
                    _track(a, deadline, plan, done)
                    counts["工作台期限"] += 1
                else:
                    Period.objects.filter(content_type=ct, object_id=a.pk).delete()
        stale = Assignment.objects.filter(item__plan=plan).exclude(pk__in=keep)
        Period.objects.filter(
            content_type=ct, object_id__in=list(stale.values_list("pk", flat=True))
        ).delete()
        stale.delete()
    return counts


def close_item(item: Item, on: dt.date) -> None:
    """A confirmed completion answers the item's periods on every lead unit's workspace."""
    ct = ContentType.objects.get_for_model(Assignment)
    ids = list(item.assignments.values_list("pk", flat=True))
    Period.objects.filter(content_type=ct, object_id__in=ids, closed_on__isnull=True).update(closed_on=on)


def set_switch(plan: Plan, roll: bool, *, actor: Any) -> dict[str, int]:
    """Turn the rest-day switch (T3) on or off for a plan: every stored deadline and period is counted again."""
    from ezhou_platform.common.audit.services import record as audit

    with transaction.atomic():
        before = plan.roll_rest_days
        Plan.objects.filter(pk=plan.pk).update(roll_rest_days=roll)
        plan.refresh_from_db()
        counts = sync(plan)
        audit(
            "supervision.plan.roll",
            actor=actor,
            obj=plan,
            before={"roll_rest_days": before},
            after={"roll_rest_days": roll, **counts},
            label=f"{plan.document}月底截止日遇休息日{'顺延' if roll else '不顺延'}",
        )
    return counts
