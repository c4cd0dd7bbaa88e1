"""Records of 计划用水管理 (鄂州政办发〔2022〕15号), by topic.

Volumes are BigIntegerField in hundredths of a cubic metre (``*_m3x100``), money in fen. History the law cares
about is never overwritten: an adjustment, a supplement or a cut is a new PlanChange row on top of the
issued YearlyPlan; an upheld appeal issues a new SurchargeNotice version and keeps the old one.

The records that are cases of a procedure (plan requests, coefficient cases, adjustments, supplements, notices,
appeals) hold their state in an ``FSMField`` and their steps as transitions carrying the law (``steps``);
``procedures.py`` registers them with the procedure layer.
"""

from .collection import Appeal, CollectionReminder, SurchargeNotice
from .evidence import EVIDENCE_EXTENSIONS, EvidenceFile, EvidenceStorage, _random_name
from .plans import CoefficientEvent, PlanChange, PlanFinding, PlanRequest, ShortageCut, YearlyPlan
from .requests import AdjustmentRequest, ConstructionReport, Status, SupplementRequest
from .units import ImportBatch, MeterReading, Method, QuotaEntry, SupplierAccount, WaterUnit, _validate_uscc

__all__ = [
    "EVIDENCE_EXTENSIONS",
    "AdjustmentRequest",
    "Appeal",
    "CoefficientEvent",
    "CollectionReminder",
    "ConstructionReport",
    "EvidenceFile",
    "EvidenceStorage",
    "ImportBatch",
    "MeterReading",
    "Method",
    "PlanChange",
    "PlanFinding",
    "PlanRequest",
    "QuotaEntry",
    "ShortageCut",
    "Status",
    "SupplementRequest",
    "SupplierAccount",
    "SurchargeNotice",
    "WaterUnit",
    "YearlyPlan",
    "_random_name",
    "_validate_uscc",
]
