"""Records of 医疗救助 (鄂州政办发〔2022〕34号): persons and identities, applications, claims and their entries,
amounts to recover, the warning lists and the fund. One module per topic; every model is importable from here."""

from .applications import Application, Class4Recognition
from .claims import Claim, Recovery, Settlement, YearAccount
from .persons import (
    CLASS_CHOICES,
    CivilAffairsIdentity,
    Identity,
    Person,
    RuralIdentity,
    validate_resident_id,
)
from .reports import FundBudget, FundContribution, WarningEntry, WarningRun

__all__ = [
    "CLASS_CHOICES",
    "Application",
    "CivilAffairsIdentity",
    "Claim",
    "Class4Recognition",
    "FundBudget",
    "FundContribution",
    "Identity",
    "Person",
    "Recovery",
    "RuralIdentity",
    "Settlement",
    "WarningEntry",
    "WarningRun",
    "YearAccount",
    "validate_resident_id",
]
