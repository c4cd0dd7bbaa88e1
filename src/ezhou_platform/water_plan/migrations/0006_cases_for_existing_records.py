"""Existing records onto the procedure layer (issue 9).

- One Case per plan request, coefficient case, adjustment, supplement, surcharge notice and appeal already in
  the database, with its state, applicant (the unit's USCC), a start event and, when the record has gone past
  its first state, one event saying how far it had got ("迁移前已办理"); the person who opened it is not known.
- Every stored Period of these records is linked to its case. The unit's own periods (to file, to report a
  construction month, to pay, to object, to pay after a 催告单) become the applicant's; periods already
  answered are closed on the day that answered them (the decision, the payment, the appeal, the report; for a
  verification before issue 9 its day was not stored, so its due date stands for it).
- Coefficient cases recorded before issue 9 took effect when they were recorded: they are in effect.
- Plan requests whose plan is issued are answered.
- Document numbers continue: the counters of the surcharge notices (by year assessed) and of the 催告单 (by year
  of issue) are set to the highest number already issued, so the next one follows without a gap or a repeat.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from typing import Any

from django.db import migrations

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NUMBER = re.compile(r"〔(?P<year>\d{4})〕(?P<seq>\d+)号")

# procedure slug, model, state field, initial state, final states (state → the record's field of its day)
PROCEDURES = [
    ("water_plan.plan_request", "planrequest", "status", "received", {"issued": None}),
    ("water_plan.coefficient_case", "coefficientevent", "status", "recorded", {"applied": "decided_on"}),
    (
        "water_plan.adjustment",
        "adjustmentrequest",
        "status",
        "received",
        {"approved": "decided_on", "refused": "decided_on"},
    ),
    (
        "water_plan.supplement",
        "supplementrequest",
        "status",
        "received",
        {"approved": "decided_on", "refused": "decided_on"},
    ),
    (
        "water_plan.notice",
        "surchargenotice",
        "state",
        "issued",
        {"paid": "paid_on", "credit_listed": "credit_listed_on", "superseded": None},
    ),
    ("water_plan.appeal", "appeal", "state", "received", {"upheld": "decided_on", "rejected": "decided_on"}),
]
LABELS = {
    "received": "已受理",
    "verified": "已核实",
    "approved": "已核准",
    "refused": "不予调整/增补",
    "issued": "已开具",
    "paid": "已缴费",
    "superseded": "已被新版本取代",
    "credit_listed": "已纳入社会信用体系平台",
    "upheld": "异议成立",
    "rejected": "异议不成立",
    "recorded": "已记录",
    "applied": "已生效",
}
START = {
    "water_plan.plan_request": ("提出用水计划申请", "第六条"),
    "water_plan.coefficient_case": ("记录增减系数情形", "附件1 三"),
    "water_plan.adjustment": ("提出用水计划调整申请", "第十条第一款"),
    "water_plan.supplement": ("提出突发用水增补申请", "第十二条"),
    "water_plan.notice": ("开具超计划用水加价收费通知单", "第十四条"),
    "water_plan.appeal": ("提出异议", "第十五条"),
}
DOC = "鄂州政办发〔2022〕15号"
APPLICANT_FIELDS = {
    "planrequest": {"due_on"},
    "constructionreport": {"due_on"},
    "surchargenotice": {"payment_due", "appeal_due", "reminder_due"},
}


def _day(value: Any) -> dt.date:
    return value.astimezone(SHANGHAI).date() if isinstance(value, dt.datetime) else value


def forwards(apps: Any, schema_editor: Any) -> None:
    models = {
        m: apps.get_model("water_plan", m)
        for m in (
            "planrequest",
            "coefficientevent",
            "adjustmentrequest",
            "supplementrequest",
            "surchargenotice",
            "appeal",
            "constructionreport",
            "yearlyplan",
            "collectionreminder",
        )
    }
    ContentType = apps.get_model("contenttypes", "ContentType")
    Department = apps.get_model("common", "Department")
    Case = apps.get_model("procedures", "Case")
    CaseEvent = apps.get_model("procedures", "CaseEvent")
    Period = apps.get_model("procedures", "Period")
    DocumentCounter = apps.get_model("procedures", "DocumentCounter")
    water = Department.objects.filter(code="water").first()
    if water is None:
        return  # no water department, so no water records either
    ct = {m: ContentType.objects.get_or_create(app_label="water_plan", model=m)[0] for m in models}

    # states the layer now keeps
    for ev in models["coefficientevent"].objects.all():
        day = _day(ev.recorded_at)
        models["coefficientevent"].objects.filter(pk=ev.pk).update(
            status="applied", recorded_on=day, decided_on=day
        )
    issued = set(models["yearlyplan"].objects.values_list("unit_id", "year"))
    for req in models["planrequest"].objects.all():
        if (req.unit_id, req.plan_year) in issued:
            models["planrequest"].objects.filter(pk=req.pk).update(status="issued")

    now = dt.datetime.now(tz=dt.UTC)
    for slug, model, state_field, initial, finals in PROCEDURES:
        Model = models[model]
        qs = Model.objects.exclude(pk__in=Case.objects.filter(content_type=ct[model]).values("object_id"))
        for record in qs:
            state = getattr(record, state_field)
            unit = _unit(models, model, record)
            opened = _opened_on(model, record)
            closed = None
            if state in finals:
                field = finals[state]
                closed = getattr(record, field) if field else _closed_on(models, model, record, opened)
                closed = closed or opened
            case = Case.objects.create(
                procedure=slug,
                content_type=ct[model],
                object_id=record.pk,
                department=water,
                title=_title(models, model, record, unit)[:200],
                state=state,
                applicant_uscc=unit.uscc,
                opened_on=opened,
                closed_on=closed,
                updated_at=now,
            )
            label, place = START[slug]
            CaseEvent.objects.create(
                case=case,
                step="start",
                label=label,
                target=initial,
                citation=f"{DOC} {place}",
                on=opened,
                at=now,
            )
            if state != initial:
                CaseEvent.objects.create(
                    case=case,
                    step="migrated",
                    label=f"迁移前已办理至“{LABELS.get(state, state)}”",
                    source=initial,
                    target=state,
                    citation=f"{DOC} {place}",
                    on=closed or opened,
                    at=now,
                )
            _link_periods(Period, ct[model], model, record, case, state, closed)
    # construction reports: the unit's period to report, answered by the report
    for report in models["constructionreport"].objects.all():
        supplement_case = Case.objects.filter(
            content_type=ct["supplementrequest"], object_id=report.request_id
        ).first()
        Period.objects.filter(content_type=ct["constructionreport"], object_id=report.pk).update(
            case=supplement_case, party="applicant", closed_on=report.reported_on
        )

    # numbers continue where they stopped
    highest: dict[tuple[str, int], int] = defaultdict(int)
    for number in models["surchargenotice"].objects.filter(version=1).values_list("number", flat=True):
        m = NUMBER.search(number)
        if m:
            key = ("water_plan.surcharge_notice", int(m["year"]))
            highest[key] = max(highest[key], int(m["seq"]))
    for number in models["collectionreminder"].objects.values_list("number", flat=True):
        m = NUMBER.search(number)
        if m:
            key = ("water_plan.collection_reminder", int(m["year"]))
            highest[key] = max(highest[key], int(m["seq"]))
    for (kind, year), last in highest.items():
        counter, _ = DocumentCounter.objects.get_or_create(
            department=water, kind=kind, year=year, defaults={"last": last}
        )
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


def _unit(models: dict[str, Any], model: str, record: Any) -> Any:
    if model in ("planrequest", "coefficientevent", "surchargenotice"):
        return record.unit
    if model == "appeal":
        return record.notice.unit
    return record.plan.unit


def _opened_on(model: str, record: Any) -> dt.date:
    return {
        "planrequest": lambda r: r.filed_on,
        "coefficientevent": lambda r: r.recorded_on or _day(r.recorded_at),
        "surchargenotice": lambda r: r.issued_on,
    }.get(model, lambda r: r.received_on)(record)


def _closed_on(models: dict[str, Any], model: str, record: Any, opened: dt.date) -> dt.date:
    if model == "planrequest":
        plan = models["yearlyplan"].objects.filter(unit_id=record.unit_id, year=record.plan_year).first()
        return plan.issued_on if plan else opened
    # a superseded notice: the day its next version was issued
    later = models["surchargenotice"].objects.filter(supersedes_id=record.pk).first()
    return later.issued_on if later else opened


def _title(models: dict[str, Any], model: str, record: Any, unit: Any) -> str:
    if model == "planrequest":
        return f"{unit.name}{record.plan_year}年度用水计划申请"
    if model == "coefficientevent":
        return f"{unit.name}增减系数情形（{record.kind}）"
    if model == "adjustmentrequest":
        return f"{unit.name}{record.plan.year}年度用水计划调整申请"
    if model == "supplementrequest":
        return f"{unit.name}{record.plan.year}年度突发用水增补申请"
    if model == "surchargenotice":
        return f"{unit.name}{record.year}年度超计划用水加价水费（{record.number}）"
    return f"{unit.name}对{record.notice.number}的异议"


def _link_periods(
    Period: Any, content_type: Any, model: str, record: Any, case: Any, state: str, closed: dt.date | None
) -> None:
    rows = Period.objects.filter(content_type=content_type, object_id=record.pk)
    rows.update(case=case)
    applicant = APPLICANT_FIELDS.get(model, set())
    if applicant:
        rows.filter(field__in=applicant).update(party="applicant")
    if model == "planrequest":
        rows.filter(field="due_on").update(closed_on=record.filed_on)  # answered by the filing
    if model == "adjustmentrequest" and state != "received":
        # verified before issue 9: the day was not stored; its due date stands for it
        rows.filter(field="verify_due").update(closed_on=record.decided_on or record.verify_due)
    if model == "surchargenotice":
        appealed = record.appeals.order_by("received_on").first()
        if appealed is not None:
            rows.filter(field="appeal_due").update(closed_on=appealed.received_on)
    if closed is not None:
        rows.filter(closed_on__isnull=True).update(closed_on=closed)


class Migration(migrations.Migration):
    dependencies = [
        ("water_plan", "0005_procedure_layer"),
        ("procedures", "0002_cases_events_documents"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
