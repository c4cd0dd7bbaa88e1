"""Issue 9 for 计划用水管理: the jobs started from the page (issue, settle, import) with their progress and
result, the numbered documents as issued (notices, 催告单, decisions, plan-change notices), the unit's own pages
(file an adjustment or a supplement with its proof, 签收, 异议, its requests with their progress), the chart of a
unit's use against its plan, and the exports with their codes as text."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ezhou_platform.jobs.models import JobRun
from ezhou_platform.jobs.runner import execute
from ezhou_platform.procedures.models import Case, Document, DocumentCounter
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import (
    AdjustmentRequest,
    Appeal,
    EvidenceFile,
    MeterReading,
    SupplementRequest,
    SurchargeNotice,
    YearlyPlan,
)

from .conftest import monthly

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Any) -> None:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path / "evidence")


def _run_queued() -> JobRun:
    run = JobRun.objects.order_by("-pk").first()
    assert run is not None and run.state == JobRun.State.QUEUED
    execute(run.pk, worker="test")
    run.refresh_from_db()
    return run


# -- jobs from the page ---------------------------------------------------------------------------------------------


def test_issue_and_settle_from_the_page_with_progress_and_result(
    login_client: Any, unit: Any, tiers: None
) -> None:
    k = login_client("shuiwu_clerk")
    page = k.get("/water-plan/jobs/").content.decode()
    assert "下达年度用水计划" in page and 'name="issue-year"' in page and "第九条" in page
    # a refused parameter stays on the page, named by its label and rule
    r = k.post("/water-plan/jobs/", {"job": "issue", "issue-year": "2024"}, follow=True)
    assert "下达日期：2026年6月15日晚于2024年度结束" in " ".join(str(m) for m in r.context["messages"])
    assert not JobRun.objects.exists()
    r = k.post("/water-plan/jobs/", {"job": "issue", "issue-year": "2024", "issue-on": "2024-01-20"})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/")
    run = _run_queued()
    # 2021 1,200, 2022 1,500, 2023 1,800 → 1,680.00 m³ (as test_procedures)
    assert run.state == "succeeded" and run.counts == {"此前已下达": 0, "本次下达": 1}
    assert YearlyPlan.objects.get(unit=unit, year=2024).volume_m3x100 == 168000
    assert "本次下达1个单位" in k.get(f"/jobs/{run.pk}/").content.decode()
    # settle 2024 (use 160/month → 1,920.00, 468.00 yuan): one numbered notice with its case and document
    monthly(unit.accounts.get(), 2024, 160)
    k.post("/water-plan/jobs/", {"job": "settle", "settle-year": "2024", "settle-on": "2025-01-10"})
    run = _run_queued()
    assert run.counts == {"考核计划": 1, "开具通知单": 1}
    n = SurchargeNotice.objects.get()
    assert (n.number, n.amount_fen) == ("鄂水节计〔2024〕00001号", 46800)
    assert (
        n.document.number == n.number
        and n.document.year == 2024
        and n.document.issued_on == dt.date(2025, 1, 10)
    )
    assert Case.objects.get(procedure="water_plan.notice").applicant_uscc == unit.uscc
    # an auditor sees the page without the forms; another department's clerk is refused
    assert 'name="issue-year"' not in login_client("auditor").get("/water-plan/jobs/").content.decode()
    assert login_client("yibao_clerk").get("/water-plan/jobs/").status_code == 403


def test_settle_refuses_until_the_tiers_are_entered(login_client: Any, unit: Any, clerk: Any) -> None:
    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 20))
    k = login_client("shuiwu_clerk")
    r = k.post(
        "/water-plan/jobs/", {"job": "settle", "settle-year": "2024", "settle-on": "2025-01-10"}, follow=True
    )
    assert "surcharge" in " ".join(str(m) for m in r.context["messages"]) and not JobRun.objects.exists()


def test_import_from_the_page_with_an_errors_file(login_client: Any, unit: Any) -> None:
    csv = b"account,kind,period,volume\nEZ-0001,monthly,2024-07,10\nNOPE,monthly,2024-07,1\n"
    k = login_client("shuiwu_clerk")
    k.post("/water-plan/jobs/", {"job": "import", "file": SimpleUploadedFile("抄表.csv", csv)})
    run = _run_queued()
    assert run.state == "succeeded" and run.counts == {"接收行数": 1, "拒收行数": 1} and run.errors_count == 1
    error = run.errors.get()
    assert (error.row, error.message) == (3, "户号不存在")
    assert MeterReading.objects.filter(period=dt.date(2024, 7, 1)).count() == 1
    assert k.get(f"/jobs/{run.pk}/errors/").status_code == 200
    # the same file again changes nothing
    k.post("/water-plan/jobs/", {"job": "import", "file": SimpleUploadedFile("抄表.csv", csv)})
    again = _run_queued()
    assert (
        "未作任何改动" in again.message
        and MeterReading.objects.filter(period=dt.date(2024, 7, 1)).count() == 1
    )


# -- documents continue the existing numbers ---------------------------------------------------------------------


def test_numbers_continue_after_the_counter_and_reminders_are_numbered_documents(
    unit: Any, clerk: Any, head: Any, tiers: None
) -> None:
    # as the data migration leaves it: the 2024 notices issued before issue 9 went up to 00007
    DocumentCounter.objects.create(
        department=clerk.department, kind="water_plan.surcharge_notice", year=2024, last=7
    )
    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 19))
    monthly(unit.accounts.get(), 2024, 160)
    services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10))
    n = SurchargeNotice.objects.get()
    assert n.number == "鄂水节计〔2024〕00008号"
    assert "46800" not in n.document.html and "468.00" in n.document.html and "第十五条" in n.document.html
    assert "行政复议" in n.document.remedy and bytes(n.document.pdf) == b""  # the PDF on first download
    services.deliver_notice(n, dt.date(2025, 1, 13), actor=clerk)
    r1 = services.issue_reminder(n, dt.date(2025, 2, 10), dt.date(2025, 2, 20), actor=clerk)
    assert r1.document.kind == "water_plan.collection_reminder" and r1.document.number == r1.number
    assert "2025年2月20日" in r1.document.html and "第1次" in r1.document.html


def test_the_decisions_are_numbered_documents_with_the_remedy(unit: Any, clerk: Any, head: Any) -> None:
    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 19))
    plan = YearlyPlan.objects.get(unit=unit)
    req = services.file_adjustment(
        plan,
        dt.date(2024, 2, 8),
        20000,
        "新增生产线",
        actor=clerk,
        has_form=True,
        has_change_evidence=True,
        has_balance_test=True,
    )
    services.verify_adjustment(req, actor=clerk, on=dt.date(2024, 2, 19))
    change = services.approve_adjustment(req, 15000, actor=head, on=dt.date(2024, 3, 5))
    doc = change.document
    assert doc.number == "鄂水节调〔2024〕00001号" and doc.kind_label == "用水计划指标调整决定书"
    # 1,680.00 + 150.00 = 1,830.00 m³, with the article and the remedy of 行政复议法/行政诉讼法 (W22)
    assert "1680.00" in doc.html and "1830.00" in doc.html and "150.00立方米" in doc.html
    assert "第十条第一款" in doc.citation and "六十日内" in doc.remedy and "六个月内" in doc.remedy
    other = services.file_adjustment(
        plan,
        dt.date(2024, 2, 9),
        5000,
        "扩产",
        actor=clerk,
        has_form=True,
        has_change_evidence=True,
        has_balance_test=True,
    )
    services.refuse_adjustment(other, 5, "未开展水平衡测试", actor=clerk, on=dt.date(2024, 2, 20))
    refusal = Document.objects.get(kind="water_plan.adjustment_decision", seq=2)
    assert (
        refusal.citation.endswith("第十三条第（五）项")
        and "未按规定开展节水评估或水平衡测试工作" in refusal.html
    )


# -- the unit's own pages ---------------------------------------------------------------------------------------------


def _plan_today(unit: Any, clerk: Any) -> YearlyPlan:
    services.issue_plans(2026, actor=clerk, issued_on=dt.date(2026, 6, 1))
    return YearlyPlan.objects.get(unit=unit, year=2026)


def test_enterprise_files_an_adjustment_with_its_proof(
    login_client: Any, unit: Any, clerk: Any, head: Any
) -> None:
    plan = _plan_today(unit, clerk)
    c = login_client("enterprise")
    page = c.get("/water-plan/my/adjustments/new/").content.decode()
    assert "用水计划指标调整申请表（第十条第（一）项）" in page and 'enctype="multipart/form-data"' in page
    # without the water-balance proof: refused, naming the material and the article; nothing kept
    r = c.post(
        "/water-plan/my/adjustments/new/",
        {
            "plan": plan.pk,
            "requested_volume": "100",
            "reason": "新增生产线",
            "form_file": SimpleUploadedFile("申请表.pdf", PDF),
            "change_file": SimpleUploadedFile("产量.pdf", PDF),
        },
    )
    assert (
        r.status_code == 200
        and "缺少已完成水平衡测试的证明材料" in r.content.decode()
        and "第十条" in r.content.decode()
    )
    assert not AdjustmentRequest.objects.exists() and not EvidenceFile.objects.exists()
    r = c.post(
        "/water-plan/my/adjustments/new/",
        {
            "plan": plan.pk,
            "requested_volume": "abc",
            "reason": "新增生产线",
        },
    )
    assert "申请增加水量：" in r.content.decode()
    r = c.post(
        "/water-plan/my/adjustments/new/",
        {
            "plan": plan.pk,
            "requested_volume": "100",
            "reason": "新增生产线",
            "form_file": SimpleUploadedFile("申请表.pdf", PDF),
            "change_file": SimpleUploadedFile("产量.pdf", PDF),
            "balance_test_file": SimpleUploadedFile("水平衡.pdf", PDF),
        },
        follow=True,
    )
    req = AdjustmentRequest.objects.get()
    assert req.evidence.count() == 3 and req.has_balance_test
    html = r.content.decode()
    # its page: the state, the progress of the procedure and its periods
    assert "已提出调整申请" in html and "办理进度" in html and "核实期限" in html and "/decide/" not in html
    # the clerk verifies on the case's page; the head approves; the unit sees the decision among its documents
    k = login_client("shuiwu_clerk")
    assert "核实调整申请" in k.get(f"/water-plan/adjustments/{req.pk}/").content.decode()
    k.post(f"/water-plan/adjustments/{req.pk}/decide/", {"action": "verify"})
    login_client("shuiwu_head").post(
        f"/water-plan/adjustments/{req.pk}/decide/", {"action": "approve", "approved_volume": "80"}
    )
    req.refresh_from_db()
    assert req.status == "approved" and req.approved_m3x100 == 8000
    mine = login_client("enterprise").get("/water-plan/my/").content.decode()
    assert "用水计划指标调整决定书" in mine and "已核准" in mine


def test_enterprise_files_a_supplement_of_each_form(login_client: Any, unit: Any, clerk: Any) -> None:
    plan = _plan_today(unit, clerk)
    c = login_client("enterprise")
    page = c.get(f"/water-plan/my/supplements/new/?plan={plan.pk}&type=burst_pipe").content.decode()
    assert "水管口径" in page and "爆管到修复的时间" in page and "事发日期" in page
    r = c.post(
        "/water-plan/my/supplements/new/",
        {"plan": plan.pk, "type": "fire", "event_on": "2026-06-12", "volume": "35.5", "source": "fire_meter"},
    )
    # no proof: 第十二条 "未提供证明材料的，申请内容不予认可"
    assert (
        "证明材料" in r.content.decode()
        and "第十二条" in r.content.decode()
        and not SupplementRequest.objects.exists()
    )
    r = c.post(
        "/water-plan/my/supplements/new/",
        {
            "plan": plan.pk,
            "type": "fire",
            "event_on": "2026-06-12",
            "volume": "35.5",
            "source": "fire_meter",
            "evidence_files": [SimpleUploadedFile("现场.pdf", PDF), SimpleUploadedFile("证明.pdf", PDF)],
        },
        follow=True,
    )
    req = SupplementRequest.objects.get()
    assert (req.type, req.computed_m3x100, req.evidence.count()) == ("fire", 3550, 2)
    assert "审核期限" in r.content.decode()
    r = c.post("/water-plan/my/supplements/new/", {"plan": plan.pk, "type": "fire", "event_on": "2026-06-12"})
    assert "消防用水量：请填写消防用水量。" in r.content.decode()


def test_enterprise_acknowledges_and_objects_on_the_notice_page(
    login_client: Any, unit: Any, clerk: Any, tiers: None
) -> None:
    services.issue_plans(2025, actor=clerk, issued_on=dt.date(2025, 1, 20))
    monthly(unit.accounts.get(), 2024, 100)
    monthly(unit.accounts.get(), 2025, 300)
    services.settle_year(2025, actor=clerk, issued_on=dt.date(2026, 6, 1))
    n = SurchargeNotice.objects.get()
    c = login_client("enterprise")
    page = c.get(f"/water-plan/notices/{n.pk}/").content.decode()
    assert "签收通知单" in page and n.number in page
    c.post(f"/water-plan/my/notices/{n.pk}/acknowledge/")
    n.refresh_from_db()
    # 签收 Mon 2026-06-15: 10 working days 06-16, 17, 18, (19 Dragon Boat off) 22, 23, 24, 25, 26, 29, 30 → 06-30
    assert n.received_on == dt.date(2026, 6, 15) and n.payment_due == dt.date(2026, 6, 30)
    page = c.get(f"/water-plan/notices/{n.pk}/").content.decode()
    # the 签收 button is gone (the message "已签收通知单…" stays); the appeal form is there
    assert "签收通知单</button>" not in page and "已签收通知单" in page and "提出异议" in page
    r = c.post(f"/water-plan/my/notices/{n.pk}/appeal/", {"reason": ""}, follow=True)
    assert "异议内容：请填写异议内容。" in " ".join(str(m) for m in r.context["messages"])
    r = c.post(
        f"/water-plan/my/notices/{n.pk}/appeal/",
        {
            "reason": "12月读数有误",
            "claimed_actual_volume": "3000",
            "evidence_file": SimpleUploadedFile("读数.pdf", PDF),
        },
        follow=True,
    )
    appeal = Appeal.objects.get()
    assert appeal.claimed_actual_m3x100 == 300000 and appeal.evidence.count() == 1
    assert "异议处理期限" in r.content.decode()
    # another enterprise's notice is not found
    assert (
        login_client("enterprise").post(f"/water-plan/my/notices/{n.pk + 99}/acknowledge/").status_code == 404
    )


def test_usage_chart_on_the_unit_and_enterprise_pages(login_client: Any, unit: Any, clerk: Any) -> None:
    plan = _plan_today(unit, clerk)
    monthly(unit.accounts.get(), 2026, 120)
    MeterReading.objects.filter(period__year=2026, period__month__gt=5).delete()
    chart = __import__("ezhou_platform.water_plan.views.common", fromlist=["usage_chart"]).usage_chart(plan)
    assert chart["series"][0]["data"][:6] == [120, 120, 120, 120, 120, None]
    assert chart["series"][1]["data"][4] == 600 and chart["series"][1]["data"][5] is None
    assert chart["series"][2]["data"][0] == plan.effective_m3x100 / 100
    for html in (
        login_client("shuiwu_clerk").get(f"/water-plan/units/{unit.pk}/").content.decode(),
        login_client("enterprise").get("/water-plan/my/").content.decode(),
    ):
        assert "各月用水量与计划" in html and "echarts" in html


def test_exports_keep_codes_as_text(login_client: Any, unit: Any, clerk: Any, tiers: None) -> None:
    from openpyxl import load_workbook

    services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 19))
    monthly(unit.accounts.get(), 2024, 160)
    services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10))
    k = login_client("shuiwu_clerk")
    listing = k.get("/water-plan/units/").content.decode()
    assert "/water-plan/export/plans/2024.xlsx" in listing and "/water-plan/export/credit.xlsx" in listing
    sheet = load_workbook(io.BytesIO(k.get("/water-plan/export/notices/2024.xlsx").content)).active
    number, uscc = sheet.cell(2, 1), sheet.cell(2, 4)
    assert number.value == "鄂水节计〔2024〕00001号" and uscc.value == unit.uscc
    assert number.number_format == "@" and uscc.number_format == "@" and sheet.cell(2, 5).data_type == "s"
