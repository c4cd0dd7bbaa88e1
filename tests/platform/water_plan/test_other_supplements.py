"""附件2 注: "other" emergencies — by quota where a quota exists, otherwise the department's written opinion —
filed through the page and the API and decided by the clerk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import EvidenceFile, QuotaEntry, SupplementRequest, YearlyPlan
from ezhou_rules.water_plan.errors import WaterPlanError

pytestmark = pytest.mark.django_db
API = "/api/v1/water-plan"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = dt.date(2026, 6, 15)  # the frozen clock (tests/conftest.py), a Monday


@pytest.fixture
def plan(unit, clerk, settings, tmp_path):
    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path)
    services.issue_plans(2026, actor=clerk, issued_on=dt.date(2026, 1, 20))
    QuotaEntry.objects.create(
        indicator="临时安置人员",
        unit="m³/(人·日)",
        value="0.1500",
        valid_from=dt.date(2022, 7, 11),
        source="测试取值（非湖北省定额）",
    )
    return YearlyPlan.objects.get(unit=unit)


def _upload(client, unit) -> int:
    client.post(
        f"/water-plan/my/units/{unit.pk}/evidence/",
        {"kind": "supplement", "file": SimpleUploadedFile("现场照片.pdf", PDF)},
    )
    return EvidenceFile.objects.latest("pk").pk


def test_enterprise_files_other_case_by_quota_on_the_page(login_client, unit, plan):
    c = login_client("enterprise")
    page = c.get("/water-plan/my/").content.decode()
    assert f"/water-plan/my/plans/{plan.pk}/supplements/other/" in page and "临时安置人员" in page
    ev = _upload(c, unit)
    r = c.post(
        f"/water-plan/my/plans/{plan.pk}/supplements/other/",
        {
            "event_on": "2026-06-12",
            "description": "暴雨临时安置周边群众",
            "quota": "临时安置人员|m³/(人·日)",
            "quantity": "240",
            "evidence_ids": [str(ev)],
        },
        follow=True,
    )
    req = SupplementRequest.objects.get()
    # by quota: 240 人·日 × 0.15 = 36.00 m³; event Fri 06-12, filed Mon 06-15 (1st working day)
    assert (req.type, req.computed_m3x100) == ("other", 3600)
    assert (
        "已提出突发用水增补申请" in r.content.decode() and EvidenceFile.objects.get(pk=ev).supplement == req
    )


def test_other_case_without_quota_is_set_by_the_written_opinion(login_client, unit, plan, clerk):
    c = login_client("enterprise")
    ev = _upload(c, unit)
    r = c.post(
        f"{API}/plans/{plan.pk}/supplements",
        {
            "type": "other",
            "event_on": "2026-06-11",
            "inputs": {"description": "管网冲洗消毒", "requested_volume": "80"},
            "evidence_ids": [ev],
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["volume"] is None
    req = SupplementRequest.objects.get()
    assert req.computed_m3x100 is None and "出具书面意见" in req.trace[0]["explanation"]
    k = login_client("shuiwu_clerk")
    assert "待出具书面意见" in k.get(f"/water-plan/units/{unit.pk}/").content.decode()
    # the request's page holds the form with the opinion (issue 9: each step on the case's page)
    page = k.get(f"/water-plan/supplements/{req.pk}/").content.decode()
    assert "待出具书面意见" in page and 'name="opinion"' in page and "附件2 注" in page
    # the clerk must give the opinion and the volume
    r = k.post(f"{API}/supplements/{req.pk}/decision", {"action": "approve"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "approved_volume"
    r = k.post(
        f"{API}/supplements/{req.pk}/decision",
        {"action": "approve", "approved_volume": "65.5"},
        content_type="application/json",
    )
    assert (
        r.status_code == 422
        and r.json()["field"] == "opinion"
        and r.json()["message"].startswith("书面意见：")
    )
    assert SupplementRequest.objects.get().status == "received"
    r = k.post(
        f"/water-plan/supplements/{req.pk}/decide/",
        {"action": "approve", "approved_volume": "65.5", "opinion": "按冲洗管段容积3倍核定"},
        follow=True,
    )
    req.refresh_from_db()
    assert (req.status, req.approved_m3x100, req.opinion) == ("approved", 6550, "按冲洗管段容积3倍核定")
    change = plan.changes.get()
    assert change.delta_m3x100 == 6550 and "按冲洗管段容积3倍核定" in change.reason
    assert YearlyPlan.objects.get(pk=plan.pk).effective_m3x100 == plan.volume_m3x100 + 6550


def test_other_case_refused_and_checked(login_client, unit, plan, clerk):
    with pytest.raises(WaterPlanError) as e:
        services.file_supplement(
            plan, "other", TODAY, TODAY, {"description": " "}, actor=clerk, paper_materials=True
        )
    assert e.value.field == "description"
    # a quota named but no quantity: refused naming the field
    with pytest.raises(WaterPlanError) as e:
        services.file_supplement(
            plan,
            "other",
            TODAY,
            TODAY,
            {"description": "临时安置", "indicator": "临时安置人员", "quota_unit": "m³/(人·日)"},
            actor=clerk,
            paper_materials=True,
        )
    assert e.value.field == "quantity"
    req = services.file_supplement(
        plan, "other", TODAY, TODAY, {"description": "其他"}, actor=clerk, paper_materials=True
    )
    services.refuse_supplement(req, 6, "明知内部管网漏损未及时采取措施", actor=clerk, on=TODAY)
    assert SupplementRequest.objects.get().status == "refused"


def test_supplement_calculator_for_other_cases(client, plan):
    r = client.post(
        f"{API}/supplements/calculate",
        {
            "type": "other",
            "event_on": "2026-06-01",
            "inputs": {
                "description": "临时安置",
                "indicator": "临时安置人员",
                "quota_unit": "m³/(人·日)",
                "quantity": "100",
            },
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["volume"] == "15.00" and not r.json()["pending_opinion"]
    r = client.post(
        f"{API}/supplements/calculate",
        {"type": "other", "event_on": "2026-06-01", "inputs": {"description": "其他"}},
        content_type="application/json",
    )
    assert r.json()["volume"] is None and r.json()["pending_opinion"]
