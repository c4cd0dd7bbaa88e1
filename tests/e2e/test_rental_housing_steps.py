"""Every step of the rental-housing procedures on its page, in a real Chromium: the operator takes an offline
application through review, objection, qualification, choice, contract, filing, termination and exit; the
housing department inspects, orders a rectification and decides a measure (four eyes); a tenant of 5 years
applies for 先租后售 and the department assesses and approves it; citizens and enterprises (at 390 px) give up
an application, choose a unit, download their contract, rent statement and a calculator's result as PDF,
report a repair and file a complaint; the sourcing dashboard's charts are drawn at 390 px; an import runs as
a background job with its progress page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _login(page: Any, url: str, username: str, password: str) -> None:
    # These walks move the clock months (and years) ahead; staff passwords expire after 90 days (C01), so the
    # staff member is taken to have changed it in the meantime — otherwise the login lands on 修改密码.
    from ezhou_platform.common import clock
    from ezhou_platform.common.models import User

    User.objects.filter(username=username).update(password_changed_at=clock.now())
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/workspace/")


def _fits(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: {width[0]} px wide in a {width[1]} px window"


def _submit(page: Any, action: str, button: str) -> str:
    """Press `button` in the form of step `action` and return the page's message."""
    form = page.locator(f"form:has(input[name=action][value={action}])")
    # the server's checks are under test: the browser's own (required fields) must not stop the post
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():  # the answer's page, not the message still shown from the last step
        form.get_by_role("button", name=button).click()
    page.wait_for_selector("ul.messages li")
    return page.inner_text("ul.messages")


@pytest.fixture
def demo(demo_users: Any, demo_password: str) -> str:
    from django.core.management import call_command

    from ezhou_platform.common.models import User
    from ezhou_platform.rental_housing.demo import load_demo

    call_command("load_gazette", verbosity=0)
    load_demo()
    for u in User.objects.filter(username__in=["zhujian_clerk", "citizen", "enterprise", "auditor"]):
        u.set_password(demo_password)
        u.save()
    return demo_password


