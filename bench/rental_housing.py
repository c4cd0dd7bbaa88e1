"""Benchmark of the first-come-first-served allocation (鄂州政发〔2022〕19号 第十七条) under load.

500 qualified applicants and 200 units; 16 concurrent HTTP clients each log in as applicants (a session per
applicant) and POST /api/v1/rental-housing/applications/{id}/choose in a shuffled order against a real
`ezhou serve` (gunicorn). Then it checks: every unit let at most once, the allocated are the first 200 by
application order, the other 300 are queued with positions 1…300 in order.

Run:  .venv/bin/python bench/rental_housing.py                      (SQLite file in a temporary folder)
      DATABASE_URL=postgres://… .venv/bin/python bench/rental_housing.py   (a database it may fill)
Options: --applicants 500 --units 200 --clients 16 --workers 4
SECURITY.md R1 (100 seeded rounds, 50 units against 200 applicants, 32 clients, 4 gunicorn workers):
      .venv/bin/python bench/rental_housing.py --applicants 200 --units 50 --clients 32 --workers 4 --rounds 100
Prints one line per figure: double bookings, invariant violations, 5xx, "database is locked", p99.
The peer (issue 15 item 5): the same clients, with the same sessions, GET /api/v1/me (the platform's trivial
authenticated endpoint) as many times as they choose, before and after the allocation in the same run; the
ratio printed is allocation requests/s over the mean of the two peer runs. Issue 15's target uses --clients 64.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run_round(port: int, seed: dict, clients: int, shuffle_seed: int) -> dict:
    """One round: `clients` threads POST …/choose for every applicant of the round's project, in a shuffled order."""
    jobs = list(zip(seed["applications"], seed["sessions"], strict=True))
    random.Random(shuffle_seed).shuffle(jobs)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    allocated = 0
    errors: list[str] = []
    csrf = seed["csrf_token"]
    barrier = threading.Barrier(clients)

    def client() -> None:
        nonlocal allocated
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        while True:
            with lock:
                if not jobs:
                    break
                app_id, session = jobs.pop()
            headers = {
                "Content-Type": "application/json",
                "Cookie": f"{seed['session_cookie']}={session}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
            }
            t0 = time.perf_counter()
            conn.request(
                "POST", f"/api/v1/rental-housing/applications/{app_id}/choose", body="{}", headers=headers
            )
            resp = conn.getresponse()
            body = resp.read()
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
                if resp.status == 200 and json.loads(body)["allocated"]:
                    allocated += 1
                elif resp.status != 200:
                    errors.append(body.decode(errors="replace")[:300])
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "wall": time.perf_counter() - t0,
        "latencies": latencies,
        "statuses": statuses,
        "allocated": allocated,
        "errors": errors,
    }


