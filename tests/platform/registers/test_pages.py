"""The register pages: list with search, filters (level, district, date) and paging, the tree with its
chart, one record with its history, the import page starting the job, the template download."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from registers_test_data import BASE_ROWS, write_csv

from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.jobs.models import JobRun

pytestmark = pytest.mark.django_db


def _body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_list_searches_and_filters_by_level_district_and_date(loaded: Any, login_client: Any) -> None:
    client = login_client("shuiwu_clerk")
    html = _body(client.get("/registers/jurisdictions/?on=2022-06-01&level=township"))
    assert "测试一街道" in html and "测试新街道" not in html and "测试一社区" not in html
    html = _body(client.get("/registers/jurisdictions/?on=2024-06-01&level=township"))
    assert "测试新街道" in html and "测试合并街道" in html and "测试二街道" not in html
    html = _body(client.get("/registers/jurisdictions/?on=2024-06-01&district=gedian"))
    assert "葛店测试镇" in html and "测试新街道" not in html
    html = _body(client.get("/registers/jurisdictions/?q=4207040010&on=2022-06-01"))
    assert "测试一社区" in html and "测试村" not in html
    html = _body(client.get("/registers/jurisdictions/?on=不是日期"))
    assert "已按今天显示" in html


def test_list_pages_by_fifty(reference_data: None, login_client: Any) -> None:
    city = Jurisdiction.objects.get(code="ezhou")
    echeng = Jurisdiction.objects.get(code="echeng")
    street = Jurisdiction.objects.create(
        code="t1", name="分页街道", level="township", stat_code="420704001000", parent=echeng, source="测试"
    )
    Jurisdiction.objects.bulk_create(
        Jurisdiction(
            code=f"v{i}",
            name=f"分页村{i:03d}",
            level="village",
            stat_code=f"420704001{i:03d}",
            parent=street,
            source="测试",
        )
        for i in range(1, 61)
    )
    assert city.pk
    client = login_client("auditor")
    first = _body(client.get("/registers/jurisdictions/?level=village"))
    assert "第1/2页，共60个" in first and "下一页" in first
    second = _body(client.get("/registers/jurisdictions/?level=village&page=2"))
    assert "分页村060" in second and "分页村001" not in second


def test_tree_shows_the_day_and_a_chart(loaded: Any, login_client: Any) -> None:
    html = _body(login_client("auditor").get("/registers/jurisdictions/tree/?on=2024-06-01"))
    assert "辖区树（2024年6月1日）" in html
    assert "测试合并街道" in html and ">测试镇<" not in html
    assert 'class="chart-canvas"' in html and 'type="application/json"' in html
    assert "vendor/echarts/echarts.min.js" in html and "ezhou/charts.js" in html


def test_a_record_shows_its_path_and_history(loaded: Any, login_client: Any) -> None:
    merged = Jurisdiction.objects.get(name="测试合并街道")
    html = _body(login_client("auditor").get(f"/registers/jurisdictions/{merged.pk}/?on=2024-06-01"))
    assert "鄂州市" in html and "鄂城区" in html
    assert "由<a" in html and "测试二街道" in html and "合并而来" in html
    assert "测试村" in html  # its village, still hanging on 测试镇, shown under the merged street
    old = Jurisdiction.objects.get(name="测试一街道")
    html = _body(login_client("auditor").get(f"/registers/jurisdictions/{old.pk}/?on=2022-06-01"))
    assert "2023年1月1日更名为" in html and "至2022年12月31日止" in html
    assert login_client("auditor").get("/registers/jurisdictions/999999/").status_code == 404


def test_import_page_starts_the_job_and_shows_its_progress(
    reference_data: None, login_client: Any, job_files: Path
) -> None:
    client = login_client("admin")
    assert "模板" in _body(client.get("/registers/jurisdictions/import/"))
    path = write_csv(job_files / "upload.csv", BASE_ROWS)
    with path.open("rb") as f:
        response = client.post("/registers/jurisdictions/import/", {"file": f})
    run = JobRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{run.pk}/"
    assert run.state == JobRun.State.QUEUED and run.input_name == "upload.csv"
    assert run.started_by.username == "admin" and run.task_id
    # The worker is what runs it (here: the same code, in this process).
    from ezhou_platform.jobs.runner import execute, process_identity

    execute(run.pk, worker=process_identity())
    html = _body(client.get(f"/jobs/{run.pk}/"))
    assert "已完成" in html and "导入完成：新增7个" in html


def test_import_page_refuses_a_missing_or_wrong_file(reference_data: None, login_client: Any) -> None:
    client = login_client("admin")
    html = _body(client.post("/registers/jurisdictions/import/", {}))
    assert "请选择要上传的辖区名录文件（CSV 或 Excel）。" in html
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "j.pdf"
    html = _body(client.post("/registers/jurisdictions/import/", {"file": upload}))
    assert "文件格式不支持" in html
    assert not JobRun.objects.exists()


def test_only_the_administrator_reaches_the_import(reference_data: None, login_client: Any) -> None:
    assert login_client("shuiwu_clerk").get("/registers/jurisdictions/import/").status_code == 403
    assert login_client("auditor").get("/registers/jurisdictions/template/").status_code == 403


def test_template_download_keeps_codes_as_text(reference_data: None, login_client: Any) -> None:
    client = login_client("admin")
    response = client.get("/registers/jurisdictions/template/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("统计用区划代码", "名称", "层级", "上级")
    assert rows[2][0] == "420704000000" and isinstance(rows[2][0], str)
    assert sheet["A3"].number_format == "@"
    text = client.get("/registers/jurisdictions/template/?format=csv").content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("420700000000,鄂州市,市,")


def test_organisations_list_and_record(reference_data: None, login_client: Any) -> None:
    client = login_client("yibao_clerk")
    html = _body(client.get("/registers/organisations/?q=住建"))
    assert "鄂州市住房和城乡建设局" in html and "市住建局" in html
    html = _body(client.get("/registers/organisations/?kind=school"))
    assert "没有符合条件的单位" in html
    from ezhou_platform.common.models import Organisation

    org = Organisation.objects.get(name="鄂州市住房和城乡建设局")
    html = _body(client.get(f"/registers/organisations/{org.pk}/"))
    assert "第四条" in html and "住房和城乡建设局（housing）" in html
    assert login_client("citizen").get("/registers/organisations/").status_code == 403


def test_administrator_records_an_alias_with_its_source_in_the_admin(
    reference_data: None, login_client: Any
) -> None:
    from ezhou_platform.common.audit.models import AuditRecord
    from ezhou_platform.common.models import Organisation

    org = Organisation.objects.get(name="鄂州市人力资源和社会保障局")
    client = login_client("admin")
    url = f"/admin/common/organisation/{org.pk}/change/"
    assert client.get(url).status_code == 200
    form = {
        "kind": org.kind,
        "name": org.name,
        "uscc": "",
        "source": org.source,
        "note": "",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-0-alias": "市人社局",
        "aliases-0-source": "",
    }
    response = client.post(url, form)
    assert response.status_code == 200 and not org.aliases.exists()  # the source is required
    form["aliases-0-source"] = "机构编制文件（测试）"
    response = client.post(url, form)
    assert response.status_code == 302
    assert org.aliases.get().alias == "市人社局"
    assert AuditRecord.objects.filter(action="registers.organisation.alias", object_id=str(org.pk)).exists()
    assert login_client("yibao_head").get(url).status_code == 403
