"""Credit records on the public page and in the push export; the credit office's pages; oversight figures by
item, department and district with the Excel extract (第二部分 三（四）、四（四））."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.licensing.models import CreditRecord
from ezhou_platform.licensing.services import applications, credit, oversight, supervision
from ezhou_rules.licensing.credit import CreditKind

from .conftest import FILES, commitment_data, file_food, licensed_food

pytestmark = pytest.mark.django_db
D = dt.date


def _record(users: dict[str, Any], **kw: Any) -> CreditRecord:
    e2 = users["enterprise2"]
    data = {
        "uscc": e2.enterprise_uscc,
        "name": e2.enterprise_name,
        "kind": CreditKind.COMMITMENT_UNTRUE,
        "recorded_on": D(2026, 5, 1),
        "authority": "鄂州市行政审批局",
        "description": "承诺不实",
        "source": "测试",
        "actor": users["xinyong_clerk"],
        "on": D(2026, 5, 1),
        **kw,
    }
    return credit.propose(**data)


def test_public_page_shows_confirmed_records_only(client: Any, configured: dict[str, Any]) -> None:
    shown, hidden = _record(configured), _record(configured, description="仍待认定")
    credit.confirm(shown, actor=configured["xinyong_head"], on=D(2026, 5, 2))
    html = client.get("/licensing/credit/").content.decode()
    assert shown.number in html and hidden.number not in html and "有效" in html
    credit.repair(
        CreditRecord.objects.get(pk=shown.pk),
        actor=configured["xinyong_head"],
        on=D(2026, 6, 1),
        repaired_on=D(2026, 6, 1),
        note="鄂信修〔2026〕2号",
    )
    assert "已于2026年6月1日信用修复" in client.get("/licensing/credit/").content.decode()


def test_push_export_csv_and_json(login_client: Any, configured: dict[str, Any]) -> None:
    rec = _record(configured)
    credit.confirm(rec, actor=configured["xinyong_head"], on=D(2026, 5, 2))
    office = login_client("xinyong_clerk")
    csv_text = office.get("/licensing/credit-office/export/?format=csv").content.decode("utf-8")
    assert csv_text.startswith("\ufeff记录编号,主体名称,统一社会信用代码")
    assert f"{rec.number},鄂州好味餐饮有限公司,91420704MA4A8Y2Q18,commitment_untrue" in csv_text
    data = json.loads(office.get("/licensing/credit-office/export/?format=json").content)
    assert data["format"] == "ezhou-licensing-credit/1" and data["records"][0]["status"] == "有效"
    assert AuditRecord.objects.filter(action="licensing.credit.export").count() == 2
    assert login_client("shenpi_clerk").get("/licensing/credit-office/export/").status_code == 403


def test_office_pages_four_eyes(login_client: Any, configured: dict[str, Any]) -> None:
    clerk = login_client("xinyong_clerk")
    response = clerk.post(
        "/licensing/credit-office/",
        {
            "uscc": "91420704MA4A8Y2Q18",
            "name": "鄂州好味餐饮有限公司",
            "category": "",
            "authority": "税务局",
            "recorded_on": "2026-06-01",
            "description": "欠税",
        },
    )
    assert "记录类别：不良信用记录须注明类别" in response.content.decode()
    assert not CreditRecord.objects.exists()
    response = clerk.post(
        "/licensing/credit-office/",
        {
            "uscc": "91420704MA4A8Y2Q18",
            "name": "鄂州好味餐饮有限公司",
            "category": "严重失信主体名单",
            "authority": "税务局",
            "recorded_on": "2026-06-01",
            "description": "欠税",
        },
    )
    rec = CreditRecord.objects.get()
    assert response.url == f"/licensing/credit-office/records/{rec.pk}/"
    clerk.post(response.url, {"action": "confirm"})
    assert "双人复核" in clerk.get(response.url).content.decode()
    assert CreditRecord.objects.get().status == "proposed"
    login_client("xinyong_head").post(response.url, {"action": "confirm"})
    assert CreditRecord.objects.get().status == "active"
    assert not credit.eligibility("91420704MA4A8Y2Q18", D(2026, 6, 15)).eligible


def test_oversight_figures_and_extract(login_client: Any, configured: dict[str, Any]) -> None:
    users = configured
    clerk, ent = users["shenpi_clerk"], users["enterprise"]
    # A: on the spot 05-04; both materials handed in before their days and conforming; verified
    a = licensed_food(users, D(2026, 5, 4))
    for code in ("layout_plan", "health_certificates"):
        supervision.submit_material(
            a, actor=ent, code=code, upload=("x.pdf", b"%PDF-1.4 x"), on=D(2026, 5, 6)
        )
        supervision.review_material(a, actor=clerk, code=code, conforming=True, on=D(2026, 5, 7))
    supervision.verify(a, actor=clerk, result="true", on=D(2026, 5, 8))
    # B: by post, received 05-04, decided 05-05 (not on the spot); nothing handed in; ordered to rectify
    b = file_food(users, D(2026, 5, 4))
    applications.sign(
        b,
        actor=clerk,
        data=commitment_data(D(2026, 5, 4), delivery="post", received_on=D(2026, 5, 4)),
        on=D(2026, 5, 4),
        files=FILES,
    )
    applications.decide(b, actor=clerk, on=D(2026, 5, 5))
    applications.deliver(b, actor=clerk, on=D(2026, 5, 5))
    supervision.order(b, actor=clerk, grounds="materials", matters="补交材料", on=D(2026, 6, 10))
    # C: general procedure, decided; D: notified, not yet decided
    c = file_food(users, D(2026, 5, 4), route="general", facets={"food_business_scope": "仅销售预包装食品"})
    applications.decide_general(c, actor=clerk, on=D(2026, 5, 6))
    file_food(users, D(2026, 6, 15))
    rows = oversight.table(D(2026, 6, 15), ("item",)).rows()
    # applications 4; through the commitment route 3 → 3/4 = 75.0%; decided commitment cases 2 (A, B);
    # on the spot 1/2 = 50.0%; materials due and passed for A and B, on time for A → 50.0%; verified 1/2 = 50.0%
    assert rows == [
        {
            "item": "b1-20",
            "applications": 4,
            "commitment": 3,
            "decided_commitment": 2,
            "on_the_spot": 1,
            "materials_expected": 2,
            "materials_on_time": 1,
            "verified": 1,
            "rectifications": 1,
            "revocations": 0,
            "commitment_share": "75.0%",
            "on_the_spot_rate": "50.0%",
            "materials_on_time_rate": "50.0%",
            "verification_coverage": "50.0%",
        }
    ]
    head = login_client("shenpi_head")
    page = head.get("/licensing/oversight/?by=department").content.decode()
    assert "行政审批局" in page and "75.0%" in page and "chart" in page
    xlsx = head.get("/licensing/oversight/export/?by=item")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in ws[1]][:3] == ["事项", "申请数", "告知承诺制办理数"]
    assert ws["A2"].value.startswith("20. 食品经营许可") and ws["A2"].number_format == "@"
    assert [c.value for c in ws[2]][-4:] == ["75.0%", "50.0%", "50.0%", "50.0%"]
    assert login_client("enterprise").get("/licensing/oversight/").status_code == 403


def test_apply_form_keeps_the_answers(login_client: Any, configured: dict[str, Any]) -> None:
    ent = login_client("enterprise")
    html = ent.post(
        "/licensing/apply/b1-20/", {"f_food_business_scope": "不限于预包装食品", "route": "", "level": "city"}
    ).content.decode()
    assert "可以选择告知承诺制" in html
    assert 'value="不限于预包装食品" checked' in html and 'value="仅销售预包装食品" checked' not in html
