"""Rules of 鄂州政发〔2022〕19号 (保障性租赁住房) and 鄂州政办发〔2022〕19号 (基本公共服务人员住房):
framework-free formulas over columns and their dated parameters.

- `parameters/rental_housing.yaml`, `parameters/public_service_housing.yaml`: the numbers, dated and cited;
- `eligibility`: 第十二条 (age, housing, other subsidised housing) over columns, and one applicant with trace;
- `housing`: 第六条/第七条 project type, 第八条 unit area, 第十条 rent cap and re-appraisal;
- `tenancy`: 第二十条 contract term and payment period, the exit rent statement, rent-to-own (三（四）).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ezhou_rules.core.params import ParameterTree, load_parameters

PARAMETER_DIR = Path(__file__).parent / "parameters"


@cache
def parameters() -> ParameterTree:
    """Both documents' parameters in one tree: `rental_housing.*` and `public_service_housing.*`."""
    trees = [
        load_parameters(PARAMETER_DIR / "rental_housing.yaml"),
        load_parameters(PARAMETER_DIR / "public_service_housing.yaml"),
    ]
    return ParameterTree.merged("rental_housing", trees)
