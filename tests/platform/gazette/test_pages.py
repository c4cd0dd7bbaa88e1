"""Public pages of the policy library and the load_gazette command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ezhou_platform.gazette.models import Document, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def gazette(db):
    call_command("load_gazette", verbosity=0)


def test_list_page(client, gazette):
    response = client.get(reverse("gazette:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("gazette:list") == "/policies/"
    for number in ("鄂州政发〔2022〕15号", "鄂州政办发〔2022〕34号", "鄂州政办发〔2022〕27号"):
        assert number in html
    assert "鄂州市健全重特大疾病医疗保险和医疗救助制度实施办法" in html
    assert "2022年10月18日" in html
    assert "2027年10月27日" in html  # 保障性租赁住房租赁管理办法: 有效期5年
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    "slug",
    [
        "vocational_education",
        "rental_housing",
        "unconventional_water",
        "water_plan",
        "public_service_housing",
        "licensing",
        "rural_delivery",
        "economic_measures",
        "medical_assistance",
    ],
)
def test_each_document_page(client, gazette, slug):
    doc = Document.objects.get(slug=slug)
    response = client.get(reverse("gazette:document", args=[slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert doc.title in html
    assert doc.issued.strftime("%Y年%-m月%-d日") in html
    # every unit's anchor is on the page, and the table of contents links to it
    for anchor in doc.units.values_list("anchor", flat=True):
        assert f'id="{anchor}"' in html, anchor
    assert 'href="#notice"' in html


def test_document_page_text(client, gazette):
    html = client.get("/policies/medical_assistance/").content.decode()
    assert "医疗救助包括住院医疗救助、门诊慢特病医疗救助" in html
    assert 'id="art11-item1"' in html
    assert 'href="#art11"' in html
    assert "市医疗保障局" in html
    water = client.get("/policies/water_plan/").content.decode()
    assert "<th>备注</th>" in water
    assert '<tr id="annex2-item5">' in water


def test_unknown_document_is_404(client, gazette):
    assert client.get("/policies/no_such_thing/").status_code == 404


def test_search_finds_a_phrase(client, gazette):
    response = client.get(reverse("gazette:search"), {"q": "起付标准"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>起付标准</mark>" in html
    assert "鄂州市健全重特大疾病医疗保险和医疗救助制度实施办法" in html
    assert "/policies/medical_assistance/#art11-item1" in html


def test_search_pages_and_escapes(client, gazette):
    html = client.get("/policies/search/", {"q": "管理"}).content.decode()
    assert "下一页" in html
    page2 = client.get("/policies/search/", {"q": "管理", "page": 2})
    assert page2.status_code == 200
    bad = client.get("/policies/search/", {"q": "<script>"}).content.decode()
    assert "<script>" not in bad.split("<main", 1)[1]
    assert "没有找到" in bad
    assert client.get("/policies/search/").status_code == 200


def test_search_finds_a_table_row(client, gazette):
    html = client.get("/policies/search/", {"q": "漏水量计算方式"}).content.decode()
    assert "/policies/water_plan/#annex2-item5" in html


def test_coverage_page(client, gazette):
    response = client.get(reverse("gazette:coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "实施情况总览" in html
    assert "/ 26" in html  # 34号 has 26 articles
    assert "鄂州政办发〔2022〕34号" in html
    assert "已实现" in html


def test_coverage_marks_declaratory_sections_with_their_reason(client, gazette):
    # 鄂州政办发〔2022〕27号 第一部分 一（总体要求） sets no duty: registered as declaratory with its reason
    # (ezhou_rules.licensing.declaratory), shown as 说明性条款 — not 已实现, not 未实现.
    html = client.get(reverse("gazette:coverage")).content.decode()
    row = html[html.index('href="/policies/licensing/#part1-sec1"') :]
    row = row[: row.index("</tr>")]
    assert "说明性条款" in row and "不设办理事项" in row
    assert "已实现" not in row and "未实现" not in row


def test_load_gazette_is_idempotent(gazette):
    units = {(u.document.slug, u.anchor): (u.pk, u.text) for u in Unit.objects.select_related("document")}
    docs = set(Document.objects.values_list("pk", "slug"))
    out = StringIO()
    call_command("load_gazette", stdout=out)
    assert "新增 0 条，更新 0 条，删除 0 条" in out.getvalue()
    assert {
        (u.document.slug, u.anchor): (u.pk, u.text) for u in Unit.objects.select_related("document")
    } == units
    assert set(Document.objects.values_list("pk", "slug")) == docs
    assert Document.objects.count() == 9


def test_load_gazette_updates_changed_text(gazette, tmp_path, settings):
    import shutil

    src = settings.GAZETTE_DIR
    shutil.copytree(src, tmp_path / "g")
    md = tmp_path / "g" / "medical_assistance.md"
    md.write_text(
        md.read_text(encoding="utf-8").replace("制定本实施办法。", "制定本实施办法（修订）。"),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("load_gazette", "--path", str(tmp_path / "g"), stdout=out)
    assert "更新 1 条" in out.getvalue()
    assert Unit.objects.get(document__slug="medical_assistance", anchor="art1-para1").text.endswith(
        "（修订）。"
    )
