"""Dated jurisdictions: what is in force on a day, a path from the city down, renames and mergers kept as
history (the old row closed the day before, the new one linked to it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.models import Jurisdiction, JurisdictionSuccession
from ezhou_platform.registers.jurisdictions import (
    JurisdictionNotFound,
    find_jurisdiction,
    jurisdiction_path,
    jurisdiction_tree,
    jurisdictions_on,
)

pytestmark = pytest.mark.django_db
TOWNSHIP = Jurisdiction.Level.TOWNSHIP


def _names(qs: Any) -> set[str]:
    return {j.name for j in qs}


def test_the_seeded_city_and_districts(reference_data: None) -> None:
    rows = {j.code: j for j in Jurisdiction.objects.all()}
    assert rows["ezhou"].level == Jurisdiction.Level.CITY and rows["ezhou"].stat_code == "420700000000"
    # GB/T 2260 codes padded to the 12-digit statistical code; the two zones have none.
    assert (rows["echeng"].stat_code, rows["huarong"].stat_code, rows["liangzihu"].stat_code) == (
        "420704000000",
        "420703000000",
        "420702000000",
    )
    assert rows["gedian"].stat_code == rows["linkong"].stat_code == ""
    assert all(rows[c].source for c in rows)
    assert _names(Jurisdiction.objects.districts()) == {
        "鄂城区",
        "华容区",
        "梁子湖区",
        "葛店经开区",
        "临空经济区",
    }


def test_what_is_in_force_on_a_day(loaded: Any) -> None:
    assert _names(jurisdictions_on(dt.date(2022, 12, 31), TOWNSHIP)) == {
        "测试一街道",
        "测试二街道",
        "测试镇",
        "葛店测试镇",
    }
    # The rename takes effect on 2023-01-01: the old name's last day is 2022-12-31.
    assert _names(jurisdictions_on(dt.date(2023, 1, 1), TOWNSHIP)) == {
        "测试新街道",
        "测试二街道",
        "测试镇",
        "葛店测试镇",
    }
    assert _names(jurisdictions_on(dt.date(2023, 12, 31), TOWNSHIP)) == {
        "测试新街道",
        "测试二街道",
        "测试镇",
        "葛店测试镇",
    }
    assert _names(jurisdictions_on(dt.date(2024, 1, 1), TOWNSHIP)) == {
        "测试新街道",
        "测试合并街道",
        "葛店测试镇",
    }
    old = Jurisdiction.objects.get(name="测试一街道")
    assert old.valid_to == dt.date(2022, 12, 31)
    echeng = Jurisdiction.objects.get(code="echeng")
    assert _names(jurisdictions_on(dt.date(2024, 6, 1), parent=echeng)) == {"测试新街道", "测试合并街道"}
    with pytest.raises(JurisdictionNotFound, match="层级"):
        jurisdictions_on(dt.date(2024, 6, 1), level="county")


def test_history_links_predecessors_with_kind_and_source(loaded: Any) -> None:
    merged = Jurisdiction.objects.get(name="测试合并街道")
    links = JurisdictionSuccession.objects.filter(successor=merged)
    assert {(s.predecessor.name, s.kind) for s in links} == {("测试二街道", "merge"), ("测试镇", "merge")}
    assert all(s.source.endswith("（合并）") for s in links)
    assert {j.name for j in merged.predecessors.all()} == {"测试二街道", "测试镇"}
    renamed = Jurisdiction.objects.get(name="测试新街道")
    assert renamed.stat_code == "420704001000" and renamed.code == "420704001000-20230101"


def test_paths_follow_renames_and_mergers_to_the_day(loaded: Any) -> None:
    def path(code: str, day: dt.date) -> list[str]:
        return [j.name for j in jurisdiction_path(code, day)]

    assert path("420704001001", dt.date(2022, 6, 1)) == ["鄂州市", "鄂城区", "测试一街道", "测试一社区"]
    # The community still hangs on the row it was loaded under; on a later day the path names the street
    # as it is called then.
    assert path("420704001001", dt.date(2023, 6, 1)) == ["鄂州市", "鄂城区", "测试新街道", "测试一社区"]
    assert path("420704100201", dt.date(2023, 12, 31)) == ["鄂州市", "鄂城区", "测试镇", "测试村"]
    assert path("420704100201", dt.date(2024, 1, 1)) == ["鄂州市", "鄂城区", "测试合并街道", "测试村"]
    assert path("420704001000", dt.date(2022, 12, 31)) == ["鄂州市", "鄂城区", "测试一街道"]
    assert path("420704001000", dt.date(2023, 1, 1)) == ["鄂州市", "鄂城区", "测试新街道"]
    assert path("420703100000", dt.date(2024, 1, 1)) == ["鄂州市", "葛店经开区", "葛店测试镇"]
    assert path("echeng", dt.date(2024, 1, 1)) == path("420704", dt.date(2024, 1, 1)) == ["鄂州市", "鄂城区"]
    with pytest.raises(JurisdictionNotFound, match="没有代码"):
        find_jurisdiction("420704999000", dt.date(2024, 1, 1))
    with pytest.raises(JurisdictionNotFound, match="不能为空"):
        find_jurisdiction(" ", dt.date(2024, 1, 1))


def test_a_row_before_it_existed_has_no_path(loaded: Any) -> None:
    Jurisdiction.objects.filter(name="测试合并街道").update(valid_to=dt.date(2024, 12, 31))
    with pytest.raises(JurisdictionNotFound, match="不在辖区名录的有效期内"):
        jurisdiction_path("420704003000", dt.date(2025, 1, 1))


def test_the_tree_of_a_day(loaded: Any) -> None:
    (city,) = jurisdiction_tree(dt.date(2024, 6, 1))
    assert city.jurisdiction.name == "鄂州市"
    districts = {n.jurisdiction.name: n for n in city.children}
    assert set(districts) == {"鄂城区", "华容区", "梁子湖区", "葛店经开区", "临空经济区"}
    echeng = districts["鄂城区"]
    streets = {n.jurisdiction.name: sorted(c.jurisdiction.name for c in n.children) for n in echeng.children}
    assert streets == {"测试新街道": ["测试一社区", "测试二社区"], "测试合并街道": ["测试村"]}
    assert echeng.count(TOWNSHIP) == 2 and echeng.count(Jurisdiction.Level.VILLAGE) == 3
    assert districts["葛店经开区"].count(TOWNSHIP) == 1
