"""第十四条: the monthly double early warning and who sees it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ezhou_platform.common.models import Department
from ezhou_platform.common.parameters import enter_value
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.models import WarningEntry
from ezhou_rules.medical_assistance.parameters_tree import parameters

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/medical-assistance/settlements"


def settle(client: Any, person: Any, cid: str, self_pay: int, day: str, oop: int = 0) -> None:
    body = claim_payload(
        person, cid, self_pay, settle_date=day, total_cost=self_pay + oop, out_of_policy_cost=oop
    )
    assert client.post(URL, json.dumps(body), content_type="application/json").status_code == 201


def test_two_lists_with_changes(login_client: Any, make_person: Any, clerk: Any) -> None:
    # rural income 2023 = 20000 → return-to-poverty line 10000 (50%), into-poverty line 20000 (100%)
    enter_value(
        parameters(),
        "income.rural_per_capita_disposable",
        dt.date(2023, 1, 1),
        2_000_000,
        source="测试数据",
        actor=clerk,
    )
    c = login_client("yibao_clerk")
    marginal = make_person("low_income_marginal", serial=1)  # class 3, no application: nothing paid
    ordinary = make_person(None, serial=2)
    stable = make_person("stable_lifted", serial=3)
    settle(c, marginal, "M-1", 800_000, "2024-01-10", oop=300_000)  # self-borne 11000 > 10000
    settle(c, ordinary, "O-1", 1_500_000, "2024-01-15")  # 15000 < 20000
    settle(c, stable, "S-1", 1_000_000, "2024-01-20")  # exactly 10000: not above
    jan = services.run_warnings(2024, 1, acting_user=clerk)
    assert {(e.person_id, e.list, e.change) for e in jan.entries.all()} == {(marginal.pk, "return", "new")}
    settle(c, ordinary, "O-2", 600_000, "2024-02-03")  # 21000 > 20000
    settle(c, stable, "S-2", 1, "2024-02-04")  # 10000.01 > 10000
    feb = services.run_warnings(2024, 2, acting_user=clerk)
    got = {(e.person_id, e.list, e.change, e.self_borne) for e in feb.entries.all()}
    assert got == {
        (marginal.pk, "return", "continuing", 1_100_000),
        (ordinary.pk, "into", "new", 2_100_000),
        (stable.pk, "return", "new", 1_000_001),
    }
    with pytest.raises(services.ApiError):
        services.run_warnings(2024, 2, acting_user=clerk)  # once a month


def test_aid_paid_is_not_self_borne(login_client: Any, make_person: Any, clerk: Any) -> None:
    enter_value(
        parameters(),
        "income.rural_per_capita_disposable",
        dt.date(2023, 1, 1),
        2_000_000,
        source="测试数据",
        actor=clerk,
    )
    person = make_person("minimum_living")  # class 2: 70% paid back
    # 20000 × 70% = 14000 paid; 6000 self-borne. Then 30000 more: cap leaves 6000 → 24000 self-borne
    settle(login_client("yibao_clerk"), person, "A-1", 2_000_000, "2024-01-10")
    assert services.self_borne_by_person(2024, dt.date(2024, 1, 31))[person.pk] == 600_000
    settle(login_client("yibao_clerk"), person, "A-2", 3_000_000, "2024-01-11")
    assert services.self_borne_by_person(2024, dt.date(2024, 1, 31))[person.pk] == 3_000_000
    run = services.run_warnings(2024, 1, acting_user=clerk)
    assert not WarningEntry.objects.filter(run=run).exists()  # class 2 is on neither list


def test_missing_rural_income_is_named(clerk: Any, demo_users: Any) -> None:
    with pytest.raises(services.ApiError, match="rural_per_capita_disposable"):
        services.run_warnings(2024, 1, acting_user=clerk)


def test_who_sees_the_lists(login_client: Any, make_person: Any, clerk: Any) -> None:
    enter_value(
        parameters(),
        "income.rural_per_capita_disposable",
        dt.date(2023, 1, 1),
        2_000_000,
        source="测试数据",
        actor=clerk,
    )
    person = make_person("low_income_marginal")
    settle(login_client("yibao_clerk"), person, "W-1", 1_200_000, "2024-01-10")
    r = login_client("yibao_clerk").post("/medical-assistance/warnings/", {"month": "2024-01"})
    assert r.status_code == 302
    for user, url in (
        ("minzheng_clerk", "/medical-assistance/warnings/civil-affairs/"),
        ("xiangcun_clerk", "/medical-assistance/warnings/rural-revitalization/"),
        ("yibao_clerk", "/medical-assistance/warnings/"),
    ):
        page = login_client(user).get(url)
        assert page.status_code == 200, user
        text = page.content.decode()
        assert person.masked_id in text and person.resident_id not in text and "因病返贫预警" in text
    # 民政 sees its list, not the settlements; others see neither
    assert login_client("minzheng_clerk").get("/medical-assistance/settlements/").status_code == 403
    assert (
        login_client("minzheng_clerk").get("/medical-assistance/warnings/rural-revitalization/").status_code
        == 403
    )
    assert login_client("shuiwu_clerk").get("/medical-assistance/warnings/civil-affairs/").status_code == 403
    assert (
        login_client("auditor").post("/medical-assistance/warnings/", {"month": "2024-02"}).status_code == 403
    )


def test_warn_command_writes_excel_with_ids_as_text(
    login_client: Any, make_person: Any, clerk: Any, tmp_path: Any
) -> None:
    from django.core.management import call_command
    from openpyxl import load_workbook

    enter_value(
        parameters(),
        "income.rural_per_capita_disposable",
        dt.date(2023, 1, 1),
        2_000_000,
        source="测试数据",
        actor=clerk,
    )
    person = make_person("low_income_marginal")
    settle(login_client("yibao_clerk"), person, "X-1", 1_200_000, "2024-03-10")
    out = tmp_path / "w.xlsx"
    call_command("medical_assistance", "warn", "--month", "2024-03", "-o", str(out))
    book = load_workbook(out)
    sheet = book["因病返贫预警"]
    cell = sheet.cell(row=2, column=1)
    assert cell.value == person.resident_id and isinstance(cell.value, str) and cell.number_format == "@"
    assert sheet.cell(row=2, column=4).value == "12000.00"
    assert book["因病致贫预警"].max_row == 1


def test_recipients_with_a_second_watched_identity_are_not_listed(
    login_client: Any, make_person: Any, clerk: Any
) -> None:
    # M13: a 低保 person (class 2) who is also 低保边缘 or 稳定脱贫 is a recipient, on neither list; before, the
    # second identity put them on the 因病返贫 list. A 低保边缘 person with the same costs is listed.
    enter_value(
        parameters(),
        "income.rural_per_capita_disposable",
        dt.date(2023, 1, 1),
        2_000_000,
        source="测试数据",
        actor=clerk,
    )
    c = login_client("yibao_clerk")
    both = make_person("minimum_living", serial=1)
    services.record_identity(
        both,
        kind="stable_lifted",
        source_department=Department.objects.get(code="rural_revitalization"),
        valid_from=dt.date(2024, 1, 1),
        evidence="测试",
        acting_user=clerk,
    )
    marginal = make_person("low_income_marginal", serial=2)
    # 低保: 50,000 × 70% = 35,000 → the cap 20,000; self-borne 30,000 > 10,000; 低保边缘 (no application): 50,000
    settle(c, both, "B-1", 5_000_000, "2024-01-10")
    settle(c, marginal, "M-1", 5_000_000, "2024-01-10")
    run = services.run_warnings(2024, 1, acting_user=clerk)
    assert {(e.person_id, e.list) for e in run.entries.all()} == {(marginal.pk, "return")}
