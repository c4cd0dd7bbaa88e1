"""The daily overdue sweep (第二部分 三（一）、三（四）): which open cases have a period that ran out, and what
the clerk must therefore do. Vectorised over columns (the rules' ``overdue_sweep``), written back in bulk: it
marks materials overdue and sets each case's ``attention``; it orders nothing and records nothing in the
credit records by itself — rectification and revocation stay a clerk's decision.

The job ``licensing.sweep`` (jobs.py) runs it in whole units; `ezhou licensing sweep` and the page start it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ezhou_rules.licensing.periods import overdue_sweep

from ..models import Application, MaterialItem

OPEN_STATES = (
    "notified",
    "submitted",
    "licensed",
    "completed",
    "rectifying",
    "rectification_failed",
    "revocation_proposed",
    "heard",
)
HOLDING = ("licensed", "completed", "rectifying", "rectification_failed", "revocation_proposed", "heard")

# What needs a clerk, most pressing first (the first that applies is the case's attention).
ATTENTION = {
    "rectification_overdue": "整改期限已届满：应确认整改结果或提出撤销建议",
    "rectification_failed": "整改后仍不符合要求：应提出撤销建议",
    "materials_nonconforming": "材料不符合要求：应责令限期整改",
    "materials_overdue": "材料逾期未提交：应责令限期整改",
    "qualify_overdue": "逾期未证明达到承诺条件：应责令限期整改",
    "hearing": "拟撤销：应听取申请人陈述申辩后作出决定",
    "decision_overdue": "未当场作出决定",
    "verification_overdue": "核查期限已届满，尚未核查",
    "commitment_overdue": "逾期未递交告知承诺书",
}
ORDER = list(ATTENTION)
CHUNK = 500


def _dates(values: Sequence[dt.date | None]) -> npt.NDArray[np.datetime64]:
    return np.array([v if v is not None else "NaT" for v in values], dtype="datetime64[D]")


@dataclass
class SweepResult:
    on: dt.date
    cases: int = 0
    materials: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    changed: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, int]:
        return {
            "在办案件": self.cases,
            "待交材料": self.materials,
            "状态变化": self.changed,
            **{ATTENTION[k].split("：")[0]: v for k, v in self.counts.items()},
        }


def compute(
    on: dt.date, ids: Sequence[int] | None = None
) -> tuple[dict[int, str], dict[int, bool], SweepResult]:
    """The attention of each open case and the overdue flag of each outstanding material on ``on``."""
    started = time.perf_counter()
    result = SweepResult(on)
    apps = Application.objects.filter(status__in=OPEN_STATES)
    mats = MaterialItem.objects.filter(
        timing="after_decision", state__in=("pending", "nonconforming"), application__status__in=HOLDING
    )
    if ids is not None:
        apps, mats = apps.filter(id__in=ids), mats.filter(application_id__in=ids)
    rows = list(
        apps.values_list(
            "id",
            "status",
            "qualification",
            "qualified_on",
            "qualify_due",
            "rectification_due",
            "decision_due",
            "commitment_due",
            "verification_due",
            "verified_on",
        )
    )
    result.cases = len(rows)
    attention: dict[int, str] = {}
    flags: dict[int, bool] = {}
    if rows:
        cols = list(zip(*rows, strict=True))
        app_id = np.array(cols[0], dtype=np.int64)
        status = np.array(cols[1], dtype=object)
        later_open = (np.array(cols[2], dtype=object) == "later") & np.array([q is None for q in cols[3]])
        holding = np.isin(status, HOLDING)

        def late(due_col: int, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
            return overdue_sweep(_dates(cols[due_col]), on, closed=~mask).overdue

        found: dict[str, npt.NDArray[np.bool_]] = {
            "rectification_overdue": late(5, status == "rectifying"),
            "rectification_failed": status == "rectification_failed",
            "qualify_overdue": late(4, holding & later_open & (status != "rectifying")),
            "hearing": np.isin(status, ("revocation_proposed", "heard")),
            "decision_overdue": late(6, status == "submitted"),
            "verification_overdue": late(8, holding & np.array([v is None for v in cols[9]])),
            "commitment_overdue": late(7, status == "notified"),
        }
        m_rows = list(mats.values_list("id", "application_id", "due", "state", "overdue"))
        result.materials = len(m_rows)
        nonconf = np.zeros(len(app_id), dtype=bool)
        overdue_m = np.zeros(len(app_id), dtype=bool)
        if m_rows:
            mcols = list(zip(*m_rows, strict=True))
            m_app = np.array(mcols[1], dtype=np.int64)
            m_late = overdue_sweep(_dates(mcols[2]), on).overdue & (
                np.array(mcols[3], dtype=object) == "pending"
            )
            m_bad = np.array(mcols[3], dtype=object) == "nonconforming"
            for mid, flag, was in zip(mcols[0], m_late.tolist(), mcols[4], strict=True):
                if flag != was:
                    flags[mid] = flag
            position = {a: i for i, a in enumerate(app_id.tolist())}
            idx = np.array([position.get(a, -1) for a in m_app.tolist()], dtype=np.int64)
            known = idx >= 0
            overdue_m[idx[known & m_late]] = True
            nonconf[idx[known & m_bad]] = True
        active = holding & ~np.isin(
            status, ("rectifying", "rectification_failed", "revocation_proposed", "heard")
        )
        found["materials_nonconforming"] = nonconf & active
        found["materials_overdue"] = overdue_m & active
        code = np.full(len(app_id), "", dtype=object)
        for name in reversed(ORDER):  # the first in ORDER wins
            code[found[name]] = name
        for name in ORDER:
            n = int(found[name].sum())
            if n:
                result.counts[name] = n
        attention = dict(zip(app_id.tolist(), code.tolist(), strict=True))
    result.seconds = time.perf_counter() - started
    return attention, flags, result


def write(attention: dict[int, str], flags: dict[int, bool], on: dt.date) -> int:
    """Write the changed attention codes and material flags; returns how many cases changed."""
    # one range read per call (the job passes ids in sorted units), not a parameter per id
    current = (
        dict(
            Application.objects.filter(id__gte=min(attention), id__lte=max(attention)).values_list(
                "id", "attention"
            )
        )
        if attention
        else {}
    )
    by_code: dict[str, list[int]] = {}
    for app_id, code in attention.items():
        if current.get(app_id, "") != code:
            by_code.setdefault(code, []).append(app_id)
    changed = 0
    for code, ids in by_code.items():
        for first in range(0, len(ids), CHUNK):
            chunk = ids[first : first + CHUNK]
            Application.objects.filter(id__in=chunk).update(
                attention=code, attention_since=on if code else None
            )
            changed += len(chunk)
    for value in (True, False):
        ids = [mid for mid, flag in flags.items() if flag is value]
        for first in range(0, len(ids), CHUNK):
            MaterialItem.objects.filter(id__in=ids[first : first + CHUNK]).update(overdue=value)
    return changed
