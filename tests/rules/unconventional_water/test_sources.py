"""第十三条 sources of reclaimed water (and 第三条/第十条 for rainwater facilities)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ezhou_rules.core.params import AdminValue
from ezhou_rules.core.trace import Trace
from ezhou_rules.unconventional_water import parameters
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.sources import check_source, check_sources

ON = dt.date(2024, 6, 1)


@pytest.mark.parametrize(
    ("kind", "meets", "industry", "status", "anchor"),
    [
        ("domestic_sewage", False, "", "allowed", "art13-item1"),
        ("wwtp_effluent", True, "", "allowed", "art13-item2"),
        ("wwtp_effluent", False, "", "refused", "art13-item2"),
        ("industrial_drainage", True, "食品加工", "allowed", "art13-item3"),
        ("industrial_drainage", False, "食品加工", "refused", "art13-item3"),
        (
            "industrial_drainage",
            True,
            "电镀",
            "refused",
            "art13-para2",
        ),  # 严禁 even when declared treated (U3)
        ("industrial_drainage", True, "化工", "refused", "art13-para2"),
        ("industrial_drainage", True, "印染", "refused", "art13-para2"),
        ("toxic_industrial_wastewater", True, "", "refused", "art13-para2"),
        ("medical_wastewater", True, "", "refused", "art13-para2"),
        ("radioactive_wastewater", True, "", "refused", "art13-para2"),
        ("other", False, "", "review", "art13-para1"),  # "主要有": not a closed list
    ],
)
def test_reclaimed_sources(kind, meets, industry, status, anchor):
    t = Trace()
    d = check_source("reclaimed", kind, on=ON, meets_standard=meets, industry=industry, trace=t)
    assert d.status == status
    assert t.steps[0].citation.anchor() == anchor
    if anchor == "art13-para2" and industry:
        assert industry in d.explanation and "严禁" in d.explanation


def test_rainwater_facility_takes_rainwater_only():
    assert check_source("rainwater", "rainwater_roof", on=ON).status == "allowed"
    d = check_source("rainwater", "domestic_sewage", on=ON)
    assert d.status == "refused" and "再生水利用设施" in d.explanation
    assert check_source("reclaimed", "rainwater_road", on=ON).status == "review"


def test_prohibited_list_is_dated_configuration():
    # an administrator adds 制革 to "等" from 2025-01-01 (with its source); before that it is not listed
    tree = parameters().with_values(
        [
            AdminValue(
                "sources.prohibited_industries",
                dt.date(2025, 1, 1),
                ["电镀", "化工", "印染", "制革"],
                source="市水利和湖泊局 2024-12 通知",
            )
        ]
    )
    days = np.array(["2024-12-31", "2025-01-01"], dtype="datetime64[D]")
    out = check_sources("reclaimed", ["industrial_drainage"] * 2, True, "制革", days, params=tree)
    assert out["status"].tolist() == ["allowed", "refused"]


def test_industry_required_and_unknown_kinds():
    with pytest.raises(UnconventionalWaterError) as e:
        check_source("reclaimed", "industrial_drainage", on=ON, meets_standard=True)
    assert e.value.code == "industry_required" and e.value.field == "industry"
    with pytest.raises(UnconventionalWaterError) as e:
        check_source("reclaimed", "seawater", on=ON)
    assert e.value.code == "source_kind_unknown"
