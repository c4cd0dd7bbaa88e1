"""Chinese labels of the fields the water-plan rules and forms name in their messages.

An error carries the field's machine name in ``WaterPlanError.field`` (for programs) and its Chinese label in
the message (for people): "核准水量：“abc”不是水量", never "approved_volume：…".
"""

from __future__ import annotations

import re

FIELD_LABELS: dict[str, str] = {
    # plans (附件1)
    "plan_year": "计划年度",
    "year": "年度",
    "method": "核定方法",
    "history": "前三年用水量",
    "normal_use_started": "正常用水开始日期",
    "years_of_normal_use": "正常用水年数",
    "quantity": "数量",
    "quota": "用水定额",
    "indicator": "考核指标",
    "quota_unit": "定额单位",
    "quota_quantity": "考核指标数量",
    "coefficient": "增减系数",
    "adjustment": "增减量",
    "events": "增减系数情形",
    "events.kind": "增减系数情形",
    "events.until": "称号有效期截止日",
    "kind": "类型",
    "on": "日期",
    "until": "有效期截止日",
    "evidence": "证明材料",
    "basis": "依据",
    "delta": "增减量",
    "reason": "理由",
    "volume": "水量",
    # requests and decisions (第六条、第十条、第十二条、第十三条)
    "filed_on": "申请日期",
    "received_on": "接到申请日期",
    "requested_volume": "申请水量",
    "approved_volume": "核准水量",
    "opinion": "书面意见",
    "materials": "证明材料",
    "evidence_ids": "证明材料编号",
    "case": "不予调整/增补情形",
    "refusal_case": "不予调整/增补情形",
    "status": "状态",
    "action": "办理事项",
    "unit": "用水单位",
    "type": "突发用水类型",
    "event_on": "事发日期",
    "description": "突发用水情况说明",
    # 附件2 inputs
    "source": "水量来源",
    "diameter_mm": "水管口径",
    "pressure_mpa": "压力",
    "repair_hours": "爆管到修复的时间",
    "has_contract": "工程施工合同",
    "project": "基建、装修项目",
    "months": "基建水表月用水量",
    "month": "月份",
    "reported_on": "上报日期",
    "municipal": "是否市政建设转供水",
    "billed_volume": "水费结算票据用量",
    "daily": "每日抄表记录",
    "daily_readings": "每日抄表记录",
    "date": "日期",
    "leak_start": "漏水开始日期",
    "leak_end": "漏水结束日期",
    "repair_started": "开始维修日期",
    "renewal_started": "管道更新改造启动日期",
    "renewal_cost_fen": "改造经费",
    "mode": "情形",
    "before_volume": "对比前水量",
    "after_volume": "对比后水量",
    "invoice_volume": "发票水量",
    "metered": "是否装表计量",
    "per_event_volume": "每次增补水量",
    "last_year_volume": "去年同期水量",
    "growth": "产值产量同比增幅",
    "water_use": "用水性质",
    "divisor": "系数",
    "circulation_volume": "循环水量",
    # settlement, notices, appeals, collection (第十一条、第十四条—第十六条)
    "construction": "基建水表水量",
    "excess": "超计划水量",
    "percent": "下调比例",
    "start": "开始日期",
    "end": "结束日期",
    "multipliers": "加价倍数",
    "band_upper_bounds": "分档上限",
    "base_price": "加价基价",
    "tiers": "加价分档",
    "notice": "通知单",
    "state": "状态",
    "decision": "处理意见",
    "corrected_actual": "核实后的实际用水量",
    "corrected_actual_volume": "核实后的实际用水量",
    "claimed_actual_volume": "主张的实际用水量",
    "pay_by": "催告缴费期限",
    "issued_on": "下达日期",
    "file": "文件",
}

_INDEXED = re.compile(r"^(?P<name>[a-z_.]+)\[(?P<index>\d+)\](?:\.(?P<rest>[a-z_]+))?$")
_HISTORY = ("前三年用水量", "前二年用水量", "前一年用水量")


def label(field: str | None) -> str:
    """The Chinese label of a field name ('approved_volume' → '核准水量', 'months[2].volume' → '第3个月的水量');
    "" when unknown."""
    if not field:
        return ""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    m = _INDEXED.match(field)
    if m:
        name, index, rest = m["name"], int(m["index"]), m["rest"]
        if name == "history" and index < 3 and rest is None:
            return _HISTORY[index]
        whole = FIELD_LABELS.get(name, "")
        if not whole:
            return ""
        inner = f"的{FIELD_LABELS.get(rest, rest)}" if rest else ""
        return f"{whole}第{index + 1}项{inner}"
    return ""


def with_label(field: str | None, message: str) -> str:
    """'核准水量：message' — the label once (not added again when the message already starts with it), never
    the machine name."""
    name = label(field)
    head, colon, _ = message.partition("：")
    already = bool(colon) and len(head) <= 24 and not any(ch in head for ch in "，。；（）“”")
    if not name or message.startswith(name) or already:
        return message  # labelled already (a rule may name the field more precisely: 送达日期 for "on")
    return f"{name}：{message}"
