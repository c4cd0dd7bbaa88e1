"""Issue 14, failure 1 (C08): the water-plan request endpoints checked the role, not the department.

Reproduced as reported: as `yibao_clerk` (医疗保障局) `POST /api/v1/water-plan/units/1/plan-requests` and
`POST /api/v1/water-plan/plans/{id}/supplements` answered 201. A clerk files these on an enterprise's behalf
only in the department that runs the water plan (市水务局, 鄂州政办发〔2022〕15号 第三条); the enterprise itself
files for its own units.
"""

from __future__ import annotations

from ezhou_platform.common import clock
from ezhou_platform.water_plan.models import PlanRequest, SupplementRequest

from .test_evidence import _plan

API = "/api/v1/water-plan"


def test_a_clerk_of_another_department_cannot_file_water_plan_requests(login_client, unit, clerk):
    plan = _plan(unit, clerk)
    plan_request = {"plan_year": clock.today().year + 1, "requested_volume": "2000"}
    supplement = {
        "type": "fire",
        "event_on": clock.today().isoformat(),
        "inputs": {"volume": "80000", "source": "fire_meter"},
        "paper_materials": True,
    }
    foreign = login_client("yibao_clerk")
    r = foreign.post(f"{API}/units/{unit.pk}/plan-requests", plan_request, content_type="application/json")
    assert r.status_code == 403
    r = foreign.post(f"{API}/plans/{plan.pk}/supplements", supplement, content_type="application/json")
    assert r.status_code == 403
    r = foreign.post(
        f"{API}/plans/{plan.pk}/adjustments",
        {"requested_volume": "100", "reason": "生产规模扩大"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert PlanRequest.objects.count() == 0 and SupplementRequest.objects.count() == 0

    # the water clerk may (the same bodies)
    own = login_client("shuiwu_clerk")
    r = own.post(f"{API}/units/{unit.pk}/plan-requests", plan_request, content_type="application/json")
    assert r.status_code == 201
    r = own.post(f"{API}/plans/{plan.pk}/supplements", supplement, content_type="application/json")
    assert r.status_code == 201
    assert PlanRequest.objects.count() == 1 and SupplementRequest.objects.count() == 1
