"""Demo records for 医疗救助, dated relative to the clock's today so a fresh run looks current whenever it runs.

Persons of every class and of the 第十四条 watch lists, identities from the department 第二十二条 names,
applications approved and one waiting, claims settled (one tilted-aid backlog paid on approval, one reversal
that leaves an amount to recover), a class-4 recognition under review at 民政局, last month's warning lists,
the fund's budget lines (第二十三条). The incomes and premium the calculations need are entered as example
values whose source says 示例数据（非官方统计）; every page that uses them says so. Idempotent: persons are keyed
by ID number, claims by claim_id, everything else checked before it is made.
"""

from __future__ import annotations

import datetime as dt

from ezhou_platform.common import clock
from ezhou_platform.common.models import ConfiguredValue, Department, Jurisdiction, User
from ezhou_platform.common.parameters import enter_value
from ezhou_rules.medical_assistance.parameters_tree import parameters
from ezhou_rules.medical_assistance.recipients import recognised_by

from . import services
from .models import (
    Application,
    Claim,
    Class4Recognition,
    FundBudget,
    FundContribution,
    Identity,
    Person,
    Settlement,
    WarningRun,
)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
EXAMPLE_NOTE = "：演示环境录入的示例数值，不是鄂州市统计公报数据，正式使用前请录入官方数值"


