"""The dask engine gives the same output as the local run (a LocalCluster with two worker processes)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ezhou_rules.medical_assistance import batch

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))


def test_dask_output_identical_to_local(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    import pyarrow.parquet as pq
    from medical_assistance import generate, to_table, tree  # the benchmark's generator

    src = tmp_path / "in.parquet"
    pq.write_table(to_table(generate(20_000, 3_000, seed=9)), src)
    local_out, dask_out = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    batch.run(src, local_out, tree())
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            batch.run(src, dask_out, tree(), kernel=batch.dask_kernel(client))
    assert pq.read_table(local_out).equals(pq.read_table(dask_out))
