"""Lab reports (第二十三条) checked against every use of the facility by the strictest limit (第十一条, 第十八条,
U8), the standards library as data an administrator extends, and usage records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.procedures.models import Period
from ezhou_platform.unconventional_water.models import LabReport, QualityCheck, StandardTable, UsageRecord
from ezhou_platform.unconventional_water.services import facilities as fac_svc
from ezhou_platform.unconventional_water.services import library
from ezhou_platform.unconventional_water.services import reports as svc
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

from .conftest import PASSING_ROWS, facility_data, report_fields

pytestmark = pytest.mark.django_db


def test_a_passing_report_is_filed_explained_and_resets_the_testing_period(
    facility: Any, operator: Any
) -> None:
    filed = svc.file_report(facility, report_fields(), PASSING_ROWS, actor=operator)
    assert filed.check.verdict == "pass" and filed.check.statuses == "P" * 12
    assert filed.result is not None
    # turbidity: 冲厕 ≤5 NTU is stricter than 道路清扫/城市绿化 ≤10 → the governing limit names 厕所冲洗
    turbidity = next(r for r in filed.result.results if r.indicator == "turbidity")
    assert turbidity.limit == "≤5 NTU" and "厕所冲洗" in turbidity.origin
    # total chlorine at the plant outlet for 冲厕 + 城市绿化: 1～2.5 mg/L (lower from all, upper from greening)
    chlorine = next(r for r in filed.result.results if r.indicator == "total_chlorine")
    assert chlorine.limit == "1～2.5 mg/L"
    # next test: sampled 2026-05-20 + 3 months = 2026-08-20
    facility.refresh_from_db()
    assert facility.next_test_due == dt.date(2026, 8, 20) == Period.objects.get(field="next_test_due").due
    # explained again later with the library of its day
    again = svc.explain(filed.check)
    assert again is not None and again.verdict == "pass"


def test_a_failing_value_fails_the_report_naming_the_use(facility: Any, operator: Any) -> None:
    rows = [r if r[0] != "浊度" else ("浊度", "6", "NTU") for r in PASSING_ROWS]
    filed = svc.file_report(facility, report_fields(), rows, actor=operator)
    # 6 NTU > 5 (厕所冲洗) though ≤ 10 for the other uses: 不合格 by the strictest limit (第十八条第二款)
    assert filed.check.verdict == "fail" and filed.check.failed == 1
    assert filed.check.statuses[2] == "F"


def test_units_are_converted_or_refused(facility: Any, operator: Any) -> None:
    # 300 μg/L = 0.3 mg/L exactly: passes ≤0.3 (U6)
    rows = [r if r[0] != "铁" else ("铁", "300", "μg/L") for r in PASSING_ROWS]
    assert svc.file_report(facility, report_fields(), rows, actor=operator).check.verdict == "pass"
    # an unknown unit: refused, nothing stored
    bad = [r if r[0] != "铁" else ("铁", "0.3", "ppm") for r in PASSING_ROWS]
    with pytest.raises(UnconventionalWaterError, match="计量单位“ppm”无法识别"):
        svc.file_report(facility, report_fields(report_no="JC-2"), bad, actor=operator)
    assert LabReport.objects.count() == 1 and QualityCheck.objects.count() == 1


def test_missing_fields_are_named(facility: Any, operator: Any) -> None:
    with pytest.raises(UnconventionalWaterError, match="检测机构资质认定证书编号：不能为空"):
        svc.file_report(facility, report_fields(lab_qualification=""), PASSING_ROWS, actor=operator)
    with pytest.raises(UnconventionalWaterError, match="采样日期：2026年6月16日晚于今天"):
        svc.file_report(
            facility, report_fields(sampled_on=dt.date(2026, 6, 16)), PASSING_ROWS, actor=operator
        )
    svc.file_report(facility, report_fields(), PASSING_ROWS, actor=operator)
    with pytest.raises(UnconventionalWaterError, match="已报送过编号为JC-2026-001"):
        svc.file_report(facility, report_fields(), PASSING_ROWS, actor=operator)


GB_T_25499_ROWS = """指标,用途,限值类型,下限,上限,单位,表号
浊度,绿地用水,≤,,5,NTU,表1
pH,green_space_irrigation,range,6.0,9.0,无量纲,表1
"""


def test_a_check_needing_a_missing_standard_is_refused_naming_it_then_judged_once_entered(
    clerk: Any, operator: Any, head: Any
) -> None:
    f = fac_svc.register_facility(
        facility_data(uses=["toilet_flushing", "green_space_irrigation"]), actor=clerk
    )
    filed = svc.file_report(f, report_fields(), PASSING_ROWS, actor=operator)
    # filed (第二十三条), but not judged: GB/T 25499-2010 has not been entered (第十八条第（一）项, U4)
    assert filed.check.verdict == "refused" and filed.check.refusal_code == "standard_not_entered"
    assert "《GB/T 25499-2010》" in filed.check.refusal_message and "绿地用水" in filed.check.refusal_message
    # the administrator enters it with its source (rows typed as a table); refused without a source
    rows = library.limits_from_text(GB_T_25499_ROWS)
    with pytest.raises(UnconventionalWaterError, match="来源：不能为空"):
        library.enter_standard("GB/T 25499-2010", "", dt.date(2011, 1, 1), " ", rows, actor=head)
    library.enter_standard(
        "GB/T 25499-2010", "", dt.date(2011, 1, 1), "GB/T 25499-2010 表1（测试摘录）", rows, actor=head
    )
    checked = svc.check_stored([filed.report.pk])
    QualityCheck.objects.bulk_create(checked.checks)
    latest = svc.latest_check(filed.report)
    assert (
        latest is not None
        and latest.verdict == "pass"
        and latest.library[1] == StandardTable.objects.get().pk
    )
    assert QualityCheck.objects.filter(report=filed.report).count() == 2  # the refused check stays


def test_withdrawn_standard_stops_counting_but_old_checks_are_explained_with_it(
    clerk: Any, operator: Any, head: Any, clock_at: Any
) -> None:
    f = fac_svc.register_facility(facility_data(uses=["green_space_irrigation"]), actor=clerk)
    table = library.enter_standard(
        "GB/T 25499-2010", "", None, "测试摘录", library.limits_from_text(GB_T_25499_ROWS), actor=head
    )
    filed = svc.file_report(f, report_fields(), [("浊度", "4", "NTU"), ("pH", "7", "")], actor=operator)
    assert filed.check.verdict == "pass"
    clock_at(dt.date(2026, 6, 16))
    library.withdraw_standard(table, "限值录入有误", actor=head)
    again = svc.explain(filed.check)  # with the library as it stood when checked
    assert again is not None and again.verdict == "pass"
    later = svc.file_report(f, report_fields(report_no="JC-2"), [("浊度", "4", "NTU")], actor=operator)
    assert later.check.verdict == "refused"


def test_batch_check_matches_the_single_check(facility: Any, operator: Any) -> None:
    rows_fail = [r if r[0] != "溶解氧" else ("溶解氧", "1.9", "mg/L") for r in PASSING_ROWS]
    a = svc.file_report(facility, report_fields(), PASSING_ROWS, actor=operator)
    b = svc.file_report(facility, report_fields(report_no="JC-2"), rows_fail, actor=operator)
    batch = svc.check_stored([a.report.pk, b.report.pk])
    assert [c.verdict for c in batch.checks] == [a.check.verdict, b.check.verdict] == ["pass", "fail"]
    assert [c.statuses for c in batch.checks] == [a.check.statuses, b.check.statuses]
    assert batch.counts == {"pass": 1, "fail": 1}


def test_usage_records_and_corrections(facility: Any, operator: Any) -> None:
    u = svc.record_usage(facility, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "1200.50", actor=operator)
    assert u.volume_m3x100 == 120_050
    with pytest.raises(UnconventionalWaterError, match="与已填报的2026年1月1日至2026年3月31日的记录重叠"):
        svc.record_usage(facility, dt.date(2026, 3, 1), dt.date(2026, 4, 30), "10", actor=operator)
    with pytest.raises(UnconventionalWaterError, match="不能为负数"):
        svc.record_usage(facility, dt.date(2026, 4, 1), dt.date(2026, 4, 30), "-1", actor=operator)
    fixed = svc.record_usage(
        facility, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "1250", actor=operator, supersedes=u
    )
    assert fixed.supersedes == u and UsageRecord.objects.count() == 2
