"""The supervision system's records (one module per topic)."""

from .delivery import DispersedVillage, Site, SiteOperator, SiteState
from .plans import Assignment, Item, LoadRun, Member, Plan, Task, TaskUnit
from .reports import Report
from .vocational import FundingLine, FundingReport, ProgressionReport, Recognition

__all__ = [
    "Assignment",
    "DispersedVillage",
    "FundingLine",
    "FundingReport",
    "Item",
    "LoadRun",
    "Member",
    "Plan",
    "ProgressionReport",
    "Recognition",
    "Report",
    "Site",
    "SiteOperator",
    "SiteState",
    "Task",
    "TaskUnit",
]
