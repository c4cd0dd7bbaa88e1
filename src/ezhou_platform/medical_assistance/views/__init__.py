"""Pages of 医疗救助, one module per procedure or topic (public pages, persons, claims and settlements,
applications, class-4 recognition, identities, warnings, the fund, recoveries)."""

from .applications import application_detail, applications
from .class_4 import class_4_detail, class_4_recognitions
from .fund import fund, fund_export
from .identities import identities, identities_civil_affairs, identities_rural
from .persons import persons, premium_subsidy_persons
from .public import calculator, index, premium_subsidy
from .recoveries import recoveries, recoveries_export
from .settlements import (
    claim_detail,
    claim_new,
    claims_calculate,
    claims_template,
    claims_upload,
    resettle,
    settlements,
    settlements_export,
)
from .warnings import (
    warnings_civil_affairs,
    warnings_export,
    warnings_export_civil_affairs,
    warnings_export_rural,
    warnings_medical,
    warnings_rural,
)

__all__ = [
    "application_detail",
    "applications",
    "calculator",
    "claim_detail",
    "claim_new",
    "claims_calculate",
    "claims_template",
    "claims_upload",
    "class_4_detail",
    "class_4_recognitions",
    "fund",
    "fund_export",
    "identities",
    "identities_civil_affairs",
    "identities_rural",
    "index",
    "persons",
    "premium_subsidy",
    "premium_subsidy_persons",
    "recoveries",
    "recoveries_export",
    "resettle",
    "settlements",
    "settlements_export",
    "warnings_civil_affairs",
    "warnings_export",
    "warnings_export_civil_affairs",
    "warnings_export_rural",
    "warnings_medical",
    "warnings_rural",
]
