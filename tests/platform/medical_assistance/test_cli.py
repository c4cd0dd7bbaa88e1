"""`ezhou medical-assistance settle`: exit 0 when every row settled, 1 with an error file otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ezhou_rules.medical_assistance.batch import INPUT_COLUMNS

pytestmark = pytest.mark.django_db
GOOD = "C1,P1,2,2024-03-01,inpatient,2,true,true,false,false,10000,0,1000"
BAD = "C2,P1,9,2024-03-01,inpatient,2,true,true,false,false,10000,0,1000"


def run(tmp: Path, lines: list[str], *extra: str) -> tuple[int, Path]:
    src = tmp / "in.csv"
    src.write_text("\n".join([",".join(INPUT_COLUMNS), *lines]) + "\n", encoding="utf-8")
    out = tmp / "out.csv"
    try:
        call_command("medical_assistance", "settle", str(src), "-o", str(out), *extra)
    except SystemExit as exc:
        return int(exc.code or 0), out
    return 0, out


def test_exit_codes(tmp_path: Path) -> None:
    code, out = run(tmp_path, [GOOD])
    assert code == 0 and "700.00" in out.read_text(encoding="utf-8")  # 1000 × 70%
    code, out = run(tmp_path, [GOOD, BAD])
    assert code == 1
    assert "person_class" in (tmp_path / "out.csv.errors.csv").read_text(encoding="utf-8")
    assert "700.00" in out.read_text(encoding="utf-8")  # the good row is still settled


def test_set_and_unknown_parameter(tmp_path: Path) -> None:
    code, out = run(tmp_path, [GOOD], "--set", "basic.ratio.class_2=80%")
    assert code == 0 and "800.00" in out.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="参数设置有误"):
        run(tmp_path, [GOOD], "--set", "basic.nothing=1")


def test_rows_missing_a_parameter_fail_into_the_error_file_the_others_settle(tmp_path: Path) -> None:
    # P1's 2024 tilted row needs the 2023 income, which is not entered: that person-year fails, naming the
    # parameter and the option that provides it; P2 needs nothing and settles (1000 × 70% = 700.00).
    tilted = GOOD.replace("false,10000", "true,10000")
    other = GOOD.replace("C1,P1", "C9,P2")
    code, out = run(tmp_path, [tilted, other])
    assert code == 1
    errors = (tmp_path / "out.csv.errors.csv").read_text(encoding="utf-8")
    assert "tilted_approved" in errors and "income.per_capita_disposable" in errors and "2023年度" in errors
    assert "--set income.per_capita_disposable@2023=" in errors
    text = out.read_text(encoding="utf-8")
    assert "C9" in text and "700.00" in text and "C1" not in text
    # with the income given on the command line, every row settles
    code, out = run(tmp_path, [tilted, other], "--set", "income.per_capita_disposable@2023=40000元")
    assert code == 0 and "C1" in out.read_text(encoding="utf-8")


def test_set_income_without_a_year_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"--set income\.per_capita_disposable@年度=取值"):
        run(tmp_path, [GOOD], "--set", "income.per_capita_disposable=4000000")


def test_dask_engine_through_the_command(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    lines = [
        f"D{i},P{i % 7},{i % 4 + 1},2024-03-{i % 28 + 1:02d},inpatient,2,true,true,false,false,10000,0,{i * 37}.5"
        for i in range(60)
    ]
    code, out = run(tmp_path, lines)
    local = out.read_text(encoding="utf-8")
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        code2, out2 = run(tmp_path, lines, "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert code == code2 == 0
    assert out2.read_text(encoding="utf-8") == local
    with pytest.raises(CommandError, match="--scheduler"):
        run(tmp_path, lines, "--engine", "dask")


def test_simulate_by_district_and_class(tmp_path: Path, capsys: Any) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "\n".join(
            [
                ",".join([*INPUT_COLUMNS, "district"]),
                "C1,P1,3,2024-03-01,inpatient,2,true,true,false,false,10000,0,5000,鄂城区",
                "C2,P2,2,2024-03-01,inpatient,2,true,true,false,false,10000,0,1000,华容区",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "sim.csv"
    call_command(
        "medical_assistance", "simulate", str(src), "--set", "basic.ratio.class_3=70%", "-o", str(out)
    )
    text = out.read_text(encoding="utf-8")
    # class 3: (5000 − 3000) × 65% = 1300 → × 70% = 1400, +100.00; class 2 unchanged 700.00
    assert '"鄂城区","3",1,"1300.00","1400.00","100.00"' in text
    assert '"华容区","2",1,"700.00","700.00","0.00"' in text
