"""JSON API of 医疗救助 (鄂州政办发〔2022〕34号), mounted at /api/v1/medical-assistance/: what the modules share.

Amounts are integer fen, dates ISO 8601. Settlement is for 医疗保障局 clerks (and the hospital systems
that act through their accounts); the estimate is public. Every field of every schema, in and out, carries a
Chinese title: it is the contract other systems read, and the label a validation error names.
"""

from typing import Any

from ninja import Field, Router, Schema

from ezhou_platform.common.roles import Role
from ezhou_rules.medical_assistance.recipients import IdentityKind

router = Router(tags=["医疗救助"])

MEDICAL = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
DEPARTMENT = "medical_security"
KINDS = "、".join(f"{k.value}（{k.label}）" for k in IdentityKind)  # type: ignore[attr-defined]


def money(title: str, description: str = "", default: Any = ...) -> Any:
    return Field(default, ge=0, title=title, description=f"{title}（分，整数）{description}")


class MedicalTraceStepOut(Schema):
    rule: str = Field(..., title="规则", description="规则（代码中的名称）")
    citation: str | None = Field(..., title="依据条文", description="依据条文（文号和条款）")
    anchor: str | None = Field(..., title="条文锚点", description="条文在政策文件库中的锚点")
    document: str | None = Field(..., title="文件", description="文件文号")
    inputs: dict[str, Any] = Field(..., title="输入", description="输入（本步骤用到的数值）")
    result: Any = Field(..., title="结果", description="结果（本步骤的计算结果）")
    explanation: str = Field(..., title="说明", description="说明（一句中文解释）")


# -- 测算（公开） ------------------------------------------------------------------------------------------
