"""The API's generic input bounds (SECURITY.md C15; issue 14 failure 9): integers ≥ 2⁶³ gave 500s on the public
`/medical-assistance/calculate`, NUL and CR/LF were accepted in identifiers, a date in 9999 was taken. Every
such value is now a Chinese 422 naming the field, before the endpoint runs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ezhou_platform.common.api_guard import INT_MAX, INT_MIN, problem

pytestmark = pytest.mark.django_db

CALC = "/api/v1/medical-assistance/calculate"


def _claim(**over: Any) -> dict[str, Any]:
    claim = {
        "settle_date": "2026-03-02",
        "kind": "inpatient",
        "hospital_level": "county",
        "in_city": True,
        "total_cost": 1_000_000,
        "out_of_policy_cost": 0,
        "policy_self_pay": 300_000,
    }
    return claim | over


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        (
            {"person_class": 1, "new_claim": _claim(total_cost=2**63)},
            "new_claim.total_cost",
            "数值超出允许范围",
        ),
        ({"person_class": 2**64, "new_claim": _claim()}, "person_class", "数值超出允许范围"),
        (
            {"person_class": 1, "new_claim": _claim(settle_date="9999-12-31")},
            "new_claim.settle_date",
            "1900年至2100年",
        ),
        ({"person_class": 1, "identities": ["di\x00bao"], "new_claim": _claim()}, "identities.0", "控制字符"),
        ({"person_class": 1, "new_claim": _claim(), "claim_id": "A1\r\nX-Injected: 1"}, "claim_id", "换行符"),
    ],
)
def test_out_of_bounds_values_are_a_chinese_422(client: Any, payload: Any, field: str, words: str) -> None:
    r = client.post(CALC, payload, content_type="application/json")
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["code"] == "invalid_input" and body["field"] == field and words in body["message"]


def test_query_values_are_one_line_and_bounded(client: Any) -> None:
    r = client.get("/api/v1/health", {"page": str(2**63)})
    assert r.status_code == 422 and r.json()["field"] == "page"
    r = client.get("/api/v1/health", {"claim_id": "A1\r\nX"})
    assert r.status_code == 422 and "换行符" in r.json()["message"]


def test_ordinary_requests_pass(client: Any) -> None:
    r = client.post(CALC, {"person_class": 1, "new_claim": _claim()}, content_type="application/json")
    assert r.status_code != 422 or r.json()["code"] != "invalid_input" or "超出" not in r.json()["message"]
    assert client.get("/api/v1/health").status_code == 200


@given(st.integers())
def test_integers_pass_exactly_inside_the_64_bit_range(n: int) -> None:
    # Boundaries: −2⁶³ and 2⁶³−1 are accepted, one beyond either is refused.
    assert (problem(n, ("body", "x")) == "") == (INT_MIN <= n <= INT_MAX)
    for edge, ok in ((INT_MIN, True), (INT_MAX, True), (INT_MIN - 1, False), (INT_MAX + 1, False)):
        assert (problem(edge, ("body", "x")) == "") is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("1900-01-01", True),
        ("2100-12-31", True),
        ("1899-12-31", False),
        ("2101-01-01", False),
        ("2026-06-15T10:00:00+08:00", True),
        ("10000-01-01", False),
    ],
)
def test_the_year_range_includes_1900_and_2100(value: str, ok: bool) -> None:
    assert (problem(value, ("body", "day")) == "") is ok


def test_line_breaks_are_refused_in_identifiers_only() -> None:
    assert problem("第一行\n第二行", ("body", "reason")) == ""  # free text may hold several lines
    assert problem("A1\n", ("body", "evidence_ids", 0)) == "不能含有换行符"
    assert problem("A1\n", ("body", "uscc")) == "不能含有换行符"
