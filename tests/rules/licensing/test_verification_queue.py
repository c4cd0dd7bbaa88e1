"""The verification queue (第二部分 三（四）, docs/interpretations.md L17): an order, not a weighted score."""

from __future__ import annotations

import numpy as np
import pytest

from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.verification import verification_queue


def _columns(**over: object) -> dict[str, object]:
    # Five decided commitment cases, in input order:
    # 0: low-risk item, class A, nothing against it, due 10-20
    # 1: special industry (全覆盖), low-risk item, due 10-25
    # 2: high-risk item, class B, due 10-30
    # 3: medium-risk item, class D, one adverse record, due 10-10
    # 4: medium-risk item, class D, one adverse record, promised to qualify later, due 10-15
    base: dict[str, object] = {
        "special": np.array([False, True, False, False, False]),
        "item_level": np.array(["low", "low", "high", "medium", "medium"], dtype=object),
        "credit_class": np.array(["A", "", "B", "D", "D"], dtype=object),
        "adverse_records": np.array([0, 0, 0, 1, 1]),
        "rectifications": np.array([0, 0, 0, 0, 0]),
        "later": np.array([False, False, False, False, True]),
        "due": np.array(
            ["2026-10-20", "2026-10-25", "2026-10-30", "2026-10-10", "2026-10-15"], dtype="datetime64[D]"
        ),
        "decided": np.array(["2026-09-20"] * 5, dtype="datetime64[D]"),
    }
    base.update(over)
    return base


def test_order_tiers_and_reasons() -> None:
    q = verification_queue(_columns())
    # special first (1); then item level high (2) before medium (3, 4) before low (0); among 3 and 4 (same level,
    # class, records and rectifications) the later-qualification commitment (4) comes before the earlier due (3).
    assert q.ranked() == [1, 2, 4, 3, 0]
    assert q.tier.tolist() == [3, 1, 1, 2, 2]
    assert q.reasons[1].startswith("特殊行业，全覆盖重点监管")
    assert (
        q.reasons[4]
        == "事项风险等级：中；申请人信用风险分类：D类；有1条不良信用记录；承诺领证后一定期限内具备条件"
    )


def test_due_then_decided_break_ties_and_unknown_due_last() -> None:
    same = {
        "special": np.zeros(3, dtype=bool),
        "item_level": np.array([""] * 3, dtype=object),
        "credit_class": np.array([""] * 3, dtype=object),
        "adverse_records": np.zeros(3, dtype=int),
        "rectifications": np.zeros(3, dtype=int),
        "later": np.zeros(3, dtype=bool),
        # no verification period configured for row 0 (NaT) → last
        "due": np.array(["NaT", "2026-10-20", "2026-10-20"], dtype="datetime64[D]"),
        "decided": np.array(["2026-09-01", "2026-09-21", "2026-09-20"], dtype="datetime64[D]"),
    }
    assert verification_queue(same).ranked() == [2, 1, 0]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        (
            {"item_level": np.array(["very high", "low", "high", "medium", "medium"], dtype=object)},
            "item_level",
        ),
        ({"credit_class": np.array(["E", "", "B", "D", "D"], dtype=object)}, "credit_class"),
        ({"adverse_records": np.array([0, -1, 0, 0, 0])}, "adverse_records"),
        ({"later": np.array([False])}, "columns"),
    ],
)
def test_bad_columns_refused(over: dict[str, object], field: str) -> None:
    with pytest.raises(LicensingError) as info:
        verification_queue(_columns(**over))
    assert info.value.field == field


def test_missing_column_named() -> None:
    cols = _columns()
    del cols["due"]
    with pytest.raises(LicensingError, match="核查队列缺少列：due"):
        verification_queue(cols)
