"""Procedures of 医疗救助 (鄂州政办发〔2022〕34号): every write is here, atomic and audited; views, the API and the
jobs only validate input. One module per procedure; each step of a case goes through the procedure layer
(``ezhou_platform.procedures.engine``).

- ``identities``: persons; identities recognised by 民政 or 乡村振兴 (第四条第八款, 第二十二条) and ended by them
- ``applications``: 依申请救助, 倾斜救助, 身份确定前费用救助 (第十二条, 第十五条) and what an approval pays
- ``class_4``: 因病致贫重病患者认定 by 民政 (第四条第六款、第七款)
- ``settlements``: claims received and settled (第十一条 to 第十三条, 第十八条); ``resettle``: a person's year
  settled again (M12); ``reversals``: 冲销 and the amounts to recover; ``slips``: the printable 结算单
- ``years``: a person's year summary, 先诊疗后付费 (第二十条), the year's re-settlement (the job)
- ``warnings`` (第十四条), ``fund`` (第二十三条), ``premium`` (第七条)
"""

from ..cites import CITE_APPLICATION, CITE_FUND, CITE_RETRO, CITE_SETTLE, CITE_TILTED, CITE_WARNING
from .applications import approve_application, reject_application, submit_application, withdraw_application
from .class_4 import (
    approve_class_4,
    class_4_test,
    record_property_check,
    reject_class_4,
    submit_class_4_recognition,
)
from .common import EXAMPLE_SOURCE, IN_FORCE, ApiError, check_past_date, example_values, not_set_error, tree
from .fund import (
    fund_by_month,
    fund_ledger,
    paid_by_district_and_class,
    poverty_measure_amount,
    premium_subsidies_by_district,
    record_contribution,
)
from .identities import (
    case_record,
    check_identity,
    class_on,
    end_identity,
    identities_on,
    record_identity,
    register_person,
    same_identities,
)
from .premium import premium_subsidy_for
from .reversals import Reversal, record_recovery, recovery_out, reverse_settlement
from .settlements import ClaimInput, SettleResult, not_settled_reason, settle_claim
from .slips import print_slip, slip_context
from .warnings import run_warnings, self_borne_by_person
from .years import (
    claim_pay_after_treatment,
    pay_after_treatment_eligible,
    persons_with_claims,
    resettle_person_year,
    resettle_reason,
    year_summary,
)

__all__ = [
    "CITE_APPLICATION",
    "CITE_FUND",
    "CITE_RETRO",
    "CITE_SETTLE",
    "CITE_TILTED",
    "CITE_WARNING",
    "EXAMPLE_SOURCE",
    "IN_FORCE",
    "ApiError",
    "ClaimInput",
    "Reversal",
    "SettleResult",
    "approve_application",
    "approve_class_4",
    "case_record",
    "check_identity",
    "check_past_date",
    "claim_pay_after_treatment",
    "class_4_test",
    "class_on",
    "end_identity",
    "example_values",
    "fund_by_month",
    "fund_ledger",
    "identities_on",
    "not_set_error",
    "not_settled_reason",
    "paid_by_district_and_class",
    "pay_after_treatment_eligible",
    "persons_with_claims",
    "poverty_measure_amount",
    "premium_subsidies_by_district",
    "premium_subsidy_for",
    "print_slip",
    "record_contribution",
    "record_identity",
    "record_property_check",
    "record_recovery",
    "recovery_out",
    "register_person",
    "reject_application",
    "reject_class_4",
    "resettle_person_year",
    "resettle_reason",
    "reverse_settlement",
    "run_warnings",
    "same_identities",
    "self_borne_by_person",
    "settle_claim",
    "slip_context",
    "submit_application",
    "submit_class_4_recognition",
    "tree",
    "withdraw_application",
    "year_summary",
]
