"""The JSON-shaped functions the platform's endpoints call: one request and answer each, and refusals."""

from __future__ import annotations

import json

import pytest

from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.json_io import (
    coverage_answer,
    funding_floor_answer,
    phase_answer,
    progression_answer,
    task_state_answer,
    tasks_answer,
)


def roundtrip(answer):
    return json.loads(json.dumps(answer, ensure_ascii=False))


def test_tasks_by_slug_or_number():
    a = roundtrip(tasks_answer("vocational_education"))
    b = tasks_answer("鄂州政发〔2022〕15号")
    assert len(a["tasks"]) == 25 and a["tasks"][0]["citation"] == "鄂州政发〔2022〕15号 附件2 （一）"
    assert a["membership"]["tasks_without_seat"][0]["name"] == "市农业农村局"
    assert a["consistency"]["differences"] and b["document"] == a["document"]
    with pytest.raises(SupervisionError) as exc:
        tasks_answer("鄂州政发〔2099〕1号")
    assert exc.value.code == "unknown_plan"


def test_task_state():
    body = {
        "task": "vocational_education/25",
        "date": "2023-01-03",
        "reports": [{"kind": "completion", "date": "2023-01-03", "document_number": "鄂州教发〔2023〕1号"}],
    }
    off = roundtrip(task_state_answer(body))
    assert (off["state"], off["days"], off["roll_rest_days"]) == ("done_late", 3, False)
    on = task_state_answer({**body, "roll_rest_days": True}, calendar=default_calendar())
    assert (on["state"], on["due"], on["printed_due"]) == ("done_on_time", "2023-01-03", "2022-12-31")
    with pytest.raises(SupervisionError) as exc:
        task_state_answer({"task": "vocational_education/1"})
    assert (exc.value.code, exc.value.field) == ("field_missing", "查询日期")
    with pytest.raises(SupervisionError) as exc:
        task_state_answer(
            {**body, "reports": [{"kind": "completion", "date": "2022-01-01", "document_number": "x"}]}
        )
    assert exc.value.code == "completion_before_issue"


def test_funding_floor_in_yuan_or_fen():
    body = {
        "records": [
            {
                "school": "鄂州中专",
                "kind": "secondary",
                "ownership": "public",
                "year": 2023,
                "students": 100,
                "lines": [
                    {"kind": "appropriation", "amount": "799,999.99"},
                    {"kind": "tuition", "amount_fen": 5_000_000},
                ],
            }
        ]
    }
    (r,) = roundtrip(funding_floor_answer(body))["results"]
    # 100 × 8,000.00 = 800,000.00 required, 799,999.99 counted → short by 0.01 yuan = 1 fen
    assert (r["counted_fen"], r["shortfall_fen"], r["excluded_fen"], r["met"]) == (
        79_999_999,
        1,
        5_000_000,
        False,
    )
    body["records"][0]["lines"][0]["amount"] = "1.234"
    with pytest.raises(SupervisionError) as exc:
        funding_floor_answer(body)
    assert exc.value.code == "too_many_decimals" and exc.value.field == "经费金额"


def test_progression():
    rows = [{"school": "甲", "year": 2023, "graduates": 200, "progressed": 140, "to_bachelor": 20}]
    (r,) = roundtrip(progression_answer({"rows": rows}))["results"]
    assert r["met"] and r["progression_rate"] == "70.00%" and r["bachelor_rate"] == "10.00%"


def test_coverage_and_phase():
    jurisdictions = [
        {"code": "D1", "name": "甲区", "level": "district"},
        {"code": "T1", "name": "一镇", "level": "township", "parent": "D1"},
        {"code": "V1", "name": "一村", "level": "village", "parent": "T1"},
    ]
    sites = [
        {
            "id": "p1",
            "name": "一村网点",
            "level": "village",
            "jurisdiction": "V1",
            "operators": ["邮政", "中通"],
            "functions": ["揽收"],
            "history": [{"since": "2023-05-01", "state": "operating"}],
        }
    ]
    body = {
        "date": "2023-06-01",
        "jurisdictions": jurisdictions,
        "sites": sites,
        "series": {"start": "2023-01-01", "step": "month"},
    }
    a = roundtrip(coverage_answer(body))
    assert a["levels"]["village"]["covered"] == 1 and a["levels"]["village"]["coverage"] == "100.00%"
    assert a["levels"]["village"]["count_met"] is False  # 1 < 316
    assert len(a["warnings"]) == 3  # 1 district, 1 township, 1 village loaded instead of 3 / 21 / 316
    assert a["series"]["dates"][-1] == "2025-12-31" and a["series"]["levels"]["village"]["count"][3] == 0
    assert a["function_gaps"][0]["missing"] == ["投递"]
    assert a["tree"]["children"][0]["children"][0]["children"][0]["covered"] is True
    sites[0]["jurisdiction"] = "V9"
    with pytest.raises(SupervisionError) as exc:
        coverage_answer(body)
    assert exc.value.code == "site_outside_jurisdictions"
    p = roundtrip(phase_answer("2022-09-15"))
    assert [x["number"] for x in p["phases"]] == [1, 2] and p["current"]["number"] == 1
    with pytest.raises(SupervisionError) as exc:
        phase_answer("2022-09-31")
    assert exc.value.code == "invalid_date"
