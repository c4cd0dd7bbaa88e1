"""The subsidies API's schemas: every input and output field has a Chinese title (the API's validation errors
name a field by it), every number, date and identifier a bound. No ``from __future__ import annotations``:
django-ninja reads these annotations at import."""

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from ezhou_rules.subsidies.components import COMPONENTS

TITLES: dict[str, str] = {
    "measure": "措施或奖补事项",
    "facts": "申报信息",
    "prior_awards": "应当核对的已有奖补",
    "on": "计算日期",
    "award_id": "奖补编号",
    "component": "奖补事项",
    "subject": "享受主体证件号码",
    "object": "奖补对象",
    "year": "年度",
    "amount_fen": "金额（分）",
    "eligible": "符合条件",
    "awardable": "可予奖补",
    "pending_decision": "金额待决定",
    "ceiling_fen": "最高额（分）",
    "payer": "兑现单位",
    "reasons": "不符合的条件",
    "trace": "计算过程",
    "keys": "台账键",
    "key": "台账键",
    "limit": "可占用次数",
    "cap_key": "奖励上限键",
    "ledger": "台账核对",
    "code": "代码",
    "text": "说明",
    "citation": "依据",
    "rule": "规则",
    "anchor": "条款锚点",
    "document": "文件",
    "inputs": "输入",
    "result": "结果",
    "explanation": "说明",
    "accepted": "台账核对通过",
    "message": "说明",
    "conflict": "冲突的奖补或申请",
    "supersedes": "按就高不就低取代的奖补",
    "capped": "按上限核减",
    "number": "措施序号",
    "name": "名称",
    "title": "标题",
    "kind": "类别",
    "responsible_units": "责任单位",
    "components": "奖补事项",
    "tracking": "跟踪落实事项",
    "parameters": "参数",
    "description": "说明",
    "unit": "单位",
    "value": "取值",
    "reference": "来源",
    "configurable": "由主管部门录入",
    "id": "编号",
    "application": "申请编号",
    "status": "状态",
    "status_label": "状态说明",
    "subject_name": "享受主体名称",
    "department": "审核部门",
    "source": "来源",
    "received_on": "受理日期",
    "payable_fen": "决定金额（分）",
    "decided_on": "决定日期",
    "paid_on": "支付日期",
    "refusal_reason": "不予奖补或撤回的理由",
    "clawback_reason": "追回理由",
    "payee": "收款账户",
    "bank": "开户银行",
    "account": "收款账号",
    "documents": "申请材料",
    "content_base64": "文件内容（Base64）",
    "note": "审核意见",
    "reason": "理由",
    "decided_amount_fen": "决定奖励金额（分）",
    "items": "申请",
    "total": "合计条数",
    "taken_on": "占用日期",
    "released_on": "释放日期",
    "release_reason": "释放原因",
    "label": "含义",
}


def title_of(name: str, _info: Any = None) -> str:
    return TITLES.get(name, name)


class SubsidySchema(Schema):
    model_config = ConfigDict(field_title_generator=title_of)


COMPONENT_PATTERN = "^(" + "|".join(c.replace(".", r"\.") for c in COMPONENTS) + r"|m?\d{1,2})$"
DATE_MIN, DATE_MAX = dt.date(2022, 1, 1), dt.date(2100, 12, 31)
FEN_MAX = 10**15  # 10 万亿元: far above any award, far below int64


class SubsidyTraceStepOut(SubsidySchema):
    rule: str
    citation: str | None
    anchor: str | None
    document: str | None
    inputs: dict[str, Any]
    result: Any
    explanation: str


class SubsidyReasonOut(SubsidySchema):
    code: str
    text: str
    citation: str


class PriorAwardIn(SubsidySchema):
    award_id: str = Field(..., min_length=1, max_length=40, description="已有奖补的编号")
    component: str = Field(
        ..., pattern=COMPONENT_PATTERN, description="已有奖补的事项代码，如 m12、m05.store"
    )
    subject: str = Field(..., min_length=15, max_length=18, description="已有奖补的享受主体证件号码")
    object: str = Field(
        ..., min_length=1, max_length=120, description="已有奖补的对象（车辆识别代号、银行:合同编号等）"
    )
    year: int = Field(..., ge=2000, le=2100)
    amount_fen: int = Field(..., ge=0, le=FEN_MAX)
