"""Fund ledger (budget vs paid by district and class) and the demo loader."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.medical_assistance.demo import load_demo
from ezhou_platform.medical_assistance.models import Claim, FundBudget, Settlement

from .conftest import claim_payload

pytestmark = pytest.mark.django_db


def test_fund_ledger_nets_reversals(login_client: Any, make_person: Any) -> None:
    person = make_person("minimum_living")
    FundBudget.objects.create(
        year=2024,
        jurisdiction=Jurisdiction.objects.get(code="echeng"),
        person_class=2,
        amount=10_000_000,
        source="测试预算",
    )
    c = login_client("yibao_clerk")
    url = "/api/v1/medical-assistance/settlements"
    s1 = c.post(
        url, json.dumps(claim_payload(person, "F-1", 1_000_000)), content_type="application/json"
    ).json()
    c.post(url, json.dumps(claim_payload(person, "F-2", 200_000)), content_type="application/json")
    login_client("yibao_head").post(  # four eyes (M25): not the clerk who received it
        f"{url}/{s1['settlement']['id']}/reverse",
        json.dumps({"reason": "测试"}),
        content_type="application/json",
    )
    c = login_client("yibao_clerk")
    text = c.get("/medical-assistance/fund/?year=2024").content.decode()
    # paid: 7000 − 7000 + 1400 = 1400.00 of 100000.00 → 98600.00 left, 1.4%
    assert "100,000.00元" in text and "1,400.00元" in text and "98,600.00元" in text and "1.4%" in text
    # the platform's charts (ECharts specs with their data tables): by month and district, districts, classes
    assert text.count('<figure class="chart"') == 3
    assert "2024年医疗救助基金支出（按月、按区）" in text and "2024年分类别预算与已支付" in text
    # hospital-borne per hospital: F-2 at a level-3 hospital, total 4000, out-of-policy 0 → nothing
    assert "2024年没有超比例的结算" in text
    r3 = c.post(
        url,
        json.dumps(claim_payload(person, "F-3", 100_000, total_cost=1_000_000, out_of_policy_cost=100_000)),
        content_type="application/json",
    )
    assert r3.status_code == 201, r3.content
    # 1000 − 10000 × 8% = 200.00 borne by 鄂州市中心医院
    text = c.get("/medical-assistance/fund/?year=2024").content.decode()
    assert "鄂州市中心医院" in text and "200.00元" in text
    assert login_client("minzheng_clerk").get("/medical-assistance/fund/").status_code == 403


def test_demo_loader_is_idempotent(demo_users: Any) -> None:
    load_demo()
    counts = (Claim.objects.count(), Settlement.objects.count(), FundBudget.objects.count())
    load_demo()
    assert (Claim.objects.count(), Settlement.objects.count(), FundBudget.objects.count()) == counts
    assert counts[1] >= 6
