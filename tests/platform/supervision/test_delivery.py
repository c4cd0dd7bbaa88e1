"""鄂州政办发〔2022〕28号 on the platform: sites registered against the jurisdiction register (imported by the
administrator), moved through dated states, the coverage of each level on any date (count AND coverage,
development zones, the per-unit norm, dispersed villages, uncovered units listed, warnings about the loaded
lists), the series and the map-like tree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Case
from ezhou_platform.registers.organisations import resolve_organisation
from ezhou_platform.supervision.models import Site, SiteState
from ezhou_platform.supervision.services import coverage as cov
from ezhou_platform.supervision.services import sites
from ezhou_rules.supervision.errors import SupervisionError

from .conftest import SRC, import_jurisdictions, township_rows

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def places(rd: Any, demo_users: dict[str, Any], tmp_path: Path) -> dict[str, Jurisdiction]:
    """5 townships and 8 villages (invented, 测试) under the three districts and 葛店经开区."""
    rows = (
        township_rows("鄂城区", "420704000000", 2, 2)
        + township_rows("华容区", "420703000000", 1, 2)
        + township_rows("梁子湖区", "420702000000", 1, 1)
        + [
            f"420790001000,葛店测试街道,乡镇（街道）,葛店经开区,,,,,{SRC}",
            f"420790001001,葛店测试社区,村（社区）,420790001000,,,,,{SRC}",
        ]
    )
    import_jurisdictions(rows, demo_users["admin"], tmp_path)
    return {j.code: j for j in Jurisdiction.objects.all()} | {
        j.stat_code: j for j in Jurisdiction.objects.exclude(stat_code="")
    }


def _site(
    rd: Any, clerk: Any, name: str, level: str, place: Jurisdiction, since: dt.date, state: str = "operating"
) -> Site:
    return sites.register_site(
        rd,
        name=name,
        level=level,
        jurisdiction=place,
        operators=[resolve_organisation("中国邮政集团鄂州分公司")],
        functions=(),
        state=state,
        since=since,
        actor=clerk,
    )


def test_count_and_coverage_are_both_required_and_zones_count_only_in_the_number(
    rd: Any, places: dict[str, Jurisdiction], demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["youzheng_clerk"]
    _site(rd, clerk, "鄂城中心", "district", places["echeng"], D(2023, 1, 1))
    huarong = _site(rd, clerk, "华容中心", "district", places["huarong"], D(2023, 6, 1))
    _site(rd, clerk, "葛店中心", "district", places["gedian"], D(2023, 3, 1))
    sites.change_state(huarong, "suspend", on=D(2024, 1, 1), actor=clerk)
    july = cov.coverage(D(2023, 7, 1)).report.levels["district"]
    # 3 centres operate (count met, 以上 includes 3); 梁子湖区 has none and 葛店经开区 is not in the
    # denominator: 2 of 3 administrative districts (T12) — not met; 66.66% (cut, not rounded).
    assert (july.count, july.target, july.count_met) == (3, 3, True)
    assert (july.covered, july.denominator, july.coverage, july.coverage_met, july.state) == (
        2,
        3,
        "66.66%",
        False,
        "in_progress",
    )
    assert [u["name"] for u in july.uncovered] == ["梁子湖区"]
    # 华容 suspended from 2024-01-01 is not counted (T11): 2 centres, 1 of 3 districts.
    feb = cov.coverage(D(2024, 2, 1)).report.levels["district"]
    assert (feb.count, feb.covered) == (2, 1)
    # Before it opened it did not count either.
    assert cov.coverage(D(2023, 5, 31)).report.levels["district"].count == 2
    # After 2025-12-31 an unmet level is missed.
    assert cov.coverage(D(2026, 1, 1)).report.levels["district"].state == "missed"


def test_the_norm_per_unit_and_dispersed_villages(
    rd: Any, places: dict[str, Jurisdiction], demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["youzheng_clerk"]
    village = places["420704001001"]
    for k in range(3):
        _site(rd, clerk, f"网点{k}", "village", village, D(2023, 1, 1))
    level = cov.coverage(D(2023, 6, 1)).report.levels["village"]
    # 3 points in one village: over the 1–2 norm, flagged not refused; 1 of 8 villages covered.
    assert level.exceeded == [
        {"code": village.code, "name": village.name, "count": 3, "limit": 2, "allowed": False, "reason": ""}
    ]
    assert (level.covered, level.denominator, level.count) == (1, 8, 3)
    assert len(level.uncovered) == 7 and {"code", "name", "parent"} <= set(level.uncovered[0])
    sites.designate_dispersed(village, since=D(2023, 1, 1), basis="测试：居住分散、快件量较大", actor=clerk)
    allowed = cov.coverage(D(2023, 6, 1)).report.levels["village"].exceeded[0]
    assert allowed["allowed"] is True and "三（一）3" in allowed["reason"]
    # A township is not a village.
    with pytest.raises(SupervisionError) as err:
        sites.designate_dispersed(places["420704001000"], since=D(2023, 1, 1), basis="x", actor=clerk)
    assert err.value.code == "not_a_village"


def test_warnings_when_the_lists_do_not_hold_21_and_316(rd: Any, places: dict[str, Jurisdiction]) -> None:
    warnings = cov.coverage(D(2024, 1, 1)).report.warnings
    assert any("有5个乡镇" in w and "21个" in w for w in warnings)
    assert any("有8个村" in w and "316个" in w for w in warnings)
    assert not any("行政区" in w for w in warnings)  # 3 administrative districts are loaded


def test_bad_sites_are_refused_and_nothing_is_written(
    rd: Any, places: dict[str, Jurisdiction], demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["youzheng_clerk"]
    before = (
        Site.objects.count(),
        SiteState.objects.count(),
        Case.objects.count(),
        AuditRecord.objects.count(),
    )
    cases = [
        # a village point recorded at a township: above its level
        (dict(level="village", jurisdiction=places["420704001000"]), "site_level_mismatch", "所在辖区"),
        # the city itself is no district, township or village of the register: outside every jurisdiction
        (dict(level="district", jurisdiction=places["ezhou"]), "site_outside_jurisdictions", "所在辖区"),
        (
            dict(level="district", jurisdiction=places["echeng"], operators=[]),
            "site_operators_missing",
            "运营主体",
        ),
        (
            dict(level="district", jurisdiction=places["echeng"], since=D(2030, 1, 1)),
            "state_in_future",
            "状态起始日期",
        ),
    ]
    for changes, code, field in cases:
        args: dict[str, Any] = dict(
            name="坏站点",
            level="district",
            jurisdiction=places["echeng"],
            operators=[resolve_organisation("市供销社")],
            functions=(),
            state="operating",
            since=D(2023, 1, 1),
            actor=clerk,
        )
        args.update(changes)
        with pytest.raises(SupervisionError) as err:
            sites.register_site(rd, **args)
        assert (err.value.code, err.value.field) == (code, field), code
    assert (
        Site.objects.count(),
        SiteState.objects.count(),
        Case.objects.count(),
        AuditRecord.objects.count(),
    ) == before


def test_state_changes_are_dated_steps_of_the_procedure(
    rd: Any, places: dict[str, Jurisdiction], demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["youzheng_clerk"]
    site = _site(rd, clerk, "梁子湖中心", "district", places["liangzihu"], D(2023, 1, 1), state="planned")
    sites.change_state(site, "start_building", on=D(2023, 3, 1), actor=clerk)
    sites.change_state(site, "open_site", on=D(2023, 9, 1), actor=clerk)
    with pytest.raises(ProcedureError) as err:
        sites.change_state(site, "suspend", on=D(2023, 8, 1), actor=clerk)  # before the last state
    assert (
        "状态日期应晚于上一状态的日期2023年9月1日" in err.value.message
        and "鄂州政办发〔2022〕28号 二（一）" in err.value.message
    )
    with pytest.raises(ProcedureError) as err:
        sites.change_state(site, "start_building", on=D(2024, 1, 1), actor=clerk)
    assert err.value.code == "bad_state" and "当前状态为“运营”" in err.value.message
    with pytest.raises(ProcedureError) as err:
        sites.change_state(site, "suspend", on=D(2024, 1, 1), actor=demo_users["jiaoyu_clerk"])
    assert err.value.code == "forbidden"
    assert list(site.states.values_list("state", "since")) == [
        ("planned", D(2023, 1, 1)),
        ("building", D(2023, 3, 1)),
        ("operating", D(2023, 9, 1)),
    ]
    assert cov.coverage(D(2023, 8, 31)).report.levels["district"].count == 0
    assert cov.coverage(D(2023, 9, 1)).report.levels["district"].count == 1


def test_the_series_and_the_tree(
    rd: Any, places: dict[str, Jurisdiction], demo_users: dict[str, Any], login_client: Any
) -> None:
    clerk = demo_users["youzheng_clerk"]
    _site(rd, clerk, "鄂城中心", "district", places["echeng"], D(2023, 1, 1))
    _site(rd, clerk, "一镇站", "township", places["420704001000"], D(2023, 1, 1))
    s = cov.series(D(2022, 9, 29))
    # month ends from September 2022 to December 2025: 40 dates, the last the target date.
    assert len(s.dates) == 40 and str(s.dates[-1]) == "2025-12-31"
    assert s.levels["district"].count.tolist()[:4] == [0, 0, 0, 0] and s.levels["district"].count[4] == 1
    tree = cov.coverage(D(2024, 1, 1)).tree
    echeng = next(d for d in tree["children"] if d["name"] == "鄂城区")
    assert (echeng["covered"], echeng["value"]) == (True, 4)
    assert [t["covered"] for t in echeng["children"]] == [True, False]
    page = (
        login_client("youzheng_clerk")
        .get("/supervision/rural-delivery/coverage/?date=2024-01-01")
        .content.decode()
    )
    assert (
        '"kind": "treemap"' in page
        and "区 → 乡镇 → 建制村覆盖情况" in page
        and "鄂城区 / 鄂城区测试1镇" in page
    )
    assert "2025年12月" in page  # the series runs to the target date


def test_the_site_form_refuses_a_place_outside_the_register(
    rd: Any, places: dict[str, Jurisdiction], login_client: Any
) -> None:
    client = login_client("youzheng_clerk")
    data = {
        "name": "站",
        "level": "village",
        "jurisdiction": "420704999999",
        "operators": "中国邮政集团鄂州分公司",
        "state": "operating",
        "since": "2023-01-01",
    }
    page = client.post("/supervision/rural-delivery/sites/new/", data).content.decode()
    assert "辖区名录中没有代码为“420704999999”的辖区" in page and Site.objects.count() == 0
    data["jurisdiction"] = "420704001001"
    r = client.post("/supervision/rural-delivery/sites/new/", data)
    site = Site.objects.get()
    assert r.status_code == 302 and site.code == "CJ00001" and site.jurisdiction.stat_code == "420704001001"
    assert login_client("jiaoyu_clerk").get("/supervision/rural-delivery/sites/new/").status_code == 403
