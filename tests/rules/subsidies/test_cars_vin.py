"""Measure 12 (car trade-in) and the VIN check digit (GB 16735 / ISO 3779), compared with vininfo."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezhou_rules.subsidies.cars import CAR_FIELDS, trade_in_subsidy
from ezhou_rules.subsidies.errors import InvalidRows
from ezhou_rules.subsidies.fields import parse_facts
from ezhou_rules.subsidies.vin import VIN_ALPHABET, InvalidVin, check_vins, validate_vin, vin_check_digit

from .conftest import ON, columns, resident_id, vin

APPLICANT = resident_id(17)
DEALERS = {"EZ-001", "EZ-002"}


def car(**changes: object) -> dict[str, object]:
    facts: dict[str, object] = {
        "applicant_id": APPLICANT,
        "old_owner_id": APPLICANT,
        "old_plate": "鄂G·A1234",
        "old_vin": vin(1),
        "disposal": "报废",
        "disposed_on": "2022-06-20",
        "new_vin": vin(2),
        "energy": "新能源汽车",
        "dealer_code": "EZ-001",
        "purchased_on": "2022-06-21",
        "new_plate": "鄂GD12345",
    }
    facts.update(changes)
    return facts


def subsidy(tree, **changes: object):
    return trade_in_subsidy(columns(CAR_FIELDS, car(**changes)), tree, ON, DEALERS)


@pytest.mark.parametrize(
    ("disposal", "energy", "yuan"),
    [
        ("报废", "新能源汽车", 8000),
        ("报废", "燃油汽车", 3000),
        ("转出", "新能源汽车", 5000),
        ("转出", "燃油汽车", 2000),
    ],
)
def test_amounts_by_disposal_and_energy(tree, disposal, energy, yuan):
    d = subsidy(tree, disposal=disposal, energy=energy)
    assert bool(d.eligible[0]) and int(d.amount[0]) == yuan * 100 and d.payer[0] == "市级财政"
    assert d.subject[0] == APPLICANT and d.object[0] == vin(2)


@pytest.mark.parametrize(
    ("field", "day", "ok"),
    [
        ("purchased_on", "2022-06-01", True),
        ("purchased_on", "2022-05-31", False),
        ("purchased_on", "2022-12-31", True),
        ("purchased_on", "2023-01-01", False),
        ("disposed_on", "2022-06-01", True),
        ("disposed_on", "2022-05-31", False),
        ("disposed_on", "2022-12-31", True),
        ("disposed_on", "2023-01-01", False),
    ],
)
def test_subsidy_period_june_to_december_both_ends(tree, field, day, ok):
    d = subsidy(tree, **{field: day})
    assert bool(d.eligible[0]) is ok
    if not ok:
        (reason,) = d.reasons(0)
        assert reason.code == (
            "purchase_outside_window" if field == "purchased_on" else "disposal_outside_window"
        )
        assert "2022年6月1日至2022年12月31日" in reason.text


def test_conditions_of_measure_12(tree):
    assert [r.code for r in subsidy(tree, old_owner_id=resident_id(18)).reasons(0)] == ["old_car_not_own"]
    assert [r.code for r in subsidy(tree, old_plate="皖A12345").reasons(0)] == ["old_plate_not_hubei"]
    assert [r.code for r in subsidy(tree, new_plate="湘A12345").reasons(0)] == [
        "new_car_not_registered_in_hubei"
    ]
    unknown = subsidy(tree, dealer_code="WH-999")
    (reason,) = unknown.reasons(0)
    assert reason.code == "dealer_not_listed" and "WH-999" in reason.text and reason.citation.endswith("十二")
    assert int(unknown.amount[0]) == 0


def test_bad_vins_and_ids_are_refused_before_any_computation():
    with pytest.raises(InvalidRows) as err:
        parse_facts(
            CAR_FIELDS,
            car(
                new_vin=vin(2)[:8] + ("0" if vin(2)[8] != "0" else "1") + vin(2)[9:],
                old_vin="LSVAU2180N21832",
                applicant_id="420704199003071230",
            ),
            on=ON,
        )
    codes = {e.field: e.code for e in err.value.errors}
    assert codes == {
        "new_vin": "vin_check_digit",
        "old_vin": "vin_length",
        "applicant_id": "resident_id_check_digit",
    }
    assert any("第9位校验位不符" in e.message for e in err.value.errors)


def test_vin_check_known_examples():
    # the textbook example of 49 CFR 565: 1M8GDM9AXKP042788 (check digit X)
    assert validate_vin(" 1m8gdm9axkp042788 ") == "1M8GDM9AXKP042788"
    assert list(
        check_vins(["1M8GDM9AXKP042788", "1M8GDM9A1KP042788", "1M8GDM9AXKP04278", "IM8GDM9AXKP042788"])
    ) == ["", "check_digit", "length", "format"]
    with pytest.raises(InvalidVin) as err:
        validate_vin("LSVAU2180N2183294")
    assert err.value.code == "check_digit"


vin_bodies = st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17)


@settings(max_examples=500, deadline=None)
@given(body=vin_bodies)
def test_check_digit_agrees_with_vininfo(body):
    vininfo = pytest.importorskip("vininfo")
    fixed = body[:8] + vin_check_digit(body) + body[9:]
    assert check_vins([fixed])[0] == ""
    # vininfo's arithmetic (without its per-manufacturer exemptions) gives the same verdict on every VIN
    for candidate in (body, fixed):
        ours = check_vins([candidate])[0] == ""
        theirs = vininfo.Vin(candidate)
        # vininfo skips the arithmetic for makers that do not use the digit abroad; GB 16735 requires it in China
        if getattr(theirs.assembler, "uses_sae_checkdigit", True):
            assert ours == theirs.verify_checksum(check_year=False)


@settings(max_examples=200, deadline=None)
@given(body=vin_bodies, pos=st.integers(0, 16), char=st.sampled_from(VIN_ALPHABET))
def test_one_changed_character_is_caught_unless_it_keeps_the_value(body, pos, char):
    fixed = body[:8] + vin_check_digit(body) + body[9:]
    changed = fixed[:pos] + char + fixed[pos + 1 :]
    if pos == 8 or changed == fixed:
        return
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    value = dict(
        zip(
            VIN_ALPHABET,
            [*range(10), 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
            strict=True,
        )
    )
    same = (value[changed[pos]] - value[fixed[pos]]) * weights[pos] % 11 == 0
    assert (check_vins(np.array([changed]))[0] == "") is same
