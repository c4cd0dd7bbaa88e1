"""SECURITY.md R5: a load run with locust against a real `ezhou serve`, figures printed and kept as CSV.

    .venv/bin/python bench/load.py [--users 100] [--spawn-rate 10] [--duration 10m] [--workers 4]
                                   [--database-url postgres://…/empty_db] [--csv-dir DIR]

A fresh installation in a temporary folder (SQLite by default) with the demo data (`ezhou demo`), 500 persons
for settlements, an allocation scenario of 200 units and 500 qualified applicants (`loadtest-seed`), and login
sessions for the demo citizen, enterprise and 医疗保障局 clerk. Then `locust --headless` with the mix of
bench/load/locustfile.py (citizens 50 %, clerks 25 %, enterprises 15 %, allocation burst 10 %). Prints
requests/s, p50/p95/p99, failures by type, 5xx, "database is locked", and the invariants after the run
(no unit let twice, allocations in application order; `ezhou audit verify`). The provisional bar on 2 cores:
≥ 50 req/s for 10 minutes, p99 ≤ 1 s, 0 5xx.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import machine  # bench/machine.py: load and calibration printed beside the figures
from medical_assistance_api import PERSONS, SETUP, claim, demo_resident_id

ROOT = Path(__file__).resolve().parents[1]

SESSIONS = """
import json, sys
sys.path.insert(0, "src")
import django
django.setup()
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from ezhou_platform.common.models import User

def sessions(username, n):
    u = User.objects.get(username=username)
    keys = []
    for _ in range(n):
        s = SessionStore()
        s["_auth_user_id"] = str(u.pk)
        s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        s["_auth_user_hash"] = u.get_session_auth_hash()
        s.create()
        keys.append(s.session_key)
    return keys

print(json.dumps({"citizen": sessions("citizen", 20), "enterprise": sessions("enterprise", 10),
                  "clerk": sessions("yibao_clerk", 10), "session_cookie": settings.SESSION_COOKIE_NAME}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--spawn-rate", type=int, default=10)
    ap.add_argument("--duration", default="10m")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--csv-dir", default=None, help="keep locust's CSV files here")
    args = ap.parse_args()
    print(machine.report())  # the machine's speed beside the figures (bench/machine.py)
    tmp = tempfile.mkdtemp(prefix="ezhou-bench-load-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(EZHOU_VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings", EZHOU_DEMO="1")
    env.setdefault("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789")
    env.setdefault("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    vendor = "PostgreSQL" if args.database_url else "SQLite"
    py = sys.executable
    bin_dir = Path(py).parent

    def run(*argv: str) -> str:
        return subprocess.run(  # noqa: S603 - our own interpreter and commands
            list(argv), cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout

    t0 = time.perf_counter()
    run(py, "manage.py", "migrate", "--noinput", "-v", "0")
    run(py, "manage.py", "demo")
    run(py, "-c", SETUP.format(persons=PERSONS))
    seed_file = Path(tmp) / "allocation.json"
    run(py, "manage.py", "rental_housing", "loadtest-seed", "--applicants", "500", "--units", "200",
        "--sessions", str(seed_file))  # fmt: skip
    seed = json.loads(seed_file.read_text())
    sessions = json.loads(run(py, "-c", SESSIONS).strip().splitlines()[-1])
    template = claim(0)
    sessions.update(
        applications=seed["applications"],
        applicant_sessions=seed["sessions"],
        csrf_token=secrets.token_hex(16),
        claim_template=template,
        residents=[demo_resident_id(f"42070419800101{i:03d}") for i in range(PERSONS)],
    )
    sessions_file = Path(tmp) / "sessions.json"
    sessions_file.write_text(json.dumps(sessions))
    setup_s = time.perf_counter() - t0

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603
        [str(bin_dir / "ezhou"), "serve", "--port", str(port), "--workers", str(args.workers), "--no-worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    csv_dir = Path(args.csv_dir) if args.csv_dir else Path(tmp)
    csv_dir.mkdir(parents=True, exist_ok=True)
    prefix = csv_dir / f"r5-{vendor.lower()}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        locust_env = {**env, "EZHOU_LOAD_SESSIONS": str(sessions_file)}
        subprocess.run(  # noqa: S603
            [
                str(bin_dir / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                args.duration,
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env=locust_env,
            check=False,
            capture_output=True,
            text=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    with open(f"{prefix}_failures.csv", encoding="utf-8") as fh:
        failures = list(csv.DictReader(fh))
    five_xx = sum(int(f["Occurrences"]) for f in failures if "HTTP 5" in f["Error"] or "500" in f["Error"])
    locked = sum(int(f["Occurrences"]) for f in failures if "locked" in f["Error"])
    check = json.loads(run(py, "manage.py", "rental_housing", "loadtest-check", str(seed["project"])))
    audit = subprocess.run(  # noqa: S603
        [str(bin_dir / "ezhou"), "audit", "verify", "--no-record"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    double = (check["units_let"] - check["distinct_units_let"]) + (
        check["holders"] - check["distinct_people"]
    )
    print(
        f"database               {vendor}, gunicorn {args.workers} workers; setup {setup_s:.0f} s (not timed)"
    )
    print(f"users / spawn rate     {args.users} / {args.spawn_rate} per s, duration {args.duration}")
    print(f"requests               {total['Request Count']} ({float(total['Requests/s']):.1f} req/s)")
    print(
        f"latency p50/p95/p99    {total['50%']} / {total['95%']} / {total['99%']} ms (max {float(total['Max Response Time']):.0f} ms)"
    )
    print(f"failures               {total['Failure Count']}")
    for f in failures:
        print(f"  {f['Method']} {f['Name']}: {f['Error']} × {f['Occurrences']}")
    print(f"5xx                    {five_xx}")
    print(f'"database is locked"   {locked}')
    print(
        f"allocation invariants  double bookings {double}; in application order {check['allocated_are_the_first']}"
    )
    print(f"ezhou audit verify     {'ok' if audit.returncode == 0 else 'FAILED'}")
    try:
        load = os.getloadavg()
        print(f"load average           {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    except OSError:
        pass
    print(f"CSV                    {prefix}_stats.csv, {prefix}_failures.csv")
    if not args.csv_dir:
        shutil.copy(f"{prefix}_stats.csv", Path(tempfile.gettempdir()) / "ezhou-r5-stats.csv")
    ok = five_xx == 0 and double == 0 and audit.returncode == 0 and int(total["Failure Count"]) == 0
    print(f"result                 {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
