"""The peer's side of ``bench/person_year.py``, run by /tmp/ofvenv/bin/python (``python -m openfisca_peer.server
DATA.npz PARAMETERS.json [OUTPUTS]``). It loads the persons and the exported parameters once, then answers commands on
stdin, one per line, so the benchmark can interleave its own runs with the peer's while both stay warm:

- ``calc``: build a simulation from the input arrays (not timed), time ``calculate`` of the outputs;
- ``e2e``: time building the simulation from the input arrays (fen → yuan, ``set_input``) and ``calculate``;
  both answer the wall-clock seconds and the process's CPU seconds;
- ``dump PATH``: write the outputs of a fresh simulation to PATH (.npz, float32 yuan as OpenFisca gives them);
- ``quit``.

Answers are single JSON lines prefixed with ``@@`` (OpenFisca may print warnings of its own).
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version
from typing import Any

import numpy as np
from openfisca_core.simulations import SimulationBuilder

from .model import OUTPUTS, build_system

YEAR = "2024"
BOOLS = ("inpatient", "in_city", "in_province", "temporary_out_of_city", "tilted_approved")
INTS = ("person_class", "hospital_level")
FEN = ("total_cost", "out_of_policy_cost", "policy_self_pay")


def simulation(system: Any, columns: dict[str, np.ndarray]) -> Any:
    """A simulation of the persons in ``columns`` (the benchmark's input arrays: int fen, bools, small ints)."""
    n = len(columns["policy_self_pay"])
    sim = SimulationBuilder().build_default_simulation(system, n)
    for name in BOOLS + INTS:
        sim.set_input(name, YEAR, columns[name])
    for name in FEN:
        sim.set_input(name, YEAR, columns[name] / 100)  # fen → yuan, as an OpenFisca model holds amounts
    return sim


def calculate(sim: Any, outputs: tuple[str, ...] = OUTPUTS) -> dict[str, np.ndarray]:
    return {name: sim.calculate(name, YEAR) for name in outputs}


def answer(payload: dict[str, Any]) -> None:
    sys.stdout.write("@@" + json.dumps(payload) + "\n")
    sys.stdout.flush()


def main() -> None:
    data_path, parameters_path = sys.argv[1], sys.argv[2]
    # the outputs timed (all six columns by default; the dump always has all six)
    timed_outputs = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else OUTPUTS
    with np.load(data_path) as data:
        columns = {name: data[name] for name in BOOLS + INTS + FEN}
    with open(parameters_path, encoding="utf-8") as f:
        system = build_system(json.load(f))
    calculate(simulation(system, columns))  # warm up: first-call costs (formula lookup, caches) not timed
    answer({"ready": True, "openfisca_core": version("openfisca-core"), "numpy": np.__version__})
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "calc":
            sim = simulation(system, columns)
            start, cpu = time.perf_counter(), time.process_time()
            calculate(sim, timed_outputs)
            answer({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu})
        elif command == "e2e":
            start, cpu = time.perf_counter(), time.process_time()
            calculate(simulation(system, columns), timed_outputs)
            answer({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu})
        elif command == "dump":
            out = calculate(simulation(system, columns))
            np.savez(arg, **{k: np.asarray(v) for k, v in out.items()})
            answer({"dumped": arg})
        elif command == "quit":
            break
        else:
            answer({"error": f"unknown command {command!r}"})


if __name__ == "__main__":
    main()
