"""SECURITY.md R3, commit durability: kill the server at random 50 times while clients settle claims.

    .venv/bin/python bench/durability.py [--kills 50] [--clients 2] [--database-url postgres://…/empty_db]

A fresh installation in a temporary folder (SQLite by default, with its production settings: WAL,
synchronous=FULL), 500 registered persons as in bench/medical_assistance_api.py, `ezhou serve` (gunicorn, 2
workers) in its own process group. Each client POSTs settlements with new 结算单号; after a response it appends
the claim number and the returned basic aid to a ledger file it fsyncs (outside the database) — an
acknowledged commit. A request that fails (the server was killed) is retried with the same 结算单号 until
it is acknowledged: the settlement API is idempotent on it, so a commit whose answer was lost is returned, not
paid twice. Meanwhile the killer SIGKILLs the whole process group at a random moment (0.5–2.5 s after it answered again), starts
the server again and waits for /api/v1/health, `--kills` times.

Then, with the server stopped, it checks in the database: every acknowledged claim exists and is whole (one
settlement, the acknowledged amount), no claim is settled twice, the database's own integrity check
(`PRAGMA integrity_check`, or `pg_amcheck` where installed) and `ezhou audit verify` pass. Prints the figures:
kills, acknowledged commits, lost 0, torn 0, doubled 0, restart time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from medical_assistance_api import PERSONS, SETUP, Session, claim

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import json, sys
sys.path.insert(0, "src")
import django
django.setup()
from django.db import connection
from django.db.models import Count
from ezhou_platform.medical_assistance.models import Settlement
ledger = {}
for line in open(sys.argv[1], encoding="utf-8"):
    cid, aid = line.split()
    ledger[cid] = int(aid)
rows = list(Settlement.objects.filter(kind="settle").values_list("claim__claim_id", "basic_aid"))
by_claim = {}
for cid, aid in rows:
    by_claim.setdefault(cid, []).append(aid)
lost = [c for c in ledger if c not in by_claim]
torn = [c for c, a in ledger.items() if c in by_claim and by_claim[c] != [a]]
doubled = [c for c, v in by_claim.items() if len(v) > 1]
integrity = None
if connection.vendor == "sqlite":
    with connection.cursor() as cur:
        cur.execute("PRAGMA integrity_check")
        integrity = cur.fetchone()[0]
print(json.dumps({"acknowledged": len(ledger), "in_database": len(by_claim), "lost": len(lost), "torn": len(torn),
                  "doubled": len(doubled), "examples": (lost + torn + doubled)[:5], "integrity": integrity}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20221018)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="ezhou-bench-r3-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(EZHOU_VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings", EZHOU_DEMO="1")
    env.setdefault("EZHOU_SECRET_KEY", "bench-secret-key-0123456789-0123456789-0123456789")
    env.setdefault("EZHOU_AUDIT_HMAC_KEY", "bench-audit-key-0123456789-0123456789")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    vendor = "PostgreSQL" if args.database_url else "SQLite"
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    setup = subprocess.run(  # noqa: S603
        [py, "-c", SETUP.format(persons=PERSONS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    password = setup.stdout.strip().splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ezhou = str(Path(py).parent / "ezhou")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603 - the venv's own command
            [ezhou, "serve", "--port", str(port), "--workers", "2", "--no-worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: SIGKILL reaches gunicorn's master and workers
        )

    def healthy(timeout: float = 60.0) -> float:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=2).read()  # noqa: S310
                return time.perf_counter() - t0
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the server did not come back")

    ledger_path = Path(tmp) / "acknowledged.ledger"
    ledger = open(ledger_path, "a", encoding="utf-8")  # kept open for the whole run
    ledger_lock = threading.Lock()
    stop = threading.Event()
    acknowledged = 0
    retries = 0
    statuses: dict[int, int] = {}

    # Logged in before the first kill (a login hashes the password: slow on purpose); the sessions are rows in
    # the database and outlive every restart of the server.
    sessions = [Session(base) for _ in range(args.clients)]

    def client(k: int) -> None:
        nonlocal acknowledged, retries
        s = sessions[k]
        n = 0
        while not stop.is_set():
            body = claim(1_000_000 * (k + 1) + n)
            try:
                req = urllib.request.Request(  # noqa: S310 - http to our own server
                    f"{base}/api/v1/medical-assistance/settlements",
                    data=json.dumps(body).encode(),
                    headers={
                        "Content-Type": "application/json",
                        "X-CSRFToken": s.csrf(),
                        "Referer": base + "/",
                    },
                )
                with s.opener.open(req, timeout=30) as resp:
                    answer = json.loads(resp.read())
                    status = resp.status
            except urllib.error.HTTPError as exc:
                status = exc.code
                answer = None
            except (OSError, http.client.HTTPException, ValueError):  # killed mid-request: no answer
                status = 0
                answer = None
            with ledger_lock:
                statuses[status] = statuses.get(status, 0) + 1
            if status in (200, 201) and answer and answer["settlement"]:
                with ledger_lock:
                    ledger.write(f"{body['claim_id']} {answer['settlement']['basic_aid']}\n")
                    ledger.flush()
                    os.fsync(ledger.fileno())
                    acknowledged += 1
                n += 1
            else:
                retries += 1  # the same 结算单号 again, once the server answers
                time.sleep(0.1)

    server = start()
    healthy()
    for s in sessions:
        s.login("yibao_clerk", password)
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(args.clients)]
    for t in threads:
        t.start()
    restart_times = []
    t_run = time.perf_counter()
    try:
        for _ in range(args.kills):
            time.sleep(rng.uniform(0.5, 2.5))
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            t0 = time.perf_counter()
            server = start()
            healthy()
            restart_times.append(time.perf_counter() - t0)
        time.sleep(2.0)  # let the clients finish what they retry after the last restart
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    elapsed = time.perf_counter() - t_run
    ledger.close()

    check = json.loads(
        subprocess.run(  # noqa: S603
            [py, "-c", CHECK, str(ledger_path)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    audit = subprocess.run(  # noqa: S603
        [ezhou, "audit", "verify", "--no-record"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    amcheck = None
    pg_amcheck = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")) / "pg_amcheck"
    if args.database_url and pg_amcheck.exists():
        amcheck = subprocess.run(  # noqa: S603 - the PostgreSQL 15 tool
            [str(pg_amcheck), "--install-missing", "-d", args.database_url], capture_output=True, text=True
        ).returncode
    print(
        f"database                   {vendor}, gunicorn 2 workers, {args.clients} clients, seed {args.seed}"
    )
    print(f"kills (SIGKILL, whole process group)  {len(restart_times)} in {elapsed:.1f} s")
    print(
        f"restart to healthy         median {statistics.median(restart_times):.2f} s, max {max(restart_times):.2f} s"
    )
    print(
        f"requests by status         {dict(sorted(statuses.items()))} (0: connection lost; retried: {retries})"
    )
    print(
        f"acknowledged commits       {check['acknowledged']} (in the database: {check['in_database']} claims)"
    )
    print(f"lost                       {check['lost']}")
    print(f"torn                       {check['torn']}")
    print(f"doubled                    {check['doubled']}")
    if check["integrity"] is not None:
        print(f"PRAGMA integrity_check     {check['integrity']}")
    if amcheck is not None:
        print(f"pg_amcheck                 {'ok' if amcheck == 0 else f'exit {amcheck}'}")
    print(f"ezhou audit verify         {'ok' if audit.returncode == 0 else 'FAILED: ' + audit.stdout[-300:]}")
    ok = (
        check["lost"] == check["torn"] == check["doubled"] == 0
        and check["integrity"] in (None, "ok")
        and audit.returncode == 0
        and (amcheck in (None, 0))
        and check["acknowledged"] > 0
    )
    print(f"result                     {'PASS' if ok else 'FAIL'}")
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