def test_operator_takes_an_offline_application_through_every_step(
    live_server: Any, page: Any, demo: str, clock_at: Any
) -> None:
    from ezhou_platform.procedures.models import Document
    from ezhou_platform.rental_housing.models import Application, Contract

    url = live_server.url
    _login(page, url, "yunying_clerk", demo)
    assert "承租资格申请办理" in page.inner_text("main")  # the workspace's shortcuts
    page.goto(f"{url}/rental-housing/manage/new/")
    page.select_option("#id_project", label="华容区葛店大道人才公寓")
    page.fill("#id_name", "周线下")
    page.fill("#id_id_number", "420704199203150010")
    page.fill("#id_phone", "1")
    page.check("#id_full_civil_capacity")
    page.click("text=录入申请")
    assert "联系电话：" in page.inner_text("main")  # refused naming the field; the values stay
    assert page.input_value("#id_name") == "周线下"
    page.fill("#id_phone", "13807110000")
    for i in range(4):
        page.check(f"#id_materials_{i}")
    page.click("text=录入申请")
    page.wait_for_url("**/rental-housing/manage/*/")
    # 06-16, 17, 18 (06-19 the Dragon Boat Festival), 22, 23: the 5th working day
    assert "审核期限为2026年6月23日" in page.inner_text("ul.messages")
    app = Application.objects.get(name="周线下")
    assert "第十四条第（二）项" in page.inner_text("main")  # the article beside the decision
    assert "已办理" in _submit(page, "approve", "审核通过并公示")
    page.fill("textarea[name=content]", "名下有房")
    assert "已办理" in _submit(page, "objection", "登记异议")
    assert "名下有房" in page.inner_text("main")
    # the period is checked first (as before the layer), then the objections
    assert "公示期至2026年6月23日" in _submit(page, "qualify", "公示期满，确认承租资格")
    clock_at(dt.date(2026, 6, 24))
    _login(page, url, "yunying_clerk", demo)  # a new session on the new day
    page.goto(f"{url}/rental-housing/manage/{app.pk}/")
    assert "尚有未处理的公示异议" in _submit(page, "qualify", "公示期满，确认承租资格")
    page.select_option("select[name=upheld]", "0")
    page.fill("input[name=decision]", "经核实名下无房")
    assert "已办理" in _submit(page, "decide", "处理异议")
    assert "已办理" in _submit(page, "qualify", "公示期满，确认承租资格")
    page.click("text=为申请人登记选房（先到先租）")
    page.wait_for_selector("ul.messages li")
    app.refresh_from_db()
    assert app.status == "allocated"

    def contract_form() -> None:
        page.fill("#id_number", "BZZ-E2E-1")
        page.fill("#id_start_date", "2026-07-01")
        page.fill("#id_end_date", "2027-06-30")
        page.fill("#id_payment_period_months", "3")
        page.fill("#id_deposit_yuan", "1260")

    contract_form()
    assert "第十八条" in _submit(page, "sign", "签订合同")  # the originals were not confirmed
    contract_form()
    page.check("#id_originals_checked")
    assert "已办理" in _submit(page, "sign", "签订合同")
    assert "已办理" in _submit(page, "file", "合同备案（第十九条）")
    contract = Contract.objects.get(number="BZZ-E2E-1")
    assert contract.status == "filed"
    clock_at(dt.date(2026, 9, 30))
    _login(page, url, "yunying_clerk", demo)
    page.goto(f"{url}/rental-housing/manage/{app.pk}/")
    page.select_option("#id_reason", "tenant_request")
    page.fill("#id_terminated_on", "2026-09-30")
    page.fill("#id_move_out_months", "1")
    assert "已办理" in _submit(page, "terminate", "终止合同")
    assert "腾退搬迁期" in page.inner_text("main") and "2026年10月31日" in page.inner_text("main")
    clock_at(dt.date(2026, 11, 4))
    _login(page, url, "yunying_clerk", demo)
    page.goto(f"{url}/rental-housing/manage/{app.pk}/")
    page.fill("#id_vacated_on", "2026-11-04")
    page.fill("#id_market_rent_yuan", "1800")
    assert "已办理" in _submit(page, "vacate", "登记腾退并计算退出租金")
    contract.refresh_from_db()
    # 10-01…10-31 one month at 1,260.00; 11-01…11-04 four days of November at 1,800.00: 1,800 × 4/30 = 240.00
    assert contract.exit_rent_fen == 126000 + 24000
    kinds = set(
        Document.objects.filter(case__object_id__in=[app.pk, contract.pk]).values_list("kind", flat=True)
    )
    assert {
        "rental_housing.qualification",
        "rental_housing.contract_filing",
        "rental_housing.exit_notice",
        "rental_housing.exit_settlement",
    } <= kinds
    page.click("text=合同办理经过与文书")
    assert "鄂州保租结〔2026〕1号" in page.inner_text("main")


def test_the_department_inspects_orders_and_decides_with_four_eyes(
    live_server: Any, page: Any, demo: str
) -> None:
    from ezhou_platform.procedures.models import Document
    from ezhou_platform.rental_housing.models import Finding

    url = live_server.url
    _login(page, url, "zhujian_clerk", demo)
    page.goto(f"{url}/rental-housing/inspections/new/")
    page.select_option("#id_project", label="华容区葛店大道人才公寓")
    page.fill("#id_inspectors", "王强、郑芳")
    page.select_option("#id_f-0-category", "price")
    page.fill("#id_f-0-description", "两套房源租金高于评估租金")
    page.get_by_role("button", name="登记").click()  # ("text=登记" would find the heading 登记巡查检查)
    page.wait_for_url("**/rental-housing/findings/*/")
    finding = Finding.objects.get(category="price")
    page.fill("#order_rectify_by", "2026-06-15")
    page.fill("#order_requirement", "按评估租金调整并退还多收租金")
    assert "整改期限：应晚于2026年6月15日" in _submit(page, "order", "责令整改")
    page.fill("#order_rectify_by", "2026-06-30")
    page.fill("#order_requirement", "按评估租金调整并退还多收租金")
    assert "已办理" in _submit(page, "order", "责令整改")
    order = Document.objects.filter(kind="rental_housing.rectification").order_by("-seq").first()
    assert order is not None and "行政复议" in order.html
    page.select_option("#impose_sanction", "credit")
    page.fill("#impose_reason", "拒不整改")
    # the clerk recorded the finding: the measure (a credit record) is for another person (four eyes)
    assert "双人复核" in _submit(page, "impose", "决定处理措施")
    _login(page, url, "zhujian_head", demo)
    page.goto(f"{url}/rental-housing/findings/{finding.pk}/")
    page.select_option("#impose_sanction", "credit")
    page.fill("#impose_reason", "拒不整改")
    assert "已办理" in _submit(page, "impose", "决定处理措施")
    finding.refresh_from_db()
    assert finding.status == "sanctioned" and finding.sanction == "credit"
    # the board and the lists: repairs and complaints handled from their lists, each with its Excel link
    page.goto(f"{url}/rental-housing/complaints/")
    assert page.get_attribute("a.export", "href").startswith("/rental-housing/complaints/export.xlsx")
    page.fill("input[name=reply]", "已责成运营单位公示物业费标准")
    page.select_option("form[action*='/complaints/'] select[name=status]", "answered")
    page.click("form[action*='/complaints/'] button")
    assert "已答复" in page.inner_text("main")