def peer_round(port: int, seed: dict, clients: int) -> dict:
    """The trivial authenticated endpoint with the round's sessions, one GET /api/v1/me per applicant."""
    sessions = list(seed["sessions"])
    lock = threading.Lock()
    latencies: list[float] = []
    failures = 0
    barrier = threading.Barrier(clients)

    def client() -> None:
        nonlocal failures
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        while True:
            with lock:
                if not sessions:
                    break
                session = sessions.pop()
            t0 = time.perf_counter()
            conn.request("GET", "/api/v1/me", headers={"Cookie": f"{seed['session_cookie']}={session}"})
            resp = conn.getresponse()
            resp.read()
            with lock:
                latencies.append(time.perf_counter() - t0)
                failures += resp.status != 200
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"wall": time.perf_counter() - t0, "latencies": latencies, "failures": failures}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--applicants", type=int, default=500)
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="SECURITY.md R1: N independent seeded rounds (e.g. --applicants 200 --units 50 --clients 32 --rounds 100)",
    )
    ap.add_argument(
        "--seed", type=int, default=20221028, help="the shuffle seed of round 1 (round k: seed + k - 1)"
    )
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ezhou-bench-rh-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        EZHOU_VAR_DIR=str(tmp),
        EZHOU_SECRET_KEY=env.get("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789"),
        EZHOU_AUDIT_HMAC_KEY=env.get("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789"),
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
    )
    vendor = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    manage(env, "migrate", "--noinput", "-v", "0")
    seed_file = tmp / "seed.json"
    argv = ["--applicants", str(args.applicants), "--units", str(args.units), "--sessions", str(seed_file)]
    if args.rounds:
        argv += ["--rounds", str(args.rounds)]
    t_seed = time.perf_counter()
    manage(env, "rental_housing", "loadtest-seed", *argv)
    seeded = json.loads(seed_file.read_text())
    rounds = seeded["rounds"] if args.rounds else [seeded]
    t_seed = time.perf_counter() - t_seed

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - the venv's own ezhou command
        [
            str(VENV_BIN / "ezhou"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = []
    try:
        deadline = time.monotonic() + 180  # four workers importing Django on a busy machine
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/api/v1/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start")
            time.sleep(0.2)
        peers = []
        for k, seed in enumerate(rounds):
            peers.append(peer_round(port, seed, args.clients))
            results.append(run_round(port, seed, args.clients, args.seed + k))
            peers.append(peer_round(port, seed, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=30)

    checks = json.loads(manage(env, "rental_housing", "loadtest-check", *[str(r["project"]) for r in rounds]))
    if not args.rounds:
        checks = [checks]
    latencies = sorted(x for r in results for x in r["latencies"])
    wall = sum(r["wall"] for r in results)
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    errors = [e for r in results for e in r["errors"]]
    allocated = sum(r["allocated"] for r in results)
    expected_let = min(args.units, args.applicants)
    double_bookings = sum(
        (c["units_let"] - c["distinct_units_let"])
        + (c["holders"] - c["distinct_people"])
        + max(0, c["units_let"] - c["units"])
        for c in checks
    )
    violations = sum(
        not (
            c["distinct_units_let"] == c["units_let"] == expected_let
            and c["allocated_are_the_first"]
            and c["queue_positions_in_order"]
            and c["queued"] == max(0, args.applicants - args.units)
            and c["units_marked_let"] == c["units_let"]
        )
        for c in checks
    )
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    locked = sum("database is locked" in e for e in errors)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(
        f"database                         {vendor}, gunicorn workers {args.workers}, clients {args.clients}"
    )
    print(
        f"rounds                           {len(rounds)} (applicants {args.applicants}, units {args.units}; "
        f"seeding {t_seed:.1f} s, not timed)"
    )
    print(
        f"requests                         {len(latencies)} in {wall:.2f} s  ({len(latencies) / wall:.1f} requests/s)"
    )
    print(f"allocations                      {allocated}  ({allocated / wall:.1f} allocations/s)")
    peer_rates = [len(p["latencies"]) / p["wall"] for p in peers]
    peer_rate = sum(peer_rates) / len(peer_rates)
    peer_lat = sorted(x for p in peers for x in p["latencies"])
    print(
        f"peer GET /api/v1/me              {peer_rate:.1f} requests/s (runs {min(peer_rates):.1f}–{max(peer_rates):.1f}), "
        f"p99 {peer_lat[min(len(peer_lat) - 1, int(0.99 * len(peer_lat)))] * 1000:.1f} ms, "
        f"non-200 {sum(p['failures'] for p in peers)}"
    )
    print(f"ratio allocation / peer          {len(latencies) / wall / peer_rate:.2f}  (target >= 0.3)")
    print(
        f"latency p50 / p95 / p99 / max    {pct(0.5):.1f} / {pct(0.95):.1f} / {pct(0.99):.1f} / {latencies[-1] * 1000:.1f} ms"
    )
    print(f"HTTP statuses                    {statuses}")
    print(f"double bookings                  {double_bookings}")
    print(f"invariant violations             {violations} of {len(checks)} rounds")
    print(f"5xx                              {server_errors}")
    print(f'"database is locked"             {locked}')
    if len(checks) == 1:
        print(f"check                            {json.dumps(checks[0], ensure_ascii=False)}")
    try:
        load = os.getloadavg()
        print(f"load average                     {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    except OSError:
        pass
    ok = not errors and double_bookings == 0 and violations == 0 and allocated == expected_let * len(rounds)
    print(f"result                           {'PASS' if ok else 'FAIL'}")
    if errors:
        print("first errors:", errors[:3])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
