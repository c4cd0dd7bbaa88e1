"""Rules of 鄂州政发〔2022〕19号 (保障性租赁住房) and 鄂州政办发〔2022〕19号 (基本公共服务人员住房):
framework-free formulas over columns and their dated parameters.

- `parameters/rental_housing.yaml`, `parameters/public_service_housing.yaml`: the numbers, dated and cited;
- `eligibility`: 第十二条 (age, housing, other subsidised housing) over columns, and one applicant with trace;
- `housing`: 第六条/第七条 project type, 第八条 unit area, 第十条 rent cap and re-appraisal;
- `tenancy`: 第二十条 contract term and payment period, the exit rent statement, rent-to-own (三（四）);
- `sourcing`: the sourcing plan of 鄂州政办发〔2022〕19号 (annex targets by body and method, steps of 四);
- `applicant`: the applicant's resident ID (age on the application date) and phone number.

鄂州政发〔2022〕19号 is valid for 5 years (第三十一条, to 2027-10-27): `validity_warning(day)` says so for a rule
applied after that, and every result of these rules carries it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from ezhou_rules.core.params import ParameterTree, load_parameters

PARAMETER_DIR = Path(__file__).parent / "parameters"


@cache
def parameters() -> ParameterTree:
    """Both documents' parameters in one tree, with 鄂州政发〔2022〕19号's validity (第三十一条): the
    implementation plan 鄂州政办发〔2022〕19号 states none, and the measures are what the system runs."""
    rental = load_parameters(PARAMETER_DIR / "rental_housing.yaml")
    plan = load_parameters(PARAMETER_DIR / "public_service_housing.yaml")
    merged = ParameterTree.merged("rental_housing", [rental, plan])
    # `merged` keeps neither document nor validity; rebuild it with those of the measures.
    return ParameterTree(
        "rental_housing",
        {name: merged.parameter(name) for name in merged.names()},
        document=rental.document,
        document_date=rental.document_date,
        valid_until=rental.valid_until,
        validity_citation=rental.validity_citation,
    )


def validity_warning(day: dt.date) -> str:
    """ "" while 鄂州政发〔2022〕19号 is in force on `day`; after 2027-10-27 the Chinese warning that its 5-year
    validity has ended (the result is still computed under it, for a case that began in time). The validity
    belongs to the document, so a what-if tree of changed values does not change it."""
    return parameters().expiry_warning(day)
