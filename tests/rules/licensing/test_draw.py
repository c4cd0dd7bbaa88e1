"""双随机、一公开 draws: stratified by credit-risk class, special industries in full, re-run identical, verifiable."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.licensing.draw import (
    DrawSpec,
    Inspectors,
    Population,
    commit_draw,
    inspectors_from_snapshot,
    population_from_snapshot,
    run_draw,
    seed_from_hex,
    verify_draw,
)
from ezhou_rules.licensing.errors import LicensingError

SEED = bytes(range(32))


def population(n=1000, special_every=50):
    ids = [f"H{i:05d}" for i in range(n)][::-1]  # given unsorted: the snapshot sorts
    risk = ["A", "B", "C"] * (n // 3) + ["A"] * (n % 3)
    return Population.from_columns(ids, risk, [i % special_every == 0 for i in range(n)])


INSPECTORS = Inspectors.from_ids([f"I{i:02d}" for i in range(7)])
SPEC = DrawSpec("2023-Q1-food", {"A": Fraction(3, 100), "B": Fraction(1, 20), "C": 10}, team_size=2)


def test_rerun_is_identical_and_verifies():
    pop = population()
    first = run_draw(pop, INSPECTORS, SPEC, SEED)
    again = run_draw(
        population_from_snapshot(pop.snapshot()), inspectors_from_snapshot(INSPECTORS.snapshot()), SPEC, SEED
    )
    assert first.text() == again.text() and first.sha256 == again.sha256
    commitment = commit_draw(pop, INSPECTORS, SPEC, SEED)
    assert commitment.seed_sha256 == hashlib.sha256(SEED).hexdigest()
    v = verify_draw(commitment, pop, INSPECTORS, SPEC, SEED, first.sha256)
    assert v.ok and [c[0] for c in v.checks] == ["seed", "population", "inspectors", "spec", "result"]
    other = run_draw(pop, INSPECTORS, SPEC, bytes(32))
    assert other.sha256 != first.sha256


def test_known_answer_pins_the_algorithm():
    # SeedSequence(entropy = int of the seed bytes) → PCG64 → random_raw; a change in any step changes this
    bitgen = np.random.PCG64(np.random.SeedSequence(int.from_bytes(SEED, "big")))
    keys = bitgen.random_raw(3).tolist()
    pop = Population.from_columns(["x", "y", "z"], ["A", "A", "A"], [False, False, False])
    r = run_draw(pop, Inspectors.from_ids(["i1", "i2"]), DrawSpec("k", {"A": 1}, 1), SEED)
    assert r.holders.tolist() == [["x", "y", "z"][keys.index(min(keys))]]
    assert (
        r.sha256 == run_draw(pop, Inspectors.from_ids(["i1", "i2"]), DrawSpec("k", {"A": 1}, 1), SEED).sha256
    )


def test_counts_strata_special_and_teams():
    pop = population()
    r = run_draw(pop, INSPECTORS, SPEC, SEED)
    # 1000 holders, every 50th special (20, drawn in full); classes by position mod 3 over the ids H00000…H00999
    special = pop.holder_ids[pop.special]
    assert r.special.sum() == 20 and set(r.holders[r.special].tolist()) == set(special.tolist())
    size_a, drawn_a = r.counts["A"]
    size_b, drawn_b = r.counts["B"]
    assert drawn_a == int(Fraction(3, 100) * size_a + Fraction(1, 2))  # half up: e.g. 327 × 3% = 9.81 → 10
    assert drawn_b == int(Fraction(1, 20) * size_b + Fraction(1, 2))
    assert r.counts["C"][1] == 10
    assert len(r.holders) == 20 + drawn_a + drawn_b + 10 and len(set(r.holders.tolist())) == len(r.holders)
    drawn_risk = dict(zip(r.holders.tolist(), r.risk_class.tolist(), strict=True))
    pop_risk = dict(zip(pop.holder_ids.tolist(), pop.risk_class.tolist(), strict=True))
    assert all(pop_risk[h] == c for h, c in drawn_risk.items())
    # teams of 2 distinct inspectors; 7 inspectors share the work within one holder of each other
    assert all(len(set(t)) == 2 for t in r.teams.tolist())
    loads = np.unique(r.teams, return_counts=True)[1]
    assert loads.max() - loads.min() <= 1


def test_verification_finds_tampering():
    pop = population()
    commitment = commit_draw(pop, INSPECTORS, SPEC, SEED)
    published = run_draw(pop, INSPECTORS, SPEC, SEED).sha256
    flipped = pop.special.copy()
    flipped[1] = True  # one holder moved into a special industry after the commitment
    changed = Population.from_columns(pop.holder_ids, pop.risk_class, flipped)
    v = verify_draw(commitment, changed, INSPECTORS, SPEC, SEED, published)
    assert not v.ok and [c[0] for c in v.checks if not c[1]] == ["population", "result"]
    # a snapshot the draw cannot even run on is reported, not raised
    v = verify_draw(
        commitment,
        Population.from_columns(pop.holder_ids, pop.risk_class, ~pop.special),
        INSPECTORS,
        SPEC,
        SEED,
        published,
    )
    assert not v.ok and v.result is None and "无法按公布的数据重新抽取" in v.checks[-1][2]
    v = verify_draw(commitment, pop, INSPECTORS, SPEC, bytes(32), published)
    assert [c[0] for c in v.checks if not c[1]] == ["seed", "result"]
    assert "不一致" in v.explain()
    v = verify_draw(commitment, pop, INSPECTORS, SPEC, SEED, "0" * 64)
    assert [c[0] for c in v.checks if not c[1]] == ["result"]


def test_bad_input():
    with pytest.raises(LicensingError) as e:
        Population.from_columns(["a", "a"], ["A", "A"], [False, False])
    assert e.value.code == "draw_input_invalid"
    with pytest.raises(LicensingError):
        Population.from_columns(["a\tb"], ["A"], [False])
    with pytest.raises(LicensingError) as e:
        run_draw(population(), INSPECTORS, DrawSpec("x", {"A": Fraction(1, 10)}, 2), SEED)
    assert e.value.code == "quota_missing" and "B" in e.value.message
    with pytest.raises(LicensingError) as e:
        run_draw(population(), INSPECTORS, DrawSpec("x", {"A": 1000, "B": 0, "C": 0}, 2), SEED)
    assert e.value.code == "quota_too_large"
    with pytest.raises(LicensingError) as e:
        run_draw(population(), INSPECTORS, DrawSpec("x", {"A": 1, "B": 0, "C": 0}, 8), SEED)
    assert e.value.code == "inspectors_too_few"
    with pytest.raises(LicensingError):
        DrawSpec("x", {"A": 0.05}, 2)  # type: ignore[dict-item]
    with pytest.raises(LicensingError):
        seed_from_hex("zz")
    with pytest.raises(LicensingError):
        population_from_snapshot("wrong header\n")
    assert seed_from_hex(SEED.hex()) == SEED


@settings(max_examples=60, deadline=None)
@given(
    seed=st.binary(min_size=32, max_size=32),
    n=st.integers(1, 300),
    pct=st.integers(0, 100),
    team=st.integers(1, 3),
)
def test_any_seed_draws_exactly_the_quota(seed, n, pct, team):
    pop = Population.from_columns(
        [f"h{i}" for i in range(n)],
        ["A" if i % 2 else "B" for i in range(n)],
        [i % 37 == 0 for i in range(n)],
    )
    spec = DrawSpec("p", {"A": Fraction(pct, 100), "B": Fraction(pct, 100)}, team)
    r = run_draw(pop, INSPECTORS, spec, seed)
    for c in ("A", "B"):
        if c in r.counts:
            size, drawn = r.counts[c]
            assert drawn == (size * pct * 2 + 100) // 200  # half up
    assert r.special.sum() == pop.special.sum()
    assert r.sha256 == run_draw(pop, INSPECTORS, spec, seed).sha256


def test_spec_and_result_as_data():
    from ezhou_rules.licensing.draw import spec_from_dict

    spec = spec_from_dict(
        {"draw_id": "2023-Q1-food", "quotas": {"A": "3%", "B": "1/20", "C": 10}, "team_size": 2}
    )
    assert spec == SPEC and spec.sha256 == SPEC.sha256
    for quotas in ({"A": 0.03}, {"A": "3 percent"}, {}):
        with pytest.raises(LicensingError):
            spec_from_dict({"draw_id": "x", "quotas": quotas, "team_size": 2})
    with pytest.raises(LicensingError):
        spec_from_dict({"draw_id": "x", "quotas": {"A": 1}, "team_size": "2"})
    published = run_draw(population(), INSPECTORS, SPEC, SEED).to_dict()
    assert published["counts"]["C"] == {"size": 326, "drawn": 10}
    assert published["holders"][0]["reason"] == "special" and len(published["holders"][0]["inspectors"]) == 2


def test_population_snapshot_is_the_documented_text():
    # the canonical text, byte for byte (its hash is the record): header, then "id<TAB>class<TAB>1|0" per
    # holder sorted by id (code point order: "B" before "a" before "é"), each line ending in LF
    pop = Population.from_columns(["é1", "a2", "B3"], ["未分类", "A", "C"], [False, True, False])
    text = "ezhou-licensing-draw-population/1\nB3\tC\t0\na2\tA\t1\né1\t未分类\t0\n"
    assert pop.snapshot() == text
    assert pop.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert population_from_snapshot(text).snapshot() == text
    empty = Population.from_columns([], [], [])
    assert (
        empty.snapshot() == "ezhou-licensing-draw-population/1\n"
        and len(population_from_snapshot(empty.snapshot())) == 0
    )
    with pytest.raises(LicensingError, match="编号有重复"):
        Population.from_columns(["a", "b", "a"], ["A", "A", "A"], [False, False, False])
