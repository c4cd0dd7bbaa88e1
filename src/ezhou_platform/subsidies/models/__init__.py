"""Models of the subsidies system (鄂州政办发〔2022〕32号): applications and their batches, the ledger and the
budgets, the data imported from its holders and what is derived from it."""

from .applications import (
    Application,
    ApplicationDocument,
    AwardDecision,
    PaymentBatch,
    PublicNotice,
)
from .data import Deferral, ReferenceRow, TrackingRecord, WhatIf
from .ledger import BudgetAccount, BudgetEntry, CapUsage, LedgerKey

__all__ = [
    "Application",
    "ApplicationDocument",
    "AwardDecision",
    "BudgetAccount",
    "BudgetEntry",
    "CapUsage",
    "Deferral",
    "LedgerKey",
    "PaymentBatch",
    "PublicNotice",
    "ReferenceRow",
    "TrackingRecord",
    "WhatIf",
]
