"""The procedures of 非常规水资源管理 on the platform's procedure layer, their numbered documents, the workspace
shortcuts of each role, and the citations of every step (so the policy library's coverage page links each
article of 鄂州政办发〔2022〕14号 to the step that applies it).

- 建设项目“三同时” (Project): 已备案 → 施工中 → 已验收 → 已纳入日常监管 (第六条);
- 设施日常监管 (Facility): 运行中 → 已注销 (第二十一条); the next water test on the operator's side (第二十三条);
- 违法行为处理 (Violation): 已登记 → 已移交处理 → 已办结 (第二十四条, 第二十五条);
- 计划用水联动 (WaterPlanLink): 待记录 → 已计入计划用水 | 不予记录 (15号 附件1 三（四）, 第八条第（四）项).
"""

from __future__ import annotations

from django.urls import reverse

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import documents
from ezhou_platform.procedures.machine import Procedure, register, transitions
from ezhou_platform.procedures.workspace import Shortcut, register_shortcut
from ezhou_rules.core.citations import REGISTRY

from .models import Facility, Project, Violation, WaterPlanLink

DEPARTMENT = "water"
DOC = "鄂州政办发〔2022〕14号"

PROJECT = register(
    Procedure(
        slug="unconventional_water.project",
        label="建设项目非常规水资源利用设施“三同时”",
        model=Project,
        department=DEPARTMENT,
        document=DOC,
        path=(
            ("filed", "已备案"),
            ("under_construction", "施工中"),
            ("accepted", "已验收"),
            ("supervised", "已纳入日常监管"),
        ),
        applicant_uscc=lambda r: r.developer_uscc,
        title=lambda r: f"{r.name}（“三同时”备案）",
        url=lambda r: reverse("unconventional_water:project", args=[r.pk]),
        filed_by=(Role.ENTERPRISE, Role.CLERK),
    )
)
FACILITY = register(
    Procedure(
        slug="unconventional_water.facility",
        label="非常规水资源利用设施日常监管",
        model=Facility,
        department=DEPARTMENT,
        document=DOC,
        path=(("in_service", "日常监管"), ("closed", "已注销")),
        applicant_uscc=lambda r: r.operator_uscc,
        title=lambda r: f"{r.name}（日常监管）",
        url=lambda r: reverse("unconventional_water:facility", args=[r.pk]),
    )
)
VIOLATION = register(
    Procedure(
        slug="unconventional_water.violation",
        label="非常规水资源利用违法行为处理",
        model=Violation,
        department=DEPARTMENT,
        document=DOC,
        path=(("recorded", "已登记"), ("handed_over", "已移交处理"), ("closed", "已办结")),
        applicant_uscc=lambda r: r.party_uscc,
        title=lambda r: f"{r.party}：{r.get_act_display()}",
        url=lambda r: reverse("unconventional_water:violation", args=[r.pk]),
    )
)
LINK = register(
    Procedure(
        slug="unconventional_water.water_plan_link",
        label="非常规水资源利用情况计入计划用水",
        model=WaterPlanLink,
        department=DEPARTMENT,
        document="鄂州政办发〔2022〕15号",
        path=(("proposed", "待记录"), ("recorded", "已计入计划用水")),
        endings=(("dismissed", "不予记录"),),
        applicant_uscc=lambda r: r.water_unit.uscc,
        title=lambda r: f"{r.water_unit.name}{r.year}年：{r.get_kind_display()}",
        url=lambda r: reverse("unconventional_water:link", args=[r.pk]),
    )
)

for kind in (
    documents.DocumentKind(
        "unconventional_water.filing_receipt",
        "非常规水资源利用设施“三同时”备案回执",
        "鄂水非备〔{year}〕{seq}号",
        department=DEPARTMENT,
    ),
    documents.DocumentKind(
        "unconventional_water.supervision_notice",
        "非常规水资源利用设施纳入日常监管通知书",
        "鄂水非监〔{year}〕{seq}号",
        department=DEPARTMENT,
    ),
    documents.DocumentKind(
        "unconventional_water.violation_referral",
        "非常规水资源利用违法行为移交处理函",
        "鄂水非移〔{year}〕{seq}号",
        department=DEPARTMENT,
    ),
):
    documents.register_kind(kind)

# Every step's article is an implementation of it (kind "procedure"), as the rules' @rule citations are.
for proc in (PROJECT, FACILITY, VIOLATION, LINK):
    for t in transitions(proc.model):
        st = t.custom["step"]
        REGISTRY.register(st.cites, f"{proc.slug}.{t.name}", "procedure", st.label)
for place, name, summary in (
    ("第六条", "services.projects.file_project", "项目建设前到市水行政主管部门备案（三同时）"),
    ("第十七条", "services.projects.record_designer", "再生水利用系统设计单位的资质"),
    ("第二十条第二款", "services.stops.file_stop_notice", "停止运行或供水提前24小时通知用户并同时报告"),
    ("第二十二条", "services.facilities.record_inspection", "供水系统相互独立、明显标识、非饮用水标识"),
    ("第二十三条", "services.reports.file_report", "水质检测结果报市水行政主管部门备案"),
    ("第二十四条", "services.violations.record_violation", "第二十四条所列行为登记"),
    ("第十三条", "services.facilities.add_source", "再生水水源登记"),
):
    REGISTRY.register(f"{DOC} {place}", f"ezhou_platform.unconventional_water.{name}", "procedure", summary)

CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
for shortcut in (
    Shortcut("非常规水资源：工作台", "unconventional_water:clerk_home", STAFF, DEPARTMENT),
    Shortcut("非常规水资源：检测提醒", "unconventional_water:reminders", STAFF, DEPARTMENT),
    Shortcut("非常规水资源：计划用水联动", "unconventional_water:links", STAFF, DEPARTMENT),
    Shortcut("非常规水资源：建设项目备案", "unconventional_water:my_projects", (Role.ENTERPRISE,)),
    Shortcut(
        "非常规水资源：我的设施（检测报告、停水报告）",
        "unconventional_water:my_facilities",
        (Role.ENTERPRISE,),
    ),
    Shortcut("非常规水资源：水质标准库", "unconventional_water:standards", (Role.ADMIN, *STAFF)),
):
    register_shortcut(shortcut)