def demo_resident_id(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


# (first 17 digits, name, district, identity)
PEOPLE = (
    ("42070419580312001", "周桂英", "echeng", "extreme_poverty"),
    ("42070319650708002", "陈建国", "huarong", "minimum_living"),
    ("42070219720101003", "刘小红", "liangzihu", "unstable_lifted"),
    ("42070419801225004", "王志强", "echeng", "illness_poverty"),
    ("42070419900607005", "李梅", "gedian", ""),
    ("42070419670415006", "赵大山", "liangzihu", "stable_lifted"),
    ("42070319781109007", "吴小燕", "linkong", "low_income_marginal"),
)


def _examples(today: dt.date, clerk: User | None) -> None:
    """Example incomes (the two years before this one) and premiums (this year and the next), entered once."""
    values = [
        ("income.per_capita_disposable", year, 4_000_000) for year in (today.year - 2, today.year - 1)
    ] + [("income.rural_per_capita_disposable", year, 2_100_000) for year in (today.year - 2, today.year - 1)]
    values += [("premium_subsidy.individual_premium", year, 40_000) for year in (today.year, today.year + 1)]
    for name, year, value in values:
        day = dt.date(year, 1, 1)
        if ConfiguredValue.objects.filter(tree="medical_assistance", name=name, valid_from=day).exists():
            continue  # an administrator's value (or an earlier demo's) is kept
        enter_value(
            parameters(), name, day, value, source=services.EXAMPLE_SOURCE + EXAMPLE_NOTE, actor=clerk
        )


def _approve(person: Person, kind: str, year: int, on: dt.date, staff: tuple[User, User], note: str) -> None:
    """Received by the clerk, approved by the head (the four-eyes rule of approvals, M25)."""
    if Application.objects.filter(person=person, kind=kind, year=year).exists():
        return
    clerk, head = staff
    app = services.submit_application(
        person,
        kind=kind,
        year=year,
        submitted_on=on,
        acting_user=clerk,
        note=note,  # type: ignore[arg-type]
    )
    services.approve_application(app, acting_user=head, day=on)


def _user(username: str) -> User:
    """A demo account; the medical demo needs the accounts (load_demo_accounts) because every decision is
    taken by a person allowed to take it."""
    return User.objects.select_related("department").get(username=username)


def load_demo() -> None:
    clerk, head = _user("yibao_clerk"), _user("yibao_head")
    civil_clerk = _user("minzheng_clerk")
    recognisers = {"civil_affairs": civil_clerk, "rural_revitalization": _user("xiangcun_clerk")}
    today = clock.today()
    start = today - dt.timedelta(days=120)
    _examples(today, clerk)
    persons = []
    for first17, name, district, kind in PEOPLE:
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
                source_department=Department.objects.get(code=recognised_by(kind).department),
                valid_from=start - dt.timedelta(days=30),
                evidence="演示认定文书 第" + first17[-3:] + "号",
                acting_user=recognisers[recognised_by(kind).department],
            )
        persons.append(person)
    zhou, chen, liu, wang, li, zhao, wu = persons
    # class 3 and 4 are aided on application (第十五条第一款)
    for person in (liu, wang):
        for year in sorted({start.year, today.year}):
            on = max(start, dt.date(year, 1, 1))  # an application for a year is made in that year
            _approve(person, "class_aid", year, on, (clerk, head), "演示：本人申请医疗救助")

    def this_year(days_ago: int) -> dt.date:
        """A day some days back, kept in this year: the stories below need their claims in one year."""
        return max(today - dt.timedelta(days=days_ago), dt.date(today.year, 1, 1))

    def after_start(days: int) -> dt.date:
        return min(start + dt.timedelta(days=days), today)

    claims = (
        # person, n, day, kind, hospital, level, in_city, in_province, temporary, total, oop, self_pay
        (
            zhou,
            1,
            after_start(5),
            "inpatient",
            "鄂州市中心医院",
            3,
            True,
            True,
            False,
            1_850_000,
            120_000,
            560_000,
        ),
        (
            zhou,
            2,
            after_start(40),
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
        (
            chen,
            1,
            this_year(50),
            "inpatient",
            "鄂州市第三医院",
            2,
            True,
            True,
            False,
            2_400_000,
            260_000,
            830_000,
        ),
        (
            chen,
            2,
            this_year(30),
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
        (
            liu,
            1,
            this_year(28),
            "inpatient",
            "梁子湖区人民医院",
            1,
            True,
            True,
            False,
            900_000,
            45_000,
            380_000,
        ),
        (
            liu,
            2,
            this_year(18),
            "chronic_outpatient",
            "梁子湖区人民医院",
            1,
            True,
            True,
            False,
            260_000,
            0,
            95_000,
        ),
        (
            wang,
            1,
            after_start(30),
            "inpatient",
            "鄂州市中心医院",
            3,
            True,
            True,
            False,
            9_600_000,
            700_000,
            2_900_000,
        ),
        (
            li,
            1,
            after_start(50),
            "inpatient",
            "鄂州市中心医院",
            3,
            True,
            True,
            False,
            1_500_000,
            80_000,
            420_000,
        ),
        (
            zhao,
            1,
            after_start(25),
            "inpatient",
            "鄂州市第二医院",
            2,
            True,
            True,
            False,
            2_600_000,
            150_000,
            1_200_000,
        ),
        (
            wu,
            1,
            this_year(6),
            "inpatient",
            "临空经济区卫生院",
            1,
            True,
            True,
            False,
            700_000,
            20_000,
            450_000,
        ),
    )
    for (
        person,
        n,
        day,
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
    # 第十二条: 陈建国 approved for tilted aid after both claims; the year's costs already incurred are paid then
    tilted_day = this_year(20)
    _approve(
        chen, "tilted", tilted_day.year, tilted_day, (clerk, head), "演示：年度自付费用负担较重，申请倾斜救助"
    )
    # 第十一条: the hospital withdraws 刘小红's first claim; her second one no longer clears the deductible
    first = Settlement.objects.filter(claim__claim_id=f"DEMO-{liu.resident_id[-4:]}-1", kind="settle").first()
    if first is not None and not Settlement.objects.filter(reverses=first).exists():
        services.reverse_settlement(first, reason="演示：医疗机构撤回重复上传的结算单", acting_user=head)
    # waiting for the clerk: 吴小燕's application (her claim is held until it is approved)
    if not Application.objects.filter(person=wu).exists():
        services.submit_application(
            wu,
            kind="class_aid",
            year=today.year,
            submitted_on=this_year(3),
            acting_user=clerk,
            note="演示：低保边缘家庭成员申请医疗救助",
        )
    # 民政局: a recognition as 因病致贫重病患者 under review (the property check is still to be recorded)
    if not Class4Recognition.objects.exists():
        applicant = services.register_person(
            resident_id=demo_resident_id("42070219750903008"),
            name="孙秀兰",
            jurisdiction=Jurisdiction.objects.get(code="liangzihu"),
            acting_user=civil_clerk,
        )
        services.submit_class_4_recognition(
            applicant,
            submitted_on=this_year(5),
            self_pay_12m=5_200_000,
            self_pay_evidence="演示：12个月住院结算单据9张",
            acting_user=civil_clerk,
        )
    # 第十四条: last month's lists, pushed to 民政 and 乡村振兴
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    if not WarningRun.objects.filter(year=last_month.year, month=last_month.month).exists():
        services.run_warnings(last_month.year, last_month.month, acting_user=clerk)
    _fund(today, clerk)


def _fund(today: dt.date, clerk: User | None) -> None:
    """第二十三条: each district's and zone's budget lines for this year, and the per-class budgets."""
    lines = {
        # district: (poverty-measure persons, premium-subsidy funds, original safety-net funds) in fen
        "echeng": (12_400, 3_800_000_00, 1_200_000_00),
        "huarong": (8_600, 2_600_000_00, 900_000_00),
        "liangzihu": (9_100, 2_900_000_00, 800_000_00),
        "gedian": (1_300, 600_000_00, 200_000_00),
        "linkong": (2_100, 700_000_00, 300_000_00),
    }
    for code, (persons, premium, safety_net) in lines.items():
        place = Jurisdiction.objects.get(code=code)
        if FundContribution.objects.filter(year=today.year, jurisdiction=place).exists():
            continue
        basis = f"演示：{place.name}{today.year}年医疗救助基金预算（非真实批复）"
        services.record_contribution(
            year=today.year,
            jurisdiction=place,
            source="poverty_measure",
            persons=persons,
            basis=basis,
            acting_user=clerk,
        )
        for source, amount in (("premium_subsidy", premium), ("safety_net", safety_net)):
            services.record_contribution(
                year=today.year,
                jurisdiction=place,
                source=source,
                amount=amount,
                basis=basis,
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
