"""The organisation register: one record per unit, found by its name, an alias (with its source) or its
USCC, on a date; unknown and ambiguous names are refused with the candidates a person chooses from."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ezhou_platform.common.models import Department, Organisation, OrganisationAlias, organisation_key
from ezhou_platform.registers.organisations import (
    OrganisationAmbiguous,
    OrganisationEntry,
    OrganisationNotFound,
    RegisterError,
    add_alias,
    load_organisations,
    load_sourced_aliases,
    resolve_organisation,
    sourced_aliases,
)

pytestmark = pytest.mark.django_db

USCC = "91420700MA49XK5L2Y"  # the demo enterprise's code (valid check character)


def test_names_compare_without_spaces_widths_or_the_city_name() -> None:
    assert organisation_key(" 鄂州市 教育局 ") == "市教育局" == organisation_key("市教育局")
    assert organisation_key("鄂州职业大学") == "鄂州职业大学"  # 鄂州… not 鄂州市…
    assert organisation_key("中国邮政集团（鄂州分公司）") == "中国邮政集团(鄂州分公司)"


def test_every_department_has_its_organisation(reference_data: None) -> None:
    water = Department.objects.get(code="water")
    assert water.organisation is not None and water.organisation.name == "鄂州市水利和湖泊局"
    assert water.organisation.kind == Organisation.Kind.DEPARTMENT
    supervision = Department.objects.get(code="supervision_office")
    assert supervision.organisation.name == "鄂州市政府督查室"
    assert not Department.objects.filter(organisation__isnull=True).exists()


def test_short_full_and_alias_names_find_one_record(reference_data: None) -> None:
    housing = Organisation.objects.get(name="鄂州市住房和城乡建设局")
    assert resolve_organisation("市住房和城乡建设局") == housing
    assert resolve_organisation("鄂州市住房和城乡建设局") == housing
    # 鄂州政发〔2022〕19号 第四条 says 市住建局 where 第十四条 says 市住房和城乡建设局.
    assert resolve_organisation("市住建局") == housing
    alias = housing.aliases.get()
    assert alias.alias == "市住建局" and "第四条" in alias.source and "第十四条" in alias.source


def test_unknown_name_lists_the_nearest_records(reference_data: None) -> None:
    with pytest.raises(OrganisationNotFound) as exc:
        resolve_organisation("市人社局", on=dt.date(2022, 9, 29))
    assert exc.value.code == "organisation_unknown"
    assert "2022年9月29日" in exc.value.message and "须注明依据" in exc.value.message
    with pytest.raises(OrganisationNotFound) as near:
        resolve_organisation("水利和湖泊局")
    assert [o.name for o in near.value.candidates] == ["鄂州市水利和湖泊局"]
    assert "相近的单位：鄂州市水利和湖泊局" in near.value.message


def test_two_units_of_one_name_are_ambiguous(reference_data: None) -> None:
    Organisation.objects.create(kind="company", name="鄂州示范制造有限公司", uscc=USCC, source="测试")
    Organisation.objects.create(kind="company", name="鄂州示范制造有限公司", source="测试")
    with pytest.raises(OrganisationAmbiguous) as exc:
        resolve_organisation("鄂州示范制造有限公司")
    assert exc.value.code == "organisation_ambiguous" and len(exc.value.candidates) == 2
    assert USCC in exc.value.message and "统一社会信用代码" in exc.value.message
    assert resolve_organisation(USCC).uscc == USCC  # the code tells them apart


def test_validity_dates_of_units_and_aliases(reference_data: None) -> None:
    old = Organisation.objects.create(
        kind="department",
        name="市旧局",
        source="测试",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2022, 6, 30),
    )
    new = Organisation.objects.create(
        kind="department", name="市新局", source="测试", valid_from=dt.date(2022, 7, 1)
    )
    add_alias(new, "市新局简称", source="测试文件第一条", valid_from=dt.date(2023, 1, 1))
    # valid_to is the last day in force (以内 includes it); the next day is the new unit's first.
    assert resolve_organisation("市旧局", on=dt.date(2022, 6, 30)) == old
    with pytest.raises(OrganisationNotFound):
        resolve_organisation("市旧局", on=dt.date(2022, 7, 1))
    assert resolve_organisation("市新局", on=dt.date(2022, 7, 1)) == new
    with pytest.raises(OrganisationNotFound):
        resolve_organisation("市新局简称", on=dt.date(2022, 12, 31))
    assert resolve_organisation("市新局简称", on=dt.date(2023, 1, 1)) == new


def test_an_alias_needs_its_source_and_cannot_point_two_ways(
    reference_data: None, demo_users: dict[str, Any]
) -> None:
    water = resolve_organisation("市水利和湖泊局")
    with pytest.raises(RegisterError, match="须注明“依据”"):
        add_alias(water, "市水利局", source="  ")
    with pytest.raises(OrganisationAmbiguous, match="已是其他单位的名称或别名"):
        add_alias(water, "市住建局", source="某文件")
    with transaction.atomic(), pytest.raises(IntegrityError):
        OrganisationAlias.objects.create(organisation=water, alias="市水利局", source="")
    made = add_alias(water, "市水利局", source="某文件第三条", actor=demo_users["admin"])
    assert add_alias(water, "市水利局", source="某文件第三条") == made  # once


def test_a_bad_uscc_is_refused_by_name() -> None:
    org = Organisation(kind="company", name="某公司", uscc="91420700MA49XK5L2Z", source="测试")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "uscc" in exc.value.message_dict


def test_loading_unit_names_is_idempotent_and_applies_sourced_aliases(reference_data: None) -> None:
    # 市交通局 (鄂州政办发〔2022〕32号 第三项) waits until 市交通运输局 is in the register. The seed now holds it
    # as a department (交通运输局, subsidies): take it out first, so the unit comes in through the loader.
    from ezhou_platform.common.models import Department, OrganisationAlias

    Department.objects.filter(code="transport").update(organisation=None)
    OrganisationAlias.objects.filter(alias="市交通局").delete()
    Organisation.objects.filter(name="鄂州市交通运输局").delete()
    assert any("市交通局" in p for p in load_sourced_aliases().pending_aliases)
    entries = [
        OrganisationEntry("市交通运输局", Organisation.Kind.DEPARTMENT),
        OrganisationEntry("市教育局", Organisation.Kind.DEPARTMENT),
        OrganisationEntry("鄂州职业大学", Organisation.Kind.SCHOOL),
        OrganisationEntry("某公司", Organisation.Kind.COMPANY, uscc="91420700MA49XK5L2Z"),
        OrganisationEntry("某单位", "club"),
    ]
    report = load_organisations(entries, source="鄂州政发〔2022〕15号 附件2；鄂州政办发〔2022〕28号")
    assert report.created == ["市交通运输局", "鄂州职业大学"]
    assert report.matched == ["市教育局"]  # the department 鄂州市教育局
    assert report.aliases_added == ["市交通局 = 市交通运输局"]
    assert (
        len(report.problems) == 2
        and "统一社会信用代码" in report.problems[0]
        and "类型" in report.problems[1]
    )
    assert resolve_organisation("市交通局").name == "市交通运输局"
    again = load_organisations(entries[:3], source="同上")
    assert again.created == [] and len(again.matched) == 3 and again.aliases_added == []
    with pytest.raises(RegisterError, match="来源"):
        load_organisations(entries, source="")


def test_every_sourced_alias_names_its_document() -> None:
    rows = sourced_aliases()
    assert rows and all(r["source"].startswith("鄂州") and "〔2022〕" in r["source"] for r in rows)


def test_each_sourced_alias_is_used_in_its_document_beside_the_full_name() -> None:
    """The source is checked against the text: the document it names uses both forms."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[3] / "gazette"
    index = yaml.safe_load((root / "index.yaml").read_text(encoding="utf-8"))
    by_number = {entry["number"]: slug for slug, entry in index.items()}
    for row in sourced_aliases():
        number = row["source"].split(" ")[0]
        text = (root / f"{by_number[number]}.md").read_text(encoding="utf-8")
        assert row["alias"] in text and row["name"] in text, row
