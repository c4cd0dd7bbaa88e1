"""Demo data a newcomer can walk, relative to the platform's today (`clock.today()`): an operator with a staff
account, three recognised projects with units, and a citizen account at every stage of 第十四条–第二十条 —

    citizen        张三   submitted, eligible, awaiting the operator's review (due within 5 working days)
    zuke_gongshi   王芳   approved, in publicity
    zuke_xuanfang  李明   qualified, may choose a unit now
    zuke_zuhu      赵磊   under a filed contract, with a rent statement and a repair request
    zuke_daili     陈伟   an agent account that applied for 陈晨 (recorded agent relationship)

Every citizen account has a verified identity (name and resident ID) and applied online for itself, except
陈伟, who applied for his daughter. Dates are counted back from today so nothing is overdue on a fresh run.
Idempotent: keyed by certificate number, unit number, username and ID number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.demo import DEMO_PASSWORD
from ezhou_platform.common.models import Department, Jurisdiction, User
from ezhou_platform.common.roles import Role
from ezhou_rules.core.ids import resident_id_check_char
from ezhou_rules.rental_housing.common import period_last_day

from . import services
from .models import (
    AccountIdentity,
    AgentRelationship,
    Application,
    ApplicationStatus,
    Complaint,
    Contract,
    Finding,
    Inspection,
    MaintenanceRequest,
    Operator,
    OperatorStaff,
    PlanBody,
    Project,
    Unit,
)

OPERATOR_USERNAME = "yunying_clerk"
HEAD_USERNAME = "zhujian_head"  # the city's housing head: the second person of the four-eyes steps


@dataclass(frozen=True)
class DemoCitizen:
    username: str
    name: str
    id_first17: str  # the check character is computed: made-up people, valid GB 11643 numbers
    stage: str
    days_ago: int  # when the application was submitted, counted back from today


CITIZENS: tuple[DemoCitizen, ...] = (
    DemoCitizen("zuke_zuhu", "赵磊", "42070219881123001", "已签约，可查看租金清单", 120),
    DemoCitizen("zuke_xuanfang", "李明", "42070419900307123", "已取得承租资格，可选房", 30),
    DemoCitizen("zuke_gongshi", "王芳", "42070319920512002", "公示中", 3),
    DemoCitizen("citizen", "张三", "42070419941212001", "已提交，待审核", 0),
)
AGENT = DemoCitizen("zuke_daili", "陈伟", "42070419680315003", "代理人：为女儿陈晨申请，待审核", 1)
PRINCIPAL = ("陈晨", "42070419950715002")


def accounts_line() -> str:
    """The stage accounts, for the demo command's output (the loader's label)."""
    staff = f"{OPERATOR_USERNAME}（运营单位经办）；{HEAD_USERNAME}（住建局负责人，双人复核的第二人）；"
    return staff + "；".join(f"{c.username}（{c.name}，{c.stage}）" for c in (*CITIZENS, AGENT))


def _rid(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def _account(c: DemoCitizen, clerk: User, today: dt.date) -> User:
    echeng = Jurisdiction.objects.get(code="echeng")
    user, _ = User.objects.get_or_create(
        username=c.username,
        defaults={"display_name": c.name, "role": Role.CITIZEN, "jurisdiction": echeng, "is_active": True},
    )
    if not user.check_password(DEMO_PASSWORD):  # the printed login always works; a live session is kept
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    AccountIdentity.objects.get_or_create(
        user=user,
        defaults={
            "name": c.name,
            "id_number": _rid(c.id_first17),
            "method": AccountIdentity.Method.IN_PERSON,
            "verified_on": today - dt.timedelta(days=c.days_ago + 1),
            "verified_by": clerk,
        },
    )
    return user


def _apply(project: Project, user: User, name: str, number: str, when: dt.datetime, i: int) -> Application:
    existing = Application.objects.filter(project=project, id_number=number).first()
    if existing is not None:
        return existing
    app, _ = services.submit_application(
        services.ApplicationInput(
            project=project,
            name=name,
            id_number=number,
            phone=f"1380711{i:04d}",
            full_civil_capacity=True,
            has_spouse=i % 2 == 0,
            minor_children=i % 3,
            priority_public_service=i != 2,
            priority_multi_child=i == 3,
            work_unit="鄂州市中心医院" if i != 2 else "",
            materials=("form", "identity", "marriage", "housing"),
        ),
        acting_user=user,
        channel=Application.Channel.ONLINE,
        applicant=user,
        at=when,
    )
    return app


def _projects(op: Operator, system: User, today: dt.date) -> list[Project]:
    huarong = Jurisdiction.objects.get(code="huarong")
    echeng = Jurisdiction.objects.get(code="echeng")
    specs: list[dict[str, Any]] = [
        dict(
            name="华容区葛店大道人才公寓",
            jurisdiction=huarong,
            owner_name="华容区城投公司",
            sourcing_method=1,
            plan_body=PlanBody.HUARONG,
            certificate_number="鄂州保租认〔2022〕001号",
            certificate_date=dt.date(2022, 11, 10),
        ),
        dict(
            name="鄂城区滨湖南路保障性租赁住房",
            jurisdiction=echeng,
            owner_name="市城控集团",
            sourcing_method=8,
            plan_body=PlanBody.CHENGKONG,
            certificate_number="鄂州保租认〔2022〕002号",
            certificate_date=dt.date(2022, 12, 5),
            started_or_converted=True,
        ),
    ]
    made = []
    for spec in specs:
        p = Project.objects.filter(certificate_number=spec["certificate_number"]).first()
        if p is None:
            p = services.register_project(acting_user=system, operator=op, **spec)
        p.announcement = "房源已完成装修，具备入住条件。租金不高于同地段同品质市场租金的70%，物业费按月收取。"
        p.announced_on = p.announced_on or dt.date(2022, 12, 15)
        p.rent_filed_on = p.rent_filed_on or dt.date(2022, 12, 10)
        # the rent was appraised again within the last three years (第十条), so nothing is overdue
        p.rent_appraised_on = p.rent_appraised_on or today - dt.timedelta(days=400)
        p.save()
        made.append(p)
    units = {
        made[0]: [
            ("1-101", "两室一厅", "89.50", 126000, 180000),
            ("1-102", "两室一厅", "89.50", 126000, 180000),
            ("1-201", "三室一厅", "118.00", 160000, 230000),
        ],
        made[1]: [("A-301", "一室一厅", "45.00", 63000, 90000), ("A-302", "一室一厅", "45.00", 63000, 90000)],
    }
    for project, rows in units.items():
        for number, layout, area, rent, market in rows:
            if not Unit.objects.filter(project=project, number=number).exists():
                services.add_unit(
                    project,
                    acting_user=system,
                    number=number,
                    layout=layout,
                    area_m2=Decimal(area),
                    rent_fen=rent,
                    market_rent_fen=market,
                    property_fee_fen=8000,
                    fitted_out=True,
                    area_note="三孩家庭户型" if Decimal(area) > 90 else "",
                )
    return made


def _operator(system: User) -> tuple[Operator, User]:
    housing = Department.objects.get(code="housing")
    huarong = Jurisdiction.objects.get(code="huarong")
    op, _ = Operator.objects.update_or_create(
        uscc="91420700MA4F000015",
        defaults={
            "name": "鄂州市城发住房租赁运营有限公司",
            "business_scope": "住房租赁；物业管理；房地产经纪",
            "jurisdiction": huarong,
            "phone": "0711-3200000",
        },
    )
    staff, _ = User.objects.update_or_create(
        username=OPERATOR_USERNAME,
        defaults={
            "display_name": "运营单位经办何静",
            "role": Role.CLERK,
            "department": housing,
            "jurisdiction": huarong,
            "is_staff": True,
            "is_active": True,
        },
    )
    staff.set_password(DEMO_PASSWORD)
    staff.save(update_fields=["password"])
    OperatorStaff.objects.update_or_create(user=staff, defaults={"operator": op})
    head, _ = User.objects.update_or_create(
        username=HEAD_USERNAME,
        defaults={
            "display_name": "住建局保障科负责人许亮",
            "role": Role.DEPARTMENT_HEAD,
            "department": housing,
            "jurisdiction": Jurisdiction.objects.get(code="ezhou"),
            "is_staff": True,
            "is_active": True,
        },
    )
    head.set_password(DEMO_PASSWORD)
    head.save(update_fields=["password"])
    return op, staff


@transaction.atomic
def load_demo() -> None:
    today = clock.today()
    now = clock.now()
    system = User.objects.get(username="zhujian_clerk")
    op, staff = _operator(system)
    p0 = _projects(op, system, today)[0]

    apps: dict[str, Application] = {}
    for i, c in enumerate(CITIZENS):
        user = _account(c, system, today)
        apps[c.username] = _apply(
            p0, user, c.name, _rid(c.id_first17), now - dt.timedelta(days=c.days_ago), i
        )
    agent = _account(AGENT, system, today)
    rel, _ = AgentRelationship.objects.get_or_create(
        agent=agent,
        principal_id_number=_rid(PRINCIPAL[1]),
        defaults={
            "principal_name": PRINCIPAL[0],
            "relation": AgentRelationship.Relation.PARENT,
            "evidence": "授权委托书（陈晨签字）及户口簿复印件",
            "valid_from": today - dt.timedelta(days=30),
            "recorded_by": system,
        },
    )
    _apply(p0, agent, PRINCIPAL[0], rel.principal_id_number, now - dt.timedelta(days=AGENT.days_ago), 4)

    # 赵磊: reviewed the next day, qualified after the publicity, chose a unit, signed and filed a contract
    tenant = apps["zuke_zuhu"]
    if tenant.status == ApplicationStatus.SUBMITTED:
        tenant = services.review_approve(
            tenant, acting_user=staff, on=tenant.submitted_on + dt.timedelta(days=1)
        )
        assert tenant.publicity_end is not None
        tenant = services.close_publicity(
            tenant, acting_user=staff, on=tenant.publicity_end + dt.timedelta(days=1)
        )
        services.choose_unit(tenant, acting_user=staff)
    alloc = tenant.allocations.filter(active=True).first()
    if alloc is not None and not Contract.objects.filter(allocation=alloc).exists():
        assert tenant.qualified_on is not None
        start = (tenant.qualified_on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        contract = services.sign_contract(
            alloc,
            acting_user=staff,
            number=f"BZZ-{start.year}-0001",
            start_date=start,
            end_date=period_last_day(start, years=1),
            payment_period_months=3,
            deposit_fen=alloc.unit.rent_fen,
            originals_checked=True,
            on=tenant.qualified_on,
        )
        services.file_contract(contract, acting_user=staff, on=tenant.qualified_on)
    # 李明: qualified, nobody ahead of him waits, so he may choose one of the free units
    chooser = apps["zuke_xuanfang"]
    if chooser.status == ApplicationStatus.SUBMITTED:
        chooser = services.review_approve(
            chooser, acting_user=staff, on=chooser.submitted_on + dt.timedelta(days=1)
        )
        assert chooser.publicity_end is not None
        services.close_publicity(chooser, acting_user=staff, on=chooser.publicity_end + dt.timedelta(days=1))
    # 王芳: approved yesterday, the publicity runs for the 5 working days after
    publicised = apps["zuke_gongshi"]
    if publicised.status == ApplicationStatus.SUBMITTED:
        services.review_approve(publicised, acting_user=staff, on=today - dt.timedelta(days=1))

    live = Contract.objects.filter(status__in=["signed", "filed"]).first()
    if live is not None and not MaintenanceRequest.objects.exists():
        services.report_maintenance(live, acting_user=staff, description="卫生间水龙头漏水，请安排维修。")
    _construction_start(op, system)
    _supervision(p0, system, today)


def _construction_start(op: Operator, system: User) -> None:
    """12月市城控集团负责开工建设住房1000套 (鄂州政办发〔2022〕19号 四（二）): a new-build project with its start."""
    gs = Project.objects.filter(certificate_number="鄂州保租认〔2022〕003号").first()
    if gs is None:
        gs = services.register_project(
            acting_user=system,
            operator=op,
            name="鄂城区凤凰大道保障性租赁住房（新建）",
            jurisdiction=Jurisdiction.objects.get(code="echeng"),
            owner_name="市城控集团",
            sourcing_method=3,
            plan_body=PlanBody.CHENGKONG,
            certificate_number="鄂州保租认〔2022〕003号",
            certificate_date=dt.date(2022, 12, 8),
        )
    if gs.construction_started_on is None:
        services.record_construction_start(
            gs, acting_user=system, started_on=dt.date(2022, 12, 20), units=600
        )


def _supervision(p0: Project, system: User, today: dt.date) -> None:
    citizen = User.objects.get(username="citizen")
    if not Complaint.objects.exists():
        services.submit_complaint(
            acting_user=citizen,
            content="项目物业费公示不清楚，请核实。",
            project=p0,
            complainant="张三",
            phone="13800000000",
        )
    if not Inspection.objects.exists():
        # a district inspection with one finding, ordered to be rectified within 15 days (第二十八条)
        inspection = services.record_inspection(
            p0,
            acting_user=system,
            jurisdiction=p0.jurisdiction,
            inspected_on=today,
            inspectors="华容区住建局 郑芳、王强",
            summary="检查房源申报、承租审核、租赁价格、合同备案和运营管理情况。",
            findings=[(Finding.Category.FILING, "1份租赁合同签订后未及时备案。")],
        )
        finding = inspection.findings.get()
        services.order_rectification(
            finding,
            acting_user=system,
            rectify_by=today + dt.timedelta(days=15),
            requirement="立即通过鄂州市保障性住房监管服务平台办理合同备案，并报送整改情况。",
            on=today,
        )
