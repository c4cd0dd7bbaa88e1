"""The procedures of 保障性租赁住房 on the platform's procedure layer, their numbered documents and the
workspace shortcuts of the roles that work in them. Imported once by the AppConfig (ready()).

Every procedure belongs to 住房和城乡建设局 (department `housing`); an operator's staff see only the cases of
their operator's projects and a district's staff those of their district (`scope`, ADR 1).
"""

from __future__ import annotations

from typing import Any

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import documents
from ezhou_platform.procedures.machine import Procedure, register
from ezhou_platform.procedures.workspace import Shortcut, register_shortcut
from ezhou_rules.core.ids import mask_name

from . import selectors
from . import steps as S
from .models import (
    Application,
    Complaint,
    Contract,
    Finding,
    MaintenanceRequest,
    Objection,
    RentToOwnRequest,
    UnitOffer,
)


def _scoped(query: Any) -> Any:
    """A scope: None (all cases) for staff who see every project, else the records `query(user)` gives."""

    def scope(user: Any) -> Any:
        return None if selectors.sees_every_project(user) else query(user)

    return scope


def _url(record: Any) -> str:
    return str(record.get_absolute_url())


def application_title(app: Application) -> str:
    return f"{mask_name(app.name)}的保障性租赁住房申请（{app.project.name}）"


def _submitter_user(complaint: Complaint) -> Any:
    who = complaint.submitted_by
    return who if who is not None and who.role == Role.CITIZEN else None


def _submitter_uscc(complaint: Complaint) -> str:
    who = complaint.submitted_by
    return who.enterprise_uscc or "" if who is not None and who.role == Role.ENTERPRISE else ""


APPLICATION = register(
    Procedure(
        slug="rental_housing.application",
        label="保障性租赁住房承租资格申请",
        model=Application,
        department=S.HOUSING,
        document=S.DOC,
        path=(
            ("submitted", "待审核"),
            ("publicity", "公示中"),
            ("qualified", "已取得承租资格"),
            ("allocated", "已选房"),
            ("contracted", "已签约"),
        ),
        endings=(
            ("rejected", "审核未通过"),
            ("disqualified", "公示异议成立"),
            ("withdrawn", "已放弃"),
            ("exited", "已退出"),
        ),
        applicant_user=lambda r: r.applicant,
        title=application_title,
        url=_url,
        filed_by=(Role.CITIZEN, Role.CLERK),
        scope=_scoped(lambda user: selectors.applications_for(user)),
    )
)
OBJECTION = register(
    Procedure(
        slug="rental_housing.objection",
        label="公示异议",
        model=Objection,
        department=S.HOUSING,
        document=S.DOC,
        path=(("pending", "待处理"), ("dismissed", "异议不成立")),
        endings=(("upheld", "异议成立"),),
        title=lambda o: f"对{mask_name(o.application.name)}申请的公示异议（{o.application.project.name}）",
        url=_url,
        scope=_scoped(
            lambda user: Objection.objects.filter(application__in=selectors.applications_for(user))
        ),
    )
)
OFFER = register(
    Procedure(
        slug="rental_housing.offer",
        label="轮候配租通知",
        model=UnitOffer,
        department=S.HOUSING,
        document=S.DOC,
        path=(("open", "待答复"), ("accepted", "已接受")),
        endings=(("declined", "已放弃"), ("cancelled", "已撤销")),
        applicant_user=lambda r: r.application.applicant,
        title=lambda o: (
            f"轮候配租通知：{o.unit.project.name} {o.unit.number}（{mask_name(o.application.name)}）"
        ),
        url=_url,
        scope=_scoped(
            lambda user: UnitOffer.objects.filter(application__in=selectors.applications_for(user))
        ),
    )
)
CONTRACT = register(
    Procedure(
        slug="rental_housing.contract",
        label="保障性租赁住房租赁合同",
        model=Contract,
        department=S.HOUSING,
        document=S.DOC,
        path=(
            ("signed", "已签订"),
            ("filed", "已备案"),
            ("terminated", "已终止，腾退中"),
            ("closed", "已腾退结清"),
        ),
        endings=(("renewed", "期满已续签"),),
        applicant_user=lambda r: r.allocation.application.applicant,
        title=lambda c: f"租赁合同{c.number}（{c.allocation.unit.project.name} {c.allocation.unit.number}）",
        url=_url,
        scope=_scoped(lambda user: selectors.contracts_for(user)),
    )
)
RENT_TO_OWN = register(
    Procedure(
        slug="rental_housing.rent_to_own",
        label="先租后售（转为共有产权住房）申请",
        model=RentToOwnRequest,
        department=S.HOUSING,
        document=S.PLAN_DOC,
        path=(("filed", "已申请"), ("assessed", "已核定购房款"), ("approved", "准予转为共有产权住房")),
        endings=(("refused", "不予转为共有产权住房"),),
        applicant_user=lambda r: r.applicant,
        title=lambda r: f"先租后售申请：租赁合同{r.contract.number}",
        url=_url,
        filed_by=(Role.CITIZEN, Role.CLERK),
        scope=_scoped(
            lambda user: RentToOwnRequest.objects.filter(contract__in=selectors.contracts_for(user))
        ),
    )
)
MAINTENANCE = register(
    Procedure(
        slug="rental_housing.maintenance",
        label="保障性租赁住房报修",
        model=MaintenanceRequest,
        department=S.HOUSING,
        document=S.DOC,
        path=(("open", "待处理"), ("in_progress", "维修中"), ("done", "已修复")),
        applicant_user=lambda r: r.contract.allocation.application.applicant,
        title=lambda m: (
            f"报修：{m.contract.allocation.unit.project.name} {m.contract.allocation.unit.number}"
        ),
        url=_url,
        filed_by=(Role.CITIZEN,),
        scope=_scoped(lambda user: selectors.maintenance_for(user)),
    )
)
COMPLAINT = register(
    Procedure(
        slug="rental_housing.complaint",
        label="保障性租赁住房投诉举报",
        model=Complaint,
        department=S.HOUSING,
        document=S.DOC,
        path=(("open", "待处理"), ("in_progress", "处理中"), ("answered", "已答复")),
        applicant_user=_submitter_user,
        applicant_uscc=_submitter_uscc,
        title=lambda c: f"投诉举报（{c.project.name if c.project else '未指明项目'}）",
        url=_url,
        filed_by=(Role.CITIZEN, Role.ENTERPRISE),
        scope=_scoped(lambda user: selectors.complaints_for(user)),
    )
)
FINDING = register(
    Procedure(
        slug="rental_housing.finding",
        label="巡查检查发现问题",
        model=Finding,
        department=S.HOUSING,
        document=S.DOC,
        path=(("recorded", "已登记"), ("rectifying", "整改中"), ("rectified", "已整改")),
        endings=(("sanctioned", "已依法处置"), ("referred", "已移送司法机关")),
        applicant_uscc=lambda f: f.inspection.project.operator.uscc,
        title=lambda f: f"检查发现问题：{f.inspection.project.name}（{f.get_category_display()}）",
        url=_url,
        scope=_scoped(
            lambda user: Finding.objects.filter(inspection__project__in=selectors.projects_for(user))
        ),
    )
)

