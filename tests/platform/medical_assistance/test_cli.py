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


def test_settle_dataset_through_the_command(tmp_path: Path, capsys: Any) -> None:
    """`settle-dataset`: a folder of two files on a cluster, the same amounts as the single file; a bad row of
    the second file fails into errors/ with its file and line, and the command exits 1."""
    distributed = pytest.importorskip("dask.distributed")
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = [
        f"D{i},P{i % 7},{i % 4 + 1},2024-03-{i % 28 + 1:02d},inpatient,2,true,true,false,false,10000,0,{i * 37}.5"
        for i in range(60)
    ]
    code, out = run(tmp_path, lines)
    assert code == 0
    local = {r.split(",")[0].strip('"'): r for r in out.read_text(encoding="utf-8").splitlines()[1:]}
    folder = tmp_path / "claims"
    folder.mkdir()
    rows = [line.split(",") for line in lines]
    for name, part in (
        ("a.parquet", rows[:25]),
        ("b.parquet", [*rows[25:], ["X1", "P1", "9", *rows[0][3:]]]),
    ):
        pq.write_table(
            pa.table({c: pa.array([r[i] for r in part]) for i, c in enumerate(INPUT_COLUMNS)}), folder / name
        )
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        with pytest.raises(SystemExit) as exit_:
            call_command(
                "medical_assistance", "settle-dataset", str(folder), "-o", str(tmp_path / "out"),
                "--scheduler", cluster.scheduler_address, "--buckets", "3",
            )  # fmt: skip
    assert exit_.value.code == 1
    printed = capsys.readouterr().out
    assert "2 个文件共 61 行，已结算 60 笔" in printed and "1 行未通过校验" in printed
    settled = pa.concat_tables([pq.read_table(p) for p in (tmp_path / "out" / "settled").glob("*.parquet")])
    got = {
        cid: f"{aid:.2f}"
        for cid, aid in zip(
            settled.column("claim_id").to_pylist(), settled.column("basic_aid").to_pylist(), strict=True
        )
    }
    assert len(got) == 60 and all(
        f'"{got[cid]}"' in local[cid] or f",{got[cid]}," in local[cid] for cid in got
    )
    errors = pa.concat_tables([pq.read_table(p) for p in (tmp_path / "out" / "errors").glob("*.parquet")])
    assert errors.select(["file", "row", "field"]).to_pylist() == [
        {"file": "b.parquet", "row": 37, "field": "person_class"}
    ]


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


def test_the_command_as_a_process_starts_lean_and_reads_the_configured_values(tmp_path: Path) -> None:
    """`ezhou medical-assistance settle` starts Django with the common app alone (issue 15 item 3): it must still
    read the administrators' approved values from the database, exactly as the full start does."""
    import os
    import subprocess
    import sys

    from migrated_db import migrated_database

    root = Path(__file__).resolve().parents[3]
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(EZHOU_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings")
    env["PYTHONPATH"] = str(root / "src")
    drop = migrated_database(env, var)
    try:
        # the 2023 income, entered and approved (status approved) as the administrators' page would leave it
        setup = (
            "import django, datetime; django.setup();"
            "from ezhou_platform.common.models import ConfiguredValue as V;"
            "V.objects.create(tree='medical_assistance', name='income.per_capita_disposable',"
            " valid_from=datetime.date(2023, 1, 1), value=4000000, source='测试', status=V.Status.APPROVED)"
        )
        subprocess.run([sys.executable, "-c", setup], env=env, cwd=root, check=True, capture_output=True)
        # P1 (class 2, tilted aid approved): C10 and C9 on the same day — natural order settles C9 first (M1a);
        # both need the 2023 income (第十二条), which only the database has.
        tilted = GOOD.replace("false,10000", "true,10000")
        src = tmp_path / "in.csv"
        src.write_text(
            "\n".join([",".join(INPUT_COLUMNS), tilted.replace("C1,", "C10,"), tilted.replace("C1,", "C9,")])
            + "\n",
            encoding="utf-8",
        )
        out = tmp_path / "out.csv"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "ezhou_platform.cli",
                "medical-assistance",
                "settle",
                str(src),
                "-o",
                str(out),
            ],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "已结算 2 笔" in proc.stdout
        rows = out.read_text(encoding="utf-8").splitlines()
        # the rows come back in input order (C10, C9), each with 1000 × 70% = 700.00 of basic aid
        assert [r.split(",")[0].strip('"') for r in rows[1:]] == ["C10", "C9"]
        assert all('"700.00"' in r or ",700.00," in r for r in rows[1:])
    finally:
        drop()
