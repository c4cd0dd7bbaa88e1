"""Imported tables validated row by row; one case end to end (the calculate API and the public self-check);
what-if over a year's awards with totals by measure and payer."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ezhou_rules.subsidies.calculate import calculate, self_check
from ezhou_rules.subsidies.errors import InvalidRows, SubsidyError
from ezhou_rules.subsidies.fields import parse_rows
from ezhou_rules.subsidies.imports import ezhou_dealers, validate_import
from ezhou_rules.subsidies.interest import LOAN_FIELDS
from ezhou_rules.subsidies.stores import STORE_FIELDS
from ezhou_rules.subsidies.whatif import Batch, what_if

from .conftest import ON, resident_id, usccs, vin

E1, E2, E3 = usccs(3)


def loan_row(contract: str, **more: object) -> dict[str, object]:
    return {
        "贷款银行": "ABC-EZ",
        "贷款合同编号": contract,
        "借款人证件号码": E1,
        "借款人类型": "微型企业",
        "贷款本金（元）": 500000.0,
        "发放日期": dt.datetime(2022, 9, 1),
        "到期或结清日期": "2023/9/1",
        "首贷户贷款": "是",
        "纾困基金贷款": "否",
        "货币政策工具": "",
        "所属行业": "零售",
        **more,
    }


def test_bank_loan_report_rows(tree):
    rows = [
        loan_row("K1"),
        loan_row("K2", **{"贷款本金（元）": "-5"}),
        loan_row("K3", **{"到期或结清日期": "2022-08-01"}),
        loan_row("K4", **{"纾困基金贷款": "是", "发放日期": "2022-07-15"}),
        loan_row("K1"),
        loan_row("K6", **{"借款人证件号码": "91420700MA4F12345X"}),
        loan_row("K7", **{"首贷户贷款": "也许"}),
    ]
    result = validate_import("bank_loans", rows, on=ON, params=tree)
    errors = {(e.row, e.code) for e in result.errors}
    assert errors == {
        (3, "negative_amount"),
        (4, "loan_dates_inverted"),
        (5, "loan_outside_window"),
        (6, "duplicate_row"),
        (7, "subject_id_invalid"),
        (8, "bool_invalid"),
    }
    assert list(result.valid) == [True, False, False, False, False, False, False]
    assert result.keys[0] == ("ABC-EZ", "K1")
    window = next(e for e in result.errors if e.code == "loan_outside_window")
    assert "按第二条报送" in window.message and "2022年8月1日至2022年12月31日" in window.message
    assert result.error_rows()[0] == {
        "row": 3,
        "field": "principal",
        "label": "贷款本金（元）",
        "code": "negative_amount",
        "message": "“贷款本金（元）”不能为负数，收到“-5”。",
        "value": "-5",
    }
    assert int(result.columns["principal"][0]) == 50_000_000  # an Excel float 500000.0 is 500,000.00 yuan


def test_a_float_with_more_than_two_decimals_is_refused():
    parsed = parse_rows(LOAN_FIELDS[4:5], [{"principal": 0.105}, {"principal": 1e20}])
    assert [e.code for e in parsed.errors] == ["money_too_many_decimals", "money_invalid_format"]


def test_freight_list_with_rankings_and_dealers(tree):
    freight = validate_import(
        "freight",
        [
            {
                "enterprise_id": E1,
                "name": "甲物流",
                "established_in_ezhou": "是",
                "in_designated_list": "是",
                "turnover_rank": 12,
                "growth_rank": "",
                "year": 2022,
            },
            {
                "enterprise_id": E2,
                "name": "乙物流",
                "established_in_ezhou": "是",
                "in_designated_list": "是",
                "turnover_rank": 12,
                "growth_rank": 3,
                "year": 2022,
            },
        ],
        on=ON,
        params=tree,
    )
    assert [(e.row, e.code) for e in freight.errors] == [(3, "rank_duplicated")]
    assert "已在第2行给出" in freight.errors[0].message
    dealers = validate_import(
        "dealers",
        [
            {"dealer_code": "EZ-1", "name": "鄂州某4S店", "dealer_id": E1, "city": "鄂州市", "listed": "是"},
            {"dealer_code": "WH-1", "name": "武汉某4S店", "dealer_id": E2, "city": "武汉市", "listed": "是"},
            {"dealer_code": "EZ-2", "name": "鄂州另一店", "dealer_id": E3, "city": "鄂州市", "listed": "否"},
        ],
        on=ON,
        params=tree,
    )
    assert ezhou_dealers(dealers) == {"EZ-1"}
    above = validate_import(
        "above_limit",
        [
            {
                "unit_id": E1,
                "name": "丙超市",
                "unit_kind": "法人企业",
                "trade": "零售",
                "first_entry": "是",
                "entered_on": "2022-03-01",
                "territory": "鄂城",
                "continuously_in_database": "是",
                "in_database": "是",
                "central_soe": "否",
                "year": 2022,
                "retail_sales": "30000000",
                "retail_sales_last_year": "20000000",
            },
        ],
        on=ON,
        params=tree,
    )
    assert [e.code for e in above.errors] == ["territory_unknown"]


def car_facts(**more: object) -> dict[str, object]:
    person = resident_id(5)
    return {
        "applicant_id": person,
        "old_owner_id": person,
        "old_plate": "鄂G88888",
        "old_vin": vin(10),
        "disposal": "transfer",
        "disposed_on": "2022-12-01",
        "new_vin": vin(11),
        "energy": "fuel",
        "dealer_code": "EZ-1",
        "purchased_on": "2022-12-02",
        "new_plate": "鄂G66666",
        **more,
    }


def test_calculate_one_case_with_prior_awards(tree):
    result = calculate(12, car_facts(), on=ON, params=tree, context={"dealers": {"EZ-1"}})
    assert result.awardable and result.amount_fen == 200_000 and result.payer == "市级财政"
    assert result.keys == [(f"m12.person|{resident_id(5)}", 1), (f"m12.vin|{vin(11)}", 1)]
    body = result.to_dict()
    assert body["trace"][-1]["explanation"].startswith("经核对台账") and body["trace"][0]["anchor"] == "sec12"
    prior = [
        {
            "award_id": "A-77",
            "component": "m12",
            "subject": "X",
            "object": vin(11),
            "year": 2022,
            "amount_fen": 500_000,
        }
    ]
    again = calculate(
        "m12", car_facts(), on=ON, params=tree, context={"dealers": {"EZ-1"}}, prior_awards=prior
    )
    assert again.eligible and not again.awardable and again.amount_fen == 0
    assert again.reasons[-1].code == "duplicate_award" and "A-77" in again.reasons[-1].text


def test_self_check_says_why_not(tree):
    result = self_check(
        12,
        car_facts(old_plate="豫A12345", dealer_code="WH-1"),
        on=ON,
        params=tree,
        context={"dealers": {"EZ-1"}},
    )
    assert not result.eligible
    assert [(r.code, r.citation) for r in result.reasons] == [
        ("old_plate_not_hubei", "鄂州政办发〔2022〕32号 十二"),
        ("dealer_not_listed", "鄂州政办发〔2022〕32号 十二"),
    ]
    with pytest.raises(InvalidRows) as err:
        self_check(
            12,
            {**car_facts(), "colour": "red", "new_vin": "123"},
            on=ON,
            params=tree,
            context={"dealers": set()},
        )
    assert {e.code for e in err.value.errors} == {"vin_length", "unknown_field"}
    with pytest.raises(SubsidyError) as missing:
        self_check(12, car_facts(), on=ON, params=tree)
    assert missing.value.code == "dealer_list_required"
    with pytest.raises(SubsidyError) as tracked:
        self_check(17, {}, on=ON, params=tree)
    assert tracked.value.code == "measure_not_computed" and "市发改委、市财政局" in tracked.value.message


def store_row(carrier: str, store: str, territory: str, decided: str) -> dict[str, object]:
    return {
        "carrier_id": carrier,
        "store_id": store,
        "brand": "品牌",
        "store_class": "global_first",
        "catering": "否",
        "opened_on": "2022-10-01",
        "agreement_months": 36,
        "tax_in_ezhou": "是",
        "main_revenue": "3000000",
        "revenue_months": 3,
        "territory": territory,
        "decided_amount": decided,
        "decision_reason": "全球首店",
    }


def test_what_if_totals_by_measure_and_payer(tree):
    loans = parse_rows(
        LOAN_FIELDS, [loan_row(f"K{i}", **{"贷款本金（元）": "360000"}) for i in range(3)]
    ).columns
    stores = parse_rows(
        STORE_FIELDS,
        [
            store_row(E1, "S1", "鄂城区", "1000000"),
            store_row(E1, "S2", "鄂城区", "900000"),
            store_row(E2, "S3", "华容区", "800000"),
        ],
    ).columns
    batches = [
        Batch("m01", loans, np.array(["L0", "L1", "L2"], dtype=object), np.arange(3)),
        Batch("m05.store", stores, np.array(["S1", "S2", "S3"], dtype=object), np.arange(3, 6)),
    ]
    result = what_if(batches, tree, {"m01.rate": "1.5%", "m05.carrier_annual_cap": 150_000_000}, ON)
    rows = {(r["measure"], r["payer"]): r for r in result.rows}
    # 360,000 × 1% × 365 ÷ 360 = 3,650.00 per loan → 10,950.00; at 1.5%: 5,475.00 → 16,425.00
    assert (
        rows[(1, "市级财政")]["baseline_fen"] == 1_095_000
        and rows[(1, "市级财政")]["scenario_fen"] == 1_642_500
    )
    # 鄂城区: 1,000,000 + 900,000 under the 2,000,000 cap; with a 1,500,000 cap the second store gets 500,000
    assert (
        rows[(5, "鄂城区")]["baseline_fen"] == 190_000_000
        and rows[(5, "鄂城区")]["scenario_fen"] == 150_000_000
    )
    assert rows[(5, "华容区")]["difference_fen"] == 0
    assert result.difference_fen == 547_500 - 40_000_000
    lowered = what_if(batches, tree, {"m05.store_ceiling.global_first": 85_000_000}, ON)
    assert lowered.scenario.clipped["m05.store"] == 2  # decisions above the new ceiling are paid the ceiling
    assert {(r["measure"], r["payer"]): r["scenario_fen"] for r in lowered.rows}[(5, "鄂城区")] == 170_000_000


def test_answers_are_plain_json(tree):
    import json

    from ezhou_rules.subsidies.catalogue import catalogue

    result = calculate(12, car_facts(), on=ON, params=tree, context={"dealers": {"EZ-1"}})
    assert json.loads(json.dumps(result.to_dict(), ensure_ascii=False))["amount_fen"] == 200_000
    assert json.loads(json.dumps(result.decision.row(0), ensure_ascii=False))["eligible"] is True
    measures = json.loads(json.dumps([m.to_dict() for m in catalogue(ON, tree)], ensure_ascii=False))
    assert len(measures) == 18 and measures[0]["parameters"]


def test_an_empty_batch_is_fine(tree):
    from ezhou_rules.subsidies.interest import interest_subsidies
    from ezhou_rules.subsidies.ledger import Awards, Candidates, check_batch

    empty = parse_rows(LOAN_FIELDS, []).columns
    assert len(interest_subsidies(np.array([], dtype=np.int64), empty, tree, ON)) == 0
    none = Candidates(
        *(np.array([], dtype=object),) * 4, np.array([]), np.array([]), np.array([]), np.array([])
    )
    assert len(check_batch(Awards.empty(), none, tree, ON).accepted) == 0
