"""The verification queue (第二部分 三（四）): which commitments to check first, by item and applicant.

三（四）: 针对风险较高领域，要通过数据共享、现场检查、重点抽查等方式，及时对申请人的承诺内容组织核查. The document names
no risk scale and no weights, so the queue is an order, not a score with invented weights
(docs/interpretations.md L17). Decided commitment cases not yet verified are ranked by, in turn:

1. a special industry of the item (全覆盖重点监管, 第一部分 三（三）) — these are all verified;
2. the item's configured risk level (高 > 中 > 低 > 未分级);
3. the applicant's credit-risk class (企业信用风险分类: D > C > B > A > 未分类);
4. the applicant's history: confirmed adverse credit records, then earlier rectification orders;
5. a commitment to qualify only after the licence (三（三）: 尚不具备经营许可条件但承诺领证后一定期限内具备);
6. the verification period's last day (earliest first; none configured last), then the decision day.

Each row gets its reasons in Chinese. ``tier`` is 1 for rows that must be verified (special industry or a
high-risk item), 2 for rows with an applicant-side risk factor, 3 otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule

from . import CITE_OVERSIGHT, CITE_SUPERVISION
from .errors import LicensingError

ITEM_LEVELS = {"high": 3, "medium": 2, "low": 1, "": 0}
ITEM_LEVEL_LABELS = {"high": "高", "medium": "中", "low": "低", "": "未分级"}
CREDIT_CLASSES = {"D": 4, "C": 3, "B": 2, "A": 1, "": 0}
COLUMNS = (
    "special",
    "item_level",
    "credit_class",
    "adverse_records",
    "rectifications",
    "later",
    "due",
    "decided",
)


@dataclass(frozen=True)
class Queue:
    order: npt.NDArray[np.intp]  # row positions, most pressing first
    tier: npt.NDArray[np.int8]  # per row (input order): 1 must verify, 2 applicant risk, 3 other
    reasons: tuple[str, ...]  # per row (input order)

    def ranked(self) -> list[int]:
        return [int(i) for i in self.order]


@rule(
    cites=[CITE_OVERSIGHT, CITE_SUPERVISION],
    summary="核查队列：特殊行业、事项风险、申请人信用风险和历史、承诺领证后具备条件，依次排序",
)
def verification_queue(columns: Mapping[str, Any]) -> Queue:
    """``columns``: special (bool), item_level (high/medium/low/""), credit_class (A–D or ""), adverse_records
    and rectifications (int ≥ 0), later (bool), due and decided (datetime64[D]; due may be NaT)."""
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise LicensingError(
            "queue_column_missing", f"核查队列缺少列：{'、'.join(missing)}。", field=missing[0]
        )
    special = np.asarray(columns["special"], dtype=bool)
    n = special.size
    level_text = np.asarray(columns["item_level"], dtype=object)
    class_text = np.asarray(columns["credit_class"], dtype=object)
    bad_level = [v for v in set(level_text.tolist()) if v not in ITEM_LEVELS]
    if bad_level:
        raise LicensingError(
            "queue_value_invalid", f"事项风险等级：“{bad_level[0]}”无法识别。", field="item_level"
        )
    bad_class = [v for v in set(class_text.tolist()) if v not in CREDIT_CLASSES]
    if bad_class:
        raise LicensingError(
            "queue_value_invalid", f"信用风险分类：“{bad_class[0]}”无法识别。", field="credit_class"
        )
    level = np.array([ITEM_LEVELS[v] for v in level_text.tolist()], dtype=np.int64)
    klass = np.array([CREDIT_CLASSES[v] for v in class_text.tolist()], dtype=np.int64)
    adverse = np.asarray(columns["adverse_records"], dtype=np.int64)
    rect = np.asarray(columns["rectifications"], dtype=np.int64)
    later = np.asarray(columns["later"], dtype=bool)
    due = np.asarray(columns["due"]).astype("datetime64[D]")
    decided = np.asarray(columns["decided"]).astype("datetime64[D]")
    if any(a.shape != (n,) for a in (level, klass, adverse, rect, later, due, decided)):
        raise LicensingError("columns_mismatch", "核查队列各列的行数不一致。", field="columns")
    if (adverse < 0).any() or (rect < 0).any():
        raise LicensingError(
            "queue_value_invalid", "不良记录数和整改次数不能为负数。", field="adverse_records"
        )
    # NaT sorts last when replaced by the largest day; a missing decision day likewise.
    far = np.datetime64("9999-12-31")
    due_key = np.where(np.isnat(due), far, due).astype(np.int64)
    decided_key = np.where(np.isnat(decided), far, decided).astype(np.int64)
    # np.lexsort: the last key is the primary one; negate the "higher first" keys.
    order = np.lexsort(
        (
            np.arange(n),
            decided_key,
            due_key,
            -later.astype(np.int64),
            -rect,
            -adverse,
            -klass,
            -level,
            -special.astype(np.int64),
        )
    )
    tier = np.where(
        special | (level == 3), 1, np.where((klass >= 3) | (adverse > 0) | (rect > 0) | later, 2, 3)
    )
    reasons = []
    for i in range(n):
        parts = []
        if special[i]:
            parts.append("特殊行业，全覆盖重点监管")
        parts.append(f"事项风险等级：{ITEM_LEVEL_LABELS[level_text[i]]}")
        if class_text[i]:
            parts.append(f"申请人信用风险分类：{class_text[i]}类")
        if adverse[i]:
            parts.append(f"有{adverse[i]}条不良信用记录")
        if rect[i]:
            parts.append(f"曾被责令整改{rect[i]}次")
        if later[i]:
            parts.append("承诺领证后一定期限内具备条件")
        reasons.append("；".join(parts))
    return Queue(order.astype(np.intp), tier.astype(np.int8), tuple(reasons))
