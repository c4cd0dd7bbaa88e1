"""The R5 load mix (SECURITY.md): citizens 50 %, clerks 25 %, enterprises 15 %, an allocation burst 10 %.

Run through bench/load.py, which starts a fresh installation and `ezhou serve`, writes the sessions this file
reads (EZHOU_LOAD_SESSIONS: a JSON file) and runs locust headless. Every request names the page or endpoint it
exercises; a 5xx or an unexpected status is a failure in locust's statistics.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
from pathlib import Path

from locust import HttpUser, between, task

SESSIONS = json.loads(Path(os.environ["EZHOU_LOAD_SESSIONS"]).read_text(encoding="utf-8"))
_lock = threading.Lock()
_claims = itertools.count(1)
_applicants = iter(list(zip(SESSIONS["applications"], SESSIONS["applicant_sessions"], strict=True)))


def _login(user: HttpUser, session_key: str) -> None:
    user.client.cookies.set(SESSIONS["session_cookie"], session_key)
    user.client.cookies.set("csrftoken", SESSIONS["csrf_token"])
    user.client.headers.update({"X-CSRFToken": SESSIONS["csrf_token"], "Referer": user.host + "/"})


def _expect(response, *codes: int) -> None:  # type: ignore[no-untyped-def]
    if response.status_code in codes:
        response.success()
    else:
        response.failure(f"HTTP {response.status_code}")


class Citizen(HttpUser):
    weight = 50
    wait_time = between(1, 3)

    def on_start(self) -> None:
        _login(self, random.choice(SESSIONS["citizen"]))

    @task(3)
    def policy_library(self) -> None:
        self.client.get("/policies/", name="政策库")
        self.client.get("/policies/medical_assistance/", name="政策库 文件")

    @task(2)
    def calculator(self) -> None:
        body = {
            "identities": ["low_income_marginal"],
            "claims_so_far": [],
            "new_claim": {"settle_date": "2024-03-01", "total_cost": 500_000, "policy_self_pay": 500_000},
        }
        with self.client.post(
            "/api/v1/medical-assistance/calculate", json=body, name="医疗救助 试算", catch_response=True
        ) as r:
            _expect(r, 200)

    @task(2)
    def my_housing(self) -> None:
        self.client.get("/rental-housing/my/", name="我的保障性租赁住房")
        self.client.get("/api/v1/rental-housing/applications/mine", name="API 我的申请")

    @task(1)
    def workspace(self) -> None:
        self.client.get("/workspace/", name="工作台")


class Clerk(HttpUser):
    weight = 25
    wait_time = between(1, 3)

    def on_start(self) -> None:
        _login(self, random.choice(SESSIONS["clerk"]))

    @task(3)
    def settle(self) -> None:
        with _lock:
            n = next(_claims)
        body = dict(SESSIONS["claim_template"])
        body["claim_id"] = f"LOAD-{n:08d}"
        body["resident_id"] = SESSIONS["residents"][n % len(SESSIONS["residents"])]
        with self.client.post(
            "/api/v1/medical-assistance/settlements", json=body, name="一站式结算", catch_response=True
        ) as r:
            _expect(r, 200, 201)

    @task(2)
    def lists(self) -> None:
        self.client.get("/medical-assistance/settlements/", name="结算列表")
        self.client.get("/medical-assistance/persons/", name="救助对象列表")

    @task(1)
    def cases(self) -> None:
        self.client.get("/workspace/cases/", name="案件列表")


class Enterprise(HttpUser):
    weight = 15
    wait_time = between(1, 3)

    def on_start(self) -> None:
        _login(self, random.choice(SESSIONS["enterprise"]))

    @task(2)
    def water_plan(self) -> None:
        self.client.get("/water-plan/my/", name="我的用水计划")
        self.client.get("/api/v1/water-plan/plans", name="API 用水计划")

    @task(1)
    def licensing(self) -> None:
        self.client.get("/licensing/", name="证照分离 首页")
        self.client.get("/licensing/my/", name="我的许可申请")


class AllocationBurst(HttpUser):
    """Qualified applicants choosing a unit (第十七条 先到先租): each applicant once, then the queue page."""

    weight = 10
    wait_time = between(0.5, 1.5)

    @task
    def choose(self) -> None:
        with _lock:
            nxt = next(_applicants, None)
        if nxt is None:
            self.client.get("/policies/", name="政策库")
            return
        app_id, session = nxt
        self.client.cookies.clear()  # each choice as its own applicant: only that applicant's session is sent
        csrf = SESSIONS["csrf_token"]
        with self.client.post(
            f"/api/v1/rental-housing/applications/{app_id}/choose",
            json={},
            headers={
                "Cookie": f"{SESSIONS['session_cookie']}={session}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Referer": self.host + "/",
            },
            name="选房（先到先租）",
            catch_response=True,
        ) as r:
            _expect(r, 200)
