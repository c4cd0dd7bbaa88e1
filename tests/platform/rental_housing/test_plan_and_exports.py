"""The sourcing dashboard's charts against the annex (鄂州政办发〔2022〕19号 附件) and every list's Excel export
(as filtered, masked as on the page, IDs and codes as text); the workspace each rental role lands on."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_plan_charts_by_body_and_by_method_against_the_annex(login_client: Any, demo: None) -> None:
    r = login_client("zhujian_clerk").get("/rental-housing/plan/")
    body, method = r.context["body_chart"], r.context["method_chart"]
    assert body["categories"][0] == "市城控集团"
    targets = {s["name"]: s["data"] for s in body["series"]}
    # the annex rows: 市城控集团 2000 … 临空经济区 600, adding up to 5000 (一)
    assert targets["计划筹集套数"] == [2000, 300, 500, 300, 300, 1000, 600]
    # the demo: 华容区 3 units (第六条第（一）项 → 购买商品住房), 市城控集团 2 units (第（八）项: no annex method)
    assert targets["已认定套数"] == [2, 0, 0, 3, 0, 0, 0]
    by_method = {s["name"]: s["data"] for s in method["series"]}
    assert method["categories"] == [
        "购买商品住房",
        "收购在建工程项目",
        "商品住房项目配建",
        "新供应国有用地建设",
        "城市更新项目配建",
    ]
    assert by_method["计划筹集套数"] == [3550, 0, 450, 1000, 0]
    assert by_method["已认定套数"] == [3, 0, 0, 0, 0]
    page = r.content.decode()
    assert (
        "chart-canvas" in page
        and "未计入按筹集方式的统计" in page
        and 'href="/rental-housing/plan/export.xlsx"' in page
    )
    ws = load_workbook(
        io.BytesIO(login_client("zhujian_clerk").get("/rental-housing/plan/export.xlsx").content)
    ).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("筹集单位", "计划（套）") and rows[-1][:2] == ("合计", 5000)


@pytest.mark.parametrize(
    ("page", "export", "id_column"),
    [
        ("manage", "manage/export.xlsx", "申请编号"),
        ("contracts", "contracts/export.xlsx", "合同编号"),
        ("maintenance", "maintenance/export.xlsx", "报修编号"),
        ("complaints", "complaints/export.xlsx", "投诉编号"),
        ("inspections", "inspections/export.xlsx", "问题编号"),
        ("rent-to-own", "rent-to-own/export.xlsx", "申请编号"),
    ],
)
def test_every_list_shows_its_excel_link_and_ids_are_text(
    login_client: Any, demo: None, page: str, export: str, id_column: str
) -> None:
    c = login_client("zhujian_clerk")
    html = c.get(f"/rental-housing/{page}/", {"status": ""}).content.decode()
    assert f'href="/rental-housing/{export}?status="' in html and "导出Excel" in html
    r = c.get(f"/rental-housing/{export}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [cell.value for cell in ws[1]]
    assert header[0] == id_column
    for row in ws.iter_rows(min_row=2):
        assert row[0].data_type == "s" and row[0].number_format == "@"  # IDs and codes are text
    assert login_client("yibao_clerk").get(f"/rental-housing/{export}").status_code == 403


def test_the_export_is_the_list_as_filtered_and_masked(login_client: Any, demo: None) -> None:
    c = login_client("zhujian_clerk")
    ws = load_workbook(
        io.BytesIO(c.get("/rental-housing/manage/export.xlsx", {"status": "publicity"}).content)
    ).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["王*"]  # only the one in publicity; the name masked as on the page
    assert rows[0][2].startswith("420") and "*" in rows[0][2]  # the ID number masked, as text
    assert rows[0][4] == "鄂州保租认〔2022〕001号"


def test_each_rental_role_lands_on_its_workspace_with_its_items(login_client: Any, demo: None) -> None:
    clerk = login_client("zhujian_clerk").get("/workspace/").content.decode()
    # the department's periods: 张三's review, 王芳's publicity, the demo's rectification, with shortcuts
    assert "审核期限" in clerk and "公示期" in clerk and "整改期限" in clerk
    assert "承租资格申请办理" in clerk and "巡查检查与整改" in clerk and "批量导入" in clerk
    operator = login_client("yunying_clerk").get("/workspace/").content.decode()
    assert "审核期限" in operator and "张*的保障性租赁住房申请" in operator
    tenant = login_client("zuke_zuhu").get("/workspace/").content.decode()
    assert "租赁合同" in tenant and "已备案" in tenant and "租赁合同备案证明" in tenant
    assert "先租后售申请" in tenant and "保障性租赁住房报修与投诉" in tenant
    enterprise = login_client("enterprise").get("/workspace/").content.decode()
    assert "保障性租赁住房投诉举报" in enterprise


def test_an_operators_staff_see_only_their_operators_cases(login_client: Any, demo: None) -> None:
    """Procedure.scope (ADR 1): another operator's applications are not on the workspace or the case list."""
    import datetime as dt

    from ezhou_platform.common.models import Jurisdiction, User
    from ezhou_platform.procedures.models import Case
    from ezhou_platform.rental_housing import services
    from ezhou_platform.rental_housing.models import Operator

    clerk = User.objects.get(username="zhujian_clerk")
    other = Operator.objects.create(
        name="另一运营公司",
        uscc="91420700MA4F000023",
        business_scope="住房租赁",
        jurisdiction=Jurisdiction.objects.get(code="huarong"),
    )
    project = services.register_project(
        acting_user=clerk,
        operator=other,
        name="另一项目",
        jurisdiction=other.jurisdiction,
        owner_name="x",
        sourcing_method=1,
        certificate_number="OTHER-1",
        certificate_date=dt.date(2023, 1, 5),
        announced_on=dt.date(2023, 1, 6),
    )
    services.submit_application(
        services.ApplicationInput(
            project=project,
            name="刘外人",
            id_number="420704199203150010",
            phone="13800000000",
            full_civil_capacity=True,
        ),
        acting_user=clerk,
        channel="offline",
    )
    case = Case.objects.get(title__contains="另一项目")
    operator = login_client("yunying_clerk")
    assert "另一项目" not in operator.get("/workspace/").content.decode()
    assert "另一项目" not in operator.get("/workspace/cases/").content.decode()
    assert operator.get(f"/workspace/cases/{case.pk}/").status_code == 403
    assert "另一项目" in login_client("zhujian_clerk").get("/workspace/").content.decode()
