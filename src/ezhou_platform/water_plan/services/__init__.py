"""Procedures of 计划用水管理 (鄂州政办发〔2022〕15号), one module per procedure; every write is here.

    readings      第五条        the supplier's file of readings
    plans         第六条、第九条  plan requests, the year's issuance, clerk-set plans
    findings      第八条、第十一条 增减量 recorded before issuance, proportional cuts
    coefficients  附件1 三       coefficient cases (recorded, confirmed by a second person) and plan-change notices
    adjustments   第十条、第十三条 adjustment requests
    supplements   第十二条、附件2  emergency supplements, construction-meter reports
    settlement    第十四条       the year's assessment and its numbered notices
    collection    第十六条       delivery (签收), payment, 催告单, credit listing
    appeals       第十五条       appeals and the new version of an upheld notice
    evidence      第十条、第十二条、第十五条  uploaded 证明材料

The cases and their steps run on the procedure layer (``ezhou_platform.procedures``): each record that is a case
has an FSM state and transitions carrying the law (``..steps``); a step is taken with ``common.take``.
"""

from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import deadlines

from .adjustments import approve_adjustment, file_adjustment, refuse_adjustment, verify_adjustment
from .appeals import decide_appeal, file_appeal, revised_figures
from .coefficients import (
    apply_coefficient_event,
    change_context,
    change_rows,
    notify_change,
    record_coefficient_event,
    withdraw_coefficient_event,
)
from .collection import (
    deliver_notice,
    ensure_document,
    issue_reminder,
    list_for_credit,
    record_payment,
    unpaid_overdue,
)
from .common import (
    DOC,
    REFUSAL_CASES,
    WATER_DEPARTMENT,
    StepRefused,
    expiry_warning,
    quota_entries,
    rules_parameters,
    take,
    units_for,
)
from .evidence import (
    ADJUSTMENT_KINDS,
    EVIDENCE_MAX_BYTES,
    can_download_evidence,
    record_evidence_download,
    sniff_type,
    store_evidence,
)
from .findings import FINDING_CITATIONS, apply_shortage_cut, record_plan_finding
from .plans import (
    IssueReport,
    _events,
    _events_from_json,
    _events_json,
    _history,
    check_issue_date,
    compute_plan,
    file_plan_request,
    issue_chunk,
    issue_clerk_set_plan,
    issue_plans,
    units_to_issue,
)
from .readings import REQUIRED_COLUMNS, ImportResult, import_readings
from .settlement import (
    check_settle_date,
    notice_context,
    notice_trace,
    plans_to_settle,
    settle_chunk,
    settle_year,
    tiers_for,
)
from .supplements import (
    approve_supplement,
    construction_deductions,
    file_supplement,
    refuse_supplement,
    report_construction_month,
)

__all__ = [
    "ADJUSTMENT_KINDS",
    "DOC",
    "EVIDENCE_MAX_BYTES",
    "FINDING_CITATIONS",
    "REFUSAL_CASES",
    "REQUIRED_COLUMNS",
    "WATER_DEPARTMENT",
    "ImportResult",
    "IssueReport",
    "StepRefused",
    "Trace",
    "_events",
    "_events_from_json",
    "_events_json",
    "_history",
    "apply_coefficient_event",
    "apply_shortage_cut",
    "approve_adjustment",
    "approve_supplement",
    "can_download_evidence",
    "change_context",
    "change_rows",
    "check_issue_date",
    "check_settle_date",
    "compute_plan",
    "construction_deductions",
    "deadlines",
    "decide_appeal",
    "deliver_notice",
    "ensure_document",
    "expiry_warning",
    "file_adjustment",
    "file_appeal",
    "file_plan_request",
    "file_supplement",
    "import_readings",
    "issue_chunk",
    "issue_clerk_set_plan",
    "issue_plans",
    "issue_reminder",
    "list_for_credit",
    "notice_context",
    "notice_trace",
    "notify_change",
    "plans_to_settle",
    "quota_entries",
    "record_coefficient_event",
    "record_evidence_download",
    "record_payment",
    "record_plan_finding",
    "refuse_adjustment",
    "refuse_supplement",
    "report_construction_month",
    "revised_figures",
    "rules_parameters",
    "settle_chunk",
    "settle_year",
    "sniff_type",
    "store_evidence",
    "take",
    "tiers_for",
    "units_for",
    "units_to_issue",
    "unpaid_overdue",
    "verify_adjustment",
    "withdraw_coefficient_event",
]
