"""Benchmark (not a test): person-year settlement against OpenFisca (issue 15 item 1).

    PYTHONPATH=src .venv/bin/python bench/person_year.py [--persons 1000000] [--rounds 7]

1,000,000 persons (fixed seed), one claim each in 2024, classes 1—4 at random, 20% treated out of the city
(temporary, without referral: 第十三条第二款), 50% approved for 倾斜救助 (第十二条). Two figures each side:

- calculation only: ours is ``settle()`` on ready Claims columns; the peer's is ``calculate`` of the same six
  columns ``settle()`` returns (basic aid, tilted aid, the hospital-borne amount, the remaining deductible,
  the remaining cap, the tilted base) on a simulation whose inputs are already set;
- end to end: from plain numpy input columns (int fen, bools, small ints; no Arrow, no pandas) to the output
  columns — ours builds the Claims (dtype checks) and settles; the peer builds the simulation from the
  arrays (fen → yuan, ``set_input``) and calculates.

The peer is a minimal OpenFisca country package of the same articles (``bench/openfisca_peer``), run by
``/tmp/ofvenv/bin/python`` in a long-lived subprocess so the runs interleave (ours, peer, ours, peer, …)
with both sides warm; the figures are medians of wall-clock and of CPU time (the machine is shared: CPU
time leaves out the time either process waited for a core). Its parameters are exported from our parameter
tree here.
Then the per-person amounts are compared to the fen: OpenFisca holds amounts as float32 yuan, so some
differ; the count and the reason are printed.

Without /tmp/ofvenv the benchmark prints how to create it and our own figures only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from fractions import Fraction
from pathlib import Path
from typing import Any

import machine  # bench/machine.py: load and calibration printed beside the figures
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ezhou_rules.core.params import AdminValue, ParameterTree  # noqa: E402
from ezhou_rules.medical_assistance.parameters_tree import parameters  # noqa: E402
from ezhou_rules.medical_assistance.settlement import Claims, settle  # noqa: E402

PEER_PYTHON = Path("/tmp/ofvenv/bin/python")  # noqa: S108 - the throw-away venv the issue names
PEER_SETUP = "python3 -m venv /tmp/ofvenv && /tmp/ofvenv/bin/pip install openfisca-core numpy"
# Test data, not Ezhou's real figure (which is configuration nobody has entered); as bench/medical_assistance.py.
INCOME = AdminValue("income.per_capita_disposable", dt.date(2023, 1, 1), 4_000_000, source="基准测试数据")
# the six columns settle() returns; the peer calculates the same six
OUTPUTS = (
    "basic_aid",
    "tilted_aid",
    "hospital_borne",
    "remaining_deductible",
    "remaining_cap",
    "tilted_base",
)
# which rounded payable each output depends on (its differences come from that payable's rounding)
PAYABLES = {
    "basic_aid": ("basic_aid",),
    "tilted_aid": ("tilted_aid",),
    "hospital_borne": ("hospital_borne",),
    "remaining_deductible": (),
    "remaining_cap": ("basic_aid",),
    "tilted_base": ("basic_aid",),
}
BOOLS = ("inpatient", "in_city", "in_province", "temporary_out_of_city", "tilted_approved")
FEN = ("total_cost", "out_of_policy_cost", "policy_self_pay")


def tree() -> ParameterTree:
    return parameters().with_values([INCOME])


def generate(n: int, seed: int = 15) -> dict[str, np.ndarray]:
    """Input columns of ``n`` persons, one claim each in 2024: int fen, bools, small ints, days."""
    rng = np.random.default_rng(seed)
    out_of_city = rng.random(n) < 0.2
    # medical bills are skewed: median 20,000 yuan, a few above 100,000 yuan
    total = np.minimum(np.rint(np.exp(rng.normal(np.log(2_000_000), 1.0, n))), 100_000_000).astype(np.int64)
    oop = total * rng.integers(0, 15, n) // 100
    return {
        "person": np.arange(n, dtype=np.int64),
        "settle_date": np.datetime64("2024-01-01") + rng.integers(0, 366, n).astype("timedelta64[D]"),
        "person_class": rng.integers(1, 5, n).astype(np.int8),
        "inpatient": rng.random(n) < 0.6,
        "hospital_level": rng.integers(1, 4, n).astype(np.int8),
        "in_city": ~out_of_city,
        "in_province": ~out_of_city | (rng.random(n) < 0.5),
        "temporary_out_of_city": out_of_city,
        "tilted_approved": rng.random(n) < 0.5,
        "total_cost": total,
        "out_of_policy_cost": oop,
        "policy_self_pay": (total - oop) * rng.integers(0, 80, n) // 100,
    }


def claims_from_columns(columns: dict[str, np.ndarray]) -> Claims:
    """Claims from plain columns, coercing dtypes (no copy when they already fit)."""
    c = {name: np.asarray(columns[name], dtype=bool) for name in BOOLS}
    c.update({name: np.asarray(columns[name], dtype=np.int64) for name in FEN})
    return Claims(
        person=np.asarray(columns["person"], dtype=np.int64),
        settle_date=np.asarray(columns["settle_date"], dtype="datetime64[D]"),
        person_class=np.asarray(columns["person_class"], dtype=np.int8),
        hospital_level=np.asarray(columns["hospital_level"], dtype=np.int8),
        **c,
    )


def ours_end_to_end(columns: dict[str, np.ndarray], t: ParameterTree) -> dict[str, np.ndarray]:
    out = settle(claims_from_columns(columns), t)
    return {name: getattr(out, name) for name in OUTPUTS}


def openfisca_parameters(t: ParameterTree) -> dict[str, Any]:
    """The tree as an OpenFisca parameter dict: fen → yuan, ratios → floats, dated values kept."""
    nested: dict[str, Any] = {}
    for name in t.names():
        param = t.parameter(name)
        if not param.values or param.unit not in ("fen", "ratio", "bool"):
            continue
        values: dict[str, Any] = {}
        for v in param.values:
            value = v.value
            if param.unit == "fen":
                value = value / 100
            elif param.unit == "ratio":
                value = float(Fraction(value))
            values[v.valid_from.isoformat()] = {"value": value}
        node = nested
        *path, leaf = name.split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = {"description": param.description, "values": values}
    return nested


class Peer:
    """The OpenFisca side in /tmp/ofvenv, driven line by line."""

    def __init__(self, python: Path, data: Path, params: Path, outputs: tuple[str, ...]) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "bench")}
        self.proc = subprocess.Popen(  # noqa: S603 - the throw-away venv's interpreter and our own module
            [str(python), "-m", "openfisca_peer.server", str(data), str(params), ",".join(outputs)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.info = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("@@"):
                answer: dict[str, Any] = json.loads(line[2:])
                if "error" in answer:
                    raise RuntimeError(answer["error"])
                return answer
        raise RuntimeError(f"OpenFisca peer stopped (exit {self.proc.wait()})")

    def ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=60)


def timed(fn: Callable[[], object]) -> dict[str, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def peer_available(python: Path) -> bool:
    if not python.exists():
        return False
    probe = subprocess.run(  # noqa: S603 - the throw-away venv's interpreter
        [str(python), "-c", "import openfisca_core"], capture_output=True, check=False
    )
    return probe.returncode == 0


def half_fen_distance(
    columns: dict[str, np.ndarray], ours: dict[str, np.ndarray], t: ParameterTree
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per output, how far our exact payable before rounding is from half a fen (0: exactly x.5 fen, which
    四舍五入 rounds up while float32, holding 65%, 55%, 70% only approximately, sees a hair above or below),
    and the largest amount in fen the row's float32 arithmetic handles (its rounding error scales with it)."""
    day = dt.date(2024, 7, 1)  # every value of the batch's year (no parameter changes within 2024)
    cls, ooc = columns["person_class"].astype(np.intp), columns["temporary_out_of_city"]
    factor = Fraction(t.get("temporary_out_of_city_factor", day))

    def per_class(name: str) -> np.ndarray:
        return np.array([0] + [t.get(f"{name}.class_{c}", day) for c in (1, 2, 3, 4)], dtype=object)[cls]

    def ratio(name: str) -> tuple[np.ndarray, np.ndarray]:
        values = [Fraction(t.get(f"{name}.class_{c}", day)) for c in (1, 2, 3, 4)]
        num, den = (
            np.array([0] + [v.numerator for v in values]),
            np.array([1] + [v.denominator for v in values]),
        )
        halved = ooc.astype(np.int64)
        return (
            num[cls] * np.where(halved, factor.numerator, 1),
            den[cls] * np.where(halved, factor.denominator, 1),
        )

    def distance(amount: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.abs((2 * amount * num) % (2 * den) - den) / (2 * den)

    x = columns["policy_self_pay"]
    eligible = np.maximum(x - per_class("basic.deductible").astype(np.int64), 0)
    t_eligible = np.maximum(ours["tilted_base"] - per_class("tilted.deductible").astype(np.int64), 0)
    shares = [Fraction(t.get(f"hospital_borne.max_share.level_{lv}", day)) for lv in (1, 2, 3)]
    level = columns["hospital_level"].astype(np.intp) - 1
    h_num, h_den = (
        np.array([s.numerator for s in shares])[level],
        np.array([s.denominator for s in shares])[level],
    )
    excess = columns["out_of_policy_cost"] * h_den - columns["total_cost"] * h_num
    return {
        "basic_aid": (distance(eligible, *ratio("basic.ratio")), x),
        "tilted_aid": (distance(t_eligible, *ratio("tilted.ratio")), x),
        "hospital_borne": (distance(excess, np.ones_like(h_den), h_den), columns["total_cost"]),
    }


def agreement(
    columns: dict[str, np.ndarray], ours: dict[str, np.ndarray], peer_file: Path, t: ParameterTree
) -> None:
    """Per person, our fen against the peer's float32 yuan rounded to the fen; why they differ."""
    with np.load(peer_file) as data:
        peer = {name: np.rint(data[name].astype(np.float64) * 100).astype(np.int64) for name in OUTPUTS}
    n = len(columns["person"])
    # an input amount float32 cannot give back to the fen (24 bits: above 2^24 fen ≈ 167,772 yuan the step
    # is more than 1 fen)
    inexact_input = np.zeros(n, dtype=bool)
    for name in FEN:
        as_peer = np.rint((columns[name] / 100).astype(np.float32).astype(np.float64) * 100)
        inexact_input |= as_peer != columns[name]
    near = half_fen_distance(columns, ours, t)
    exact_half = {name: d == 0 for name, (d, _) in near.items()}
    # float32 keeps 24 bits: an amount of M fen is held to M × 2⁻²⁴ fen; two such steps (the input and the
    # product) are counted as "within float32's precision" of half a fen, no more
    close_half = {name: d <= 2 * big * 2.0**-24 for name, (d, big) in near.items()}
    basic_differs = ours["basic_aid"] != peer["basic_aid"]
    none = np.zeros(n, dtype=bool)
    totals = {
        "救助合计（基本+倾斜）": (
            ours["basic_aid"] + ours["tilted_aid"],
            peer["basic_aid"] + peer["tilted_aid"],
        ),
        **{name: (ours[name], peer[name]) for name in OUTPUTS},
    }
    print(f"逐人核对（到分；{n:,} 人；OpenFisca 的 float32 元金额四舍五入到分后比较）：")
    for label, (a, b) in totals.items():
        parts = ("basic_aid", "tilted_aid") if label not in OUTPUTS else PAYABLES[label]
        carried = label not in ("basic_aid", "hospital_borne", "remaining_deductible")
        diff = b - a
        bad = diff != 0
        k = int(bad.sum())
        line = f"  {label}：一致 {n - k:,} 人，不一致 {k:,} 人（{k / n:.3%}）"
        if k:
            left = bad.copy()
            reasons = []
            for why, mask in (
                ("输入金额在 float32 下已不能精确到分", inexact_input),
                ("应付额恰为半分", np.logical_or.reduce([none, *(exact_half[p] for p in parts)])),
                (
                    "应付额离半分在 float32 精度之内",
                    np.logical_or.reduce([none, *(close_half[p] for p in parts)]),
                ),
                (
                    "基本救助已不同、传到此项",
                    basic_differs if carried else none,
                ),
            ):
                hit = left & mask
                reasons.append(f"{why} {int(hit.sum()):,}")
                left &= ~mask
            reasons.append(f"其他 {int(left.sum()):,}")
            line += (
                f"，最大相差 {int(np.abs(diff).max())} 分（相差 1 分的 {int((np.abs(diff) == 1).sum()):,} 人）；"
                f"原因（人）：{'，'.join(reasons)}"
            )
        print(line)
    print(
        "  说明：本平台以 int64 分和精确分数计算，恰为半分时四舍五入进位；OpenFisca 以 float32 元计算，"
        "65%、55%、70% 等比例与多数元金额都只能近似表示（24 位，约 7 位有效数字），恰为或接近半分的结果可能"
        "舍到另一侧；约 16.8 万元以上的金额连输入都不能精确到分。"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=15, help="interleaved rounds (medians of these)")
    ap.add_argument("--peer-python", type=Path, default=PEER_PYTHON)
    ap.add_argument(
        "--peer-outputs",
        choices=("six", "amounts"),
        default="six",
        help="what the peer calculates in the timed runs: the six columns settle() returns (default), or only "
        "the three amounts paid (basic aid, tilted aid, hospital-borne; the tilted base comes with them)",
    )
    args = ap.parse_args()
    print(machine.report())  # the machine's speed beside the figures (bench/machine.py)
    t = tree()
    columns = generate(args.persons)
    claims = claims_from_columns(columns)
    n = args.persons
    print(
        f"数据：{n:,} 人，每人一笔 2024 年结算（一人一年一笔），类别 1—4 随机，"
        f"市外临时就医 {columns['temporary_out_of_city'].mean():.0%}，"
        f"纳入倾斜救助 {columns['tilted_approved'].mean():.0%}"
    )
    settle(claims, t)  # warm up (page faults of the first large allocations, parameter tables)
    with tempfile.TemporaryDirectory() as tmp:
        peer = None
        if peer_available(args.peer_python):
            data_file, params_file = Path(tmp) / "persons.npz", Path(tmp) / "parameters.json"
            np.savez(data_file, **{k: v for k, v in columns.items() if k != "settle_date"})
            params_file.write_text(json.dumps(openfisca_parameters(t), ensure_ascii=False), encoding="utf-8")
            timed_outputs = OUTPUTS if args.peer_outputs == "six" else OUTPUTS[:3]
            peer = Peer(args.peer_python, data_file, params_file, timed_outputs)
            print(
                f"对照：OpenFisca-Core {peer.info['openfisca_core']}（numpy {peer.info['numpy']}，"
                f"{args.peer_python}），最小国家包 bench/openfisca_peer，参数由本平台参数树导出；"
                f"计时的计算：{'、'.join(timed_outputs)}"
            )
        else:
            print(
                f"对照：未找到 OpenFisca（{args.peer_python}）；创建方法：{PEER_SETUP}。以下只有本平台的数字。"
            )
        figures: dict[str, list[dict[str, float]]] = {
            "ours_calc": [],
            "ours_e2e": [],
            "peer_calc": [],
            "peer_e2e": [],
        }
        try:
            for round_ in range(args.rounds + 1):  # round 0 warms both sides up and is not counted
                runs = {
                    "ours_calc": timed(lambda: settle(claims, t)),
                    "peer_calc": peer.ask("calc") if peer else None,
                    "ours_e2e": timed(lambda: ours_end_to_end(columns, t)),
                    "peer_e2e": peer.ask("e2e") if peer else None,
                }
                for key, run in runs.items():
                    if run and round_:
                        figures[key].append(run)
            for kind, label in (("calc", "仅计算"), ("e2e", "端到端")):
                for clock, clock_label in (("seconds", "墙钟时间"), ("cpu", "CPU 时间")):
                    med = {
                        who: statistics.median(r[clock] for r in figures[f"{who}_{kind}"])
                        for who in ("ours", "peer")
                        if figures[f"{who}_{kind}"]
                    }
                    line = f"{label}（{clock_label}）：本平台中位数 {med['ours']:.4f} 秒（{n / med['ours']:,.0f} 人/秒）"
                    if peer:
                        line += (
                            f"；OpenFisca 中位数 {med['peer']:.4f} 秒（{n / med['peer']:,.0f} 人/秒）；"
                            f"吞吐量之比 {med['peer'] / med['ours']:.2f}×（目标 ≥ 1.5×）"
                        )
                    print(line)
                runs_text = " / ".join(
                    f"{who} " + ", ".join(f"{r['seconds']:.3f}" for r in figures[f"{who}_{kind}"])
                    for who in ("ours", "peer")
                    if figures[f"{who}_{kind}"]
                )
                print(f"  各轮墙钟时间（秒，交替进行 {args.rounds} 轮）：{runs_text}")
            if peer:
                dump = Path(tmp) / "peer_out.npz"
                peer.ask(f"dump {dump}")
                settled = settle(claims, t)
                agreement(columns, {f.name: getattr(settled, f.name) for f in fields(settled)}, dump, t)
        finally:
            if peer:
                peer.close()


if __name__ == "__main__":
    main()
