"""鄂州政发〔2022〕15号's targets on the platform: the 十四五 counts from recognitions, progression per school and
year, funding floors per public school and year (the amount counted, what is excluded, the shortfall to the
fen), corrections as new records, bad figures refused writing nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Organisation
from ezhou_platform.registers.organisations import OrganisationEntry, load_organisations, resolve_organisation
from ezhou_platform.supervision.models import FundingReport, ProgressionReport, Recognition
from ezhou_platform.supervision.services import vocational as ve_services
from ezhou_rules.supervision.errors import SupervisionError

pytestmark = pytest.mark.django_db
D = dt.date
L = ve_services.LineInput


@pytest.fixture
def schools(ve: Any) -> dict[str, Organisation]:
    load_organisations(
        [OrganisationEntry("鄂州中专", Organisation.Kind.SCHOOL)], source="鄂州政发〔2022〕15号 二"
    )
    load_organisations([OrganisationEntry("测试民办学校", Organisation.Kind.SCHOOL)], source="测试")
    return {n: resolve_organisation(n) for n in ("鄂州职业大学", "鄂州中专", "测试民办学校")}


def _writes() -> tuple[int, ...]:
    return (
        Recognition.objects.count(),
        ProgressionReport.objects.count(),
        FundingReport.objects.count(),
        AuditRecord.objects.count(),
    )


def test_count_targets_from_recognitions(
    schools: dict[str, Organisation], demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["jiaoyu_clerk"]
    rec = ve_services.record_recognition
    # three provincial-or-above training bases: one national, two provincial; one dated before 十四五.
    rec(
        category="training_base",
        name="甲基地",
        level="national",
        holder=schools["鄂州中专"],
        recognised_on=D(2023, 5, 1),
        document_number="测试〔2023〕1号",
        actor=clerk,
    )
    rec(
        category="training_base",
        name="乙基地",
        level="provincial",
        holder=schools["鄂州职业大学"],
        recognised_on=D(2024, 5, 1),
        document_number="测试〔2024〕2号",
        actor=clerk,
    )
    rec(
        category="training_base",
        name="丙基地",
        level="provincial",
        holder=None,
        recognised_on=D(2020, 12, 31),
        document_number="测试〔2020〕3号",
        actor=clerk,
    )
    # a national specialty group of 鄂州职业大学, and one of another school (not counted: the target names it)
    rec(
        category="specialty_group",
        name="航空机电技术专业群",
        level="national",
        holder=schools["鄂州职业大学"],
        recognised_on=D(2023, 12, 1),
        document_number="测试〔2023〕4号",
        actor=clerk,
    )
    rec(
        category="specialty_group",
        name="别校专业群",
        level="national",
        holder=schools["鄂州中专"],
        recognised_on=D(2023, 12, 1),
        document_number="测试〔2023〕5号",
        actor=clerk,
    )
    statuses = {s.target.key: s for s in ve_services.target_statuses(D(2024, 12, 31))}
    bases = statuses["training_bases"]
    # 10 个省级以上实训基地: 2 counted (甲 national, 乙 provincial), 丙 before 2021-01-01 → 8 short.
    assert (bases.count, bases.shortfall, bases.state) == (2, 8, "in_progress")
    assert [e.name for e, _ in bases.not_counted] == ["丙基地"]
    groups = statuses["national_specialty_groups"]
    assert (
        groups.count == 1
        and "目标限于鄂州职业大学" in dict((e.name, why) for e, why in groups.not_counted)["别校专业群"]
    )
    # After 2025-12-31 an unmet target is missed.
    assert {s.target.key: s.state for s in ve_services.target_statuses(D(2026, 1, 1))}[
        "training_bases"
    ] == "missed"


def test_a_recognition_without_its_document_is_refused(
    schools: dict[str, Organisation], demo_users: dict[str, Any]
) -> None:
    before = _writes()
    with pytest.raises(SupervisionError) as err:
        ve_services.record_recognition(
            category="training_base",
            name="丁基地",
            level="provincial",
            holder=None,
            recognised_on=D(2023, 1, 1),
            document_number=" ",
            actor=demo_users["jiaoyu_clerk"],
        )
    assert (err.value.code, err.value.field) == ("evidence_missing", "认定文件文号")
    assert _writes() == before


def test_progression_per_school_and_year(
    schools: dict[str, Organisation], demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["jiaoyu_clerk"]
    a = ve_services.record_progression(
        school=schools["鄂州中专"], year=2023, graduates=200, progressed=140, to_bachelor=20, actor=clerk
    )
    b = ve_services.record_progression(
        school=schools["鄂州中专"], year=2024, graduates=200, progressed=139, to_bachelor=14, actor=clerk
    )
    rows = {r["year"]: r for r in ve_services.progression_results([a, b])}
    # 140/200 = 70.00% (以上 includes the figure), 20/200 = 10.00%: both met.
    assert (rows[2023]["progression_rate"], rows[2023]["bachelor_rate"], rows[2023]["met"]) == (
        "70.00%",
        "10.00%",
        True,
    )
    # 139/200 = 69.50% (⌈200 × 70%⌉ = 140 needed); 14/200 = 7.00% (20 needed).
    assert (rows[2024]["progression_rate"], rows[2024]["progression_needed"], rows[2024]["met"]) == (
        "69.50%",
        140,
        False,
    )
    # Counted over those who progress (the switch of T6): 14/139 = 10.07%, met.
    other = {r["year"]: r for r in ve_services.progression_results([a, b], denominator="progressed")}
    assert (other[2024]["bachelor_rate"], other[2024]["bachelor_met"]) == ("10.07%", True)
    # A second record of the same school and year is a correction, not a duplicate.
    with pytest.raises(SupervisionError) as err:
        ve_services.record_progression(
            school=schools["鄂州中专"], year=2024, graduates=200, progressed=150, to_bachelor=20, actor=clerk
        )
    assert err.value.code == "already_recorded"
    c = ve_services.record_progression(
        school=schools["鄂州中专"],
        year=2024,
        graduates=200,
        progressed=150,
        to_bachelor=20,
        actor=clerk,
        supersedes=b,
        reason="学校更正升学人数",
    )
    assert (
        list(ProgressionReport.objects.current().order_by("year")) == [a, c]
        and not ProgressionReport.objects.get(pk=b.pk).current
    )


@pytest.mark.parametrize(
    ("g", "p", "b", "code", "field"),
    [
        (200, 201, 10, "progressed_exceeds_graduates", "升学人数"),
        (200, 140, 141, "bachelor_exceeds_progressed", "升职业本科人数"),
    ],
)
def test_impossible_counts_are_refused(
    schools: Any, demo_users: dict[str, Any], g: int, p: int, b: int, code: str, field: str
) -> None:
    before = _writes()
    with pytest.raises(SupervisionError) as err:
        ve_services.record_progression(
            school=schools["鄂州中专"],
            year=2024,
            graduates=g,
            progressed=p,
            to_bachelor=b,
            actor=demo_users["jiaoyu_clerk"],
        )
    assert (err.value.code, err.value.field, err.value.rule) == (
        code,
        field,
        "鄂州政发〔2022〕15号 三（一）1",
    )
    assert _writes() == before


def test_funding_floor_per_public_school_and_year(
    schools: dict[str, Organisation], demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["jiaoyu_clerk"]
    # 800 students of a public 技工学校: 4,000,000.00 + 1,000,000.00 appropriated; tuition 1,200,000.00 and
    # training income 300,000.00 excluded. Required 800 × 8,000.00 = 6,400,000.00; shortfall 1,400,000.00;
    # per student 5,000,000.00 / 800 = 6,250.00.
    tech = ve_services.record_funding(
        school=schools["鄂州中专"],
        year=2024,
        school_kind="technical",
        ownership="public",
        students=800,
        lines=[
            L("appropriation", "生均拨款", 400_000_000),
            L("appropriation", "专项", 100_000_000),
            L("tuition", "学费收入", 120_000_000),
            L("service_income", "培训收入", 30_000_000),
        ],
        actor=clerk,
    )
    # 1,000 students of a public 高职 with 11,999,999.99 yuan: required 12,000,000.00, short by 0.01 yuan.
    higher = ve_services.record_funding(
        school=schools["鄂州职业大学"],
        year=2024,
        school_kind="higher",
        ownership="public",
        students=1000,
        lines=[L("appropriation", "生均拨款", 1_199_999_999)],
        actor=clerk,
    )
    private = ve_services.record_funding(
        school=schools["测试民办学校"],
        year=2024,
        school_kind="secondary",
        ownership="private",
        students=300,
        lines=[L("tuition", "学费收入", 90_000_000)],
        actor=clerk,
    )
    checks = {rec.pk: c for rec, c in ve_services.funding_results([tech, higher, private])}
    c = checks[tech.pk]
    assert (c.counted_fen, c.required_fen, c.shortfall_fen, c.per_student_fen) == (
        500_000_000,
        640_000_000,
        140_000_000,
        625_000,
    )
    assert c.excluded == [("学费收入", 120_000_000), ("培训收入", 30_000_000)] and c.met is False
    assert (checks[higher.pk].shortfall_fen, checks[higher.pk].met) == (1, False)
    assert checks[private.pk].applicable is False and checks[private.pk].met is None


@pytest.mark.parametrize(
    ("lines", "year", "code", "field"),
    [
        (
            [L("appropriation", "含学费的拨款", 100_000, includes_tuition=True)],
            2024,
            "funding_includes_tuition",
            "经费金额",
        ),
        (
            [L("appropriation", "拨款", 100_000, includes_service_income=True)],
            2024,
            "funding_includes_service_income",
            "经费金额",
        ),
        ([L("appropriation", "拨款", 100_000)], 2021, "year_before_plan", "年度"),
        ([], 2024, "lines_missing", "经费明细"),
    ],
)
def test_bad_funding_figures_are_refused(
    schools: Any, demo_users: dict[str, Any], lines: list[Any], year: int, code: str, field: str
) -> None:
    before = _writes()
    with pytest.raises(SupervisionError) as err:
        ve_services.record_funding(
            school=schools["鄂州中专"],
            year=year,
            school_kind="secondary",
            ownership="public",
            students=100,
            lines=lines,
            actor=demo_users["jiaoyu_clerk"],
        )
    assert (err.value.code, err.value.field) == (code, field)
    assert _writes() == before


def test_the_funding_page_names_the_field_and_the_article(schools: Any, login_client: Any) -> None:
    client = login_client("jiaoyu_clerk")
    data = {
        "school": "鄂州中专",
        "year": "2024",
        "school_kind": "secondary",
        "ownership": "public",
        "students": "100",
        "line-TOTAL_FORMS": "1",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "10",
        "line-0-kind": "appropriation",
        "line-0-label": "拨款",
        "line-0-amount": "800000.00",
        "line-0-includes_tuition": "on",
    }
    page = client.post("/supervision/vocational-education/funding/", data).content.decode()
    assert (
        "严禁以学费冲抵生均拨款" in page
        and "鄂州政发〔2022〕15号 四17" in page
        and FundingReport.objects.count() == 0
    )
    data.pop("line-0-includes_tuition")
    r = client.post("/supervision/vocational-education/funding/", data)
    assert r.status_code == 302 and FundingReport.objects.count() == 1
    page = client.get("/supervision/vocational-education/funding/").content.decode()
    # 100 students × 8,000.00 = 800,000.00 appropriated exactly: met (不低于 includes the figure).
    assert "800,000.00元" in page and "达到标准" in page
    # other departments read the checks but do not record
    assert (
        login_client("youzheng_clerk").post("/supervision/vocational-education/funding/", data).status_code
        == 403
    )
