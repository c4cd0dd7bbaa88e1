"""Records made before the procedure layer (migration 0003) get their cases, states and periods (0005):
one case per record in the record's state, the periods linked and those already answered closed, objections
and findings in the state their fields say, the annex method and the re-appraisal date of each project."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from migrate_to import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("rental_housing", "0003_identity_and_agents"), ("procedures", "0002_cases_events_documents")]
AFTER = [("rental_housing", "0005_cases_for_existing_records")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def old_schema(demo_users: dict[str, Any]) -> Any:
    """The database as it was before the layer; migrated to the latest state again afterwards, whatever happens."""
    yield migrate_to(BEFORE)
    migrate_to_latest()


def test_existing_records_get_their_cases(old_schema: Any) -> None:
    old = old_schema
    Jurisdiction = old.get_model("common", "Jurisdiction")
    User = old.get_model("common", "User")
    huarong = Jurisdiction.objects.get(code="huarong")
    clerk = User.objects.get(username="zhujian_clerk")
    citizen = User.objects.get(username="citizen")
    op = old.get_model("rental_housing", "Operator").objects.create(
        name="旧运营公司", uscc="91420700MA4F000015", business_scope="住房租赁", jurisdiction=huarong
    )
    project = old.get_model("rental_housing", "Project").objects.create(
        name="旧项目",
        jurisdiction=huarong,
        owner_name="x",
        operator=op,
        sourcing_method=1,
        housing_type="rent_then_sell",
        certificate_number="OLD-1",
        certificate_date=dt.date(2023, 1, 5),
        rent_appraised_on=dt.date(2024, 2, 29),
    )
    Application = old.get_model("rental_housing", "Application")
    common = dict(
        project=project,
        entered_by=clerk,
        channel="online",
        phone="13800000000",
        birth_date=dt.date(1990, 1, 1),
        submitted_at=dt.datetime(2026, 6, 1, 9, tzinfo=SHANGHAI),
    )
    waiting = Application.objects.create(
        name="张三",
        id_number="420704199001010011",
        applicant=citizen,
        status="submitted",
        submitted_on=dt.date(2026, 6, 1),
        review_deadline=dt.date(2026, 6, 8),
        **common,
    )
    refused = Application.objects.create(
        name="李四",
        id_number="420704199001010038",
        status="rejected",
        submitted_on=dt.date(2026, 5, 4),
        review_deadline=dt.date(2026, 5, 11),
        reviewed_on=dt.date(2026, 5, 6),
        refusal_reason="材料不实",
        **common,
    )
    in_publicity = Application.objects.create(
        name="王五",
        id_number="420704199001010054",
        status="publicity",
        submitted_on=dt.date(2026, 6, 1),
        review_deadline=dt.date(2026, 6, 8),
        reviewed_on=dt.date(2026, 6, 2),
        publicity_start=dt.date(2026, 6, 2),
        publicity_end=dt.date(2026, 6, 9),
        **common,
    )
    Objection = old.get_model("rental_housing", "Objection")
    Objection.objects.create(
        application=in_publicity,
        raised_on=dt.date(2026, 6, 3),
        raised_by="群众",
        content="有房",
        recorded_by=clerk,
    )
    Objection.objects.create(
        application=in_publicity,
        raised_on=dt.date(2026, 6, 3),
        raised_by="群众",
        content="x",
        recorded_by=clerk,
        upheld=False,
        decision="不成立",
        decided_on=dt.date(2026, 6, 4),
        decided_by=clerk,
    )
    inspection = old.get_model("rental_housing", "Inspection").objects.create(
        jurisdiction=huarong, project=project, inspected_on=dt.date(2026, 6, 1), inspectors="王强"
    )
    Finding = old.get_model("rental_housing", "Finding")
    Finding.objects.create(
        inspection=inspection,
        category="filing",
        description="未备案",
        sanction="rectify",
        rectify_by=dt.date(2026, 6, 20),
    )
    Finding.objects.create(inspection=inspection, category="price", description="租金过高", sanction="credit")
    ContentType = old.get_model("contenttypes", "ContentType")
    Period = old.get_model("procedures", "Period")
    app_ct = ContentType.objects.get_or_create(app_label="rental_housing", model="application")[0]
    for a in (waiting, refused, in_publicity):  # the periods the services tracked before the layer
        Period.objects.create(
            content_type=app_ct,
            object_id=a.pk,
            field="review_deadline",
            label="审核期限",
            start=a.submitted_on,
            spec={"basis": "workdays", "amount": 5, "roll": True, "fixed": None, "not_later_than": None},
            due=a.review_deadline,
        )

    migrate_to(AFTER)
    from ezhou_platform.procedures.models import Case, CaseEvent
    from ezhou_platform.procedures.models import Period as NewPeriod
    from ezhou_platform.rental_housing.models import (
        Finding as NewFinding,
    )
    from ezhou_platform.rental_housing.models import (
        Objection as NewObjection,
    )
    from ezhou_platform.rental_housing.models import (
        Project as P,
    )

    cases = {c.object_id: c for c in Case.objects.filter(procedure="rental_housing.application")}
    assert cases[waiting.pk].state == "submitted" and cases[waiting.pk].closed_on is None
    assert cases[waiting.pk].title == "张*的保障性租赁住房申请（旧项目）"
    assert cases[waiting.pk].applicant_user_id == citizen.pk
    assert cases[refused.pk].state == "rejected" and cases[refused.pk].closed_on == dt.date(2026, 5, 6)
    assert CaseEvent.objects.filter(case__in=cases.values(), step="start").count() == 3
    review = {p.object_id: p for p in NewPeriod.objects.filter(field="review_deadline")}
    assert all(p.case_id == cases[p.object_id].pk for p in review.values())
    # still to be reviewed: open; already reviewed: answered on the review date
    assert review[waiting.pk].closed_on is None
    assert review[in_publicity.pk].closed_on == dt.date(2026, 6, 2)
    assert review[refused.pk].closed_on == dt.date(2026, 5, 6)
    assert sorted(NewObjection.objects.values_list("status", flat=True)) == ["dismissed", "pending"]
    assert Case.objects.filter(procedure="rental_housing.objection").count() == 2
    assert dict(NewFinding.objects.values_list("category", "status")) == {
        "filing": "rectifying",
        "price": "sanctioned",
    }
    rectify = NewPeriod.objects.get(field="rectify_by")
    assert rectify.due == dt.date(2026, 6, 20) and rectify.closed_on is None and rectify.case is not None
    p = P.objects.get(certificate_number="OLD-1")
    # 第六条第（一）项 → the annex's 购买商品住房; 3 years from 2024-02-29 → 2027-02-28 (R4)
    assert p.plan_method == "purchase" and p.rent_reappraisal_due == dt.date(2027, 2, 28)
    assert NewPeriod.objects.get(field="rent_reappraisal_due").due == dt.date(2027, 2, 28)