def test_a_tenant_of_five_years_converts_under_rent_to_own(
    live_server: Any, page: Any, demo: str, clock_at: Any
) -> None:
    from ezhou_platform.rental_housing import services
    from ezhou_platform.rental_housing.models import Application, Contract, RentToOwnRequest

    url = live_server.url
    tenant = Application.objects.get(name="赵磊")
    contract = Contract.objects.get(allocation__application=tenant)
    first = contract.start_date
    clock_at(dt.date(first.year + 5, first.month, 1) + dt.timedelta(days=40))  # past 5 full years
    _login(page, url, "zuke_zuhu", demo)
    page.goto(f"{url}/rental-housing/my/rent-to-own/")
    page.select_option("#id_contract", str(contract.pk))
    page.select_option("#id_share", "full")
    page.click("text=提交先租后售申请")
    assert "先租后售申请已提交" in page.inner_text("ul.messages")
    req = RentToOwnRequest.objects.get()
    _login(page, url, "zhujian_clerk", demo)
    page.goto(f"{url}/rental-housing/rent-to-own/{req.pk}/")
    page.fill("#id_price_yuan", "500000")
    page.fill("#id_price_basis", "鄂州市共有产权住房价格标准（经市政府批准的文号）")
    page.fill("#id_rent_paid_yuan", "75600")
    assert "已办理" in _submit(page, "assess", "核定")
    assert "双人复核" in _submit(page, "approve", "批准")  # the assessor does not approve
    _login(page, url, "zhujian_head", demo)
    page.goto(f"{url}/rental-housing/rent-to-own/{req.pk}/")
    assert "已办理" in _submit(page, "approve", "批准")
    req.refresh_from_db()
    # 已交的租金可计入购房款: 500,000.00 − 75,600.00 = 424,400.00
    assert req.status == "approved" and req.payable_fen == 42_440_000
    assert services.tenancy_start(contract) == first


