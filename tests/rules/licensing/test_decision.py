"""当场作出决定 (三（二）) and when operation is permitted (三（三）)."""

from __future__ import annotations

import datetime as dt

import pytest

from ezhou_rules.licensing.coverage import coverage
from ezhou_rules.licensing.credit import Eligibility
from ezhou_rules.licensing.decision import on_the_spot, operation_permitted
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.notification import Commitment, Delivery, Qualification, build_notification

ON = dt.date(2023, 3, 1)
OK = Eligibility(True, "无不良记录")


@pytest.fixture
def setup(catalogue, scheme, periods):
    item = catalogue.item("b1-20")
    notice = build_notification(item, scheme, periods, on=ON)
    commitment = Commitment(
        "b1-20",
        "TPL-2023-01",
        notice.sha256,
        frozenset({1, 2, 3, 4, 5}),
        Delivery.IN_PERSON,
        ON,
        Qualification.ALREADY,
        frozenset({"premises_area", "staff_health", "storage"}),
    )
    cov = coverage(item, {"food_business_scope": "不限于预包装食品"}, on=ON)
    return dict(coverage=cov, eligibility=OK, commitment=commitment, notification=notice, scheme=scheme)


def test_decided_on_the_spot(setup):
    d = on_the_spot(**setup, materials_submitted=["application_form", "commitment_letter"])
    assert d.decide_now and d.decision_date == ON and d.missing == ()
    assert "2023年3月1日当场作出" in d.explanation and "经营场所平面布局图" in d.explanation


def test_what_is_missing_is_listed_with_citations(setup, catalogue):
    from dataclasses import replace

    setup["commitment"] = replace(
        setup["commitment"], conditions=frozenset({"premises_area"}), confirmations=frozenset({1, 2, 3, 4})
    )
    setup["eligibility"] = Eligibility(False, "有未修复的虚假承诺记录")
    setup["coverage"] = coverage(catalogue.item("b1-20"), {"food_business_scope": "仅销售预包装食品"}, on=ON)
    d = on_the_spot(**setup, materials_submitted=["application_form"])
    assert not d.decide_now and d.decision_date is None
    codes = [m.code for m in d.missing]
    assert codes == [
        "not_covered",
        "credit_bar",
        "commitment_incomplete",
        "condition_not_committed",
        "condition_not_committed",
        "material_missing",
    ]
    assert "告知承诺书" in d.missing[-1].message
    assert d.missing[-1].citation == "鄂州政办发〔2022〕27号 第二部分 三（一）"
    with pytest.raises(LicensingError):
        on_the_spot(**setup, materials_submitted=["no_such_material"])


def test_operation_permitted():
    d = dt.date(2023, 3, 1)
    # already qualified: from the day the licence is received
    assert not operation_permitted(Qualification.ALREADY, on=d, delivered_on=None).permitted
    op = operation_permitted(Qualification.ALREADY, on=d, delivered_on=d)
    assert op.permitted and op.since == d
    # committed to qualify later: only from the day it proves the conditions
    assert not operation_permitted(Qualification.LATER, on=dt.date(2023, 3, 20), delivered_on=d).permitted
    assert not operation_permitted(
        Qualification.LATER, on=dt.date(2023, 3, 20), delivered_on=d, qualified_on=dt.date(2023, 3, 21)
    ).permitted
    op = operation_permitted(
        Qualification.LATER, on=dt.date(2023, 3, 21), delivered_on=d, qualified_on=dt.date(2023, 3, 21)
    )
    assert op.permitted and op.since == dt.date(2023, 3, 21) and "2023年3月21日" in op.reason
    # revoked: not from the day of revocation on
    assert operation_permitted(
        Qualification.ALREADY, on=dt.date(2023, 5, 31), delivered_on=d, revoked_on=dt.date(2023, 6, 1)
    ).permitted
    assert not operation_permitted(
        Qualification.ALREADY, on=dt.date(2023, 6, 1), delivered_on=d, revoked_on=dt.date(2023, 6, 1)
    ).permitted
