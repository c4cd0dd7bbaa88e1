"""Rules of 鄂州政办发〔2022〕27号: the “证照分离” reform plan (第一部分) and the 告知承诺制 plan (第二部分)
with its annex, the first batch of 26 涉企经营许可事项 under the commitment route. Framework-free.

- `catalogue`: the reform list read from the policy library's copy of the annex (versioned by batch and
  valid_from), with a report of what could not be read and the flagged inconsistencies;
- `facets`, `coverage`: each item's scope (延续 only, 仅限零售, 不含外资企业 …) as structured facets and
  "is this application covered by the commitment route?";
- `scheme`: 一事项一方案 (conditions, materials with their timing, supervision, consequences, template) and the
  template check against vague conditions;
- `periods`: configured periods (per item, dated, working or calendar days, counting event), due dates one by
  one and vectorised, the daily overdue sweep;
- `departments`: department type → issuing body by level (configuration) and the supervisor by reform mode;
- `credit`: the credit bar (二（一）2) and the credit-record export;
- `notification`: 一次性告知 (five contents), the commitment (five confirmations) and the proof hash;
- `decision`: 当场作出决定 and when operation is permitted;
- `case_state`: a case's state, what is due and when, from its events;
- `draw`: 双随机、一公开 draws, verifiable from a population hash and a committed seed;
- `metrics`: oversight figures per item, department and district.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ezhou_rules.core.params import ParameterTree, load_parameters

DOCUMENT = "鄂州政办发〔2022〕27号"
PARAMETER_FILE = Path(__file__).parent / "parameters" / "licensing.yaml"
DATA_DIR = Path(__file__).parent / "data"


def cite(place: str) -> str:
    """A citation of this document: ``cite("第二部分 三（四）")``."""
    return f"{DOCUMENT} {place}"


# The places the rules cite most (each resolves to an anchor of gazette/licensing.md).
CITE_ANNEX = cite("附件1")
CITE_REFORM_GOAL = cite("第一部分 二")  # 自本方案印发之日起…四种方式
CITE_REFORM_LIST = cite("第一部分 三（一）")  # 按四种方式分类实施改革
CITE_SUPERVISION = cite("第一部分 三（三）")  # 谁审批、谁监管; 双随机、一公开; 特殊行业全覆盖
CITE_SCOPE = cite("第二部分 二（一）1")  # 事项范围
CITE_APPLICANTS = cite("第二部分 二（一）2")  # 自主选择; 信用修复前不适用
CITE_NOTIFY = cite("第二部分 二（二）1")  # 一次性告知的五项内容
CITE_COMMIT = cite("第二部分 二（二）2")  # 五项确认和承诺; 当面递交、在线提交或邮寄
CITE_APPLY = cite("第二部分 三（一）")  # 递交时提交 / 决定作出后一定期限内提交
CITE_DECIDE = cite("第二部分 三（二）")  # 当场作出行政许可决定
CITE_OPERATE = cite("第二部分 三（三）")  # 领证后即可 / 达到条件后方可开展经营活动
CITE_OVERSIGHT = cite("第二部分 三（四）")  # 核查; 责令限期整改; 撤销; 信用监管
CITE_LIABILITY = cite("第二部分 三（五）")  # 责任承担
CITE_ONE_SCHEME = cite("第二部分 四（一）")  # 一事项一方案; 可量化可操作、不含模糊表述或兜底条款
CITE_EVALUATION = cite("第二部分 四（四）")  # 纳入法治政府建设考评


@cache
def parameters() -> ParameterTree:
    """The dated texts this document fixes (five contents, five confirmations, template-check terms)."""
    return load_parameters(PARAMETER_FILE, name="licensing")
