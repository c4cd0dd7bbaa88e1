"""Benchmark of the first-come-first-served allocation (鄂州政发〔2022〕19号 第十七条) under load.

500 qualified applicants and 200 units; 16 concurrent HTTP clients each log in as applicants (a session per
applicant) and POST /api/v1/rental-housing/applications/{id}/choose in a shuffled order against a real
`ezhou serve` (gunicorn). Then it checks: every unit let at most once, the allocated are the first 200 by
application order, the other 300 are queued with positions 1…300 in order.

Run:  .venv/bin/python bench/rental_housing.py                      (SQLite file in a temporary folder)
      DATABASE_URL=postgres://… .venv/bin/python bench/rental_housing.py   (a database it may fill)
Options: --applicants 500 --units 200 --clients 16 --workers 4
Prints one line per figure.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--applicants", type=int, default=500)
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=4)
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
    manage(
        env,
        "rental_housing",
        "loadtest-seed",
        "--applicants",
        str(args.applicants),
        "--units",
        str(args.units),
        "--sessions",
        str(seed_file),
    )
    seed = json.loads(seed_file.read_text())

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
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/api/v1/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("server did not start")

        jobs = list(zip(seed["applications"], seed["sessions"], strict=True))
        random.Random(20221028).shuffle(jobs)
        lock = threading.Lock()
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        allocated = 0
        errors: list[str] = []
        csrf = seed["csrf_token"]
        barrier = threading.Barrier(args.clients)

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
                        errors.append(body.decode()[:200])
            conn.close()

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=30)

    report = json.loads(manage(env, "rental_housing", "loadtest-check", str(seed["project"])))
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(
        f"database                         {vendor}, gunicorn workers {args.workers}, clients {args.clients}"
    )
    print(
        f"requests                         {len(latencies)} in {wall:.2f} s  ({len(latencies) / wall:.1f} requests/s)"
    )
    print(f"allocations                      {allocated}  ({allocated / wall:.1f} allocations/s)")
    print(
        f"latency p50 / p95 / p99 / max    {pct(0.5):.1f} / {pct(0.95):.1f} / {pct(0.99):.1f} / {latencies[-1] * 1000:.1f} ms"
    )
    print(f"HTTP statuses                    {statuses}")
    print(f"check                            {json.dumps(report, ensure_ascii=False)}")
    ok = (
        not errors
        and report["distinct_units_let"] == report["units_let"] == min(args.units, args.applicants)
        and report["allocated_are_the_first"]
        and report["queue_positions_in_order"]
        and report["queued"] == max(0, args.applicants - args.units)
    )
    print(f"result                           {'PASS' if ok else 'FAIL'}")
    if errors:
        print("first errors:", errors[:3])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
