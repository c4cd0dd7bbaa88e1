"""15号: progression (三（一）1), funding floors (四17) and the 十四五 count targets, at every boundary."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.targets import Evidence
from ezhou_rules.supervision.vocational_education import parameters, target_status, targets
from ezhou_rules.supervision.vocational_education.funding import (
    FundingLine,
    SchoolYearFunding,
    funding_floor_check,
)
from ezhou_rules.supervision.vocational_education.progression import progression_check

D = dt.date

# -- progression ------------------------------------------------------------------------------------------


def test_progression_boundaries_include_the_figure():
    r = progression_check(
        ["甲", "乙", "丙", "丁"],
        [2023] * 4,
        [200, 200, 200, 200],
        [140, 139, 150, 140],
        [20, 19, 18, 14],
    )
    # 甲 140/200 = 70.00% (以上 includes 70%) and 20/200 = 10.00% → both met
    # 乙 139/200 = 69.50% < 70% → not met; 19/200 = 9.50% → not met
    # 丙 150/200 = 75.00% met; 18/200 = 9.00% of the graduates → not met (T6: the denominator is the graduates)
    # 丁 140/200 met; 14/200 = 7.00% not met, though 14/140 = 10.00% of those who progress
    assert r.progression_met.tolist() == [True, False, True, True]
    assert r.bachelor_met.tolist() == [True, False, False, False]
    assert r.met.tolist() == [True, False, False, False]
    assert r.progression_needed.tolist() == [140] * 4  # ⌈200 × 70%⌉
    assert r.bachelor_needed.tolist() == [20] * 4  # ⌈200 × 10%⌉
    rows = r.rows()
    assert rows[1]["progression_rate"] == "69.50%" and "差1人" in rows[1]["explanation"]
    assert rows[2]["bachelor_rate"] == "9.00%" and "差2人" in rows[2]["explanation"]


def test_the_other_denominator_is_a_switch():
    # 丁 again: 14 of the 140 who progress = 10.00% → met when the 10% is read over those who progress
    r = progression_check(["丁"], [2023], [200], [140], [14], bachelor_denominator="progressed")
    assert r.bachelor_met.tolist() == [True] and r.bachelor_needed.tolist() == [14]
    assert r.rows()[0]["bachelor_rate"] == "10.00%"
    with pytest.raises(SupervisionError) as exc:
        progression_check(["丁"], [2023], [200], [140], [14], bachelor_denominator="students")
    assert exc.value.code == "denominator_unknown"


def test_rounding_of_the_shown_rate_and_the_least_number():
    # 7 graduates: 70% of 7 = 4.9 → at least 5 must progress; 5/7 = 71.428…% shown 71.43%
    r = progression_check(["戊"], [2024], [7], [5], [1])
    assert r.progression_needed.tolist() == [5] and r.progression_met.tolist() == [True]
    assert r.rows()[0]["progression_rate"] == "71.43%"
    # 10% of 7 = 0.7 → at least 1 bachelor; 1/7 = 14.29%
    assert r.bachelor_needed.tolist() == [1] and r.bachelor_met.tolist() == [True]


def test_no_graduates_is_not_assessable():
    r = progression_check(["己"], [2023], [0], [0], [0])
    assert r.assessable.tolist() == [False] and r.met.tolist() == [False]
    assert "没有中职毕业生" in r.rows()[0]["explanation"]


def test_bad_counts_are_refused_with_all_problems():
    with pytest.raises(SupervisionError) as exc:
        progression_check(["甲", "乙"], [2023, 2023], [100, 100], [101, 50], [0, 60])
    assert [(p.code, p.row, p.field) for p in exc.value.problems] == [
        ("progressed_exceeds_graduates", 0, "升学人数"),
        ("bachelor_exceeds_progressed", 1, "升职业本科人数"),
    ]
    with pytest.raises(SupervisionError) as exc:
        progression_check(["甲"], [2023], [100.0], [50], [5])
    assert exc.value.code == "count_not_integer" and exc.value.field == "毕业生数"
    with pytest.raises(SupervisionError) as exc:
        progression_check(["甲"], [2023], [-1], [0], [0])
    assert exc.value.code == "count_negative"


def test_a_year_before_the_plan_has_no_target():
    with pytest.raises(ParameterNotSet):
        progression_check(["甲"], [2021], [100], [70], [10])


@settings(max_examples=300, deadline=None)
@given(g=st.integers(0, 5000), data=st.data())
def test_progression_matches_exact_arithmetic(g, data):
    p = data.draw(st.integers(0, g))
    b = data.draw(st.integers(0, p))
    r = progression_check(["x"], [2023], [g], [p], [b])
    assert bool(r.progression_met[0]) == (g > 0 and 10 * p >= 7 * g)
    assert bool(r.bachelor_met[0]) == (g > 0 and 10 * b >= g)
    need = int(r.progression_needed[0])  # the least whole number reaching 70%
    assert 10 * need >= 7 * g and (need == 0 or 10 * (need - 1) < 7 * g)


# -- funding floors ---------------------------------------------------------------------------------------


def school(kind="secondary", ownership="public", students=1000, *lines, year=2023):
    return SchoolYearFunding("鄂州中专", kind, ownership, year, students, tuple(lines))


def test_floor_is_met_exactly_and_missed_by_one_fen():
    # 1000 students × 8,000.00 yuan = 8,000,000.00 yuan = 800,000,000 fen
    exact, short = funding_floor_check(
        [
            school("secondary", "public", 1000, FundingLine("appropriation", 800_000_000)),
            school("secondary", "public", 1000, FundingLine("appropriation", 799_999_999)),
        ]
    )
    assert (exact.met, exact.shortfall_fen, exact.required_fen) == (True, 0, 800_000_000)
    assert (short.met, short.shortfall_fen) == (False, 1)  # short by 0.01 yuan
    # the average 7,999.99999… yuan shows as 8,000.00 half up, but the verdict compares totals
    assert short.per_student_fen == 800_000 and "差0.01元" in short.explanation


def test_tuition_and_service_income_are_shown_and_not_counted():
    # counted 5,000,000.00 of appropriation; 1,200,000.00 tuition and 300,000.00 service income excluded
    # required 800 × 8,000 = 6,400,000.00 → shortfall 1,400,000.00 yuan
    (c,) = funding_floor_check(
        [
            school(
                "technical",
                "public",
                800,
                FundingLine("appropriation", 400_000_000, "生均公用经费拨款"),
                FundingLine("appropriation", 100_000_000, "专项拨款"),
                FundingLine("tuition", 120_000_000),
                FundingLine("service_income", 30_000_000, "培训收入"),
            )
        ]
    )
    assert c.floor_fen == 800_000  # 技工学校 takes the 中职 floor ("公办中职（含技工学校）")
    assert c.counted_fen == 500_000_000 and c.excluded == [
        ("学费收入", 120_000_000),
        ("培训收入", 30_000_000),
    ]
    assert c.excluded_fen == 150_000_000
    assert c.shortfall_fen == 640_000_000 - 500_000_000 == 140_000_000
    assert c.per_student_fen == 625_000  # 5,000,000.00 / 800 = 6,250.00
    assert "不计入：学费收入1,200,000.00元、培训收入300,000.00元" in c.explanation


def test_higher_vocational_floor_and_private_schools():
    # 3,000 students × 12,000.00 = 36,000,000.00; 35,999,999.99 given → short by 0.01
    hi, private = funding_floor_check(
        [
            school("higher", "public", 3000, FundingLine("appropriation", 3_599_999_999)),
            school("higher", "private", 0),
        ]
    )
    assert hi.floor_fen == 1_200_000 and hi.shortfall_fen == 1 and hi.met is False
    assert private.applicable is False and private.met is None and "民办" in private.explanation


def test_a_figure_with_tuition_inside_is_refused():
    with pytest.raises(SupervisionError) as exc:
        funding_floor_check(
            [
                school(
                    "secondary",
                    "public",
                    100,
                    FundingLine("appropriation", 90_000_000, "经费总额", includes_tuition=True),
                )
            ]
        )
    assert exc.value.code == "funding_includes_tuition" and exc.value.rule == "鄂州政发〔2022〕15号 四17"
    assert "严禁以学费冲抵生均拨款" in exc.value.message and exc.value.field == "经费金额"
    with pytest.raises(SupervisionError) as exc:
        funding_floor_check(
            [school("higher", "public", 100, FundingLine("appropriation", 1, includes_service_income=True))]
        )
    assert exc.value.code == "funding_includes_service_income"


def test_bad_records_refuse_the_whole_batch():
    good = school("secondary", "public", 10, FundingLine("appropriation", 1))
    with pytest.raises(SupervisionError) as exc:
        funding_floor_check(
            [
                good,
                school("college", "public", 10),
                school("secondary", "state", 10),
                school("secondary", "public", 0),
                school("secondary", "public", 10, FundingLine("grant", 1)),
                school("secondary", "public", 10, FundingLine("appropriation", 1.5)),  # type: ignore[arg-type]
                school("secondary", "public", 10, FundingLine("appropriation", -1)),
            ]
        )
    assert [(p.code, p.row) for p in exc.value.problems] == [
        ("school_kind_unknown", 1),
        ("ownership_unknown", 2),
        ("students_missing", 3),
        ("funding_line_kind_unknown", 4),
        ("amount_not_fen", 5),
        ("amount_negative", 6),
    ]


def test_a_year_is_held_to_the_floor_in_force_at_its_end():
    (c,) = funding_floor_check(
        [school("secondary", "public", 1, FundingLine("appropriation", 800_000), year=2022)]
    )
    assert c.met is True  # 2022-12-31 is after the issue date 2022-08-09 (T10)
    with pytest.raises(ParameterNotSet):
        funding_floor_check([school("secondary", "public", 1, FundingLine("appropriation", 1), year=2021)])


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["secondary", "technical", "higher"]),
    students=st.integers(1, 50_000),
    per_student=st.integers(0, 3_000_000),
    delta=st.integers(-5, 5),
)
def test_shortfall_is_the_exact_difference(kind, students, per_student, delta):
    counted = max(per_student * students + delta, 0)
    (c,) = funding_floor_check([school(kind, "public", students, FundingLine("appropriation", counted))])
    floor = 1_200_000 if kind == "higher" else 800_000
    assert c.shortfall_fen == max(floor * students - counted, 0)
    assert c.met == (counted >= floor * students) == (c.shortfall_fen == 0)


# -- 十四五 count targets -----------------------------------------------------------------------------------


def ev(category, name, level, day, holder=""):
    return Evidence(category, name, level, day, "鄂教职成〔2024〕1号", holder)


def test_targets_read_against_the_gazette():
    found = {t.key: (t.figure, t.levels, t.due, t.citation) for t in targets()}
    assert found["national_specialty_groups"] == (
        2,
        ("national",),
        D(2025, 12, 31),
        "鄂州政发〔2022〕15号 二",
    )
    assert found["training_bases"] == (
        10,
        ("provincial", "national"),
        D(2025, 12, 31),
        "鄂州政发〔2022〕15号 三（三）9",
    )
    assert found["provincial_enterprise_communities"][0] == 3
    assert found["bachelor_majors"][0] == 3 and found["provincial_specialty_groups"][0] == 1


def test_a_figure_that_drifts_from_the_gazette_is_refused():
    wrong = parameters().with_overrides({"targets.training_bases": 12})
    with pytest.raises(SupervisionError) as exc:
        targets(params=wrong)
    assert exc.value.code == "target_figure_mismatch" and "10 个省级以上实训基地" in exc.value.message


def test_training_bases_at_provincial_level_or_above():
    evidence = [ev("training_base", f"基地{k}", "provincial", D(2023, 3, 1)) for k in range(9)]
    evidence.append(ev("training_base", "市级基地", "city", D(2023, 3, 1)))  # 市级 does not count
    evidence.append(ev("training_base", "旧基地", "national", D(2020, 12, 31)))  # before 十四五 (2021-01-01)
    status = {s.target.key: s for s in target_status(evidence, D(2024, 1, 1))}["training_bases"]
    assert (status.count, status.state, status.shortfall) == (9, "in_progress", 1)
    reasons = {e.name: why for e, why in status.not_counted}
    assert "市级" in reasons["市级基地"] and "早于" in reasons["旧基地"]
    # the tenth, national (以上 includes national), on 2025-12-31: met on the deadline (以上 includes 10)
    evidence.append(ev("training_base", "基地9", "national", D(2025, 12, 31)))
    on_deadline = {s.target.key: s for s in target_status(evidence, D(2025, 12, 31))}["training_bases"]
    assert (on_deadline.count, on_deadline.state) == (10, "met")
    missed = {s.target.key: s for s in target_status(evidence[:9], D(2026, 1, 1))}["training_bases"]
    assert missed.state == "missed" and missed.shortfall == 1


def test_a_group_upgraded_to_national_counts_once_at_its_highest_level():
    groups = [
        ev("specialty_group", "航空机电技术", "provincial", D(2023, 5, 1), "鄂州职业大学"),
        ev("specialty_group", "航空机电技术", "national", D(2024, 5, 1), "鄂州职业大学"),
        ev("specialty_group", "生物医药", "provincial", D(2023, 5, 1), "鄂州职业大学"),
        ev(
            "specialty_group", "模具", "national", D(2024, 5, 1), "另一所学校"
        ),  # the target names 鄂州职业大学
    ]
    by_key = {s.target.key: s for s in target_status(groups, D(2024, 6, 1))}
    assert by_key["national_specialty_groups"].count == 1
    assert by_key["provincial_specialty_groups"].count == 1  # 生物医药; 航空机电技术 is national now
    assert [e.name for e in by_key["provincial_specialty_groups"].counted] == ["生物医药"]
    before = {s.target.key: s for s in target_status(groups, D(2023, 6, 1))}
    assert before["provincial_specialty_groups"].count == 2 and before["national_specialty_groups"].count == 0


def test_bad_evidence_is_refused():
    with pytest.raises(SupervisionError) as exc:
        target_status([Evidence("training_base", "甲", "county", D(2023, 1, 1), "")], D(2024, 1, 1))
    assert [p.code for p in exc.value.problems] == ["level_unknown", "evidence_missing"]
    with pytest.raises(SupervisionError) as exc:
        target_status([Evidence("stadium", "甲", "city", D(2023, 1, 1), "x")], D(2024, 1, 1))
    assert exc.value.code == "category_unknown"


def test_columns_are_vectorised():
    n = 10_000
    rng = np.random.default_rng(1)
    g = rng.integers(0, 500, n)
    p = (g * rng.random(n)).astype(np.int64)
    b = (p * rng.random(n)).astype(np.int64)
    r = progression_check([f"s{k}" for k in range(n)], np.full(n, 2024), g, p, b)
    assert r.met.shape == (n,)
    assert (r.progression_met == ((g > 0) & (10 * p >= 7 * g))).all()


def test_checks_explain_themselves():
    from ezhou_rules.core.trace import Trace

    trace = Trace()
    funding_floor_check(
        [school("secondary", "public", 1, FundingLine("appropriation", 800_000))], trace=trace
    )
    progression_check(["甲"], [2023], [10], [7], [1], trace=trace)
    assert [str(s.citation) for s in trace.steps] == [
        "鄂州政发〔2022〕15号 四17",
        "鄂州政发〔2022〕15号 三（一）1",
    ]
    assert "达到标准" in trace.steps[0].explanation and "70.00%" in trace.steps[1].explanation
