"""Demo records for 医疗救助: persons of every class, identities, applications, claims and settlements.

Idempotent: persons are keyed by ID number, claims by claim_id (settlement is idempotent on it). Uses only
the rules' own parameters; no income or premium is invented, so no tilted aid appears until an
administrator enters the incomes.
"""

from __future__ import annotations

import datetime as dt

from ezhou_platform.common import clock
from ezhou_platform.common.models import Department, Jurisdiction, User

from . import services
from .models import Application, Claim, FundBudget, Identity

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def demo_resident_id(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


# (first 17 digits, name, district, identity, source department)
PEOPLE = (
    ("42070419580312001", "周桂英", "echeng", "extreme_poverty", "civil_affairs"),
    ("42070319650708002", "陈建国", "huarong", "minimum_living", "civil_affairs"),
    ("42070219720101003", "刘小红", "liangzihu", "unstable_lifted", "rural_revitalization"),
    ("42070419801225004", "王志强", "echeng", "illness_poverty", "civil_affairs"),
    ("42070419900607005", "李梅", "gedian", "", ""),
)


def load_demo() -> None:
    clerk = User.objects.filter(username="yibao_clerk").first()
    today = clock.today()
    start = today - dt.timedelta(days=120)
    persons = []
    for first17, name, district, kind, dept in PEOPLE:
        person = services.register_person(
            resident_id=demo_resident_id(first17),
            name=name,
            jurisdiction=Jurisdiction.objects.get(code=district),
            acting_user=clerk,
        )
        if kind and not Identity.objects.filter(person=person, kind=kind).exists():
            services.record_identity(
                person,
                kind=kind,
                source_department=Department.objects.get(code=dept),
                valid_from=start - dt.timedelta(days=30),
                evidence="演示认定文书 第" + first17[-3:] + "号",
                acting_user=clerk,
            )
        persons.append(person)
    zhou, chen, liu, wang, li = persons
    # class 3 and 4 are aided on application (第十五条第一款)
    for person in (liu, wang):
        for year in sorted({start.year, today.year}):
            if not Application.objects.filter(
                person=person, kind=Application.Kind.CLASS_AID, year=year
            ).exists():
                app = services.submit_application(
                    person,
                    kind=Application.Kind.CLASS_AID,
                    year=year,
                    submitted_on=start,
                    acting_user=clerk,
                    note="演示：本人申请医疗救助",
                )
                services.approve_application(app, acting_user=clerk, day=start)
    claims = (
        # person, n, days after start, kind, hospital, level, in_city, in_province, temporary, total, oop, self_pay
        (zhou, 1, 5, "inpatient", "鄂州市中心医院", 3, True, True, False, 1_850_000, 120_000, 560_000),
        (
            zhou,
            2,
            40,
            "chronic_outpatient",
            "鄂城区社区卫生服务中心",
            1,
            True,
            True,
            False,
            120_000,
            0,
            36_000,
        ),
        (chen, 1, 12, "inpatient", "鄂州市第三医院", 2, True, True, False, 2_400_000, 260_000, 830_000),
        (
            chen,
            2,
            70,
            "inpatient",
            "华中科技大学同济医学院附属协和医院",
            3,
            False,
            True,
            True,
            6_800_000,
            300_000,
            2_150_000,
        ),
        (liu, 1, 20, "inpatient", "梁子湖区人民医院", 1, True, True, False, 900_000, 45_000, 380_000),
        (liu, 2, 90, "chronic_outpatient", "梁子湖区人民医院", 1, True, True, False, 260_000, 0, 95_000),
        (wang, 1, 30, "inpatient", "鄂州市中心医院", 3, True, True, False, 9_600_000, 700_000, 2_900_000),
        (li, 1, 50, "inpatient", "鄂州市中心医院", 3, True, True, False, 1_500_000, 80_000, 420_000),
    )
    for (
        person,
        n,
        days,
        kind,
        hospital,
        level,
        in_city,
        in_province,
        temporary,
        total,
        oop,
        self_pay,
    ) in claims:
        claim_id = f"DEMO-{person.resident_id[-4:]}-{n}"
        if Claim.objects.filter(claim_id=claim_id).exists():
            continue
        day = min(start + dt.timedelta(days=days), today)
        services.settle_claim(
            services.ClaimInput(
                claim_id=claim_id,
                resident_id=person.resident_id,
                settle_date=day,
                kind=kind,
                hospital_name=hospital,
                hospital_level=level,
                in_city=in_city,
                in_province=in_province,
                temporary_out_of_city=temporary,
                total_cost=total,
                out_of_policy_cost=oop,
                policy_self_pay=self_pay,
            ),
            acting_user=clerk,
        )
    for code in ("echeng", "huarong", "liangzihu"):
        for cls, amount in ((1, 80_000_000), (2, 150_000_000), (3, 60_000_000), (4, 30_000_000)):
            FundBudget.objects.get_or_create(
                year=today.year,
                jurisdiction=Jurisdiction.objects.get(code=code),
                person_class=cls,
                defaults={"amount": amount, "source": "演示预算（非真实批复）"},
            )
