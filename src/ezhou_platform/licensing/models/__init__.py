"""Records of the licensing system (鄂州政办发〔2022〕27号)."""

from .case_records import (
    Commitment,
    Licence,
    MaterialItem,
    MaterialSubmission,
    NotificationProof,
    RectificationOrder,
)
from .cases import Application, Route, Status
from .catalogue import CatalogueItem, CatalogueVersion, ItemWithdrawal
from .config import (
    CreditPolicySetting,
    InconsistencyDecisionSetting,
    Inspector,
    IssuingBodySetting,
    ItemRiskSetting,
    PartialScopeSetting,
    PeriodSetting,
    RiskClassification,
    Scheme,
)
from .credit import CREDIT_OFFICE, CreditRecord
from .draws import Draw, DrawSelection, SweepRun

__all__ = [
    "CREDIT_OFFICE",
    "Application",
    "CatalogueItem",
    "CatalogueVersion",
    "Commitment",
    "CreditPolicySetting",
    "CreditRecord",
    "Draw",
    "DrawSelection",
    "InconsistencyDecisionSetting",
    "Inspector",
    "IssuingBodySetting",
    "ItemRiskSetting",
    "ItemWithdrawal",
    "Licence",
    "MaterialItem",
    "MaterialSubmission",
    "NotificationProof",
    "PartialScopeSetting",
    "PeriodSetting",
    "RectificationOrder",
    "RiskClassification",
    "Route",
    "Scheme",
    "Status",
    "SweepRun",
]
