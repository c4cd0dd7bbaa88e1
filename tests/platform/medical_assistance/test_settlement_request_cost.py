"""What one settlement request asks of the database (issue 15 item 5: the settlement API against the platform's
trivial endpoint). The request was profiled at 36 statements; the ones it no longer sends are pinned here, so a
change that brings them back fails: the person found and locked in one query, the person's identities read once
(they were read three times: is the claim settled at once, its class, 先诊疗后付费 in the answer), no working-day
calendar looked up by a case that opens no period, the case of a claim settled on receipt written closed at
once (not inserted open, then updated), the settlement's MAC set by a plain UPDATE."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ezhou_platform.common import clock
from ezhou_platform.common.models import Department
from ezhou_platform.medical_assistance import services
from ezhou_platform.medical_assistance.models import Claim, Settlement
from ezhou_platform.procedures.engine import case_of

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/medical-assistance/settlements"


def _statements(sqls: list[str], table: str, verb: str = "") -> list[str]:
    return [s for s in sqls if f'"{table}"' in s and s.lstrip().upper().startswith(verb)]


def test_one_settlement_request_sends_none_of_the_statements_it_no_longer_needs(
    login_client: Any, make_person: Any
) -> None:
    person = make_person("minimum_living", serial=1)
    c = login_client("yibao_clerk")
    # a first claim, so the second one is settled against a year already begun
    first = c.post(URL, json.dumps(claim_payload(person, "COST-1", 500_000)), content_type="application/json")
    assert first.status_code == 201, first.content
    with CaptureQueriesContext(connection) as q:
        r = c.post(URL, json.dumps(claim_payload(person, "COST-2", 300_000)), content_type="application/json")
    assert r.status_code == 201, r.content
    sqls = [x["sql"] for x in q.captured_queries]
    assert len(_statements(sqls, "medical_assistance_person", "SELECT")) == 1
    assert len(_statements(sqls, "medical_assistance_identity", "SELECT")) == 1
    assert _statements(sqls, "common_calendaryear") == [] and _statements(sqls, "common_calendarday") == []
    assert _statements(sqls, "procedures_case", "UPDATE") == []
    assert _statements(sqls, "procedures_period", "UPDATE") == []
    mac_updates = _statements(sqls, "medical_assistance_settlement", "UPDATE")
    assert len(mac_updates) == 1 and "CASE WHEN" not in mac_updates[0]
    # …and the answer is still whole: settled, its MAC set, 先诊疗后付费 (第二十条) false since the payload claims
    # no referral from primary care (the next test has one).
    body = r.json()
    assert body["status"] == "settled" and body["settlement"]["pay_after_treatment"] is False
    settlement = Settlement.objects.get(pk=body["settlement"]["id"])
    assert settlement.money_mac == settlement.compute_money_mac()
    case = case_of(Claim.objects.get(claim_id="COST-2"))
    assert case is not None and case.closed_on == clock.today() and case.state == "settled"
    assert case.periods.count() == 0


def test_the_answer_still_says_pay_after_treatment_when_the_identities_allow_it(
    login_client: Any, make_person: Any
) -> None:
    # 第二十条: a class-1 (特困) person referred from primary care, inpatient in the city → 先诊疗后付费; the
    # answer reads it from the identities the settlement read (same_identities), not a second query.
    person = make_person("extreme_poverty", serial=2)
    c = login_client("yibao_clerk")
    r = c.post(
        URL,
        json.dumps(claim_payload(person, "COST-3", 300_000, referred_from_primary_care=True)),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["settlement"]["pay_after_treatment"] is True


def test_identities_are_read_fresh_outside_a_same_identities_block(make_person: Any, demo_users: Any) -> None:
    person = make_person(None, serial=3)
    day = dt.date(2024, 6, 1)
    assert services.identities_on(person, day) == []
    services.record_identity(
        person,
        kind="minimum_living",
        source_department=Department.objects.get(code="civil_affairs"),
        valid_from=dt.date(2024, 1, 1),
        evidence="测试认定书",
        acting_user=demo_users["minzheng_clerk"],
    )
    # outside any block the identity just recorded is seen at once
    assert [i.kind for i in services.identities_on(person, day)] == ["minimum_living"]
    with services.same_identities():
        with CaptureQueriesContext(connection) as q:
            first = services.identities_on(person, day)
            again = services.identities_on(person, day)
            other_day = services.identities_on(person, dt.date(2023, 6, 1))
    assert first is again and other_day == []
    assert len(_statements([x["sql"] for x in q.captured_queries], "medical_assistance_identity")) == 2