# Numbered documents: per kind and year for 住房和城乡建设局 (the platform's numbering; P16).
for code, label, fmt in (
    (S.KIND_QUALIFICATION, "承租资格确认通知书", "鄂州保租资〔{year}〕{seq}号"),
    (S.KIND_REFUSAL, "申请审核不予通过通知书", "鄂州保租审〔{year}〕{seq}号"),
    (S.KIND_DISQUALIFICATION, "公示异议处理结果通知书", "鄂州保租异〔{year}〕{seq}号"),
    (S.KIND_OFFER, "轮候配租通知书", "鄂州保租配〔{year}〕{seq}号"),
    (S.KIND_FILING, "租赁合同备案证明", "鄂州保租备〔{year}〕{seq}号"),
    (S.KIND_EXIT_NOTICE, "终止（解除）租赁合同及腾退通知书", "鄂州保租退〔{year}〕{seq}号"),
    (S.KIND_SETTLEMENT, "腾退结算单", "鄂州保租结〔{year}〕{seq}号"),
    (S.KIND_RECTIFICATION, "责令整改通知书", "鄂州保租改〔{year}〕{seq}号"),
    (S.KIND_MEASURE, "处理决定书", "鄂州保租处〔{year}〕{seq}号"),
    (S.KIND_RENT_TO_OWN, "先租后售审核决定书", "鄂州保租售〔{year}〕{seq}号"),
):
    documents.register_kind(documents.DocumentKind(code, label, fmt, department=S.HOUSING))

# Workspace shortcuts: the pages each role uses most.
_STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD)
for label, url_name, roles in (
    ("我的保障性租赁住房申请", "rental_housing:my", (Role.CITIZEN,)),
    ("保障性租赁住房报修与投诉", "rental_housing:my_service", (Role.CITIZEN,)),
    ("先租后售申请", "rental_housing:my_rent_to_own", (Role.CITIZEN,)),
    ("保障性租赁住房计算器", "rental_housing:calculators", (Role.CITIZEN, Role.ENTERPRISE)),
    ("保障性租赁住房投诉举报", "rental_housing:complaint_new", (Role.ENTERPRISE,)),
    ("承租资格申请办理", "rental_housing:manage", (*_STAFF, Role.AUDITOR)),
    ("代录线下申请", "rental_housing:offline_new", _STAFF),
    ("租赁合同", "rental_housing:contracts", (*_STAFF, Role.AUDITOR)),
    ("先租后售审核", "rental_housing:rent_to_own_list", (*_STAFF, Role.AUDITOR)),
    ("维修申请", "rental_housing:maintenance", (*_STAFF, Role.AUDITOR)),
    ("投诉举报办理", "rental_housing:complaints", (*_STAFF, Role.AUDITOR)),
    ("巡查检查与整改", "rental_housing:inspections", (*_STAFF, Role.AUDITOR)),
    ("房源筹集进度", "rental_housing:plan", (*_STAFF, Role.AUDITOR)),
    ("批量导入", "rental_housing:imports", _STAFF),
):
    register_shortcut(Shortcut(label, url_name, roles, department=S.HOUSING))
