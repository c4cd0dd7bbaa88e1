"""Measures the text gives no computation for (六、十、十一、十三、十四、十七、十八, and 七's aviation reward):
what a responsible unit did, by whom, when — checked by the rules (the unit must be responsible for the
measure, a named item must be one of its tracked items, the date not after the day it is recorded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_rules.subsidies import cite
from ezhou_rules.subsidies.catalogue import TrackingRecord as Rule
from ezhou_rules.subsidies.catalogue import check_tracking_record

from ..models import TrackingRecord
from . import params


def add(
    *, measure: int, unit: str, done_on: dt.date, action: str, item: str = "", actor: Any, on: dt.date
) -> TrackingRecord:
    check_tracking_record(Rule(measure, unit, done_on, action, item), on, params.tree())
    with transaction.atomic():
        row = TrackingRecord.objects.create(
            measure=measure,
            unit=unit,
            item=item,
            done_on=done_on,
            action=action.strip(),
            recorded_by=actor,
            recorded_on=on,
        )
        record(
            "subsidies.tracking.add",
            actor=actor,
            obj=row,
            after={"measure": measure, "unit": unit, "item": item, "done_on": done_on.isoformat()},
            label="登记措施落实情况",
            citation=cite(measure),
        )
    return row
