"""The numbered documents of the rental-housing procedures (P16): who issues them, their numbers, the article
and the 救济途径 each carries; and the PDFs people download — the contract, the rent statement, a calculator's
result — to those who may see them only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.procedures.engine import case_of
from ezhou_platform.procedures.models import Document
from ezhou_platform.rental_housing import services

from .conftest import SHANGHAI, add_units, qualified, submit

pytestmark = pytest.mark.django_db
D = dt.date


def _doc(record: Any, kind: str) -> Document:
    case = case_of(record)
    assert case is not None
    return case.documents.get(kind=f"rental_housing.{kind}")


def test_operator_notices_and_their_routes(housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    when = dt.datetime(2024, 3, 1, 9, tzinfo=SHANGHAI)
    refused = services.review_reject(
        submit(p, clerk, 1, when), acting_user=clerk, reason="住房状况证明不实", on=D(2024, 3, 4)
    )
    notice = _doc(refused, "review_refusal")
    # the operator's notice, numbered by the platform, with the route of 第二十七条 (not 行政复议: P16)
    assert notice.number == "鄂州保租审〔2024〕1号"
    assert "测试住房租赁运营公司" in notice.html and "经鄂州市保障性住房监管服务平台出具" in notice.html
    assert "住房状况证明不实" in notice.html and "第十四条第（二）项" in notice.html
    assert "第二十七条" in notice.remedy and "行政复议" not in notice.html
    assert bytes(notice.pdf).startswith(b"%PDF")
    # a qualification: a favourable notice, no route; numbers of another kind start at 1
    (ok,) = qualified(p, clerk, 1, start=2)
    qualification = _doc(ok, "qualification")
    assert qualification.number == "鄂州保租资〔2023〕1号" and qualification.remedy == ""
    assert "取得承租资格" in qualification.html and "2023年3月10日" in qualification.html
    # a second refusal the same year is number 2
    again = services.review_reject(submit(p, clerk, 3, when), acting_user=clerk, reason="x", on=D(2024, 3, 5))
    assert _doc(again, "review_refusal").number == "鄂州保租审〔2024〕2号"


def test_termination_for_a_breach_carries_the_civil_route(housing: dict[str, Any]) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    alloc = services.choose_unit(a, acting_user=clerk, on=D(2024, 2, 1)).allocation
    c = services.sign_contract(
        alloc,
        acting_user=clerk,
        number="HT-D1",
        start_date=D(2024, 3, 1),
        end_date=D(2025, 2, 28),
        payment_period_months=3,
        deposit_fen=0,
        originals_checked=True,
        on=D(2024, 2, 20),
    )
    services.file_contract(c, acting_user=clerk, on=D(2024, 3, 2))
    filing = _doc(c, "contract_filing")
    assert (
        filing.number == "鄂州保租备〔2024〕1号"
        and "住房和城乡建设局" in filing.html
        and "HT-D1" in filing.html
    )
    services.terminate_contract(
        c, acting_user=clerk, reason="sublet", on=D(2024, 9, 30), record_text="转租他人", move_out_months=1
    )
    notice = _doc(c, "exit_notice")
    assert "第五百六十五条" in notice.remedy and "解除" in notice.html and "2024年10月31日" in notice.html
    c.refresh_from_db()
    assert c.move_out_due == D(2024, 10, 31)
    services.record_vacated(c, acting_user=clerk, vacated_on=D(2024, 11, 4), market_rent_fen=150000)
    settlement = _doc(c, "exit_settlement")
    assert "1,200.00元" in settlement.html and settlement.remedy == ""


def test_pdfs_of_contracts_statements_and_calculators(login_client: Any, demo: None) -> None:
    from ezhou_platform.rental_housing.models import Contract

    contract = Contract.objects.get(allocation__application__name="赵磊")
    tenant = login_client("zuke_zuhu")
    for name in ("contract", "statement"):
        r = tenant.get(f"/rental-housing/contracts/{contract.pk}/{name}.pdf")
        assert (
            r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
        )
        assert r["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert (
        login_client("citizen").get(f"/rental-housing/contracts/{contract.pk}/contract.pdf").status_code
        == 404
    )
    assert (
        login_client("zhujian_clerk")
        .get(f"/rental-housing/contracts/{contract.pk}/statement.pdf")
        .status_code
        == 200
    )
    assert (
        login_client("yibao_clerk").get(f"/rental-housing/contracts/{contract.pk}/contract.pdf").status_code
        == 403
    )
    # a calculator: the result on the page, and the same inputs posted again as a PDF
    form = {
        "exit_date": "2022-11-30",
        "move_out_months": "3",
        "vacated_date": "2023-03-31",
        "contract_rent_yuan": "1000",
        "market_rent_yuan": "1500",
    }
    page = login_client("citizen").post("/rental-housing/calculators/exit-rent/", form).content.decode()
    assert "退出期间应缴租金 4,500.00元" in page and 'name="pdf" value="1"' in page
    r = login_client("citizen").post("/rental-housing/calculators/exit-rent/", {**form, "pdf": "1"})
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    # a refused input is named by its label and gives no PDF
    r = login_client("citizen").post(
        "/rental-housing/calculators/exit-rent/", {**form, "vacated_date": "2022-11-01", "pdf": "1"}
    )
    assert r["Content-Type"].startswith("text/html") and "腾退日期" in r.content.decode()
