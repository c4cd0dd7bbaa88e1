"""Services of 保障性租赁住房: every write is a function here, atomic and audited (`acting_user` keyword-only),
one module per procedure. The steps of a procedure go through `procedures.engine.take` (article, roles,
checks, periods, numbered documents, case timeline and audit); creating a record opens its case
(`engine.start`) in the same transaction.

- `projects`: projects and units (registers, not procedures), rent appraisal, construction starts;
- `applications`: the application for 承租资格 (submit, review, publicity, qualification, withdrawal);
- `objections`: publicity objections;
- `allocation`: choosing a unit, the queue, 轮候配租通知;
- `contracts`: signing, filing, renewal;
- `exits`: termination, move-out and the exit rent settlement;
- `rent_to_own`: 先租后售;
- `service`: maintenance requests and complaints;
- `supervision`: inspections, findings, rectification orders and measures.
"""

from .allocation import (
    ChoiceResult,
    answer_offer,
    cancel_offer,
    choose_unit,
    offered_on,
    open_offer,
    queue_position,
    release_unit,
)
from .applications import (
    ApplicationInput,
    close_publicity,
    online_identities,
    publicity_deadline,
    review_approve,
    review_deadline,
    review_reject,
    submit_application,
    withdraw,
)
from .common import DOC, HOUSING_DEPARTMENT, PLAN_DOC, input_error, not_future, today
from .contracts import file_contract, renew_contract, sign_contract
from .exits import record_vacated, terminate_contract
from .objections import decide_objection, raise_objection
from .projects import (
    add_unit,
    operator_check,
    record_construction_start,
    record_rent_appraisal,
    register_project,
    track_reappraisal,
    unit_checks,
)
from .rent_to_own import (
    approve_rent_to_own,
    assess_rent_to_own,
    file_rent_to_own,
    refuse_rent_to_own,
    tenancy_start,
)
from .service import handle_complaint, handle_maintenance, report_maintenance, submit_complaint
from .supervision import (
    confirm_rectified,
    impose_measure,
    order_rectification,
    record_inspection,
    refer_finding,
)

__all__ = [
    "DOC",
    "HOUSING_DEPARTMENT",
    "PLAN_DOC",
    "ApplicationInput",
    "ChoiceResult",
    "add_unit",
    "answer_offer",
    "approve_rent_to_own",
    "assess_rent_to_own",
    "cancel_offer",
    "choose_unit",
    "close_publicity",
    "confirm_rectified",
    "decide_objection",
    "file_contract",
    "file_rent_to_own",
    "handle_complaint",
    "handle_maintenance",
    "impose_measure",
    "input_error",
    "not_future",
    "offered_on",
    "online_identities",
    "open_offer",
    "operator_check",
    "order_rectification",
    "publicity_deadline",
    "queue_position",
    "raise_objection",
    "record_construction_start",
    "record_inspection",
    "record_rent_appraisal",
    "record_vacated",
    "refer_finding",
    "refuse_rent_to_own",
    "register_project",
    "release_unit",
    "renew_contract",
    "report_maintenance",
    "review_approve",
    "review_deadline",
    "review_reject",
    "sign_contract",
    "submit_application",
    "submit_complaint",
    "tenancy_start",
    "terminate_contract",
    "today",
    "track_reappraisal",
    "unit_checks",
    "withdraw",
]
