"""Benchmark (not a test) of the settlement API against `ezhou serve` (gunicorn, 2 workers).

    .venv/bin/python bench/medical_assistance_api.py [--database-url postgres://…/empty_db] [--requests 2000]

Starts a fresh installation in a temporary folder (SQLite by default, or the given empty PostgreSQL database),
registers 500 class-1/2 persons, starts `ezhou serve`, logs in as a 医疗保障局 clerk and measures
POST /api/v1/medical-assistance/settlements: p50/p99 over sequential requests, then requests/s and p99 with 16
concurrent clients (each its own session). Every request is a new claim (a real settlement with its audit row).

The peer (issue 15 item 5): the platform's trivial authenticated endpoint GET /api/v1/me (session check, one
user row), run by the same clients in the same run, before and after the settlements; the ratio printed is
settlement requests/s over the mean of the two peer runs.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import machine  # bench/machine.py: load and calibration printed beside the figures

ROOT = Path(__file__).resolve().parents[1]
PERSONS = 500

SETUP = """
import sys, datetime as dt
sys.path.insert(0, "src")
import django
django.setup()
from ezhou_platform.common.demo import DEMO_PASSWORD, load_demo_accounts
from ezhou_platform.common.models import Department, Jurisdiction
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.demo import demo_resident_id
load_demo_accounts()
j = Jurisdiction.objects.get(code="echeng")
d = Department.objects.get(code="civil_affairs")
for i in range({persons}):
    p = services.register_person(resident_id=demo_resident_id(f"42070419800101{{i:03d}}"), name="基准", jurisdiction=j, acting_user=None)
    services.record_identity(p, kind="minimum_living" if i % 2 else "orphan", source_department=d,
                             valid_from=dt.date(2024, 1, 1), evidence="基准测试", acting_user=None)
print(DEMO_PASSWORD)
"""


class Session:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, username: str, password: str) -> None:
        self.opener.open(f"{self.base}/accounts/login/").read()
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        req = urllib.request.Request(  # noqa: S310 - http to our own server
            f"{self.base}/accounts/login/", data=data, headers={"Referer": self.base + "/"}
        )
        body = self.opener.open(req).read().decode()
        if not any(c.name == "sessionid" for c in self.jar):
            import re

            errors = re.findall(r'class="errors?[^"]*"[^>]*>(.*?)</', body, re.S)
            raise SystemExit(f"login failed: {errors or body[:300]} cookies={[c.name for c in self.jar]}")

    def settle(self, body: dict) -> int:
        req = urllib.request.Request(  # noqa: S310 - http to our own server
            f"{self.base}/api/v1/medical-assistance/settlements",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.csrf(),
                "Referer": self.base + "/",
            },
        )
        with self.opener.open(req) as resp:
            resp.read()
            return resp.status

    def me(self) -> int:
        with self.opener.open(f"{self.base}/api/v1/me") as resp:
            resp.read()
            return resp.status


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def demo_resident_id(first17: str) -> str:  # the same as medical_assistance.demo, without Django
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def claim(n: int) -> dict:
    return {
        "claim_id": f"BENCH-{n:07d}",
        "resident_id": demo_resident_id(f"42070419800101{n % PERSONS:03d}"),
        "settle_date": "2024-03-01",
        "kind": "inpatient",
        "hospital_name": "鄂州市中心医院",
        "hospital_level": 3,
        "in_city": True,
        "in_province": True,
        "temporary_out_of_city": False,
        "total_cost": 200_000,
        "out_of_policy_cost": 0,
        "policy_self_pay": 50_000,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=16)
    args = ap.parse_args()
    print(machine.report())  # the machine's speed beside the figures (bench/machine.py)
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        # EZHOU_DEMO: a throw-away database with the demo accounts
        env.update(EZHOU_VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings", EZHOU_DEMO="1")
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
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
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(  # noqa: S603
            [str(Path(py).parent / "ezhou"), "serve", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/api/v1/health").read()  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            vendor = "PostgreSQL" if args.database_url else "SQLite"
            s = Session(base)
            s.login("yibao_clerk", password)
            latencies = []
            for n in range(args.requests):
                t = time.perf_counter()
                assert s.settle(claim(n)) == 201
                latencies.append((time.perf_counter() - t) * 1000)
            q = statistics.quantiles(latencies, n=100)
            print(f"{vendor}：顺序 {args.requests} 次结算请求 p50 {q[49]:.1f} ms，p99 {q[98]:.1f} ms")

            sessions = [Session(base) for _ in range(args.clients)]
            for sess in sessions:
                sess.login("yibao_clerk", password)
            per = args.requests // args.clients
            counter = iter(range(args.requests, 10**9))
            counter_lock = threading.Lock()

            def concurrent(kind: str) -> tuple[float, float, int]:
                """requests/s, p99 ms and errors of `per` requests by each client at once."""
                errors: list[BaseException] = []
                latencies: list[float] = []

                def work(k: int) -> None:
                    try:
                        for _ in range(per):
                            n = 0
                            if kind == "settle":
                                with counter_lock:
                                    n = next(counter)
                            t0 = time.perf_counter()
                            status = sessions[k].settle(claim(n)) if kind == "settle" else sessions[k].me()
                            latencies.append((time.perf_counter() - t0) * 1000)
                            if status not in (200, 201):
                                raise RuntimeError(f"{kind}: HTTP {status}")
                    except BaseException as exc:  # reported below
                        errors.append(exc)

                threads = [threading.Thread(target=work, args=(k,)) for k in range(args.clients)]
                t = time.perf_counter()
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()
                elapsed = time.perf_counter() - t
                p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else float("nan")
                return per * args.clients / elapsed, p99, len(errors)

            peer1 = concurrent("me")
            ours = concurrent("settle")
            peer2 = concurrent("me")
            peer = (peer1[0] + peer2[0]) / 2
            print(
                f"{vendor}：{args.clients} 个并发客户端 GET /api/v1/me（对照）{peer1[0]:.0f} / {peer2[0]:.0f} 次/秒，"
                f"p99 {peer1[1]:.1f} / {peer2[1]:.1f} ms（错误 {peer1[2] + peer2[2]}）"
            )
            print(
                f"{vendor}：{args.clients} 个并发客户端共 {per * args.clients} 次结算请求，"
                f"{ours[0]:.0f} 次/秒，p99 {ours[1]:.1f} ms（错误 {ours[2]}）"
            )
            print(f"{vendor}：结算 / 对照 = {ours[0] / peer:.2f}（目标 ≥ 0.5，p99 < 100 ms）")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
