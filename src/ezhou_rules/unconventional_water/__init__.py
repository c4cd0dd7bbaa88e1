"""Rules of 鄂州政办发〔2022〕14号 (鄂州市非常规水资源管理办法): framework-free checks over columns.

- `parameters/unconventional_water.yaml`: the numbers and lists, dated and cited (thresholds of 第八条, the
  24 hours of 第二十条, the prohibited industries of 第十三条, what an administrator must enter);
- `screening`: 第八条 (which projects must build a rainwater facility), 第六条/第十六条 notes;
- `projects`: 第六条 三同时 (filing before construction, designer, acceptance with the department, supervision);
- `sources`: 第十三条 (what may and may not feed a reclaimed-water facility);
- `units`, `standards` (+ `standards/*.yaml`), `uses`, `quality`, `lab_reports`: the water-quality library
  (第十一条, 第十八条, 第二十三条) and the check of lab reports against every use a facility serves, by the
  strictest limit — `quality.check_reports` over columns, `lab_reports.check_report` for one report, explained;
- `stop_notice`: 第二十条 (24 clock hours' notice to users, report to the department at the same time);
- `register` (+ `checklists/inspection.yaml`): facility register checks, the inspection checklist of 第二十二条
  and others, testing reminders (第二十三条);
- `violations`: the six acts of 第二十四条 and the laws they are handled under (第二十五条, configuration);
- `interlock`: what the water plan (鄂州政办发〔2022〕15号 附件1 三（四）, 第八条第（四）项) takes from here.

Areas are integer hundredths of a m² (``*_m2x100``), volumes integer hundredths of a m³ (``*_m3x100``), water
quality values exact integers of 10⁻⁹ of the indicator's canonical unit (see `units`). Every refusal is an
`errors.UnconventionalWaterError` (English `.code`, `.field`, Chinese `.message` naming the field and the rule).
Interpretations: docs/interpretations.md U1–U13.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ezhou_rules.core.params import ParameterTree, load_parameters

DOCUMENT = "鄂州政办发〔2022〕14号"
WATER_PLAN_DOCUMENT = "鄂州政办发〔2022〕15号"
PACKAGE_DIR = Path(__file__).parent
PARAMETER_FILE = PACKAGE_DIR / "parameters" / "unconventional_water.yaml"


@cache
def parameters() -> ParameterTree:
    """The YAML tree; configurable values (testing interval, handling laws) are merged by the platform
    with ``ParameterTree.with_values`` from what administrators entered."""
    return load_parameters(PARAMETER_FILE, name="unconventional_water")


def cite(place: str) -> str:
    """'第八条' → '鄂州政办发〔2022〕14号 第八条'."""
    return f"{DOCUMENT} {place}"
