"""Demo data: an operator with a staff account, two recognised projects with units, applications in every
state (idempotent: keyed by certificate number, unit number and ID number)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.demo import DEMO_PASSWORD
from ezhou_platform.common.models import Department, Jurisdiction, User
from ezhou_platform.common.roles import Role
from ezhou_rules.rental_housing.common import period_last_day

from . import services
from .models import (
    Allocation,
    Application,
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

# (name, resident ID) of demo applicants; IDs are valid GB 11643 numbers of made-up people.
APPLICANTS = [
    ("李明", "420704199003071234"),
    ("王芳", "420703199205120021"),
    ("赵磊", "420702198811230018"),
    ("陈晨", "420704199507150027"),
]


def _valid_id(base17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return base17 + "10X98765432"[sum(int(c) * w for c, w in zip(base17, weights, strict=True)) % 11]


@transaction.atomic
def load_demo() -> None:
    housing = Department.objects.get(code="housing")
    huarong = Jurisdiction.objects.get(code="huarong")
    echeng = Jurisdiction.objects.get(code="echeng")
    system = User.objects.get(username="zhujian_clerk")
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

    projects = [
        dict(
            name="华容区葛店大道人才公寓",
            jurisdiction=huarong,
            owner_name="华容区城投公司",
            sourcing_method=1,
            plan_body=PlanBody.HUARONG,
            certificate_number="鄂州保租认〔2022〕001号",
            certificate_date=dt.date(2022, 11, 10),
            rent_appraised_on=dt.date(2022, 11, 1),
        ),
        dict(
            name="鄂城区滨湖南路保障性租赁住房",
            jurisdiction=echeng,
            owner_name="市城控集团",
            sourcing_method=8,
            plan_body=PlanBody.CHENGKONG,
            certificate_number="鄂州保租认〔2022〕002号",
            certificate_date=dt.date(2022, 12, 5),
            rent_appraised_on=dt.date(2022, 12, 1),
            started_or_converted=True,
        ),
    ]
    made = []
    for spec in projects:
        p = Project.objects.filter(certificate_number=spec["certificate_number"]).first()
        if p is None:
            p = services.register_project(acting_user=system, operator=op, **spec)
        p.announcement = "房源已完成装修，具备入住条件。租金不高于同地段同品质市场租金的70%，物业费按月收取。"
        p.announced_on = p.announced_on or dt.date(2022, 12, 15)
        p.rent_filed_on = p.rent_filed_on or dt.date(2022, 12, 10)
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
    citizen = User.objects.get(username="citizen")
    p0 = made[0]
    start = clock.now() - dt.timedelta(days=40)
    for i, (name, number) in enumerate([*APPLICANTS, ("张三", "420704199412120015")]):
        number = _valid_id(number[:17])
        if Application.objects.filter(project=p0, id_number=number).exists():
            continue
        app, _ = services.submit_application(
            services.ApplicationInput(
                project=p0,
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
            acting_user=citizen if name == "张三" else staff,
            channel=Application.Channel.ONLINE if name == "张三" else Application.Channel.OFFLINE,
            applicant=citizen if name == "张三" else None,
            at=start + dt.timedelta(days=i),
        )
        if i in (0, 1):  # reviewed, publicised, qualified
            day = app.submitted_on + dt.timedelta(days=1)
            app = services.review_approve(app, acting_user=staff, on=day)
            assert app.publicity_end is not None
            services.close_publicity(app, acting_user=staff, on=app.publicity_end + dt.timedelta(days=1))
        if i == 0:
            app.refresh_from_db()
            services.choose_unit(app, acting_user=staff)
        if i == 2:
            services.review_approve(app, acting_user=staff, on=clock.today())
    alloc = Allocation.objects.filter(unit__project=p0, active=True).first()
    if alloc is not None and not Contract.objects.filter(allocation=alloc).exists():
        start_day = clock.today().replace(day=1)
        end_day = period_last_day(start_day, years=1)
        contract = services.sign_contract(
            alloc,
            acting_user=staff,
            number=f"BZZ-{start_day:%Y}-0001",
            start_date=start_day,
            end_date=end_day,
            payment_period_months=3,
            deposit_fen=alloc.unit.rent_fen,
            originals_checked=True,
        )
        services.file_contract(contract, acting_user=staff)
    live = Contract.objects.filter(status__in=["signed", "filed"]).first()
    if live is not None and not MaintenanceRequest.objects.exists():
        services.report_maintenance(live, acting_user=staff, description="卫生间水龙头漏水，请安排维修。")
    # 12月市城控集团负责开工建设住房1000套 (鄂州政办发〔2022〕19号 四（二）): a new-build project with its start
    gs = Project.objects.filter(certificate_number="鄂州保租认〔2022〕003号").first()
    if gs is None:
        gs = services.register_project(
            acting_user=system,
            operator=op,
            name="鄂城区凤凰大道保障性租赁住房（新建）",
            jurisdiction=echeng,
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
    if not Complaint.objects.exists():
        services.submit_complaint(
            acting_user=citizen,
            content="项目物业费公示不清楚，请核实。",
            project=p0,
            complainant="张三",
            phone="13800000000",
        )
    if not Inspection.objects.exists():
        with transaction.atomic():
            insp = Inspection.objects.create(
                jurisdiction=huarong,
                project=p0,
                inspected_on=clock.today(),
                inspectors="华容区住建局 郑芳、王强",
                summary="检查房源申报、承租审核、租赁价格、合同备案和运营管理情况。",
            )
            Finding.objects.create(
                inspection=insp,
                category=Finding.Category.FILING,
                description="1份租赁合同签订后未及时备案。",
                sanction=Finding.Sanction.RECTIFY,
                rectify_by=clock.today() + dt.timedelta(days=15),
            )
            from ezhou_platform.common.audit.services import record

            record(
                "rental_housing.inspection.add",
                actor=system,
                obj=insp,
                after={"project": p0.pk},
                label="登记巡查检查",
                citation="鄂州政发〔2022〕19号 第二十八条",
            )
