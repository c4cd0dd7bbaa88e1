"""计划用水管理 on the procedure layer in a real Chromium (issue 9): the enterprise, at a phone's width (390×844),
reads its plan with the chart of its use, files an adjustment with its three proofs (refused out of time, naming
the rule), acknowledges (签收) a notice, objects to it with its proof and files an emergency supplement with its
proof; the clerk starts the year's issuance from the jobs page and watches its progress turn into its result; the
head decides the appeal and the supplement on their pages. No console error, no horizontal scroll."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    pg = context.new_page()
    pg.set_default_timeout(20000)
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.problems = problems
    yield pg
    context.close()


def _login(page: Any, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")


def _no_horizontal_scroll(page: Any) -> None:
    page.wait_for_load_state()  # after a click the next page may still be loading its styles
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    # the elements that reach past the window's right edge, innermost last, to say what to fix
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(-5).map(e => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
    )
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide in a {width[1]} px window: {wide}"


def test_enterprise_at_390px_and_the_clerk(
    live_server: Any, phone: Any, demo_users: Any, demo_password: str, settings: Any, tmp_path: Path
) -> None:
    from ezhou_platform.water_plan import services
    from ezhou_platform.water_plan.demo import load_demo
    from ezhou_platform.water_plan.models import AdjustmentRequest, Appeal, SurchargeNotice

    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path / "evidence")
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    load_demo()
    page, url = phone, live_server.url
    proofs = []
    for name in ("申请表.pdf", "产量报表.pdf", "水平衡测试.pdf"):
        (tmp_path / name).write_bytes(PDF)
        proofs.append(str(tmp_path / name))

    _login(page, url, "enterprise", demo_password)
    page.goto(f"{url}/water-plan/my/")
    page.wait_for_selector(".chart-canvas svg")  # the unit's monthly use against its plan
    box = page.locator(".chart-canvas svg").first.bounding_box()
    assert box is not None and box["width"] <= 390
    _no_horizontal_scroll(page)

    # an adjustment with its three proofs (第十条) — the demo plan was issued on 20 January: the window has
    # closed in June, so the page refuses it, naming the rule; the unit's request for next year goes through
    page.click("text=提出计划调整申请（第十条）")
    _no_horizontal_scroll(page)
    page.fill("#id_requested_volume", "100")
    page.fill("#id_reason", "新增一条生产线")
    page.set_input_files("#id_form_file", proofs[0])
    page.set_input_files("#id_change_file", proofs[1])
    page.set_input_files("#id_balance_test_file", proofs[2])
    page.click("main button[type=submit]")
    assert "次月月底前" in page.inner_text(".errors") and "第十条" in page.inner_text(".errors")
    assert not AdjustmentRequest.objects.filter(reason="新增一条生产线").exists()
    _no_horizontal_scroll(page)

    # the notice of last year: 签收 then 异议 (第十五条、第十六条)
    notice = SurchargeNotice.objects.filter(
        unit__uscc=demo_users["enterprise"].enterprise_uscc, year=2025
    ).first()
    assert notice is not None and notice.received_on is not None  # the demo's: acknowledged, objected to
    services.decide_appeal(
        Appeal.objects.get(notice=notice, state="received"),
        False,
        "读数无误",
        actor=demo_users["shuiwu_head"],
        on=dt.date(2026, 6, 15),
    )
    page.goto(f"{url}/water-plan/notices/{notice.pk}/")
    assert "鄂水节计〔2025〕" in page.inner_text("main") and "办理记录" in page.inner_text("main")
    assert page.locator("section[aria-label=办理进度]").count() == 1
    _no_horizontal_scroll(page)

    # the clerk starts 2027's issuance? Not yet due; 2026 is issued: the job skips every unit and says so
    _login(page, url, "shuiwu_clerk", demo_password)
    page.goto(f"{url}/water-plan/jobs/")
    page.fill("#id_issue-year", "2026")
    page.fill("#id_issue-on", "2026-01-20")
    page.click("button:has-text('下达计划')")
    page.wait_for_url("**/jobs/*/")
    assert "排队中" in page.inner_text("#job-state")
    from ezhou_platform.jobs.worker import run_pending

    run_pending(interval=0.1)
    page.wait_for_selector("text=此前已下达4个", timeout=20000)
    assert "已完成" in page.inner_text("#job-state")
    # the board lists the department's periods; each links to its case's page with the forms
    page.goto(f"{url}/water-plan/board/")
    link = page.locator("a[href^='/water-plan/supplements/']").first
    link.click()
    assert "办理" in page.inner_text("main") and "依据：鄂州政办发〔2022〕15号" in page.inner_text("main")
    assert page.problems == []


ENTERPRISE_USCC = "91420700MA49XK5L2Y"  # the demo enterprise account's USCC


def _unit_with_a_notice(clerk: Any) -> tuple[Any, Any]:
    """The enterprise's unit with plans for 2025 and 2026 and an unacknowledged notice for 2025 (as the unit
    tests build it: 2021–2023 100/125/150 m³ a month, 2024 100, 2025 300; test tiers)."""
    from ezhou_platform.common.models import ConfiguredValue, Department, Jurisdiction
    from ezhou_platform.water_plan import services
    from ezhou_platform.water_plan.models import (
        MeterReading,
        SupplierAccount,
        SurchargeNotice,
        WaterUnit,
        YearlyPlan,
    )

    unit = WaterUnit.objects.create(
        name="鄂州示范制造有限公司",
        uscc=ENTERPRISE_USCC,
        department=Department.objects.get(code="water"),
        jurisdiction=Jurisdiction.objects.get(code="gedian"),
        normal_use_started=dt.date(2019, 1, 1),
    )
    account = SupplierAccount.objects.create(unit=unit, number="EZ-0001")
    for year, m3 in ((2021, 100), (2022, 125), (2023, 150), (2024, 100), (2025, 300)):
        MeterReading.objects.bulk_create(
            MeterReading(account=account, kind="monthly", period=dt.date(year, m, 1), volume_m3x100=m3 * 100)
            for m in range(1, 13)
        )
    for name, value in (
        ("surcharge.band_upper_bounds", ["10%", "30%"]),
        ("surcharge.multipliers", ["0.5", "1", "2"]),
        ("surcharge.base_price", 300),
    ):
        ConfiguredValue.objects.create(
            tree="water_plan", name=name, valid_from=dt.date(2022, 7, 11), value=value, source="测试取值"
        )
    services.issue_plans(2025, actor=clerk, issued_on=dt.date(2025, 1, 20))
    services.issue_plans(2026, actor=clerk, issued_on=dt.date(2026, 6, 1))
    services.settle_year(2025, actor=clerk, issued_on=dt.date(2026, 6, 1))
    return SurchargeNotice.objects.get(unit=unit, year=2025), YearlyPlan.objects.get(unit=unit, year=2026)


def test_enterprise_acknowledges_objects_and_files_a_supplement_the_head_decides(
    live_server: Any, phone: Any, demo_users: Any, demo_password: str, settings: Any, tmp_path: Path
) -> None:
    from ezhou_platform.water_plan.models import Appeal, SupplementRequest

    settings.WATER_PLAN_EVIDENCE_ROOT = str(tmp_path / "evidence")
    notice, plan = _unit_with_a_notice(demo_users["shuiwu_clerk"])
    assert notice.received_on is None
    proof = tmp_path / "读数照片.pdf"
    proof.write_bytes(PDF)
    page, url = phone, live_server.url

    # 签收 (第十六条): the unit's 缴费期限 and 异议期限 run from today, Mon 2026-06-15:
    # 10 working days 06-16, 17, 18, (19 端午 off) 22, 23, 24, 25, 26, 29, 30 → 2026年6月30日
    _login(page, url, "enterprise", demo_password)
    page.goto(f"{url}/water-plan/notices/{notice.pk}/")
    assert "尚未签收" in page.inner_text("main")
    _no_horizontal_scroll(page)
    page.click("text=签收通知单")
    page.wait_for_selector("text=送达（签收）")
    notice.refresh_from_db()
    assert notice.received_on == dt.date(2026, 6, 15) and notice.payment_due == dt.date(2026, 6, 30)
    assert page.locator("button:has-text('签收通知单')").count() == 0

    # 异议 (第十五条) with its proof
    page.fill("#id_reason", "12月读数有误，表具故障")
    page.fill("#id_claimed_actual_volume", "3000")
    page.set_input_files("#id_evidence_file", str(proof))
    page.click("button:has-text('提出异议')")
    page.wait_for_selector("text=异议处理期限")
    appeal = Appeal.objects.get(notice=notice)
    assert appeal.claimed_actual_m3x100 == 300000 and appeal.evidence.count() == 1
    _no_horizontal_scroll(page)

    # an emergency supplement (第十二条, 附件2 消防用水) with its proof
    page.goto(f"{url}/water-plan/my/supplements/new/?plan={plan.pk}&type=fire")
    _no_horizontal_scroll(page)
    page.fill("#id_event_on", "2026-06-12")
    page.fill("#id_volume", "35.5")
    page.select_option("#id_source", "fire_meter")
    page.set_input_files("#id_evidence_files", str(proof))
    page.click("button:has-text('提出申请')")
    page.wait_for_selector("text=审核期限")
    supplement = SupplementRequest.objects.get(plan=plan)
    assert (supplement.computed_m3x100, supplement.evidence.count()) == (3550, 1)
    _no_horizontal_scroll(page)

    # the head decides both on their pages, the article beside each decision
    _login(page, url, "shuiwu_head", demo_password)
    page.goto(f"{url}/water-plan/appeals/{appeal.pk}/")
    assert "依据：鄂州政办发〔2022〕15号 第十五条" in page.inner_text("main")
    page.check("input[name=upheld][value=no]")
    page.fill("#id_decision", "经核实，表具运行正常，读数无误")
    page.click("button:has-text('提交处理意见')")
    page.wait_for_selector("text=经核实，表具运行正常，读数无误")
    appeal.refresh_from_db()
    assert appeal.state == "rejected"
    page.goto(f"{url}/water-plan/supplements/{supplement.pk}/")
    assert "依据：鄂州政办发〔2022〕15号 第十二条" in page.inner_text("main")
    page.click("button:has-text('核准突发用水增补')")
    page.wait_for_selector("text=增补决定书")
    supplement.refresh_from_db()
    assert supplement.status == "approved"
    assert page.problems == []
