"""第七条, 第十四条: the notice's computation written over a batch (notice_steps) says what tracing each notice
alone (assessment, then surcharge, on what the notice recorded) says — same steps, same words, same citations."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import settlement as rules
from ezhou_rules.water_plan.volumes import fraction_text

TIERS = [
    ((F(1, 10), F(3, 10)), (F(1, 2), F(1), F(2))),
    ((F(1, 3),), (F(3, 2), F(7, 3))),
    ((), (F(1),)),
]
VOLUME = st.integers(min_value=0, max_value=10**10)


def one_by_one(
    supplier: int, construction: int, plan: int, bounds, multipliers, price
) -> list[tuple[str, str]]:
    t = Trace()
    _, assessed, excess = rules.assessment([supplier], [construction], [plan], [0], [0], [0], trace=t)
    rules.surcharge(assessed, excess, bounds, multipliers, price, trace=t)
    return [(s.explanation, str(s.citation)) for s in t.steps]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(VOLUME, VOLUME, VOLUME), min_size=1, max_size=8),
    st.sampled_from(TIERS),
    st.integers(min_value=1, max_value=10_000),
)
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
