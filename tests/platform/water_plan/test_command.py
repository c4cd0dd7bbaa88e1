"""`ezhou water-plan issue|import|settle`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ezhou_platform.water_plan.models import MeterReading, SurchargeNotice, YearlyPlan

pytestmark = pytest.mark.django_db


def test_issue_is_idempotent(unit, demo_users):
    out = StringIO()
    call_command("water_plan", "issue", "2024", "--actor", "shuiwu_clerk", "--on", "2024-01-20", stdout=out)
    assert "本次下达 1 个单位" in out.getvalue()
    out = StringIO()
    # resumed with the same issue date (a 2024 plan cannot be issued with today's date, 2026: issue 8 §4)
    call_command("water_plan", "issue", "2024", "--actor", "shuiwu_clerk", "--on", "2024-01-20", stdout=out)
    assert "本次下达 0 个单位，此前已下达 1 个" in out.getvalue()
    with pytest.raises(CommandError, match="下达日期：2026年6月15日晚于2024年度结束"):
        call_command("water_plan", "issue", "2024", "--actor", "shuiwu_clerk", stdout=StringIO())
    assert YearlyPlan.objects.get().issued_on == dt.date(2024, 1, 20)


def test_actor_must_be_a_water_clerk(unit, demo_users):
    with pytest.raises(CommandError, match="不是市水利和湖泊局"):
        call_command("water_plan", "issue", "2024", "--actor", "yibao_clerk")


def test_import_and_settle(unit, demo_users, tiers, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text(
        "account,kind,period,volume\n"
        + "".join(f"EZ-0001,monthly,2024-{m:02d},160\n" for m in range(1, 13))
        + "NOPE,monthly,2024-01,1\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    out = StringIO()
    call_command(
        "water_plan", "import", str(f), "--actor", "shuiwu_clerk", "--rejects", str(rejects), stdout=out
    )
    assert "接收 12 行，拒收 1 行" in out.getvalue() and "户号不存在" in rejects.read_text(
        encoding="utf-8-sig"
    )
    out = StringIO()
    call_command("water_plan", "import", str(f), "--actor", "shuiwu_clerk", stdout=out)
    assert "未作任何改动" in out.getvalue() and MeterReading.objects.filter(period__year=2024).count() == 12
    call_command(
        "water_plan", "issue", "2024", "--actor", "shuiwu_clerk", "--on", "2024-01-20", stdout=StringIO()
    )
    out = StringIO()
    call_command("water_plan", "settle", "2024", "--actor", "shuiwu_clerk", "--on", "2025-01-10", stdout=out)
    assert "1 份" in out.getvalue() and SurchargeNotice.objects.get().amount_fen == 46800


def test_settle_without_tiers_is_a_clear_error(unit, demo_users):
    call_command(
        "water_plan", "issue", "2024", "--actor", "shuiwu_clerk", "--on", "2024-01-20", stdout=StringIO()
    )
    with pytest.raises(CommandError, match="surcharge"):
        call_command("water_plan", "settle", "2024", "--actor", "shuiwu_clerk", stdout=StringIO())