def test_citizens_and_enterprises_on_a_390_px_phone(live_server: Any, browser: Any, demo: str) -> None:
    from ezhou_platform.rental_housing.models import Application, MaintenanceRequest

    url = live_server.url
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        # a calculator's result, then the same result as a PDF
        page.goto(f"{url}/rental-housing/calculators/exit-rent/")
        page.fill("#id_exit_date", "2022-11-30")
        page.fill("#id_move_out_months", "3")
        page.fill("#id_vacated_date", "2023-03-31")
        page.fill("#id_contract_rent_yuan", "1000")
        page.fill("#id_market_rent_yuan", "1500")
        page.click("main form.form button[type=submit]")
        assert "退出期间应缴租金 4,500.00元" in page.inner_text("main")  # 3 × 1,000.00 + 1 × 1,500.00
        _fits(page)
        with page.expect_download() as download:
            page.click("text=下载PDF")
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")

        # 张三 gives up his application
        _login(page, url, "citizen", demo)
        _fits(page)
        page.goto(f"{url}/rental-housing/my/")
        _fits(page)
        page.check("input[name=confirm]")
        page.click("text=放弃申请")
        assert "已放弃" in page.inner_text("ul.messages")
        assert Application.objects.get(name="张三").status == "withdrawn"

        # 李明 chooses a unit
        _login(page, url, "zuke_xuanfang", demo)
        page.goto(f"{url}/rental-housing/my/")
        page.click("text=选定房源")
        assert "已选定房源" in page.inner_text("main")

        # 赵磊 downloads his contract and rent statement and reports a repair
        _login(page, url, "zuke_zuhu", demo)
        page.goto(f"{url}/rental-housing/my/")
        page.click("text=合同与租金清单")
        _fits(page)
        for name in ("下载合同（PDF）", "下载租金清单（PDF）"):
            with page.expect_download() as download:
                page.click(f"text={name}")
            assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        page.goto(f"{url}/rental-housing/my/service/")
        page.fill("#id_description", "厨房排水不畅")
        page.click("text=提交报修")
        assert "已提交" in page.inner_text(
            "ul.messages"
        )  # waits for the answer before looking in the database
        assert MaintenanceRequest.objects.filter(description="厨房排水不畅").exists()
        _fits(page)
        # the workspace: his cases with their progress and the documents issued to him
        page.goto(f"{url}/workspace/")
        assert "租赁合同备案证明" in page.inner_text("main") and "已备案" in page.inner_text("main")
        _fits(page)

        # an enterprise files a complaint
        _login(page, url, "enterprise", demo)
        page.goto(f"{url}/rental-housing/complaints/new/")
        _fits(page)
        page.fill("#id_content", "运营单位未公示物业费标准")
        page.click("text=提交投诉举报")
        assert "投诉举报已受理" in page.inner_text("ul.messages")
        assert "运营单位未公示物业费标准" in page.inner_text("main")
    finally:
        context.close()


def test_the_sourcing_dashboard_charts_at_390_px(live_server: Any, browser: Any, demo: str) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        _login(page, live_server.url, "zhujian_clerk", demo)
        page.goto(f"{live_server.url}/rental-housing/plan/")
        page.wait_for_selector(".chart-canvas svg")
        assert page.locator(".chart-canvas svg").count() == 2
        for box in (page.locator(".chart-canvas svg").nth(i).bounding_box() for i in range(2)):
            assert box is not None and 300 <= box["width"] <= 390
        text = page.inner_text("main")
        assert "房源筹集计划完成情况（按筹集单位）" in text and "市城控集团" in text
        assert page.get_attribute("a.export", "href") == "/rental-housing/plan/export.xlsx"
        _fits(page)
        assert problems == []
    finally:
        context.close()


def test_importing_applications_runs_as_a_job_with_its_progress(
    live_server: Any, page: Any, demo: str, settings: Any, tmp_path: Path
) -> None:
    from ezhou_platform.jobs.worker import run_pending
    from ezhou_platform.rental_housing.importer import APPLICATION_COLUMNS

    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    rows = [
        ["鄂州保租认〔2022〕001号", "孙一", "420704199203150029", "13807110001", "2026-06-10 09:00", "是"],
        ["鄂州保租认〔2022〕001号", "孙二", "420704199203150029", "13807110002", "2026-06-10 09:05", "是"],
        ["鄂州保租认〔2022〕001号", "孙三", "420704199203150037", "1", "2026-06-10 09:10", "是"],
    ]
    table = tmp_path / "线下申请.csv"
    head = ",".join(APPLICATION_COLUMNS[:6])
    table.write_text(head + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    _login(page, live_server.url, "yunying_clerk", demo)
    page.goto(f"{live_server.url}/rental-housing/imports/")
    assert "项目和房源" not in page.inner_text("main")  # operators' staff do not register projects
    page.set_input_files("#id_app_file", str(table))
    page.click("text=上传并导入线下申请")
    page.wait_for_url("**/jobs/*/")
    run_pending(interval=0.1)
    page.wait_for_selector("text=导入完成：录入1件，未录入2件。", timeout=30000)
    assert page.get_attribute("#job-progress", "value") == "100"
    assert "下载错误清单（Excel）" in page.inner_text("main")
