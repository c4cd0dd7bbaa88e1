"""Records of 保障性租赁住房 (鄂州政发〔2022〕19号, 鄂州政办发〔2022〕19号), by topic:

- `registers`: operators and their staff, projects, units, verified identities and agent relationships;
- `applications`: applications, publicity objections, allocations, 轮候配租通知 (procedures);
- `tenancy`: lease contracts and 先租后售 requests (procedures);
- `supervision`: maintenance requests, complaints, inspections and their findings (procedures).
"""

from .applications import (
    ACTIVE_APPLICATION_STATES,
    MATERIALS,
    Allocation,
    Application,
    ApplicationStatus,
    Objection,
    ObjectionStatus,
    OfferStatus,
    UnitOffer,
)
from .registers import (  # _valid_resident_id: named by migration 0003
    DEFAULT_PLAN_METHOD,
    RENT_CAP,
    AccountIdentity,
    AgentRelationship,
    HousingType,
    Operator,
    OperatorStaff,
    PlanBody,
    PlanMethod,
    Project,
    Unit,
    UnitStatus,
    _valid_resident_id,
)
from .supervision import Complaint, Finding, FindingStatus, Inspection, MaintenanceRequest
from .tenancy import (
    BREACH_REASONS,
    OPEN_RENT_TO_OWN,
    Contract,
    ContractStatus,
    RentToOwnRequest,
    RentToOwnStatus,
    TerminationReason,
)

__all__ = [
    "ACTIVE_APPLICATION_STATES",
    "BREACH_REASONS",
    "DEFAULT_PLAN_METHOD",
    "MATERIALS",
    "OPEN_RENT_TO_OWN",
    "RENT_CAP",
    "AccountIdentity",
    "AgentRelationship",
    "Allocation",
    "Application",
    "ApplicationStatus",
    "Complaint",
    "Contract",
    "ContractStatus",
    "Finding",
    "FindingStatus",
    "HousingType",
    "Inspection",
    "MaintenanceRequest",
    "Objection",
    "ObjectionStatus",
    "OfferStatus",
    "Operator",
    "OperatorStaff",
    "PlanBody",
    "PlanMethod",
    "Project",
    "RentToOwnRequest",
    "RentToOwnStatus",
    "TerminationReason",
    "Unit",
    "UnitOffer",
    "UnitStatus",
    "_valid_resident_id",
]
