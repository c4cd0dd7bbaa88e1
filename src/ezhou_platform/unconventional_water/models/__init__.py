"""Models of 非常规水资源管理 (鄂州政办发〔2022〕14号), one module per topic."""

from .facilities import Facility, FacilitySource, FacilityStatus, Inspection
from .interlock import CapabilityFinding, LinkKind, LinkStatus, WaterPlanLink
from .operations import StopNotice, UsageRecord
from .projects import AcceptanceRecord, Project, ProjectStatus, ProjectViolation
from .quality import IndicatorEntry, LabReport, QualityCheck, StandardTable
from .violations import Violation, ViolationStatus

__all__ = [
    "AcceptanceRecord",
    "CapabilityFinding",
    "Facility",
    "FacilitySource",
    "FacilityStatus",
    "IndicatorEntry",
    "Inspection",
    "LabReport",
    "LinkKind",
    "LinkStatus",
    "Project",
    "ProjectStatus",
    "ProjectViolation",
    "QualityCheck",
    "StandardTable",
    "StopNotice",
    "UsageRecord",
    "Violation",
    "ViolationStatus",
    "WaterPlanLink",
]
