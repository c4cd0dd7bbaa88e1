"""Records made before the procedure layer get their cases, states and periods (issue 9).

- Objections get their state from `upheld` (None → 待处理, True → 异议成立, False → 异议不成立); findings theirs
  from what was recorded (整改完成日期 → 已整改; 移送司法机关 → 已移送; another measure than 责令整改 → 已依法处置; a
  rectification date → 整改中; else 已登记).
- Projects: the annex method follows 第六条's item where it is one of the annex's (（一）购买商品住房, （二）收购在建,
  （三）新供应国有建设用地建设, （四）商品住房项目配建; P20), and the rent re-appraisal date (第十条) is stored with its
  period. Terminated contracts store the end of their move-out period (R6/R9) with its period (the tenant's).
- One Case per application, objection, offer, contract, maintenance request, complaint and finding, in its
  record's state, with one event saying it began before the layer (the earlier steps are in the audit trail).
  Closed on the best date the record holds (e.g. 审核日期 for a refusal, 签订日期 for a contract), else on the
  day it was opened.
- Existing periods (审核期限, 公示期) are linked to their case; a period its record has already answered (the
  application was reviewed, the publicity ended) is closed, so it leaves the clerks' 待办.
- Document numbers: nothing in this domain was numbered before (contract numbers are the operator's own),
  so no counter is set; numbering starts at 1 per kind and year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

from ezhou_rules.core.ids import mask_name
from ezhou_rules.rental_housing.common import anniversary, period_last_day

DOC = "鄂州政发〔2022〕19号"
NOTE = "本事项在办理程序层上线前受理；此前的办理经过见审计日志。"
ANNEX_METHOD = {1: "purchase", 2: "acquire", 3: "new_land", 4: "supporting"}
FINAL = {
    "application": {"contracted", "rejected", "disqualified", "withdrawn", "exited"},
    "objection": {"upheld", "dismissed"},
    "unitoffer": {"accepted", "declined", "cancelled"},
    "contract": {"closed", "renewed"},
    "maintenancerequest": {"done"},
    "complaint": {"answered"},
    "finding": {"rectified", "sanctioned", "referred"},
}
SLUG = {
    "application": "rental_housing.application",
    "objection": "rental_housing.objection",
    "unitoffer": "rental_housing.offer",
    "contract": "rental_housing.contract",
    "maintenancerequest": "rental_housing.maintenance",
    "complaint": "rental_housing.complaint",
    "finding": "rental_housing.finding",
}
CITE = {
    "application": f"{DOC} 第十四条第（一）项",
    "objection": f"{DOC} 第十四条第（二）项",
    "unitoffer": f"{DOC} 第十七条",
    "contract": f"{DOC} 第十八条",
    "maintenancerequest": f"{DOC} 第二十四条",
    "complaint": f"{DOC} 第二十七条",
    "finding": f"{DOC} 第二十八条",
}
CATEGORY = {
    "listing": "房源申报",
    "tenant_review": "承租审核",
    "price": "租赁价格",
    "filing": "合同备案",
    "operation": "运营管理",
}


def _fixed(day: dt.date) -> dict[str, Any]:
    return {
        "basis": "fixed_date",
        "amount": 0,
        "roll": False,
        "fixed": day.isoformat(),
        "not_later_than": None,
    }


def forwards(apps: Any, schema_editor: Any) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Department = apps.get_model("common", "Department")
    Case = apps.get_model("procedures", "Case")
    CaseEvent = apps.get_model("procedures", "CaseEvent")
    Period = apps.get_model("procedures", "Period")
    Application = apps.get_model("rental_housing", "Application")
    Objection = apps.get_model("rental_housing", "Objection")
    UnitOffer = apps.get_model("rental_housing", "UnitOffer")
    Contract = apps.get_model("rental_housing", "Contract")
    MaintenanceRequest = apps.get_model("rental_housing", "MaintenanceRequest")
    Complaint = apps.get_model("rental_housing", "Complaint")
    Finding = apps.get_model("rental_housing", "Finding")
    Project = apps.get_model("rental_housing", "Project")

    # -- states and stored dates (the state fields are protected: written by queryset updates) ----------
    Objection.objects.filter(upheld__isnull=True).update(status="pending")
    Objection.objects.filter(upheld=True).update(status="upheld")
    Objection.objects.filter(upheld=False).update(status="dismissed")
    for f in Finding.objects.select_related("inspection"):
        status, measured_on = "recorded", None
        if f.rectified_on:
            status = "rectified"
        elif f.sanction == "judicial":
            status, measured_on = "referred", f.inspection.inspected_on
        elif f.sanction != "rectify":
            status, measured_on = "sanctioned", f.inspection.inspected_on
        elif f.rectify_by:
            status = "rectifying"
        Finding.objects.filter(pk=f.pk).update(
            status=status,
            measured_on=measured_on,
            requirement=f.requirement or (f.description if f.rectify_by else ""),
        )

    records = [
        m.objects.exists()
        for m in (
            Application,
            Objection,
            UnitOffer,
            Contract,
            MaintenanceRequest,
            Complaint,
            Finding,
            Project,
        )
    ]
    if not any(records):
        return  # a fresh database: nothing to carry over
    housing, _ = Department.objects.get_or_create(code="housing", defaults={"name": "住房和城乡建设局"})

    def ct(model: str) -> Any:
        return ContentType.objects.get_or_create(app_label="rental_housing", model=model)[0]

    def period(
        model: str,
        pk: int,
        field: str,
        label: str,
        cite: str,
        start: dt.date,
        due: dt.date,
        spec: dict[str, Any],
        party: str,
        closed: dt.date | None,
        case: Any = None,
    ) -> None:
        Period.objects.update_or_create(
            content_type=ct(model),
            object_id=pk,
            field=field,
            defaults={
                "label": label,
                "citation": cite,
                "department": housing,
                "start": start,
                "spec": spec,
                "due": due,
                "provisional": False,
                "provisional_years": [],
                "closed_on": closed,
                "party": party,
                "case": case,
            },
        )

    for p in Project.objects.all():
        p.plan_method = ANNEX_METHOD.get(p.sourcing_method, "")
        fields = ["plan_method"]
        if p.rent_appraised_on:
            # 第十条 "3年评估一次" (R4): 36 months from the appraisal, the month's last day without a
            # corresponding day; not rolled (as the board showed it).
            p.rent_reappraisal_due = anniversary(p.rent_appraised_on, years=3)
            fields.append("rent_reappraisal_due")
            period(
                "project",
                p.pk,
                "rent_reappraisal_due",
                "租金重新评估期限",
                f"{DOC} 第十条",
                p.rent_appraised_on,
                p.rent_reappraisal_due,
                {"basis": "months", "amount": 36, "roll": False, "fixed": None, "not_later_than": None},
                "department",
                None,
            )
        p.save(update_fields=fields)

    # -- one case per record ---------------------------------------------------------------------------
    def open_case(
        model: str,
        record: Any,
        *,
        title: str,
        opened_on: dt.date,
        opened_by: Any = None,
        user: Any = None,
        uscc: str = "",
        closed_on: dt.date | None = None,
    ) -> Any:
        state = record.status
        final = state in FINAL[model]
        case, created = Case.objects.get_or_create(
            content_type=ct(model),
            object_id=record.pk,
            defaults={
                "procedure": SLUG[model],
                "department": housing,
                "title": title[:200],
                "state": state,
                "applicant_user": user,
                "applicant_uscc": uscc or "",
                "opened_on": opened_on,
                "opened_by": opened_by,
                "closed_on": (closed_on or opened_on) if final else None,
            },
        )
        if created:
            CaseEvent.objects.create(
                case=case,
                step="start",
                label="程序层上线前已受理",
                target=state,
                citation=CITE[model],
                actor=opened_by,
                on=opened_on,
                note=NOTE,
            )
        Period.objects.filter(content_type=ct(model), object_id=record.pk).update(case=case)
        if final:
            Period.objects.filter(case=case, closed_on__isnull=True).update(closed_on=case.closed_on)
        return case

    for a in Application.objects.select_related("project"):
        contracts = Contract.objects.filter(allocation__application=a).order_by("signed_on", "id")
        closed = {
            "rejected": a.reviewed_on,
            "disqualified": a.publicity_end,
            "contracted": contracts.first().signed_on if contracts.exists() else None,
            "exited": contracts.last().vacated_on if contracts.exists() else None,
        }.get(a.status)
        open_case(
            "application",
            a,
            title=f"{mask_name(a.name)}的保障性租赁住房申请（{a.project.name}）",
            opened_on=a.submitted_on,
            opened_by=a.entered_by,
            user=a.applicant,
            closed_on=closed,
        )
        # Periods the record has answered: the review once reviewed, the publicity once it ended.
        if a.status != "submitted":
            Period.objects.filter(
                content_type=ct("application"),
                object_id=a.pk,
                field="review_deadline",
                closed_on__isnull=True,
            ).update(closed_on=a.reviewed_on or a.submitted_on)
        if a.status not in ("submitted", "publicity"):
            Period.objects.filter(
                content_type=ct("application"), object_id=a.pk, field="publicity_end", closed_on__isnull=True
            ).update(closed_on=a.qualified_on or a.publicity_end)
    for o in Objection.objects.select_related("application__project"):
        app = o.application
        open_case(
            "objection",
            o,
            title=f"对{mask_name(app.name)}申请的公示异议（{app.project.name}）",
            opened_on=o.raised_on,
            opened_by=o.recorded_by,
            closed_on=o.decided_on,
        )
    for u in UnitOffer.objects.select_related("application", "unit__project"):
        app = u.application
        day = u.offered_at.date()
        open_case(
            "unitoffer",
            u,
            title=f"轮候配租通知：{u.unit.project.name} {u.unit.number}（{mask_name(app.name)}）",
            opened_on=day,
            user=app.applicant,
            closed_on=u.answered_at.date() if u.answered_at else day,
        )
    for c in Contract.objects.select_related("allocation__application", "allocation__unit__project"):
        unit, app = c.allocation.unit, c.allocation.application
        closed = c.vacated_on if c.status == "closed" else c.end_date
        case = open_case(
            "contract",
            c,
            title=f"租赁合同{c.number}（{unit.project.name} {unit.number}）",
            opened_on=c.signed_on,
            user=app.applicant,
            closed_on=closed,
        )
        if c.terminated_on and c.move_out_months:
            c.move_out_due = period_last_day(c.terminated_on + dt.timedelta(days=1), months=c.move_out_months)
            c.save(update_fields=["move_out_due"])
            period(
                "contract",
                c.pk,
                "move_out_due",
                "腾退搬迁期",
                f"{DOC} 第二十条第二款",
                c.terminated_on,
                c.move_out_due,
                _fixed(c.move_out_due),
                "applicant",
                c.vacated_on if c.status == "closed" else None,
                case,
            )
    for m in MaintenanceRequest.objects.select_related(
        "contract__allocation__application", "contract__allocation__unit__project"
    ):
        unit = m.contract.allocation.unit
        open_case(
            "maintenancerequest",
            m,
            title=f"报修：{unit.project.name} {unit.number}",
            opened_on=m.reported_on,
            user=m.contract.allocation.application.applicant,
            closed_on=m.completed_on,
        )
    for c in Complaint.objects.select_related("project", "submitted_by"):
        who = c.submitted_by
        open_case(
            "complaint",
            c,
            title=f"投诉举报（{c.project.name if c.project else '未指明项目'}）",
            opened_on=c.received_on,
            opened_by=who,
            user=who if who is not None and who.role == "citizen" else None,
            uscc=who.enterprise_uscc if who is not None and who.role == "enterprise" else "",
            closed_on=c.answered_on,
        )
    for f in Finding.objects.select_related("inspection__project__operator"):
        project = f.inspection.project
        case = open_case(
            "finding",
            f,
            title=f"检查发现问题：{project.name}（{CATEGORY.get(f.category, f.category)}）",
            opened_on=f.inspection.inspected_on,
            uscc=project.operator.uscc,
            closed_on=f.rectified_on or f.measured_on,
        )
        if f.rectify_by and f.status in ("rectifying", "rectified"):
            period(
                "finding",
                f.pk,
                "rectify_by",
                "整改期限",
                f"{DOC} 第二十八条",
                f.inspection.inspected_on,
                f.rectify_by,
                _fixed(f.rectify_by),
                "department",
                f.rectified_on,
                case,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("rental_housing", "0004_procedure_layer"),
        ("procedures", "0002_cases_events_documents"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("common", "0006_registers_existing_rows"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
