"""The credit bar of 二（一）2 with and without repair, the configured policy, and the credit export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.licensing.credit import (
    EXPORT_FIELDS,
    CreditKind,
    CreditPolicy,
    CreditRecord,
    commitment_eligibility,
    export_csv,
    export_json,
    record_from_dict,
)
from ezhou_rules.licensing.errors import LicensingError, NotConfigured

USCC = "91420700MA4F123458"  # not a real company; passes the GB 32100 check
POLICY = CreditPolicy(
    dt.date(2022, 9, 29),
    frozenset({"严重失信主体名单"}),
    frozenset({CreditKind.COMMITMENT_BROKEN}),
    "测试配置",
)


def rec(kind, recorded, repaired=None, category="", rid="R1"):
    return CreditRecord(
        rid,
        USCC,
        "测试食品有限公司",
        kind,
        recorded,
        "市市场监督管理局",
        category=category,
        repaired_on=repaired,
    )


def test_no_records_no_policy_needed():
    e = commitment_eligibility([], dt.date(2023, 3, 1))
    assert e.eligible and "可以自主选择告知承诺制" in e.reason


def test_false_commitment_bars_until_repaired():
    r = rec(CreditKind.COMMITMENT_UNTRUE, dt.date(2023, 3, 1), repaired=dt.date(2023, 6, 1))
    assert commitment_eligibility([r], dt.date(2023, 2, 28)).eligible  # not yet recorded
    barred = commitment_eligibility([r], dt.date(2023, 3, 1))  # recorded that day
    assert not barred.eligible and barred.barring == (r,)
    assert "承诺不实（虚假承诺）" in barred.reason and "信用修复前不适用告知承诺制" in barred.reason
    assert not commitment_eligibility([r], dt.date(2023, 5, 31)).eligible
    repaired = commitment_eligibility([r], dt.date(2023, 6, 1))  # the repair day itself is free
    assert repaired.eligible and "2023年6月1日修复" in repaired.reason
    never = rec(CreditKind.COMMITMENT_UNTRUE, dt.date(2023, 3, 1))
    assert not commitment_eligibility([never], dt.date(2030, 1, 1)).eligible


def test_serious_is_configuration():
    serious = rec(CreditKind.BAD_CREDIT, dt.date(2023, 1, 1), category="严重失信主体名单")
    minor = rec(CreditKind.BAD_CREDIT, dt.date(2023, 1, 1), category="经营异常名录", rid="R2")
    with pytest.raises(NotConfigured) as e:
        commitment_eligibility([minor], dt.date(2023, 3, 1))
    assert e.value.code == "credit_policy_not_configured" and "较严重的不良信用记录" in e.value.message
    assert not commitment_eligibility([serious], dt.date(2023, 3, 1), [POLICY]).eligible
    ok = commitment_eligibility([minor], dt.date(2023, 3, 1), [POLICY])
    assert ok.eligible and "经营异常名录" in ok.reason and "测试配置" in ok.reason
    broken = rec(CreditKind.COMMITMENT_BROKEN, dt.date(2023, 1, 1), rid="R3")
    assert not commitment_eligibility([broken], dt.date(2023, 3, 1), [POLICY]).eligible
    late = rec(CreditKind.MATERIALS_LATE, dt.date(2023, 1, 1), rid="R4")
    assert commitment_eligibility([late], dt.date(2023, 3, 1), [POLICY]).eligible
    # a commitment itself is published but never adverse: no policy needed
    assert commitment_eligibility(
        [rec(CreditKind.COMMITMENT, dt.date(2023, 1, 1))], dt.date(2023, 3, 1)
    ).eligible


def test_bad_records():
    good = {
        "record_id": "R1",
        "subject_uscc": USCC,
        "kind": "bad_credit",
        "category": "严重失信主体名单",
        "recorded_on": "2023-01-01",
        "authority": "市市场监督管理局",
    }
    assert record_from_dict(good).category == "严重失信主体名单"
    for change, field in (
        ({"kind": "bad"}, "kind"),
        ({"category": ""}, "category"),
        ({"recorded_on": "2023-02-30"}, "recorded_on"),
        ({"repaired_on": "2022-12-31"}, "repaired_on"),
        ({"subject_uscc": ""}, "subject_uscc"),
    ):
        with pytest.raises(LicensingError) as e:
            record_from_dict({**good, **change})
        assert e.value.field == field
    other = CreditRecord("R9", "91420700MA4F12345X", "别家", CreditKind.COMMITMENT, dt.date(2023, 1, 1), "x")
    with pytest.raises(LicensingError) as e:
        commitment_eligibility([rec(CreditKind.COMMITMENT, dt.date(2023, 1, 1)), other], dt.date(2023, 3, 1))
    assert e.value.code == "records_mixed"


@settings(max_examples=200, deadline=None)
@given(
    recorded=st.dates(dt.date(2022, 10, 1), dt.date(2026, 12, 31)),
    gap=st.integers(0, 800) | st.none(),
    probe=st.dates(dt.date(2022, 10, 1), dt.date(2028, 12, 31)),
)
def test_bar_holds_exactly_from_record_to_repair(recorded, gap, probe):
    repaired = None if gap is None else recorded + dt.timedelta(days=gap)
    r = rec(CreditKind.COMMITMENT_UNTRUE, recorded, repaired)
    barred = recorded <= probe and (repaired is None or probe < repaired)
    assert commitment_eligibility([r], probe).eligible is not barred


def test_export_csv_and_json():
    records = [
        rec(CreditKind.COMMITMENT_UNTRUE, dt.date(2023, 3, 1), repaired=dt.date(2023, 6, 1)),
        rec(CreditKind.MATERIALS_LATE, dt.date(2023, 4, 1), rid="R2"),
    ]
    text = export_csv(records, dt.date(2023, 5, 1))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [h for _, h, _ in EXPORT_FIELDS]
    first = dict(zip(rows[0], rows[1], strict=True))
    # on 2023-05-01 the repair (2023-06-01) lies ahead: still 有效, no repair shown
    assert (first["记录类型"], first["状态"], first["修复日期"]) == ("承诺不实（虚假承诺）", "有效", "")
    data = json.loads(export_json(records, dt.date(2023, 7, 1), source="鄂州市政策平台"))
    assert data["format"] == "ezhou-licensing-credit/1" and data["as_of"] == "2023-07-01"
    assert data["records"][0]["status"] == "已修复" and data["records"][0]["repaired_on"] == "2023-06-01"
    assert data["records"][1]["basis"] == "鄂州政办发〔2022〕27号 第二部分 三（四）"
    bad = CreditRecord("R5", "91420700MA4F123450", "x", CreditKind.COMMITMENT, dt.date(2023, 1, 1), "x")
    with pytest.raises(LicensingError) as e:
        export_csv([bad], dt.date(2023, 1, 2))
    assert e.value.code == "uscc_invalid" and "R5" in e.value.message


def test_policy_from_configuration():
    from ezhou_rules.licensing.credit import policy_from_dict

    p = policy_from_dict(
        {
            "valid_from": "2022-09-29",
            "serious_categories": ["严重失信主体名单"],
            "other_barring_kinds": ["commitment_broken"],
            "source": "测试配置",
        }
    )
    assert p == POLICY
    for change, field in (
        ({"other_barring_kinds": ["commitment"]}, "other_barring_kinds"),
        ({"other_barring_kinds": ["x"]}, "other_barring_kinds"),
        ({"source": ""}, "source"),
        ({"valid_from": "x"}, "valid_from"),
    ):
        with pytest.raises(LicensingError) as e:
            policy_from_dict({"valid_from": "2022-09-29", "source": "s", **change})
        assert e.value.field == field
