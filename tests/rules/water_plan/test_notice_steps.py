"""第七条, 第十四条: the notice's computation written over a batch (notice_steps) says what tracing each notice
alone (assessment, then surcharge, on what the notice recorded) says — same steps, same words, same citations."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import settlement as rules
from ezhou_rules.water_plan.volumes import format_volume, fraction_text

TIERS = [
    ((F(1, 10), F(3, 10)), (F(1, 2), F(1), F(2))),
    ((F(1, 3),), (F(3, 2), F(7, 3))),
    ((), (F(1),)),
]
VOLUME = st.integers(min_value=0, max_value=10**10)
BATCH = st.lists(st.tuples(VOLUME, VOLUME, VOLUME), min_size=1, max_size=8)  # (supplier, construction, plan)
PRICE = st.integers(min_value=1, max_value=10_000)  # fen/m³


def one_by_one(
    supplier: int, construction: int, plan: int, bounds, multipliers, price
) -> list[tuple[str, str]]:
    t = Trace()
    _, assessed, excess = rules.assessment([supplier], [construction], [plan], [0], [0], [0], trace=t)
    rules.surcharge(assessed, excess, bounds, multipliers, price, trace=t)
    return [(s.explanation, str(s.citation)) for s in t.steps]


@settings(max_examples=300, deadline=None)
@given(BATCH, st.sampled_from(TIERS), PRICE)
def test_batch_steps_match_the_traced_unit(units, tiers, price):
    bounds, multipliers = tiers
    supplier = [s for s, _, _ in units]
    construction = [min(c, s) for s, c, _ in units]
    plan = [p for _, _, p in units]
    batch = rules.notice_steps(supplier, construction, plan, bounds, multipliers, price)
    assert batch == [
        one_by_one(s, c, p, bounds, multipliers, price)
        for s, c, p in zip(supplier, construction, plan, strict=True)
    ]


@settings(max_examples=500, deadline=None)
@given(st.integers(-(10**15), 10**15), st.integers(1, 10**9), st.sampled_from([2, 4]))
def test_fraction_text_rounds_half_up_from_the_exact_value(num, den, places):
    value = F(num, den)
    scaled = value * 10**places
    n = (abs(scaled.numerator) * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(n, 10**places)
    digits = f"{frac:0{places}d}"
    while len(digits) > 2 and digits.endswith("0"):
        digits = digits[:-1]
    assert fraction_text(value, places) == f"{'-' if value < 0 else ''}{whole}.{digits}"


@settings(max_examples=200, deadline=None)
@given(BATCH, st.sampled_from(TIERS), PRICE)
def test_batch_figures_are_the_units_own(units, tiers, price):
    # notice_texts also writes each notice's table: actual, plan, excess (m³), each band's amount and the
    # total (yuan), from the same assessment and surcharge computed one unit at a time
    bounds, multipliers = tiers
    supplier = [s for s, _, _ in units]
    construction = [min(c, s) for s, c, _ in units]
    plan = [p for _, _, p in units]
    texts = rules.notice_texts(supplier, construction, plan, bounds, multipliers, price)
    for k, (s, c, p) in enumerate(zip(supplier, construction, plan, strict=True)):
        actual, assessed, excess = rules.assessment([s], [c], [p], [0], [0], [0])
        bands, total = rules.surcharge(assessed, excess, bounds, multipliers, price)
        figures = (texts.actual[k], texts.plan[k], texts.excess[k], texts.total[k], texts.bands[k])
        assert figures == (
            format_volume(int(actual[0])),
            format_volume(int(assessed[0])),
            format_volume(int(excess[0])),
            format_yuan(int(total[0])),
            [format_yuan(int(a)) for a in bands[0]],
        )


def test_a_band_the_excess_does_not_reach_says_zero():
    # plan 1,000.00 m³, actual 1,050.00 m³: excess 50.00 m³, all in band 1 (≤ 10% = 100 m³):
    # 50 × 0.5 × 3.00 = 75.00 元; bands 2 and 3 get 0.00 m³ and 0.00 元 (the sentence written once per batch)
    texts = rules.notice_texts([105000], [0], [100000], (F(1, 10), F(3, 10)), (F(1, 2), F(1), F(2)), 300)
    assert texts.steps[0][2] == "第1档（超计划0.00%至10.00%的部分）50.00立方米×0.50倍×3.00元/立方米=75.00元。"
    assert texts.steps[0][3] == "第2档（超计划10.00%至30.00%的部分）0.00立方米×1.00倍×3.00元/立方米=0.00元。"
    assert texts.steps[0][4] == "第3档（超计划30.00%以上的部分）0.00立方米×2.00倍×3.00元/立方米=0.00元。"
    assert (texts.bands[0], texts.total[0]) == (["75.00元", "0.00元", "0.00元"], "75.00元")
