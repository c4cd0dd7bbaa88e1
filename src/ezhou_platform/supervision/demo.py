"""Demo data of the supervision system (`ezhou demo`), idempotent.

Both plans are loaded from the policy library; a few reports show each state of the procedure (confirmed on
time and late, awaiting confirmation, returned and corrected, progress); 15号's figures show a target met and
one not, a funding floor missed by a shortfall in fen and a private school outside the floor; 28号's district
centres show the count and the development-zone rule. Documents, numbers and site names are demo data
(marked 演示). No township or village is invented: the coverage page shows the warning that the lists an
administrator must import are missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ezhou_platform.common import clock
from ezhou_platform.common.models import Jurisdiction, Organisation, User
from ezhou_platform.registers.organisations import OrganisationEntry, load_organisations, resolve_organisation

D = dt.date
PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SCHOOLS_SOURCE = "鄂州政发〔2022〕15号 二（鄂州职业大学、鄂州中专）"

# (item, reporting unit as printed, kind, evidence date, document number, summary, decision)
REPORTS: tuple[tuple[str, str, str, dt.date, str, str, str], ...] = (
    (
        "vocational_education/1",
        "市教育局",
        "completion",
        D(2022, 8, 30),
        "鄂州教发〔2022〕演示1号",
        "印发中职与高职五年制“3+2”合作的具体方案。",
        "accept",
    ),
    (
        "vocational_education/2",
        "鄂州职业大学",
        "completion",
        D(2022, 11, 8),
        "鄂职大〔2022〕演示5号",
        "成立高校联盟并出台实施方案。",
        "accept",
    ),
    (
        "vocational_education/14",
        "市教育局",
        "completion",
        D(2022, 9, 28),
        "鄂州教发〔2022〕演示9号",
        "出台学生实习实训强制保险具体措施。",
        "accept",
    ),
    (
        "vocational_education/25",
        "市教育局",
        "completion",
        D(2023, 1, 3),
        "鄂州教发〔2023〕演示1号",
        "出台清理职业教育人才歧视性政策的实施措施（元旦假期后第一个工作日印发）。",
        "accept",
    ),
    (
        "vocational_education/21",
        "市教育局",
        "completion",
        D(2023, 2, 20),
        "鄂州教发〔2023〕演示3号",
        "出台《鄂州市职业教育督导评估办法》。",
        "submit",
    ),
    (
        "vocational_education/21@2022",
        "市教育局",
        "completion",
        D(2023, 2, 27),
        "鄂州教发〔2023〕演示4号",
        "发布2022年职业教育质量年度报告。",
        "return",
    ),
    (
        "vocational_education/5",
        "市教育局",
        "progress",
        D(2024, 6, 30),
        "",
        "鄂州职教集团理事会已召开第二次会议。",
        "accept",
    ),
    (
        "rural_delivery/1",
        "市邮政管理局",
        "progress",
        D(2024, 12, 31),
        "",
        "全市已建成区级寄递公共配送中心2个，村级网点共同配送试点推进中。",
        "accept",
    ),
    (
        "rural_delivery/15",
        "市邮政管理局",
        "completion",
        D(2025, 6, 20),
        "鄂州邮管〔2025〕演示2号",
        "简化农村快递末端网点备案手续的通知已印发，专项整治已完成。",
        "submit",
    ),
)

# (name, level, jurisdiction code, operators, functions, history [(since, step)])
SITES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[tuple[dt.date, str], ...]], ...] = (
    (
        "鄂城区寄递公共配送中心（演示）",
        "district",
        "echeng",
        ("中国邮政集团鄂州分公司", "市供销社"),
        (),
        ((D(2023, 3, 1), "building"), (D(2023, 6, 1), "open_site")),
    ),
    (
        "葛店经开区寄递公共配送中心（演示）",
        "district",
        "gedian",
        ("中国邮政集团鄂州分公司",),
        (),
        ((D(2024, 9, 1), "operating"),),
    ),
    (
        "华容区寄递公共配送中心（演示）",
        "district",
        "huarong",
        ("中国邮政集团鄂州分公司",),
        (),
        ((D(2024, 3, 1), "building"),),
    ),
    (
        "梁子湖区寄递公共配送中心（演示）",
        "district",
        "liangzihu",
        ("市供销社",),
        (),
        ((D(2023, 5, 1), "operating"), (D(2025, 2, 1), "suspend")),
    ),
)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _reports(today: dt.date) -> None:
    from .models import Item, Report
    from .services import reports

    education, postal = _user("jiaoyu_clerk"), _user("youzheng_clerk")
    for code, unit_name, kind, day, number, summary, decision in REPORTS:
        item = Item.objects.filter(code=code).select_related("plan").first()
        if item is None or day > today:
            continue
        unit = resolve_organisation(unit_name, item.plan.issued)
        if Report.objects.filter(item=item, unit=unit, kind=kind, evidence_date=day).exists():
            continue
        actor = education if item.plan.slug == "vocational_education" else postal
        attachment = reports.Attachment(f"{number or '进展'}.pdf", PDF) if kind == "completion" else None
        report = reports.file_report(
            item,
            unit=unit,
            kind=kind,
            evidence_date=day,
            document_number=number,
            summary=summary,
            attachment=attachment,
            actor=actor,
        )
        if decision == "accept":
            reports.accept(report, actor=actor, note="材料齐全，确认。")
        elif decision == "return":
            reports.return_report(report, actor=actor, reason="未附年度报告全文，请补充后重新报送。")


def _schools() -> dict[str, Organisation]:
    load_organisations(
        [
            OrganisationEntry("鄂州职业大学", Organisation.Kind.SCHOOL),
            OrganisationEntry("鄂州中专", Organisation.Kind.SCHOOL),
        ],
        source=SCHOOLS_SOURCE,
    )
    load_organisations(
        [OrganisationEntry("演示民办职业学校", Organisation.Kind.SCHOOL)], source="演示数据（虚构的民办学校）"
    )
    return {n: resolve_organisation(n) for n in ("鄂州职业大学", "鄂州中专", "演示民办职业学校")}


def _vocational(today: dt.date) -> None:
    from .models import FundingReport, ProgressionReport, Recognition
    from .services import vocational as ve

    clerk = _user("jiaoyu_clerk")
    schools = _schools()
    recognitions: list[dict[str, Any]] = [
        dict(
            category="specialty_group",
            name="航空机电技术专业群",
            level="national",
            holder=schools["鄂州职业大学"],
            recognised_on=D(2023, 12, 20),
            document_number="教职成函〔2023〕演示1号",
        ),
        dict(
            category="specialty_group",
            name="生物医药专业群",
            level="provincial",
            holder=schools["鄂州职业大学"],
            recognised_on=D(2023, 6, 30),
            document_number="鄂教职成〔2023〕演示2号",
        ),
        dict(
            category="training_base",
            name="模具实训中心",
            level="provincial",
            holder=schools["鄂州职业大学"],
            recognised_on=D(2022, 12, 1),
            document_number="鄂教职成〔2022〕演示3号",
        ),
        dict(
            category="training_base",
            name="3D实创中心",
            level="provincial",
            holder=schools["鄂州中专"],
            recognised_on=D(2024, 4, 15),
            document_number="鄂教职成〔2024〕演示4号",
        ),
    ]
    for rec in recognitions:
        if rec["recognised_on"] <= today and not Recognition.objects.filter(name=rec["name"]).exists():
            ve.record_recognition(actor=clerk, **rec)
    progression = (
        (schools["鄂州中专"], 2023, 400, 290, 44),  # 72.50%, 11.00%: both met
        (schools["鄂州中专"], 2024, 420, 290, 40),  # 69.05% (294 needed), 9.52% (42 needed): neither
    )
    for school, year, g, p, b in progression:
        if year < today.year and not ProgressionReport.objects.filter(school=school, year=year).exists():
            ve.record_progression(
                school=school, year=year, graduates=g, progressed=p, to_bachelor=b, actor=clerk
            )
    funding = (
        (
            schools["鄂州中专"],
            2024,
            "secondary",
            "public",
            1000,
            [
                ve.LineInput("appropriation", "生均公用经费拨款", 600_000_000),
                ve.LineInput("appropriation", "专项拨款", 150_000_000),
                ve.LineInput("tuition", "学费收入", 120_000_000),
                ve.LineInput("service_income", "培训收入", 30_000_000),
            ],
        ),
        (
            schools["鄂州职业大学"],
            2024,
            "higher",
            "public",
            8000,
            [ve.LineInput("appropriation", "生均拨款", 9_700_000_000)],
        ),
        (
            schools["演示民办职业学校"],
            2024,
            "secondary",
            "private",
            300,
            [ve.LineInput("tuition", "学费收入", 180_000_000)],
        ),
    )
    for school, year, kind, ownership, students, lines in funding:
        if year < today.year and not FundingReport.objects.filter(school=school, year=year).exists():
            ve.record_funding(
                school=school,
                year=year,
                school_kind=kind,
                ownership=ownership,
                students=students,
                lines=lines,
                actor=clerk,
            )


def _sites(today: dt.date) -> None:
    from .models import Plan, Site
    from .services import sites

    plan = Plan.objects.get(slug="rural_delivery")
    clerk = _user("youzheng_clerk")
    for name, level, place, operators, functions, history in SITES:
        if Site.objects.filter(name=name).exists() or history[0][0] > today:
            continue
        first_day, first = history[0]
        site = sites.register_site(
            plan,
            name=name,
            level=level,
            jurisdiction=Jurisdiction.objects.get(code=place),
            operators=[resolve_organisation(o) for o in operators],
            functions=functions,
            state=first if first in sites.INITIAL else "planned",
            since=first_day,
            actor=clerk,
        )
        for day, step in history[1:]:
            if day <= today:
                sites.change_state(site, step, on=day, actor=clerk, note="演示")


def load_demo() -> None:
    from .models import Plan
    from .services.loading import load_plan, platform_slugs

    for slug in platform_slugs():
        if not Plan.objects.filter(slug=slug).exists():  # a plan already loaded is reloaded on its own page
            load_plan(slug)
    today = clock.today()
    _reports(today)
    _vocational(today)
    _sites(today)
