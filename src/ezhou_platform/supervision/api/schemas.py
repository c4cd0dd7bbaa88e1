"""Schemas of the supervision API: every input and output field titled in Chinese (the validation errors name
a field by its title), every number, date, list and identifier bounded."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

TITLES: dict[str, str] = {
    # plans and tasks
    "slug": "方案代码",
    "document": "文号",
    "title": "标题",
    "issued": "印发日期",
    "tasks": "任务",
    "items": "督办事项",
    "problems": "载入问题",
    "leadership": "领导机构",
    "unit_names": "单位名称",
    "id": "编号",
    "number": "序号",
    "group": "所属部分",
    "text": "工作任务",
    "anchor": "锚点",
    "citation": "出处",
    "units": "单位",
    "lead": "牵头单位",
    "lead_basis": "牵头单位依据",
    "responsible": "责任单位",
    "deadline": "时限",
    "main_text": "正文",
    "printed": "原文",
    "key": "单位编号",
    "expanded": "补全名称",
    "kind": "类别",
    "due": "完成时限",
    "deliverable": "完成形式",
    "deliverable_label": "完成形式说明",
    "deliverable_printed": "完成形式原文",
    "period_end": "持续实施至",
    "basis": "读法说明",
    "task_id": "任务编号",
    "year": "年度",
    "label": "名称",
    "code": "代码",
    "field": "字段",
    "message": "说明",
    "severity": "程度",
    "name": "名称",
    "members_printed": "方案列明成员",
    "members": "成员",
    "position": "职务",
    "role": "身份",
    "unit": "单位",
    "notes": "附注",
    "loaded_at": "载入时间",
    "roll_rest_days": "月底截止日遇休息日顺延",
    "consistency": "正文与附件比对",
    "differences": "差异",
    "subject": "内容",
    "main": "正文出处",
    "annex": "附件出处",
    "unit_key": "单位编号",
    "in_sibling_rows": "同一正文任务中列有该单位的附件行",
    "rows": "各项任务",
    "annex_units": "附件所列单位",
    "main_citation": "正文出处",
    "main_lead": "正文牵头单位",
    "main_responsible": "正文责任单位",
    "membership": "成员单位比对",
    "body": "领导机构",
    "seats": "席位",
    "tasks_without_seat": "承担任务但无席位的单位",
    "seats_without_tasks": "有席位但不承担任务的单位",
    "unresolved": "无法识别单位的职务",
    "detail": "明细",
    # task state
    "task": "任务编号",
    "date": "日期",
    "reports": "报告",
    "document_number": "证明文件文号",
    "note": "说明",
    "item_id": "督办事项编号",
    "state": "状态",
    "days": "天数",
    "printed_due": "原定完成时限",
    "completed_on": "完成日期",
    "evidence": "完成依据文号",
    "last_report": "最近报告日期",
    "explanation": "说明",
    # funding
    "records": "学校经费记录",
    "school": "学校",
    "ownership": "办学性质",
    "students": "在校生数",
    "lines": "经费明细",
    "amount_fen": "经费金额（分）",
    "amount": "经费金额（元）",
    "includes_tuition": "含学费收入",
    "includes_service_income": "含社会服务收入",
    "results": "结果",
    "applicable": "适用标准",
    "floor_fen": "生均拨款标准（分）",
    "counted_fen": "计入的财政拨款（分）",
    "excluded": "不计入的收入",
    "excluded_fen": "不计入合计（分）",
    "fen": "金额（分）",
    "required_fen": "应拨数（分）",
    "shortfall_fen": "差额（分）",
    "per_student_fen": "生均拨款（分）",
    "met": "达到",
    # progression
    "graduates": "毕业生数",
    "progressed": "升学人数",
    "to_bachelor": "升职业本科人数",
    "bachelor_denominator": "升职业本科比例的分母",
    "progression_rate": "升学比例",
    "bachelor_rate": "升职业本科比例",
    "assessable": "可计算",
    "progression_met": "升学比例达到",
    "bachelor_met": "升职业本科比例达到",
    "progression_needed": "达到升学比例所需人数",
    "bachelor_needed": "达到升职业本科比例所需人数",
    # coverage
    "jurisdictions": "辖区名录",
    "sites": "站点",
    "series": "时间序列",
    "parent": "上级辖区",
    "development_zone": "开发区",
    "dispersed": "居住分散",
    "valid_from": "起始日期",
    "valid_until": "终止日期",
    "jurisdiction": "所在辖区",
    "operators": "运营主体",
    "functions": "服务职能",
    "history": "状态记录",
    "since": "起始日期",
    "start": "开始日期",
    "end": "结束日期",
    "step": "步长",
    "levels": "各层级",
    "level": "站点层级",
    "district": "区级配送中心",
    "township": "乡镇综合服务站",
    "village": "村级服务网点",
    "warnings": "提示",
    "count": "运营站点数",
    "target": "目标数",
    "covered": "有站点的辖区数",
    "denominator": "计入覆盖率的辖区数",
    "coverage": "覆盖率",
    "count_met": "数量达到",
    "coverage_met": "覆盖率达到",
    "uncovered": "未覆盖的辖区",
    "exceeded": "超出每个单位站点数的辖区",
    "limit": "上限",
    "allowed": "可适当增设",
    "reason": "理由",
    "tree": "区乡村树",
    "value": "所辖建制村数",
    "children": "下级",
    "function_gaps": "职能未登记齐全的站点",
    "site": "站点编号",
    "missing": "未登记的职能",
    "dates": "日期",
    "target_date": "目标日期",
    "source": "数据来源",
    # phases
    "phases": "所属阶段",
    "current": "当前阶段",
}


def title_of(name: str, _info: Any = None) -> str:
    return TITLES.get(name, name)


class SupervisionSchema(Schema):
    model_config = ConfigDict(field_title_generator=title_of)


Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2099, 12, 31))]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Year = Annotated[int, Field(ge=2000, le=2099)]
Name = Annotated[str, Field(max_length=100)]
ShortText = Annotated[str, Field(max_length=200)]


# -- GET /supervision/{document}/tasks --------------------------------------------------------------------------
class UnitRefOut(SupervisionSchema):
    printed: str
    key: str | None
    expanded: str | None = None


class SupervisionDeadlineOut(SupervisionSchema):
    printed: str
    kind: str
    due: dt.date | None
    deliverable: str
    deliverable_label: str
    deliverable_printed: str
    period_end: dt.date | None
    basis: str


class MainTextOut(SupervisionSchema):
    anchor: str | None
    citation: str | None
    lead: list[UnitRefOut]
    responsible: list[UnitRefOut]


class TaskOut(SupervisionSchema):
    id: str
    document: str
    number: int
    group: str
    text: str
    anchor: str
    citation: str
    units: list[UnitRefOut]
    lead: list[str]
    lead_basis: str
    responsible: list[str]
    deadline: SupervisionDeadlineOut
    main_text: MainTextOut


class SupervisionItemOut(SupervisionSchema):
    id: str
    task_id: str
    year: int | None
    label: str
    kind: str
    due: dt.date | None
    deliverable: str
    printed: str
    basis: str
    issued: dt.date
    period_end: dt.date | None


class SupervisionProblemOut(SupervisionSchema):
    code: str
    anchor: str
    field: str
    message: str
    severity: str


class MemberOut(SupervisionSchema):
    name: str
    position: str
    role: str
    unit: str | None


class LeadershipOut(SupervisionSchema):
    name: str
    citation: str
    members_printed: bool
    members: list[MemberOut]
    notes: list[str]


class PlaceOut(SupervisionSchema):
    anchor: str | None
    citation: str | None


class DifferenceOut(SupervisionSchema):
    kind: str
    subject: str
    message: str
    task_id: str | None
    main: PlaceOut
    annex: PlaceOut
    unit_key: str | None
    in_sibling_rows: list[str]


class SplitRowOut(SupervisionSchema):
    task_id: str
    citation: str
    annex_units: list[str]
    main_citation: str | None
    main_lead: list[str]
    main_responsible: list[str]
    lead: list[str]
    lead_basis: str


class ConsistencyOut(SupervisionSchema):
    document: str
    differences: list[DifferenceOut]
    rows: list[SplitRowOut]
    notes: list[str]


class NamedOut(SupervisionSchema):
    unit: str
    name: str
    detail: list[Any] = Field(title="明细", description="任务序号或职务")


class MembershipOut(SupervisionSchema):
    body: str
    citation: str
    printed: bool
    seats: list[NamedOut]
    tasks_without_seat: list[NamedOut]
    seats_without_tasks: list[NamedOut]
    unresolved: list[str]
    notes: list[str]


class UnitNameOut(SupervisionSchema):
    key: str
    name: str


class TasksOut(SupervisionSchema):
    slug: str
    document: str
    title: str
    issued: dt.date
    loaded_at: dt.datetime | None
    roll_rest_days: bool
    tasks: list[TaskOut]
    items: list[SupervisionItemOut]
    problems: list[SupervisionProblemOut]
    leadership: LeadershipOut
    unit_names: list[UnitNameOut]
    consistency: ConsistencyOut
    membership: MembershipOut


# -- POST /supervision/task-state -------------------------------------------------------------------------------
class SupervisionReportIn(SupervisionSchema):
    task: Annotated[str | None, Field(max_length=80, title="任务编号", description="默认为所查询的任务")] = (
        None
    )
    kind: Literal["progress", "completion"] = Field(
        title="报告类型", description="progress 进展，completion 完成"
    )
    date: Day = Field(title="报告日期", description="证明文件的日期")
    document_number: Annotated[str, Field(max_length=80)] = ""
    unit: Annotated[str | None, Field(max_length=100, title="报送单位", description="单位名称或单位编号")] = (
        None
    )
    note: ShortText = ""


class TaskStateIn(SupervisionSchema):
    task: Annotated[
        str,
        Field(
            min_length=3,
            max_length=80,
            title="任务编号",
            description="如 vocational_education/25 或年度事项 vocational_education/9@2024",
        ),
    ]
    date: Day = Field(title="查询日期")
    roll_rest_days: bool | None = Field(
        None, title="月底截止日遇休息日顺延", description="不填则按平台对该方案的设置"
    )
    reports: Annotated[list[SupervisionReportIn], Field(max_length=1000)] = []


class TaskStateOut(SupervisionSchema):
    item_id: str
    task_id: str
    date: dt.date
    state: str
    label: str
    days: int
    due: dt.date | None
    printed_due: dt.date | None
    completed_on: dt.date | None
    evidence: str
    last_report: dt.date | None
    explanation: str
    roll_rest_days: bool
    citation: str


# -- POST /vocational-education/funding-floor -------------------------------------------------------------------
class FundingLineIn(SupervisionSchema):
    kind: Literal["appropriation", "tuition", "service_income"] = Field(
        title="经费类别", description="appropriation 财政拨款，tuition 学费收入，service_income 社会服务收入"
    )
    amount_fen: Annotated[int | None, Field(ge=0, le=10**13, title="经费金额（分）")] = None
    amount: Annotated[
        str | None,
        Field(
            max_length=20,
            pattern=r"^\d{1,11}(\.\d{1,2})?$",
            title="经费金额（元）",
            description="以元为单位，最多两位小数；与经费金额（分）二选一",
        ),
    ] = None
    label: ShortText = ""
    includes_tuition: bool = False
    includes_service_income: bool = False


class FundingRecordIn(SupervisionSchema):
    school: Annotated[str, Field(min_length=1, max_length=100)]
    kind: Literal["secondary", "technical", "higher"] = Field(
        title="学校类别", description="secondary 中职，technical 技工学校，higher 高职"
    )
    ownership: Literal["public", "private"] = Field(title="办学性质", description="public 公办，private 民办")
    year: Year
    students: Count
    lines: Annotated[list[FundingLineIn], Field(min_length=1, max_length=50)]


class FundingIn(SupervisionSchema):
    records: Annotated[list[FundingRecordIn], Field(min_length=1, max_length=1000)]


class ExcludedOut(SupervisionSchema):
    label: str
    fen: int


class FundingResultOut(SupervisionSchema):
    school: str
    year: int
    kind: str
    ownership: str
    applicable: bool
    students: int
    floor_fen: int | None
    counted_fen: int
    excluded: list[ExcludedOut]
    excluded_fen: int
    required_fen: int | None
    shortfall_fen: int
    per_student_fen: int | None
    met: bool | None
    explanation: str
    citation: str


class FundingOut(SupervisionSchema):
    results: list[FundingResultOut]


# -- POST /vocational-education/progression ---------------------------------------------------------------------
class ProgressionRowIn(SupervisionSchema):
    school: Annotated[str, Field(min_length=1, max_length=100)]
    year: Year
    graduates: Count
    progressed: Count
    to_bachelor: Count


class ProgressionIn(SupervisionSchema):
    rows: Annotated[list[ProgressionRowIn], Field(min_length=1, max_length=5000, title="升学数据")]
    bachelor_denominator: Literal["graduates", "progressed"] = Field(
        "graduates",
        title="升职业本科比例的分母",
        description="graduates 毕业生数（解释 T6），progressed 升学人数",
    )


class ProgressionRowOut(SupervisionSchema):
    school: str
    year: int
    graduates: int
    progressed: int
    to_bachelor: int
    progression_rate: str
    bachelor_rate: str
    bachelor_denominator: str
    assessable: bool
    progression_met: bool
    bachelor_met: bool
    met: bool
    progression_needed: int
    bachelor_needed: int
    citation: str
    explanation: str


class ProgressionOut(SupervisionSchema):
    results: list[ProgressionRowOut] = Field(title="各学校各年度结果")
    bachelor_denominator: str
