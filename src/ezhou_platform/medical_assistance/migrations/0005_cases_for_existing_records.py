"""Existing records onto the procedure layer: a Case (and its opening event) for every application, class-4
recognition, claim, identity and amount to recover already in the database, each claim's state from its
entries, the stored review periods linked to their cases, and the booking day of entries written before it
was kept.

Numbered documents: this system issued none before the layer (the class-4 identities' evidence "因病致贫重病患者
认定第N号" is the application's row number, not a document number), so its document counters start at 0 and
the first number of each kind and year is 1; nothing is skipped or repeated.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

from ezhou_rules.core import ids

DOC = "鄂州政办发〔2022〕34号"
KIND_LABELS = {
    "class_aid": "三类、四类依申请救助",
    "tilted": "倾斜救助",
    "retroactive": "身份确定前12个月医疗费用救助",
}
KIND_CITES = {"class_aid": "第十五条第一款", "tilted": "第十二条第一款", "retroactive": "第十五条第二款"}
IDENTITY_LABELS = {
    "extreme_poverty": "城乡特困人员",
    "orphan": "孤儿",
    "minimum_living": "城乡最低生活保障对象",
    "returned_to_poverty": "返贫致贫人口",
    "low_income_marginal": "城乡低保边缘家庭成员",
    "unstable_lifted": "脱贫不稳定人口（纳入监测）",
    "marginal_at_risk": "边缘易致贫人口（纳入监测）",
    "sudden_hardship": "突发严重困难人口（纳入监测）",
    "illness_poverty": "因病致贫重病患者",
    "other_special": "市、区人民政府规定的其他特殊困难人员",
    "stable_lifted": "稳定脱贫人口",
}


def _yuan(fen: int) -> str:
    yuan, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{yuan:,}.{cents:02d}元"


def forward(apps: Any, schema_editor: Any) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Department = apps.get_model("common", "Department")
    Case = apps.get_model("procedures", "Case")
    CaseEvent = apps.get_model("procedures", "CaseEvent")
    Period = apps.get_model("procedures", "Period")
    Application = apps.get_model("medical_assistance", "Application")
    Class4Recognition = apps.get_model("medical_assistance", "Class4Recognition")
    Claim = apps.get_model("medical_assistance", "Claim")
    Settlement = apps.get_model("medical_assistance", "Settlement")
    Identity = apps.get_model("medical_assistance", "Identity")
    Recovery = apps.get_model("medical_assistance", "Recovery")

    # Each claim's state from its entries: reversed, settled, or received and pending.
    Claim.objects.filter(settlements__kind="settle").update(status="settled")
    Claim.objects.filter(settlements__kind="reverse").update(status="reversed")
    # Entries booked before the day was kept: the day they were written.
    for e in Settlement.objects.filter(entry_date__isnull=True).only("id", "created_at"):
        Settlement.objects.filter(pk=e.pk).update(entry_date=timezone.localtime(e.created_at).date())

    departments: dict[str, Any] = {}
    now = timezone.now()

    def department(code: str) -> Any:
        if code not in departments:
            departments[code] = Department.objects.filter(code=code).first()
        return departments[code]

    def open_case(
        record: Any,
        model: str,
        procedure: str,
        dept: str,
        title: str,
        state: str,
        opened_on: Any,
        closed_on: Any,
        label: str,
        cites: str,
    ) -> None:
        ct, _ = ContentType.objects.get_or_create(app_label="medical_assistance", model=model)
        if Case.objects.filter(content_type=ct, object_id=record.pk).exists():
            return
        dep = department(dept)
        if dep is None:  # a database without the departments has no records of them either
            return
        case = Case.objects.create(
            procedure=procedure,
            content_type=ct,
            object_id=record.pk,
            department=dep,
            title=title[:200],
            state=state,
            applicant_uscc="",
            opened_on=opened_on,
            closed_on=closed_on,
            updated_at=now,
        )
        CaseEvent.objects.create(
            case=case,
            step="start",
            label=label,
            source="",
            target=state,
            citation=f"{DOC} {cites}",
            on=opened_on,
        )
        Period.objects.filter(content_type=ct, object_id=record.pk).update(case=case)
        if closed_on is not None:
            Period.objects.filter(case=case, closed_on__isnull=True).update(closed_on=closed_on)

    for a in Application.objects.select_related("person"):
        final = a.state != "submitted"
        open_case(
            a,
            "application",
            "medical_assistance.application",
            "medical_security",
            f"{KIND_LABELS[a.kind]}申请（{ids.mask_name(a.person.name)}，{a.year}年度）",
            a.state,
            a.submitted_on,
            (a.decided_on or a.submitted_on) if final else None,
            "受理救助申请",
            KIND_CITES[a.kind],
        )
    for r in Class4Recognition.objects.select_related("person"):
        final = r.state != "submitted"
        open_case(
            r,
            "class4recognition",
            "medical_assistance.class_4",
            "civil_affairs",
            f"因病致贫重病患者认定（{ids.mask_name(r.person.name)}）",
            r.state,
            r.submitted_on,
            (r.decided_on or r.submitted_on) if final else None,
            "受理因病致贫重病患者认定申请",
            "第四条第六款",
        )
    for c in Claim.objects.select_related("person"):
        received = timezone.localtime(c.received_at).date()
        open_case(
            c,
            "claim",
            "medical_assistance.claim",
            "medical_security",
            f"结算单{c.claim_id}（{ids.mask_name(c.person.name)}）",
            c.status,
            received,
            received if c.status != "pending" else None,
            "接收结算单（未结算）" if c.status == "pending" else "一站式结算",
            "第十八条",
        )
    for i in Identity.objects.select_related("person", "source_department"):
        civil = i.source_department.code == "civil_affairs"
        open_case(
            i,
            "identity",
            "medical_assistance.identity.civil_affairs"
            if civil
            else "medical_assistance.identity.rural_revitalization",
            i.source_department.code,
            f"{IDENTITY_LABELS.get(i.kind, i.kind)}身份认定（{ids.mask_name(i.person.name)}）",
            "recognised",
            timezone.localtime(i.recorded_at).date(),
            timezone.localtime(i.recorded_at).date(),
            f"认定{IDENTITY_LABELS.get(i.kind, i.kind)}",
            "第二十二条第三款" if civil else "第二十二条第八款",
        )
    for r in Recovery.objects.select_related("person", "adjustment"):
        opened = r.adjustment.entry_date or timezone.localtime(r.created_at).date()
        open_case(
            r,
            "recovery",
            "medical_assistance.recovery",
            "medical_security",
            f"多付救助应追回{_yuan(r.amount)}（{ids.mask_name(r.person.name)}，{r.year}年度）",
            r.state,
            opened,
            r.recovered_on if r.state == "recovered" else None,
            "多付救助应追回",
            "第十一条",
        )


def backward(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("procedures", "Case")
    CaseEvent = apps.get_model("procedures", "CaseEvent")
    Period = apps.get_model("procedures", "Period")
    cases = Case.objects.filter(procedure__startswith="medical_assistance.")
    Period.objects.filter(case__in=cases).update(case=None)
    CaseEvent.objects.filter(case__in=cases).delete()
    cases.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("medical_assistance", "0004_procedure_layer"),
        ("procedures", "0002_cases_events_documents"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
