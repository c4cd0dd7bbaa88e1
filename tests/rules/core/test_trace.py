from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import numpy as np

from ezhou_rules.core.citations import Citation
from ezhou_rules.core.trace import NO_TRACE, Trace

DOC = "鄂州政办发〔2022〕34号"


def test_steps_and_explanation() -> None:
    t = Trace()
    t.step("deductible", f"{DOC} 第十一条第（一）项", {"class": 3}, 300000, "三类救助对象起付标准为3000元。")
    t.step("note", None, {}, None, "无需依据的说明。")
    assert len(t) == 2 and bool(t)
    assert t.steps[0].citation == Citation(DOC, article=11, item=1)
    assert t.explain() == (
        f"1. 三类救助对象起付标准为3000元。（依据：{DOC} 第十一条第（一）项）\n2. 无需依据的说明。"
    )
    first = t.to_list()[0]
    assert first["anchor"] == "art11-item1" and first["document"] == DOC and first["result"] == 300000
    assert t.to_list()[1]["citation"] is None


def test_inputs_are_copied() -> None:
    t = Trace()
    inputs = {"a": 1}
    t.step("r", None, inputs, 1, "x")
    inputs["a"] = 2
    assert t.steps[0].inputs == {"a": 1}


def test_json_with_numpy_dates_fractions_decimals() -> None:
    # Fixed bug: numpy datetime64 (scalar or array), Fraction and Decimal made to_json raise TypeError.
    t = Trace()
    t.step(
        "r",
        Citation(DOC, article=5),
        {
            "amounts": np.array([1, 2], dtype=np.int64),
            "n": np.int64(7),
            "day": np.datetime64("2024-01-02"),
            "days": np.array(["2024-01-02"], dtype="datetime64[D]"),
            "ratio": Fraction(13, 20),
            "yuan": Decimal("1234.56"),
            "date": dt.date(2024, 1, 2),
            "nested": {"t": (1, Fraction(1, 2))},
        },
        np.bool_(True),
        "说明",
    )
    data = json.loads(t.to_json())
    assert data[0]["inputs"] == {
        "amounts": [1, 2],
        "n": 7,
        "day": "2024-01-02",
        "days": ["2024-01-02"],
        "ratio": "13/20",
        "yuan": "1234.56",
        "date": "2024-01-02",
        "nested": {"t": [1, "1/2"]},
    }
    assert data[0]["result"] is True
    assert data[0]["citation"] == f"{DOC} 第五条"


def test_no_trace_records_nothing() -> None:
    NO_TRACE.step("r", f"{DOC} 第五条", {"a": 1}, 1, "x")
    assert len(NO_TRACE) == 0 and not NO_TRACE
    disabled = Trace(enabled=False)
    disabled.step("r", None, {}, 1, "x")
    assert len(disabled) == 0 and disabled.to_json() == "[]"
