"""Per-unit ± 增减量 applied by the batch issuance (第八条第（一）（二）项, 附件1)."""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import PlanFinding, QuotaEntry, YearlyPlan
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan.errors import WaterPlanError

from .conftest import make_unit, monthly

pytestmark = pytest.mark.django_db
API = "/api/v1/water-plan"
ISSUED = dt.date(2024, 1, 19)


def test_issue_applies_art8_reduction_with_citation(unit, other_unit, clerk):
    services.record_plan_finding(
        unit, 2024, "art8-item1", -12050, "2023年单位产品用水量高于定额", "用水审计报告", actor=clerk
    )
    assert AuditRecord.objects.filter(action="water_plan.finding.record").count() == 1
    monthly(other_unit.accounts.get(), 2023, 10)
    report = services.issue_plans(2024, actor=clerk, issued_on=ISSUED)
    assert report.issued == 2 and not report.failed
    plan = YearlyPlan.objects.get(unit=unit, year=2024)
    # 1200×10% + 1500×20% + 1800×70% = 1680.00 m³, coefficient 0; − 120.50 = 1559.50 m³
    assert plan.volume_m3x100 == 155950
    assert plan.inputs["adjustment"] == -12050
    assert "第八条第（一）项" in plan.explanation and "-120.50立方米" in plan.explanation
    trace = Trace()
    assert services.compute_plan(plan.inputs, 2024, trace=trace) == 155950
    assert any(s.citation and "第八条第（一）项" in str(s.citation) for s in trace.steps)
    # the other unit has no finding: 120 × 70% = 84.00 m³
    assert YearlyPlan.objects.get(unit=other_unit).volume_m3x100 == 8400


def test_annex1_increase_and_two_findings_sum_for_quota_unit(clerk, demo_users):
    u = make_unit(
        "机关",
        "11420700MB0000001",
        method="quota",
        quota_indicator="机关办公人员",
        quota_unit="m³/(人·a)",
        quota_quantity=200,
    )
    QuotaEntry.objects.create(
        indicator="机关办公人员",
        unit="m³/(人·a)",
        value="15.5",
        valid_from=dt.date(2024, 1, 1),
        source="测试",
    )
    services.record_plan_finding(u, 2024, "annex1", 30000, "新增食堂", "食堂竣工验收材料", actor=clerk)
    services.record_plan_finding(
        u, 2024, "art8-item2", -10000, "拒不整改绿化漫灌", "水平衡测试报告", actor=clerk
    )
    services.issue_plans(2024, actor=clerk, issued_on=ISSUED)
    # 200 × 15.5 = 3100.00; + 300.00 − 100.00 = 3300.00 m³
    plan = YearlyPlan.objects.get(unit=u)
    assert plan.volume_m3x100 == 330000
    assert "附件1 二" in plan.explanation and "第八条第（二）项" in plan.explanation


def test_finding_too_large_fails_that_unit_only(unit, other_unit, clerk):
    monthly(other_unit.accounts.get(), 2023, 10)
    # other unit's plan 84.00 m³; a reduction of 100.00 would make it negative
    services.record_plan_finding(other_unit, 2024, "art8-item1", -10000, "未达定额", "审计报告", actor=clerk)
    report = services.issue_plans(2024, actor=clerk, issued_on=ISSUED)
    assert report.issued == 1 and report.failed and report.failed[0][0] == "另一家公司"
    assert YearlyPlan.objects.get(unit=unit).volume_m3x100 == 168000
    assert not YearlyPlan.objects.filter(unit=other_unit).exists()


def test_finding_refusals(unit, clerk):
    def rec(**kw):
        args = {
            "year": 2024,
            "basis": "art8-item1",
            "delta_m3x100": -100,
            "reason": "理由",
            "evidence": "材料",
        }
        args.update(kw)
        return services.record_plan_finding(unit, actor=clerk, **args)

    for kw, code in (
        ({"delta_m3x100": 100}, "finding_sign"),
        ({"delta_m3x100": 0}, "finding_zero"),
        ({"basis": "art8-item9"}, "finding_basis"),
        ({"reason": " "}, "finding_reason"),
        ({"evidence": ""}, "evidence_missing"),
    ):
        with pytest.raises(WaterPlanError) as exc:
            rec(**kw)
        assert exc.value.code == code
    rec()
    with pytest.raises(WaterPlanError) as exc:
        rec(delta_m3x100=-200)
    assert exc.value.code == "finding_duplicate"
    services.issue_plans(2025, actor=clerk, issued_on=dt.date(2025, 1, 10))
    with pytest.raises(WaterPlanError) as exc:
        rec(year=2025)
    assert exc.value.code == "finding_after_issue" and "第十条" in exc.value.message
    assert PlanFinding.objects.count() == 1


def test_finding_endpoint(login_client, unit):
    k = login_client("shuiwu_clerk")
    url = f"{API}/units/{unit.pk}/findings"
    body = {
        "year": 2024,
        "basis": "art8-item2",
        "delta": "-50.25",
        "reason": "拒不整改",
        "evidence": "测试报告",
    }
    r = k.post(url, body, content_type="application/json")
    assert r.status_code == 201 and r.json()["delta"] == "-50.25"
    assert r.json()["citation"].endswith("第八条第（二）项")
    bad = k.post(url, {**body, "basis": "annex1", "delta": "1.234"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "delta"
    e = login_client("enterprise")
    assert e.post(url, body, content_type="application/json").status_code == 403
    assert login_client("auditor").get("/admin/water_plan/planfinding/").status_code == 200
