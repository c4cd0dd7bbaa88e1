"""第八条 screening: which projects must build a rainwater collection and use facility; 以上 includes the figure."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.trace import Trace
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError
from ezhou_rules.unconventional_water.screening import MUNICIPAL_KINDS, screen_project, screen_projects

ON = dt.date(2024, 3, 1)


def test_building_project_at_exactly_30000_must_build():
    t = Trace()
    # 占地 18,000.00 + 硬化 12,000.00 = 30,000.00 m² → "3万平方米以上" includes 30,000 → required
    r = screen_project("building", "new", on=ON, footprint_m2="18000", hardened_m2="12000.00", trace=t)
    assert r.required and r.area_m2x100 == 3_000_000 and r.threshold_m2x100 == 3_000_000
    assert "第八条" in r.reason and "30,000.00平方米" in r.reason
    assert t.steps[0].citation.anchor() == "art8"
    assert any("第六条" in n for n in r.notes)  # 三同时 follows


def test_building_project_one_hundredth_below_is_not_required():
    # 18,000.00 + 11,999.99 = 29,999.99 m² < 30,000 → not required
    r = screen_project("building", "rebuild", on=ON, footprint_m2="18000", hardened_m2="11999.99")
    assert not r.required and r.area_m2x100 == 2_999_999
    assert "不要求" in r.reason


def test_municipal_projects_at_20000_land_area():
    # 公园 总用地面积 20,000 m² → required; 19,999.99 m² → not
    assert screen_project("park", "new", on=ON, land_m2=20000).required
    assert not screen_project("urban_road", "new", on=ON, land_m2="19999.99").required
    # a municipal project is measured by its land, not by footprint + hardened area
    r = screen_project("viaduct", "new", on=ON, land_m2="5000", footprint_m2="40000")
    assert not r.required and r.measure == "land_area"


def test_expansion_counts_the_expansion_only_and_reports_existing_area():
    # U1: the expansion plans 10,000 + 5,000 = 15,000 m²; the existing 40,000 m² are not added
    r = screen_project(
        "building",
        "expansion",
        on=ON,
        footprint_m2="10000",
        hardened_m2="5000",
        existing_footprint_m2="30000",
        existing_hardened_m2="10000",
    )
    assert not r.required and r.area_m2x100 == 1_500_000
    assert any("原有面积合计40,000.00平方米" in n for n in r.notes)


def test_existing_area_only_for_expansion():
    with pytest.raises(UnconventionalWaterError) as e:
        screen_project("building", "new", on=ON, footprint_m2="1", existing_footprint_m2="5")
    assert e.value.code == "existing_only_for_expansion"


def test_article_16_note_for_new_large_public_building_and_municipal_works():
    r = screen_project("building", "new", on=ON, footprint_m2="1000", art16_class="large_public_building")
    assert not r.required and any("第十六条" in n for n in r.notes)
    # 第十六条 names 新建、改建 only, not 扩建
    r = screen_project("park", "expansion", on=ON, land_m2="100")
    assert not any("第十六条" in n for n in r.notes)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("footprint_m2", {"footprint_m2": "-1"}),
        ("hardened_m2", {"hardened_m2": -5}),
        ("land_m2", {"land_m2": "-0.01"}),
    ],
)
def test_negative_areas_refused_naming_the_field(field, kwargs):
    with pytest.raises(UnconventionalWaterError) as e:
        screen_project("building", "new", on=ON, **kwargs)
    assert e.value.code == "negative" and e.value.field == field and "不能为负数" in e.value.message
    assert "（" + field + "）" in e.value.message  # the Chinese label, then the field


def test_bad_areas_and_codes_refused():
    with pytest.raises(UnconventionalWaterError) as e:
        screen_project("building", "new", on=ON, footprint_m2=30000.0)
    assert e.value.code == "not_exact"
    with pytest.raises(UnconventionalWaterError) as e:
        screen_project("building", "new", on=ON, footprint_m2="1.234")
    assert e.value.code == "too_many_decimals"
    with pytest.raises(UnconventionalWaterError) as e:
        screen_project("factory", "new", on=ON)
    assert e.value.code == "project_kind_unknown"
    with pytest.raises(UnconventionalWaterError) as e:
        screen_project("building", "demolish", on=ON)
    assert e.value.code == "works_unknown"
    with pytest.raises(UnconventionalWaterError) as e:
        screen_projects(
            ["building"], ["new"], [-1], [0], [0], np.array(["2024-01-01"], dtype="datetime64[D]")
        )
    assert e.value.code == "negative"


def test_columns_mix_building_and_municipal_rows():
    on = np.array(["2024-01-01"] * 4, dtype="datetime64[D]")
    out = screen_projects(
        ["building", "building", "square", "green_space"],
        ["new", "expansion", "rebuild", "new"],
        [2_000_000, 1_000_000, 0, 0],
        [1_000_000, 1_999_999, 0, 0],
        [0, 0, 2_000_000, 1_999_999],
        on,
    )
    # 20,000+10,000 = 30,000 ✓; 10,000+19,999.99 = 29,999.99 ✗; 广场 20,000 ✓; 绿地 19,999.99 ✗
    assert out["required"].tolist() == [True, False, True, False]
    assert out["measure"].tolist() == ["building_area", "building_area", "land_area", "land_area"]


@settings(max_examples=300, deadline=None)
@given(footprint=st.integers(0, 6_000_000), hardened=st.integers(0, 6_000_000))
def test_building_required_exactly_when_sum_reaches_30000(footprint, hardened):
    out = screen_projects(
        ["building"], ["new"], [footprint], [hardened], [0], np.array([ON], dtype="datetime64[D]")
    )
    assert bool(out["required"][0]) == (footprint + hardened >= 3_000_000)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(MUNICIPAL_KINDS), delta=st.integers(-1000, 1000))
def test_municipal_boundary_at_20000(kind, delta):
    land = 2_000_000 + delta  # hundredths of m² around 20,000.00
    out = screen_projects([kind], ["new"], [0], [0], [land], np.array([ON], dtype="datetime64[D]"))
    assert bool(out["required"][0]) == (delta >= 0)
