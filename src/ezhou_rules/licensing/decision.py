"""当场作出决定 (第二部分 三（二）) and when the holder may operate (三（三）).

三（二）: 申请人符合适用告知承诺的情形、承诺符合许可条件并提交约定材料的，行政机关应当当场作出行政许可决定.
``on_the_spot`` checks the three parts — the route applies (scope and credit), the commitment covers the
conditions (with its five confirmations), the materials due at submission are there — and either says the
decision is made the day the commitment was received, or lists what is missing, each with its citation.

三（三）: 申请人承诺已具备经营许可条件的，领证后即可开展经营活动；尚不具备但承诺领证后一定期限内具备的，达到经营
许可条件后方可开展经营活动. ``operation_permitted`` answers for a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ezhou_rules.core.citations import rule
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import CITE_APPLICANTS, CITE_APPLY, CITE_COMMIT, CITE_DECIDE, CITE_OPERATE, CITE_OVERSIGHT, CITE_SCOPE
from .coverage import Coverage
from .credit import Eligibility
from .errors import LicensingError
from .notification import Commitment, Notification, Qualification, check_commitment, chinese_date
from .scheme import Scheme, Timing


@dataclass(frozen=True)
class Missing:
    code: str
    message: str
    citation: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "citation": self.citation}


@dataclass(frozen=True)
class DecisionCheck:
    decide_now: bool
    decision_date: dt.date | None  # the day of receipt when decided on the spot
    missing: tuple[Missing, ...]
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "decide_now": self.decide_now,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "missing": [m.to_dict() for m in self.missing],
            "explanation": self.explanation,
        }


@rule(
    cites=[CITE_DECIDE, CITE_APPLY, CITE_COMMIT],
    summary="符合适用情形、承诺符合许可条件并提交约定材料的，当场作出许可决定",
)
def on_the_spot(
    *,
    coverage: Coverage,
    eligibility: Eligibility,
    commitment: Commitment,
    notification: Notification,
    scheme: Scheme,
    materials_submitted: Iterable[str],
    trace: Trace = NO_TRACE,
) -> DecisionCheck:
    """Whether the licence is decided on the spot, on the day the commitment was received."""
    missing: list[Missing] = []
    if not coverage.covered:
        missing.append(Missing("not_covered", coverage.reason, CITE_SCOPE))
    if not eligibility.eligible:
        missing.append(Missing("credit_bar", eligibility.reason, CITE_APPLICANTS))
    try:
        check_commitment(commitment, notification, scheme)
    except LicensingError as exc:
        missing.append(Missing("commitment_incomplete", exc.message, CITE_COMMIT))
    for c in scheme.conditions:
        if c.code not in commitment.conditions:
            missing.append(
                Missing("condition_not_committed", f"申请人未承诺符合条件“{c.text}”。", CITE_DECIDE)
            )
    submitted = set(materials_submitted)
    known = {m.code for m in scheme.materials}
    stray = sorted(submitted - known)
    if stray:
        raise LicensingError(
            "unknown_material", f"材料：方案中没有“{'、'.join(stray)}”。", field="materials_submitted"
        )
    for m in scheme.materials_at(Timing.AT_SUBMISSION):
        if m.code not in submitted:
            missing.append(
                Missing(
                    "material_missing", f"缺少约定在递交告知承诺书时一并提交的材料“{m.name}”。", CITE_APPLY
                )
            )
    day = commitment.receipt_day
    if missing:
        explanation = "不能当场作出许可决定：\n" + "\n".join(
            f"- {m.message}（{m.citation}）" for m in missing
        )
        result = DecisionCheck(False, None, tuple(missing), explanation)
    else:
        later = [m.name for m in scheme.materials_at(Timing.AFTER_DECISION)]
        explanation = (
            f"申请人符合适用告知承诺的情形，承诺符合许可条件并已提交约定材料，应当于{chinese_date(day)}当场作出"
            f"行政许可决定，并依法送达许可证件（{CITE_DECIDE}）。"
            + (f"决定作出后按约定期限提交：{'、'.join(later)}（{CITE_APPLY}）。" if later else "")
        )
        result = DecisionCheck(True, day, (), explanation)
    trace.step(
        "on_the_spot",
        CITE_DECIDE,
        {"item": scheme.item, "materials": sorted(submitted)},
        result.decide_now,
        result.explanation,
    )
    return result


@dataclass(frozen=True)
class Operation:
    permitted: bool
    since: dt.date | None
    reason: str
    citation: str = CITE_OPERATE

    def to_dict(self) -> dict[str, Any]:
        return {
            "permitted": self.permitted,
            "since": self.since.isoformat() if self.since else None,
            "reason": self.reason,
            "citation": self.citation,
        }


@rule(
    cites=[CITE_OPERATE, CITE_OVERSIGHT],
    summary="承诺已具备条件的领证后即可经营；承诺领证后具备的，达到条件后方可经营",
)
def operation_permitted(
    qualification: Qualification,
    *,
    on: dt.date,
    delivered_on: dt.date | None,
    qualified_on: dt.date | None = None,
    revoked_on: dt.date | None = None,
) -> Operation:
    """May the holder operate on ``on``? ``delivered_on``: the day the licence was delivered (领证);
    ``qualified_on``: the day it proved the committed conditions (LATER only); ``revoked_on``: the day the
    licence was revoked."""
    if revoked_on is not None and revoked_on <= on:
        return Operation(
            False,
            None,
            f"许可已于{chinese_date(revoked_on)}依法撤销，不得开展经营活动（{CITE_OVERSIGHT}）。",
            CITE_OVERSIGHT,
        )
    if delivered_on is None or delivered_on > on:
        return Operation(False, None, f"许可证件尚未送达（领证），不得开展经营活动（{CITE_OPERATE}）。")
    if qualification is Qualification.ALREADY:
        return Operation(
            True,
            delivered_on,
            f"申请人承诺已具备经营许可条件，自{chinese_date(delivered_on)}领证后即可开展经营活动（{CITE_OPERATE}）。",
        )
    if qualified_on is None or qualified_on > on:
        return Operation(
            False,
            None,
            f"申请人承诺领证后一定期限内具备经营许可条件，尚未证明达到条件，达到条件后方可开展经营活动"
            f"（{CITE_OPERATE}）。",
        )
    since = max(qualified_on, delivered_on)
    return Operation(
        True,
        since,
        f"申请人已于{chinese_date(qualified_on)}证明达到所承诺的经营许可条件，"
        f"自{chinese_date(since)}起可以开展经营活动（{CITE_OPERATE}）。",
    )
