"""Issue 14, failure 12 (R2/R3): a settlement committed while PostgreSQL stopped answered HTTP 400 twice.

The database connection can drop after the server committed (the COMMIT went through, its answer did not come
back), so neither the platform nor the hospital knows the outcome. The API says so — 503 `outcome_unknown`,
"不是被拒绝", Retry-After — and a retry with the same 结算单号 returns the committed settlement (idempotent
replay, 200 `repeated`), never a second payment.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import OperationalError

from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.models import Settlement, YearAccount

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/medical-assistance/settlements"


def test_a_lost_connection_after_commit_is_an_unknown_outcome_and_the_retry_returns_the_settlement(
    login_client: Any, make_person: Any, monkeypatch: Any
) -> None:
    person = make_person("orphan")  # 孤儿: 第十一条 class 1, 100% with no deductible
    c = login_client("yibao_clerk")
    real = services.settle_claim

    def commit_then_lose_the_connection(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # committed (its own atomic block)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "settle_claim", commit_then_lose_the_connection)
    body = json.dumps(claim_payload(person, "H-503", 50_000))
    r = c.post(URL, body, content_type="application/json")
    assert r.status_code == 503 and r["Retry-After"] == "5"
    assert r.json()["code"] == "outcome_unknown" and "不是被拒绝" in r.json()["message"]
    assert Settlement.objects.count() == 1  # it was committed all the same

    monkeypatch.setattr(services, "settle_claim", real)  # the database is back: the hospital retries
    again = c.post(URL, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["repeated"] is True
    # 500.00 yuan of policy self-pay × 100% = 500.00 yuan, paid once
    assert again.json()["settlement"]["basic_aid"] == 50_000
    assert Settlement.objects.count() == 1
    assert YearAccount.objects.get(person=person).basic_paid == 50_000


def test_a_database_that_does_not_answer_is_503_not_a_rejection(
    login_client: Any, make_person: Any, monkeypatch: Any
) -> None:
    person = make_person("orphan")
    c = login_client("yibao_clerk")

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(services, "settle_claim", down)
    r = c.post(URL, json.dumps(claim_payload(person, "X-1", 50_000)), content_type="application/json")
    assert r.status_code == 503 and r.json()["code"] == "outcome_unknown"
    assert Settlement.objects.count() == 0
