"""The sourcing plan of 鄂州政办发〔2022〕19号: the 5,000 homes of 一, the batches and steps of 四 and the annex
table (附件 房源筹集计划表) by 筹集单位 and 筹集方式 — every figure a cited parameter, none in code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ezhou_rules.core.citations import Citation
from ezhou_rules.core.params import ParameterTree

from . import parameters
from .common import PLAN_DOC

# The columns of the annex table, in its order (a row's parameter value is a list in this order).
METHODS: tuple[tuple[str, str], ...] = (
    ("purchase", "购买商品住房"),
    ("acquire", "收购在建工程项目"),
    ("supporting", "商品住房项目配建"),
    ("new_land", "新供应国有用地建设"),
    ("renewal", "城市更新项目配建"),
)
# The rows (筹集单位), keyed as the platform's PlanBody choices.
BODIES: tuple[tuple[str, str], ...] = (
    ("chengkong", "市城控集团"),
    ("changda", "市昌达集团"),
    ("echeng", "鄂城区"),
    ("huarong", "华容区"),
    ("liangzihu", "梁子湖区"),
    ("gedian", "葛店开发区"),
    ("linkong", "临空经济区"),
)
# 四 实施步骤 and their parameters.
STEPS: tuple[tuple[str, str], ...] = (
    ("survey_deadline", "调研摸底"),
    ("sourcing_deadline", "筹集房源"),
    ("evaluation_deadline", "评估总结"),
)


class SourcingPlanError(ValueError):
    """The annex rows do not add up to the total of 一 (a parameter file edited inconsistently)."""


@dataclass(frozen=True)
class BodyTarget:
    key: str
    label: str
    by_method: dict[str, int]
    citation: Citation | None

    @property
    def total(self) -> int:
        return sum(self.by_method.values())


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    deadline: dt.date
    citation: Citation | None


@dataclass(frozen=True)
class Batch:
    deadline: dt.date
    units: int
    cumulative: int


@dataclass(frozen=True)
class SourcingPlan:
    on: dt.date
    total: int
    total_citation: Citation | None
    bodies: list[BodyTarget]
    batches: list[Batch]
    batch_citation: Citation | None
    steps: list[Step]
    construction_units: int
    construction_citation: Citation | None
    method_labels: dict[str, str] = field(default_factory=lambda: dict(METHODS))

    @property
    def method_totals(self) -> dict[str, int]:
        """The 合计 row: 购买商品住房 3550, 商品住房项目配建 450, 新供应国有用地建设 1000, the others 0."""
        return {key: sum(b.by_method[key] for b in self.bodies) for key, _ in METHODS}

    def body(self, key: str) -> BodyTarget:
        return next(b for b in self.bodies if b.key == key)


def plan_date(params: ParameterTree | None = None) -> dt.date:
    """The date the plan's figures apply from (the document's date, 2022-08-18)."""
    tree = params or parameters()
    return tree.parameter("sourcing_plan.total_units").values[0].valid_from


def construction_month(params: ParameterTree | None = None) -> tuple[dt.date, dt.date]:
    """ "12月市城控集团负责开工建设住房1000套" (四（二）) in a plan of 2022: 1 to 31 December 2022."""
    year = plan_date(params).year
    return dt.date(year, 12, 1), dt.date(year, 12, 31)


def sourcing_plan(params: ParameterTree | None = None) -> SourcingPlan:
    """Every figure of the plan with its citation; SourcingPlanError if the annex rows do not add up to 一."""
    tree = params or parameters()
    on = plan_date(tree)

    def cite(name: str) -> Citation | None:
        # the parameter file cites every value; a what-if value (with_overrides) has only a source
        return tree.entry(name, on).citation

    bodies = []
    for key, label in BODIES:
        name = f"sourcing_plan.annex.{key}"
        row = tree.get(name, on)
        if len(row) != len(METHODS):
            raise SourcingPlanError(f"{PLAN_DOC} 附件：{label}一行应有{len(METHODS)}种筹集方式的套数。")
        bodies.append(
            BodyTarget(key, label, dict(zip((k for k, _ in METHODS), row, strict=True)), cite(name))
        )
    total = tree.get("sourcing_plan.total_units", on)
    if sum(b.total for b in bodies) != total:
        raise SourcingPlanError(
            f"{PLAN_DOC} 附件各筹集单位合计{sum(b.total for b in bodies)}套，与一、总体要求的{total}套不符。"
        )
    batches, running = [], 0
    for day, units in zip(
        tree.get("sourcing_plan.batch_deadlines", on), tree.get("sourcing_plan.batch_units", on), strict=True
    ):
        running += units
        batches.append(Batch(day, units, running))
    steps = [
        Step(key, label, tree.get(f"sourcing_plan.steps.{key}", on), cite(f"sourcing_plan.steps.{key}"))
        for key, label in STEPS
    ]
    return SourcingPlan(
        on=on,
        total=total,
        total_citation=cite("sourcing_plan.total_units"),
        bodies=bodies,
        batches=batches,
        batch_citation=cite("sourcing_plan.batch_units"),
        steps=steps,
        construction_units=tree.get("sourcing_plan.construction_start_units", on),
        construction_citation=cite("sourcing_plan.construction_start_units"),
    )
