"""The Chinese title of every field of the rental-housing API, in one place.

The API's validation errors name a field by its title (ezhou_platform.common.api_labels), and the OpenAPI
schema is the contract other systems read, so every input and output field has a Chinese title: `RentalSchema`
gives each field the title below for its name (the rules' labels first, so an error from the rules and an error
from validation say the same word); a field whose name means different things in different schemas sets its
own `Field(title=...)`. A test walks the schema and fails on a field without a Chinese title.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from ezhou_rules.rental_housing.common import FIELD_LABELS

TITLES: dict[str, str] = {
    **FIELD_LABELS,
    # eligibility
    "full_civil_capacity": "具有完全民事行为能力",
    "has_spouse": "有配偶",
    "other_subsidised_housing": "在本市已享受其他形式的保障性住房",
    "in_district": "在申请辖区内",
    "delivered": "已交付",
    "eligible": "符合申请条件",
    "age": "周岁",
    "counted_homes": "计入的住房套数",
    "counted_area_m2": "计入的住房建筑面积（平方米）",
    "per_capita_m2": "家庭人均居住建筑面积（平方米）",
    "reasons": "不符合的条件",
    "code": "代码",
    "message": "说明",
    "citation": "依据",
    "trace": "计算过程",
    "validity_warning": "文件有效期提示",
    # trace steps
    "rule": "规则",
    "anchor": "条款锚点",
    "document": "文件",
    "inputs": "输入",
    "result": "结果",
    "explanation": "说明",
    # money and periods
    "monthly_rent_fen": "月租金（分）",
    "deposit_fen": "押金（分）",
    "rent_per_payment_fen": "每期租金（分）",
    "total_fen": "合计（分）",
    "total": "合计",
    "amount_fen": "金额（分）",
    "kind": "类别",
    "first_day": "起始日",
    "last_day": "截止日",
    "whole_months": "整月数",
    "extra_days": "不足整月的天数",
    "extra_period_days": "折算所用当月天数",
    "move_out_end": "腾退搬迁期截止日",
    "lines": "明细",
    "schedule": "各期租金",
    # rent-to-own
    "allowed": "可以先租后售",
    "conversion_from": "可申请转为共有产权住房之日",
    "may_apply_now": "计算日已可申请",
    "credited_rent_fen": "计入购房款的已交租金（分）",
    "payable_fen": "尚需支付的购房款（分）",
    "uncredited_rent_fen": "超出购房款的已交租金（分）",
    "market_sale_from": "可申请上市交易之日",
    "may_sell_now": "计算日已可上市交易",
    "full_ownership": "已购买全部产权",
    # area check
    "construction": "建设情况",
    "within": "符合第八条",
    "status": "状态",
    "limit_m2": "面积上限（平方米）",
    "guide_m2": "原则上控制面积（平方米）",
    # deadlines
    "start": "起算日",
    "due": "期限",
    "nominal": "按日历计算的期限",
    "provisional": "暂定",
    "provisional_years": "节假日安排尚未录入的年度",
    "reason": "说明",
    "skipped": "跳过的休息日",
    "review": "审核期限",
    "publicity": "公示期",
    "publicity_start": "公示开始",
    "publicity_end": "公示结束",
    "rule_text": "计算规则",
    # records
    "id": "编号",
    "project_id": "项目编号",
    "application_id": "申请编号",
    "unit_id": "房源编号",
    "offer_id": "轮候配租通知编号",
    "project": "项目",
    "jurisdiction": "所在辖区",
    "certificate_number": "项目认定书编号",
    "operator": "运营单位",
    "announcement": "招租公告",
    "free_units": "可选房源套数",
    "units": "房源",
    "layout": "户型",
    "property_fee_fen": "月物业费（分）",
    "status_label": "状态说明",
    "submitted_on": "申请日期",
    "review_deadline": "审核期限",
    "queue_position": "轮候位次",
    "missing_materials": "缺少的材料",
    "offer_unit": "轮候配租通知的房号",
    "applicant_name": "申请人",
    "on_behalf": "代理申请",
    "agent_relation": "代理关系",
    "work_unit": "工作单位",
    "priority_public_service": "从事基本公共服务人员",
    "priority_multi_child": "多孩家庭",
    "priority_three_generation": "三世同堂家庭",
    "materials": "已提交的第十三条材料",
    "allocated": "已选定房源",
    "earlier_waiting": "在先轮候人数",
    "approve": "审核通过",
    "description": "内容",
    "received_on": "受理日期",
    "content": "投诉举报内容",
    "complainant": "投诉人",
    "signed_on": "签订日期",
    "filed_on": "备案日期",
    "terminated_on": "终止日期",
    "termination_reason": "终止原因",
    "vacated_on": "腾退日期",
    "exit_rent_fen": "退出期间应缴租金（分）",
    "originals_checked": "申请资料已与原件核对一致",
    "record_text": "违规情况记录",
    "contract": "合同",
    "offered_at": "通知时间",
    "accept": "接受",
}


def title_of(name: str, _info: Any = None) -> str:
    """The Chinese title of a field name; the name itself when none is known (the schema test then fails)."""
    return TITLES.get(name, name)


class RentalSchema(Schema):
    """A schema whose fields are titled in Chinese from `TITLES` unless they set their own title."""

    model_config = ConfigDict(field_title_generator=title_of)
