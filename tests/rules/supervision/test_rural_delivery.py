"""28号: the coverage engine (count AND coverage), the per-unit norm, development zones, the register's
warnings, bad sites, the time series and tree, and the phases of 四.

The jurisdictions here are made up for the tests (甲区, 一镇 …); the real lists are data an administrator loads.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.rural_delivery import current_phase, level_specs, phases
from ezhou_rules.supervision.rural_delivery.coverage import (
    coverage_on,
    coverage_series,
    coverage_tree,
    series_dates,
)
from ezhou_rules.supervision.rural_delivery.jurisdictions import Jurisdiction, JurisdictionRegister
from ezhou_rules.supervision.rural_delivery.sites import (
    Site,
    SiteState,
    function_gaps,
    site_table,
    sites_from_dicts,
)

D = dt.date
OPEN = (SiteState(D(2023, 1, 1), "operating"),)


def register(
    townships: int = 21, villages_per_township: int = 1, dispersed: tuple[str, ...] = ()
) -> JurisdictionRegister:
    rows = [Jurisdiction(f"D{k}", f"区{k}", "district") for k in range(3)]
    rows.append(Jurisdiction("Z", "开发区", "district", development_zone=True))
    rows += [
        Jurisdiction(f"T{k}", f"镇{k}", "township", "Z" if k == 0 else f"D{k % 3}") for k in range(townships)
    ]
    rows += [
        Jurisdiction(f"V{t}-{v}", f"村{t}-{v}", "village", f"T{t}", dispersed=f"V{t}-{v}" in dispersed)
        for t in range(townships)
        for v in range(villages_per_township)
    ]
    return JurisdictionRegister(rows)


def site(sid: str, level: str, where: str, history=OPEN, operators=("中国邮政",), functions=()) -> Site:
    return Site(sid, f"站点{sid}", level, where, operators, functions, history)


def full_network(reg: JurisdictionRegister) -> list[Site]:
    out = [site(f"c{k}", "district", f"D{k}") for k in range(3)]
    out += [site(f"s{c}", "township", c) for c in reg.codes["township"]]
    out += [site(f"p{c}", "village", c) for c in reg.codes["village"]]
    return out


def test_count_and_coverage_are_both_required():
    reg = register(villages_per_township=16)  # 21 townships × 16 = 336 villages loaded
    sites = full_network(reg)  # one site per unit: 3 centres, 21 stations, 336 points
    assert all(c.met for c in coverage_on(reg, sites, D(2024, 1, 1)).levels.values())
    # drop the point of the first village of 镇1 … 镇20: 336 − 20 = 316 points (以上 includes 316),
    # but 20 villages are uncovered → the count is met, the coverage is not, the level is not
    gone = {f"V{t}-0" for t in range(1, 21)}
    partial = [s for s in sites if s.jurisdiction not in gone]
    v = coverage_on(reg, partial, D(2024, 1, 1)).levels["village"]
    assert (v.count, v.count_met, v.covered, v.coverage_met, v.met) == (316, True, 316, False, False)
    assert sorted(u["code"] for u in v.uncovered) == sorted(gone)
    assert v.coverage == "94.04%"  # 316/336 = 94.047…%, cut (not rounded) to 0.01%
    # one point fewer: 315 < 316 → the count is missed too
    fewer = coverage_on(reg, [s for s in partial if s.jurisdiction != "V0-0"], D(2024, 1, 1)).levels[
        "village"
    ]
    assert (fewer.count, fewer.count_met) == (315, False)
    assert "差1个" in fewer.explanation


def test_coverage_without_the_count():
    reg = register(townships=21, villages_per_township=1)  # 21 villages loaded (a warning, see below)
    rep = coverage_on(reg, full_network(reg), D(2024, 1, 1))
    v = rep.levels["village"]
    # every loaded village covered (100%) but 21 < 316 points → not met
    assert (v.coverage_met, v.count_met, v.met, v.state) == (True, False, False, "in_progress")
    assert any("21个村" in w and "316" in w for w in rep.warnings)
    after = coverage_on(reg, full_network(reg), D(2026, 1, 1)).levels["village"]
    assert after.state == "missed"


def test_development_zone_centre_counts_in_the_number_not_the_denominator():
    reg = register()
    sites = [site("c0", "district", "D0"), site("c1", "district", "D1"), site("cz", "district", "Z")]
    d = coverage_on(reg, sites, D(2024, 1, 1)).levels["district"]
    # 3 centres (以上 includes 3) but 区2 has none; the zone's centre does not stand in for it
    assert (d.count, d.covered, d.denominator) == (3, 2, 3)
    assert d.count_met and not d.coverage_met
    assert [u["name"] for u in d.uncovered] == ["区2"]
    sites.append(site("c2", "district", "D2"))
    d = coverage_on(reg, sites, D(2024, 1, 1)).levels["district"]
    assert (d.count, d.covered, d.met, d.coverage) == (4, 3, True, "100.00%")


def test_the_norm_of_one_or_two_per_unit():
    reg = register(villages_per_township=1, dispersed=("V2-0",))
    sites = full_network(reg)
    sites += [site("p2", "village", "V1-0"), site("p3", "village", "V1-0")]  # V1-0: 3 points > 2
    sites += [site("q2", "village", "V2-0"), site("q3", "village", "V2-0")]  # V2-0 dispersed: allowed
    sites += [site("c9", "district", "D0")]  # 一区一中心: a second centre in 区0
    sites += [site("s9", "township", "T3"), site("s10", "township", "T3")]  # 3 stations in 镇3
    rep = coverage_on(reg, sites, D(2024, 1, 1))
    v = {e["code"]: (e["count"], e["allowed"]) for e in rep.levels["village"].exceeded}
    assert v == {"V1-0": (3, False), "V2-0": (3, True)}
    assert rep.levels["village"].exceeded[1]["reason"] == "鄂州政办发〔2022〕28号 三（一）3"
    assert [(e["code"], e["count"]) for e in rep.levels["district"].exceeded] == [("D0", 2)]
    assert [(e["code"], e["count"]) for e in rep.levels["township"].exceeded] == [("T3", 3)]
    series = coverage_series(reg, sites, [D(2024, 1, 1)])
    assert series.levels["village"].exceeded.tolist() == [1]  # the dispersed village is not counted


def test_two_stations_in_a_township_are_within_the_norm():
    reg = register()
    sites = [*full_network(reg), site("s-extra", "township", "T4")]
    assert coverage_on(reg, sites, D(2024, 1, 1)).levels["township"].exceeded == []


def test_dated_states_of_a_site():
    reg = register()
    history = (
        SiteState(D(2023, 1, 1), "building"),
        SiteState(D(2023, 6, 1), "operating"),
        SiteState(D(2024, 3, 1), "suspended"),
        SiteState(D(2024, 5, 1), "operating"),
        SiteState(D(2025, 1, 1), "closed"),
    )
    sites = [site("x", "township", "T1", history)]
    days = [
        D(2023, 5, 31),
        D(2023, 6, 1),
        D(2024, 2, 29),
        D(2024, 3, 1),
        D(2024, 5, 1),
        D(2024, 12, 31),
        D(2025, 1, 1),
    ]
    counts = coverage_series(reg, sites, days).levels["township"].count.tolist()
    assert counts == [0, 1, 1, 0, 1, 1, 0]


def test_a_township_station_may_be_recorded_at_its_village():
    reg = register()
    rep = coverage_on(reg, [site("s", "township", "V5-0")], D(2024, 1, 1))
    assert rep.levels["township"].covered == 1 and rep.levels["village"].covered == 0


def test_bad_sites_are_refused_with_every_problem():
    reg = register()
    with pytest.raises(SupervisionError) as exc:
        coverage_on(
            reg,
            [
                site("a", "village", "NOWHERE"),
                site("b", "village", "T1"),  # a village point at a township
                site("c", "county", "D0"),
                site("d", "village", "V1-0", operators=()),
                site("e", "village", "V1-0", history=()),
                site("f", "village", "V1-0", history=(SiteState(D(2024, 1, 1), "open"),)),
                site(
                    "g",
                    "village",
                    "V1-0",
                    history=(SiteState(D(2024, 1, 1), "planned"), SiteState(D(2023, 1, 1), "operating")),
                ),
            ],
            D(2024, 1, 1),
        )
    codes = [(p.code, p.row, p.field) for p in exc.value.problems]
    assert codes == [
        ("site_outside_jurisdictions", 0, "所在辖区"),
        ("site_level_mismatch", 1, "所在辖区"),
        ("site_level_unknown", 2, "站点层级"),
        ("site_operators_missing", 3, "运营主体"),
        ("site_history_missing", 4, "站点状态"),
        ("site_state_unknown", 5, "站点状态"),
        ("site_history_order", 6, "站点状态"),
    ]
    assert (
        "NOWHERE" in exc.value.problems[0].message
        and exc.value.problems[0].rule == "鄂州政办发〔2022〕28号 二（三）"
    )


def test_the_register_checks_its_shape():
    with pytest.raises(SupervisionError) as exc:
        JurisdictionRegister(
            [
                Jurisdiction("D0", "区0", "district"),
                Jurisdiction("D0", "区0", "district"),
                Jurisdiction("T0", "镇0", "township", "V9"),
                Jurisdiction("X", "某处", "street"),
            ]
        )
    assert [p.code for p in exc.value.problems] == [
        "jurisdiction_duplicated",
        "jurisdiction_level_unknown",
        "jurisdiction_parent",
    ]


def test_warnings_when_the_lists_do_not_hold_3_21_316():
    reg = register(townships=20, villages_per_township=2)
    warnings = reg.warnings(D(2024, 1, 1))
    assert len(warnings) == 2
    assert "20个乡镇" in warnings[0] and "二（二）的21个" in warnings[0]
    assert "40个村" in warnings[1] and "二（三）的316个" in warnings[1]
    ok = register(villages_per_township=1)
    assert not any("乡镇" in w for w in ok.warnings(D(2024, 1, 1)))


def test_dated_jurisdictions():
    rows = [Jurisdiction(f"D{k}", f"区{k}", "district") for k in range(3)]
    rows += [
        Jurisdiction("T0", "镇0", "township", "D0", valid_until=D(2023, 12, 31)),  # merged into 镇1 in 2024
        Jurisdiction("T1", "镇1", "township", "D0"),
    ]
    reg = JurisdictionRegister(rows)
    sites = [site("s1", "township", "T1")]
    before = coverage_on(reg, sites, D(2023, 12, 31)).levels["township"]
    after = coverage_on(reg, sites, D(2024, 1, 1)).levels["township"]
    assert (before.covered, before.denominator) == (1, 2) and (after.covered, after.denominator) == (1, 1)


def test_series_to_the_end_of_2025_and_the_tree():
    dates = series_dates(D(2022, 9, 29))
    assert str(dates[0]) == "2022-09-30" and str(dates[-1]) == "2025-12-31" and len(dates) == 40
    assert len(series_dates(D(2025, 12, 1), step="day")) == 31
    reg = register(villages_per_township=2)
    sites = [site("p", "village", "V1-0"), site("s", "township", "T1"), site("c", "district", "Z")]
    tree = coverage_tree(reg, sites, D(2024, 1, 1))
    assert tree["value"] == 42 and [c["code"] for c in tree["children"]] == ["D0", "D1", "D2", "Z"]
    zone = tree["children"][3]
    assert zone["development_zone"] and zone["sites"] == 1 and zone["children"][0]["code"] == "T0"
    d1 = tree["children"][1]
    t1 = next(t for t in d1["children"] if t["code"] == "T1")
    assert t1["covered"] and [(v["code"], v["covered"]) for v in t1["children"]] == [
        ("V1-0", True),
        ("V1-1", False),
    ]


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 40), st.integers(0, 900), st.integers(1, 900)),
        max_size=40,
    ),
    offsets=st.lists(st.integers(0, 1200), min_size=1, max_size=6),
)
def test_the_series_agrees_with_the_one_date_report(picks, offsets):
    reg = register(villages_per_township=2)
    start = D(2022, 10, 1)
    sites = []
    for n, (lv, k, begin, length) in enumerate(picks):
        level = ("district", "township", "village")[lv]
        codes = reg.codes[level]
        history = (
            SiteState(start + dt.timedelta(begin), "operating"),
            SiteState(start + dt.timedelta(begin + length), "closed"),
        )
        sites.append(site(f"x{n}", level, codes[k % len(codes)], history))
    days = sorted({start + dt.timedelta(o) for o in offsets})
    series = coverage_series(reg, site_table(sites, reg), days)
    for j, day in enumerate(days):
        rep = coverage_on(reg, sites, day)
        for lv, s in series.levels.items():
            c = rep.levels[lv]
            assert (int(s.count[j]), int(s.covered[j]), bool(s.met[j])) == (c.count, c.covered, c.met)
            assert c.covered + len(c.uncovered) == c.denominator


def test_functions_by_level_from_the_gazette():
    specs = level_specs()
    assert specs["township"].functions == ("集中处理", "中转", "配送", "仓储")
    assert specs["village"].functions == ("揽收", "投递")
    gaps = function_gaps(
        [
            site("p", "village", "V0-0", functions=("揽收",)),
            site("q", "village", "V0-0", functions=("揽收", "投递", "代收代缴")),
        ]
    )
    assert [(g["site"], g["missing"]) for g in gaps] == [("p", ["投递"])]


def test_sites_from_plain_mappings():
    (s,) = sites_from_dicts(
        [
            {
                "id": "1",
                "name": "甲",
                "level": "village",
                "jurisdiction": "V0-0",
                "operators": ["邮政", "圆通"],
                "history": [{"since": "2023-05-01", "state": "operating"}],
            }
        ]
    )
    assert s.operators == ("邮政", "圆通") and s.history == (SiteState(D(2023, 5, 1), "operating"),)


# -- phases of 四 ----------------------------------------------------------------------------------------


def test_three_phases_read_from_the_text():
    p = phases()
    assert [(x.name, x.start, x.end) for x in p] == [
        ("动员部署阶段", D(2022, 1, 1), D(2022, 9, 30)),
        ("推动落实阶段", D(2022, 9, 1), D(2025, 6, 30)),
        ("总结巩固阶段", D(2025, 7, 1), D(2025, 12, 31)),
    ]
    assert p[1].citation == "鄂州政办发〔2022〕28号 四（二）"


@pytest.mark.parametrize(
    ("day", "holding", "current"),
    [
        (D(2021, 12, 31), [], None),
        (D(2022, 1, 1), [1], 1),
        (D(2022, 8, 31), [1], 1),
        (D(2022, 9, 1), [1, 2], 1),  # September 2022 belongs to both (T9)
        (D(2022, 9, 29), [1, 2], 1),  # the issue date: still 动员部署 (the plan itself is its last step)
        (D(2022, 9, 30), [1, 2], 2),  # the day after issue: 推动落实
        (D(2022, 10, 1), [2], 2),
        (D(2025, 6, 30), [2], 2),
        (D(2025, 7, 1), [3], 3),
        (D(2025, 12, 31), [3], 3),
        (D(2026, 1, 1), [], None),
    ],
)
def test_phase_on_a_date(day, holding, current):
    answer = current_phase(day)
    assert [p.number for p in answer.phases] == holding
    assert (answer.current.number if answer.current else None) == current
    assert answer.explanation


def test_phases_over_an_array():
    from ezhou_rules.supervision.phases import phases_on_array

    days = np.array(
        ["2022-08-31", "2022-09-29", "2022-09-30", "2025-07-01", "2026-01-01"], dtype="datetime64[D]"
    )
    member, current = phases_on_array(days, phases(), D(2022, 9, 29))
    assert current.tolist() == [1, 1, 2, 3, 0]
    assert member[:, 1].tolist() == [True, True, False]


def test_coverage_explains_itself():
    from ezhou_rules.core.trace import Trace

    trace = Trace()
    reg = register()
    coverage_on(reg, full_network(reg), D(2024, 1, 1), trace=trace)
    assert [str(s.citation) for s in trace.steps] == [
        "鄂州政办发〔2022〕28号 二（一）",
        "鄂州政办发〔2022〕28号 二（二）",
        "鄂州政办发〔2022〕28号 二（三）",
    ]
    assert trace.steps[0].result == {"count": 3, "covered": 3, "met": True}
