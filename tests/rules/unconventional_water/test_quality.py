"""Water quality by use (第十一条, 第十八条, 第二十三条): the strictest limit over all uses, explained per indicator."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ezhou_rules.core.trace import Trace
from ezhou_rules.unconventional_water.errors import MissingStandardError, UnconventionalWaterError
from ezhou_rules.unconventional_water.lab_reports import LabReport, Measurement, check_report
from ezhou_rules.unconventional_water.quality import (
    FAIL,
    PASS,
    UNDETERMINED,
    check_reports,
    combined_limits,
    judge,
    missing_standards,
)
from ezhou_rules.unconventional_water.standards import shipped_library
from ezhou_rules.unconventional_water.units import BELOW_LIMIT, EXACT, NOT_DETECTED

M = Measurement
ON = dt.date(2024, 5, 3)
G9 = 10**9  # one canonical unit (mg/L, NTU …) in stored units

# A full GB/T 18920-2020 report that meets both groups at the plant outlet
GOOD = (
    M("ph", "7.2", "无量纲"),
    M("colour", "10", "铂钴色度单位"),
    M("turbidity", "4.5", "NTU"),
    M("bod5", "6", "mg/L"),
    M("ammonia_n", "3", "mg/L"),
    M("anionic_surfactant", "0.3", "mg/L"),
    M("iron", "0.2", "mg/L"),
    M("manganese", "0.05", "mg/L"),
    M("tds", "800", "mg/L"),
    M("dissolved_oxygen", "3.5", "mg/L"),
    M("total_chlorine", "1.5", "mg/L"),
    M("e_coli", "未检出", "MPN/100mL"),
)


def report(*ms, point="plant_outlet", on=ON):
    return LabReport(
        "R-2024-017", on, "湖北某检测有限公司", "CMA 201717123456", "1号出水口", point, tuple(ms)
    )


def replaced(**values):
    return tuple(M(m.indicator, values.get(m.indicator, m.value), m.unit) for m in GOOD)


def swapped(indicator, value, unit):
    return tuple(M(indicator, value, unit) if m.indicator == indicator else m for m in GOOD)


def test_full_report_meeting_both_groups_passes():
    t = Trace()
    q = check_report(report(*GOOD), "reclaimed", ["toilet_flushing", "road_cleaning"], trace=t)
    assert q.verdict == "pass" and q.missing == ()
    assert all(r.status == "pass" for r in q.results)
    # two uses: 第十八条第二款 "按最高要求确定"
    assert t.steps[-1].citation.anchor() == "art18-para2"


def test_turbidity_takes_the_stricter_toilet_limit_and_names_it():
    # 冲厕 ≤5 NTU, 道路清扫 ≤10 NTU → the facility serving both must meet ≤5; 6 NTU fails with the toilet use named
    q = check_report(report(*replaced(turbidity="6")), "reclaimed", ["toilet_flushing", "road_cleaning"])
    assert q.verdict == "fail"
    tur = next(r for r in q.results if r.indicator == "turbidity")
    assert (
        tur.status == "fail" and tur.limit == "≤5 NTU" and tur.origin == "取自《GB/T 18920-2020》（厕所冲洗）"
    )
    # the same 6 NTU passes when the facility only serves road cleaning (≤10)
    q = check_report(report(*replaced(turbidity="6")), "reclaimed", ["road_cleaning"])
    assert next(r for r in q.results if r.indicator == "turbidity").status == "pass"


def test_units_are_converted_before_comparing():
    # iron 300 μg/L = 0.3 mg/L: meets ≤0.3 (the figure itself is allowed); 301 μg/L = 0.301 fails
    ok = check_report(report(*swapped("iron", "300", "μg/L")), "reclaimed", ["toilet_flushing"])
    assert next(r for r in ok.results if r.indicator == "iron").status == "pass"
    bad = check_report(report(*swapped("iron", "301", "μg/L")), "reclaimed", ["toilet_flushing"])
    iron = next(r for r in bad.results if r.indicator == "iron")
    assert iron.status == "fail" and "折合0.301 mg/L" in iron.explanation


def test_ph_range_includes_both_ends():
    for value, status in (("6.0", "pass"), ("9.0", "pass"), ("5.99", "fail"), ("9.01", "fail")):
        q = check_report(report(*replaced(ph=value)), "reclaimed", ["toilet_flushing"])
        assert next(r for r in q.results if r.indicator == "ph").status == status, value


def test_chlorine_depends_on_the_sample_point_and_greening_caps_it():
    # plant outlet: ≥1.0; network end: ≥0.2; greening also ≤2.5 at any point
    at_end = report(*replaced(total_chlorine="0.5"), point="network_end")
    assert check_report(at_end, "reclaimed", ["toilet_flushing"]).verdict == "pass"
    at_plant = report(*replaced(total_chlorine="0.5"))
    assert check_report(at_plant, "reclaimed", ["toilet_flushing"]).verdict == "fail"
    q = check_report(
        report(*replaced(total_chlorine="2.6")), "reclaimed", ["toilet_flushing", "urban_greening"]
    )
    cl = next(r for r in q.results if r.indicator == "total_chlorine")
    assert cl.status == "fail" and cl.limit == "1～2.5 mg/L"
    assert "上限取自《GB/T 18920-2020》（城市绿化（绿地用水以外））" in cl.origin


def test_not_detected_limits_and_censored_values():
    q = check_report(report(*replaced(e_coli="3")), "reclaimed", ["toilet_flushing"])
    assert next(r for r in q.results if r.indicator == "e_coli").status == "fail"  # 不得检出
    q = check_report(report(*replaced(e_coli="<1")), "reclaimed", ["toilet_flushing"])
    assert q.verdict == "pass"
    # manganese ≤0.1: "<0.05" meets it; "<0.2" cannot be judged (the true value may lie between 0.1 and 0.2)
    q = check_report(report(*replaced(manganese="<0.2")), "reclaimed", ["toilet_flushing"])
    mn = next(r for r in q.results if r.indicator == "manganese")
    assert mn.status == "undetermined" and q.verdict == "incomplete" and "检出限" in mn.explanation
    q = check_report(report(*replaced(manganese="未检出")), "reclaimed", ["toilet_flushing"])
    assert q.verdict == "incomplete"  # 未检出 without a detection limit against a maximum: not judged


def test_judge_columns_by_hand():
    # rows: ≤5 with 5 (pass), ≤5 with 5.000000001 (fail), ≥2 with "<2" (fail: below 2), ≥2 with "<3" (undetermined),
    # 不得检出 with 0 (pass), ≤0.1 with "<0.1" (pass)
    v = np.array([5 * G9, 5 * G9 + 1, 2 * G9, 3 * G9, 0, G9 // 10])
    q = np.array([EXACT, EXACT, BELOW_LIMIT, BELOW_LIMIT, EXACT, BELOW_LIMIT], dtype=np.int8)
    has_low = np.array([0, 0, 1, 1, 0, 0], dtype=bool)
    low = np.array([0, 0, 2 * G9, 2 * G9, 0, 0])
    has_high = np.array([1, 1, 0, 0, 0, 1], dtype=bool)
    high = np.array([5 * G9, 5 * G9, 0, 0, 0, G9 // 10])
    nd = np.array([0, 0, 0, 0, 1, 0], dtype=bool)
    assert judge(v, q, has_low, low, has_high, high, nd).tolist() == [
        PASS,
        FAIL,
        FAIL,
        UNDETERMINED,
        PASS,
        PASS,
    ]
    assert judge(
        np.array([0]),
        np.array([NOT_DETECTED], dtype=np.int8),
        has_low[:1],
        low[:1],
        has_high[4:5],
        high[4:5],
        nd[4:5],
    ).tolist() == [PASS]


def test_missing_required_indicators_make_it_incomplete_and_selective_ones_are_optional():
    q = check_report(report(*GOOD[:3]), "reclaimed", ["toilet_flushing"])
    assert q.verdict == "incomplete" and {c for c, _, _ in q.missing} >= {"bod5", "e_coli", "total_chlorine"}
    assert "chloride" not in {c for c, _, _ in q.missing}  # 表2 选择性控制项目
    q = check_report(report(*GOOD, M("chloride", "400", "mg/L")), "reclaimed", ["toilet_flushing"])
    assert q.verdict == "fail"  # a selective item, once reported, is judged (≤350)


def test_iron_is_not_governed_for_the_greening_group():
    q = check_report(report(*GOOD, M("water_temperature", "18", "℃")), "reclaimed", ["road_cleaning"])
    iron = next(r for r in q.results if r.indicator == "iron")
    assert iron.status == "not_governed" and q.verdict == "pass"


def test_standards_not_entered_refuse_naming_them():
    with pytest.raises(MissingStandardError) as e:
        check_report(report(*GOOD), "reclaimed", ["toilet_flushing", "green_space_irrigation"])
    assert e.value.standards == ["GB/T 25499-2010"] and "绿地用水" in e.value.message
    for uses, codes in (
        (["landscape_recreational"], ["GB/T 18921-2019"]),
        (["agricultural_irrigation"], ["GB 20922-2007", "GB 5084-2021"]),
        (["industrial_boiler"], ["GB/T 19923-2005", "SL 368-2006"]),
    ):
        with pytest.raises(MissingStandardError) as e:
            check_report(report(*GOOD), "reclaimed", uses)
        assert e.value.standards == codes and e.value.code == "standard_not_entered"
    need = missing_standards("reclaimed", ["toilet_flushing", "agricultural_irrigation"])
    assert [(r.standard, r.use_label) for r in need] == [
        ("GB 5084-2021", "农业灌溉用水"),
        ("GB 20922-2007", "农业灌溉用水"),
    ]
    assert shipped_library().standards["GB/T 18920-2020"].version == "2020"
    # rainwater: GB 50400-2016 (第十一条第二款) is needed for every use
    with pytest.raises(MissingStandardError) as e:
        check_report(report(*GOOD), "rainwater", ["toilet_flushing"])
    assert e.value.standards == ["GB 50400-2016"] and "第十一条第二款" in e.value.message


TEST_SOURCE = "测试数据：非真实标准值，仅用于检验录入与判定流程"


def entered(library, code, rows, in_force="2011-01-01"):
    return library.with_table(
        {"standard": code, "source": TEST_SOURCE, "in_force": in_force, "limits": rows}, entered_by="admin"
    )


def test_an_entered_standard_joins_the_check_with_its_source():
    lib = entered(
        shipped_library(),
        "GB/T 25499-2010",
        [
            {
                "indicator": "turbidity",
                "kind": "max",
                "high": "4",
                "unit": "NTU",
                "uses": ["green_space_irrigation"],
            },
            {
                "indicator": "ph",
                "kind": "range",
                "low": "6.5",
                "high": "8.5",
                "unit": "无量纲",
                "uses": ["green_space_irrigation"],
            },
        ],
    )
    # toilet ≤5 and (test) green space ≤4 → ≤4 from GB/T 25499; 4.5 NTU fails
    q = check_report(report(*GOOD), "reclaimed", ["toilet_flushing", "green_space_irrigation"], library=lib)
    tur = next(r for r in q.results if r.indicator == "turbidity")
    assert tur.status == "fail" and tur.limit == "≤4 NTU" and "GB/T 25499-2010" in tur.origin
    ph = next(r for r in q.results if r.indicator == "ph")
    assert ph.limit == "6.5～8.5"
    assert lib.standards["GB/T 25499-2010"].source == TEST_SOURCE


def test_entered_tables_are_checked():
    lib = shipped_library()
    with pytest.raises(UnconventionalWaterError) as e:
        lib.with_table({"standard": "GB/T 18921-2019", "limits": [{"indicator": "ph"}]}, entered_by="admin")
    assert e.value.code == "standard_source"
    bad_rows = [
        (
            {
                "indicator": "turbidity",
                "kind": "max",
                "high": "4",
                "unit": "mg/L",
                "uses": ["landscape_ornamental"],
            },
            "limit_value",
        ),
        (
            {
                "indicator": "turbidity",
                "kind": "max",
                "high": 4.0,
                "unit": "NTU",
                "uses": ["landscape_ornamental"],
            },
            "limit_value",
        ),
        (
            {"indicator": "turbidity", "kind": "max", "high": "4", "unit": "NTU", "uses": ["swimming"]},
            "limit_uses",
        ),
        (
            {
                "indicator": "ph",
                "kind": "range",
                "low": "9",
                "high": "6",
                "unit": "",
                "uses": ["landscape_ornamental"],
            },
            "limit_range",
        ),
        (
            {"indicator": "odour", "kind": "max", "high": "1", "unit": "", "uses": ["landscape_ornamental"]},
            "indicator_unknown",
        ),
    ]
    for row, code in bad_rows:
        with pytest.raises(UnconventionalWaterError) as e:
            lib.with_table(
                {"standard": "GB/T 18921-2019", "source": TEST_SOURCE, "limits": [row]}, entered_by="admin"
            )
        assert e.value.code == code, row
    with pytest.raises(UnconventionalWaterError) as e:
        entered(
            lib,
            "GB/T 18920-2020",
            [{"indicator": "ph", "kind": "min", "low": "6", "unit": "", "uses": ["construction"]}],
        )
    assert e.value.code == "standard_duplicate"


def test_report_before_a_standard_was_in_force_is_refused():
    with pytest.raises(UnconventionalWaterError) as e:
        check_report(report(*GOOD, on=dt.date(2021, 1, 31)), "reclaimed", ["toilet_flushing"])
    assert e.value.code == "standard_not_in_force" and "2021年2月1日" in e.value.message
    assert (
        check_report(report(*GOOD, on=dt.date(2021, 2, 1)), "reclaimed", ["toilet_flushing"]).verdict
        == "pass"
    )


def test_bad_reports_refused_and_nothing_judged():
    for ms, code in (
        ((*GOOD[:-1], M("e_coli", "未检出", "ppm")), "unit_unknown"),
        ((*GOOD, M("turbidity", "1", "NTU")), "indicator_duplicate"),
        ((*GOOD[:-1], M("e_coli", "很少", "MPN/100mL")), "value_format"),
    ):
        with pytest.raises(UnconventionalWaterError) as e:
            check_report(report(*ms), "reclaimed", ["toilet_flushing"])
        assert e.value.code == code
    with pytest.raises(UnconventionalWaterError) as e:
        check_report(
            LabReport("R", ON, "某公司", "", "1号", "plant_outlet", GOOD), "reclaimed", ["toilet_flushing"]
        )
    assert e.value.code == "lab_qualification_required" and "第二十三条" in e.value.message
    with pytest.raises(UnconventionalWaterError) as e:
        check_report(report(M("iron", 0.3, "mg/L")), "reclaimed", ["toilet_flushing"])  # type: ignore[arg-type]
    assert e.value.code == "value_not_text"


def test_batch_refuses_one_report_and_judges_the_others():
    facilities = [("reclaimed", ("toilet_flushing",)), ("reclaimed", ("green_space_irrigation",))]
    rows = [(0, m) for m in GOOD] + [
        (1, M("turbidity", "7", "NTU")),
        (2, M("turbidity", "3", "度")),
        (3, M("turbidity", "3", "NTU")),
    ]
    out = check_reports(
        facilities,
        [0, 0, 0, 1],
        "plant_outlet",
        np.array([ON] * 4, dtype="datetime64[D]"),
        [r for r, _ in rows],
        [m.indicator for _, m in rows],
        [m.value for _, m in rows],
        [m.unit for _, m in rows],
    )
    assert out.verdict.tolist() == ["pass", "fail", "refused", "refused"]
    assert out.refusals[2][0] == "unit_ambiguous" and out.refusals[3][0] == "standard_not_entered"
    assert out.missing.tolist()[1] == 11  # report 1 gave turbidity only: 11 required indicators missing


# -- properties: the strictest limit is never looser than any use's limit ------------------------------------

USES = [
    "toilet_flushing",
    "vehicle_washing",
    "road_cleaning",
    "fire_fighting",
    "construction",
    "urban_greening",
    "green_space_irrigation",
    "landscape_ornamental",
]
INDICATORS = ["ph", "turbidity", "iron", "total_chlorine", "e_coli"]


@st.composite
def libraries(draw):
    """The shipped GB/T 18920 plus random test tables for GB/T 25499 and GB/T 18921."""
    lib = shipped_library()
    for code, uses in (
        ("GB/T 25499-2010", ["green_space_irrigation"]),
        ("GB/T 18921-2019", ["landscape_ornamental"]),
    ):
        rows = []
        for ind in draw(st.lists(st.sampled_from(INDICATORS), min_size=1, max_size=4, unique=True)):
            kind = draw(st.sampled_from(["max", "min", "range", "not_detected"]))
            a, b = sorted(draw(st.lists(st.integers(0, 2000), min_size=2, max_size=2)))
            unit = {"ph": "", "turbidity": "NTU", "e_coli": "MPN/100mL"}.get(ind, "mg/L")
            rows.append(
                {
                    "indicator": ind,
                    "kind": kind,
                    "low": f"{a / 100}",
                    "high": f"{b / 100}",
                    "unit": unit,
                    "uses": uses,
                }
            )
        lib = entered(lib, code, rows)
    return lib


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lib=libraries(),
    uses=st.lists(st.sampled_from(USES), min_size=1, max_size=4, unique=True),
    point=st.sampled_from(["plant_outlet", "network_end", "other"]),
    values=st.lists(st.integers(0, 2500), min_size=5, max_size=5),
)
def test_combined_limit_is_never_looser_than_any_use(lib, uses, point, values):
    combined = combined_limits("reclaimed", uses, point, ON, lib)
    for use in uses:
        single = combined_limits("reclaimed", [use], point, ON, lib)
        for ind, lim in single.items():
            c = combined[ind]
            if lim.low:
                assert c.low and c.low.value >= lim.low.value
            if lim.high:
                assert c.high and c.high.value <= lim.high.value
            if lim.not_detected:
                assert c.not_detected
    # and a sample that passes the combined check passes every single use's check
    ms = [
        M(ind, f"{v / 100}", {"ph": "", "turbidity": "NTU", "e_coli": "MPN/100mL"}.get(ind, "mg/L"))
        for ind, v in zip(INDICATORS, values, strict=True)
    ]
    facilities = [("reclaimed", tuple(uses))] + [("reclaimed", (u,)) for u in uses]
    n = len(facilities)
    out = check_reports(
        facilities,
        list(range(n)),
        point,
        np.array([ON] * n, dtype="datetime64[D]"),
        np.repeat(np.arange(n), len(ms)),
        [m.indicator for m in ms] * n,
        [m.value for m in ms] * n,
        [m.unit for m in ms] * n,
        library=lib,
    )
    per_row = out.status.reshape(n, len(ms))
    for j in range(len(ms)):
        if per_row[0, j] == PASS:
            assert all(per_row[k, j] in (PASS, 3) for k in range(1, n))  # pass or not governed for that use
