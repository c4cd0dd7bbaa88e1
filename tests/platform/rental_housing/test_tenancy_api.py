"""Contracts and tenancy through the API (第十八条–第二十三条) and the queue offers (第十七条 轮候配租)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common import clock
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.rental_housing import services
from ezhou_platform.rental_housing.models import (
    Allocation,
    ApplicationStatus,
    Contract,
    ContractStatus,
    OfferStatus,
    OperatorStaff,
    UnitOffer,
    UnitStatus,
)

from .conftest import add_units, qualified

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rental-housing"


def post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{BASE}{path}", body or {}, content_type="application/json")


def _owned_by_citizen(app: Any, demo_users: dict[str, Any]) -> Any:
    app.applicant = demo_users["citizen"]
    app.save(update_fields=["applicant"])
    return app


SIGN = {
    "number": "HT-API-1",
    "start_date": "2024-03-01",
    "end_date": "2025-02-28",
    "payment_period_months": 3,
    "deposit_fen": 100000,
    "originals_checked": True,
}


def test_contract_sign_file_terminate_vacate_through_the_api(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    _owned_by_citizen(a, demo_users)
    staff = login_client("zhujian_clerk")
    # before choosing a unit there is nothing to sign
    r = post(staff, f"/applications/{a.pk}/contract", SIGN)
    assert r.status_code == 409 and r.json()["field"] == "allocation"
    services.choose_unit(a, acting_user=clerk)
    # 第十八条: without the operator's confirmation that the originals match, nothing is signed
    r = post(staff, f"/applications/{a.pk}/contract", {**SIGN, "originals_checked": False})
    assert r.status_code == 422 and r.json()["field"] == "originals_checked"
    assert "第十八条" in r.json()["message"]
    # 第二十条: a term above 3 years and a payment period above 3 months are refused
    r = post(staff, f"/applications/{a.pk}/contract", {**SIGN, "end_date": "2027-03-01"})
    assert r.status_code == 422 and r.json()["code"] == "term_too_long"
    r = post(staff, f"/applications/{a.pk}/contract", {**SIGN, "payment_period_months": 4})
    assert r.status_code == 422 and r.json()["field"] == "payment_period_months"
    assert not Contract.objects.exists()
    r = post(staff, f"/applications/{a.pk}/contract", SIGN)
    assert r.status_code == 201, r.content
    body = r.json()
    # 3 months × 1,000.00元 = 3,000.00元 per payment
    assert body["status"] == "signed" and body["rent_per_payment_fen"] == 300000
    cid = body["id"]
    # 备案 (第十九条), then not twice
    r = post(staff, f"/contracts/{cid}/file")
    assert r.status_code == 200 and r.json()["status"] == "filed" and r.json()["filed_on"]
    assert post(staff, f"/contracts/{cid}/file").status_code == 409
    # 第二十三条: termination for subletting needs the record of the facts
    term = {"reason": "sublet", "terminated_on": "2024-09-30", "move_out_months": 1}
    r = post(staff, f"/contracts/{cid}/terminate", term)
    assert r.status_code == 422 and r.json()["field"] == "record_text" and "第二十三条" in r.json()["message"]
    r = post(staff, f"/contracts/{cid}/terminate", {**term, "move_out_months": 4, "record_text": "转租"})
    assert r.status_code == 422 and r.json()["field"] == "move_out_months"
    r = post(staff, f"/contracts/{cid}/terminate", {**term, "reason": "noise", "record_text": "x"})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = post(staff, f"/contracts/{cid}/terminate", {**term, "record_text": "巡查发现转租他人"})
    assert r.status_code == 200 and r.json()["status"] == "terminated"
    # move-out period 10-01 … 10-31 (one month from 10-01) at 1,000.00; 11-01 … 11-04 is 4 days of November
    # (30 days) at the market rent 1,500.00: 1500 × 4 / 30 = 200.00; total 1,200.00元 (issue 8: whole calendar
    # months then days; before, the month ran 10-01 … 10-30 and 5 days of 31 gave 1,241.94)
    r = post(staff, f"/contracts/{cid}/vacate", {"vacated_on": "2024-11-04", "market_rent_fen": 150000})
    assert r.status_code == 200, r.content
    st = r.json()
    assert st["total_fen"] == 120000 and st["total"] == "1,200.00元"
    assert [line["amount_fen"] for line in st["lines"]] == [100000, 20000]
    assert st["move_out_end"] == "2024-10-31"
    assert p.units.get().status == UnitStatus.AVAILABLE
    # the tenant sees their own contract and rent statement
    tenant = login_client("citizen")
    mine = tenant.get(f"{BASE}/contracts/mine").json()
    assert [c["number"] for c in mine] == ["HT-API-1"] and mine[0]["status"] == "closed"
    r = tenant.get(f"{BASE}/contracts/{cid}/rent-statement")
    assert r.status_code == 200 and r.json()["total_fen"] == 120000
    assert r.json()["trace"][0]["citation"].startswith("鄂州政发〔2022〕19号 第二十条")
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "rental_housing.contract.sign",
        "rental_housing.contract.file",
        "rental_housing.contract.terminate_for_breach",  # 第二十三条: 解除 for subletting
        "rental_housing.contract.vacate",
    } <= actions


def test_contract_api_is_scoped(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    from ezhou_platform.common.models import Jurisdiction
    from ezhou_platform.rental_housing.models import Operator

    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    alloc = services.choose_unit(a, acting_user=clerk).allocation
    c = services.sign_contract(
        alloc,
        acting_user=clerk,
        number="HT-S",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2025, 2, 28),
        payment_period_months=1,
        deposit_fen=0,
        originals_checked=True,
    )
    # another operator's staff do not see this contract
    other = Operator.objects.create(
        name="另一运营公司",
        uscc="91420700MA4F000031",
        business_scope="住房租赁",
        jurisdiction=Jurisdiction.objects.get(code="huarong"),
    )
    OperatorStaff.objects.create(user=demo_users["zhujian_clerk"], operator=other)
    assert post(login_client("zhujian_clerk"), f"/contracts/{c.pk}/file").status_code == 404
    # the auditor reads but does not act; other departments and citizens may not
    assert post(login_client("auditor"), f"/contracts/{c.pk}/file").status_code == 403
    assert post(login_client("yibao_clerk"), f"/contracts/{c.pk}/file").status_code == 403
    # a citizen sees only their own contract (this one belongs to an offline applicant)
    assert login_client("citizen").get(f"{BASE}/contracts/{c.pk}/rent-statement").status_code == 404
    assert login_client("citizen").get(f"{BASE}/contracts/mine").json() == []
    c.refresh_from_db()
    assert c.status == ContractStatus.SIGNED


def test_renewal_through_the_api_checks_the_conditions_again(
    login_client: Any, housing: dict[str, Any]
) -> None:
    p, clerk = housing["project"], housing["clerk"]
    add_units(p, clerk, 1)
    (a,) = qualified(p, clerk, 1)
    alloc = services.choose_unit(a, acting_user=clerk).allocation
    c = services.sign_contract(
        alloc,
        acting_user=clerk,
        number="HT-R1",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2025, 2, 28),
        payment_period_months=1,
        deposit_fen=0,
        originals_checked=True,
    )
    staff = login_client("zhujian_clerk")
    body = {"number": "HT-R2", "end_date": "2028-02-28", "payment_period_months": 1}
    # the tenant now owns 35.00 m² alone: not below 35 m² per person → must exit (第二十条第一款, 第十二条)
    r = post(staff, f"/contracts/{c.pk}/renew", {**body, "homes": [{"area_m2": "35.00"}]})
    assert r.status_code == 422 and r.json()["code"] == "not_eligible_for_renewal"
    assert r.json()["field"] == "eligibility"
    assert Contract.objects.count() == 1
    # 34.99 m² is below 35: renewed from the day after the old end, 2025-03-01 … 2028-02-28 (3 years)
    r = post(staff, f"/contracts/{c.pk}/renew", {**body, "homes": [{"area_m2": "34.99"}]})
    assert r.status_code == 201, r.content
    assert r.json()["start_date"] == "2025-03-01" and r.json()["number"] == "HT-R2"
    c.refresh_from_db()
    assert c.status == ContractStatus.RENEWED


def _queue(housing: dict[str, Any], n_units: int, n_apps: int) -> tuple[list[Any], list[Any]]:
    p, clerk = housing["project"], housing["clerk"]
    units = add_units(p, clerk, n_units)
    apps = qualified(p, clerk, n_apps)
    for app in apps[:n_units]:
        services.choose_unit(app, acting_user=clerk)
    return units, apps


def test_freed_unit_is_offered_to_the_first_in_queue_and_decline_passes_it_on(
    housing: dict[str, Any],
) -> None:
    clerk = housing["clerk"]
    units, (a0, a1, a2, a3) = _queue(housing, 1, 4)
    # a1, a2, a3 wait in this order; a0 leaves → the unit is offered to a1 and reserved
    head = services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    assert head.pk == a1.pk
    offer = UnitOffer.objects.get(status=OfferStatus.OPEN)
    assert offer.application_id == a1.pk
    units[0].refresh_from_db()
    assert units[0].status == UnitStatus.OFFERED
    # a2 cannot take the reserved unit, and is now first of those still waiting without an offer
    r = services.choose_unit(a2, acting_user=clerk)
    assert r.allocation is None and r.queue_position == 1
    # a1 declines → offered to a2 (next in application order); a1 keeps their place for the next unit
    services.answer_offer(offer, acting_user=clerk, accept=False)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    nxt = UnitOffer.objects.get(status=OfferStatus.OPEN)
    assert nxt.application_id == a2.pk and nxt.unit_id == units[0].pk
    with pytest.raises(Exception) as e:  # an answered offer cannot be answered again
        services.answer_offer(offer, acting_user=clerk, accept=True)
    assert e.value.code == "bad_state"
    # a2 declines too → a3; a3 accepts → the unit is let to a3
    services.answer_offer(nxt, acting_user=clerk, accept=False)
    last = UnitOffer.objects.get(status=OfferStatus.OPEN)
    assert last.application_id == a3.pk
    services.answer_offer(last, acting_user=clerk, accept=True)
    a3.refresh_from_db()
    units[0].refresh_from_db()
    assert a3.status == ApplicationStatus.ALLOCATED and units[0].status == UnitStatus.LET
    assert Allocation.objects.get(active=True).application_id == a3.pk
    assert AuditRecord.objects.filter(action="rental_housing.offer.decline").count() == 2
    assert AuditRecord.objects.filter(action="rental_housing.offer.accept").count() == 1


def test_when_everyone_declines_the_unit_is_free_again(housing: dict[str, Any]) -> None:
    clerk = housing["clerk"]
    units, (a0, a1) = _queue(housing, 1, 2)
    services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    services.answer_offer(UnitOffer.objects.get(application=a1), acting_user=clerk, accept=False)
    units[0].refresh_from_db()
    assert units[0].status == UnitStatus.AVAILABLE
    assert not UnitOffer.objects.filter(status=OfferStatus.OPEN).exists()


def test_withdrawing_with_an_open_offer_passes_it_on(housing: dict[str, Any]) -> None:
    clerk = housing["clerk"]
    _, (a0, a1, a2) = _queue(housing, 1, 3)
    services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    services.withdraw(a1, acting_user=clerk)
    assert UnitOffer.objects.get(application=a1).status == OfferStatus.CANCELLED
    assert UnitOffer.objects.get(status=OfferStatus.OPEN).application_id == a2.pk


def test_one_open_offer_per_unit_is_a_database_constraint(housing: dict[str, Any]) -> None:
    from django.db import IntegrityError, transaction

    clerk = housing["clerk"]
    units, (a0, a1, a2) = _queue(housing, 1, 3)
    services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitOffer.objects.create(application=a2, unit=units[0], offered_at=clock.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitOffer.objects.create(application=a1, unit=units[0], offered_at=clock.now())


def test_citizen_sees_and_answers_the_offer(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    clerk = housing["clerk"]
    units, (a0, a1) = _queue(housing, 1, 2)
    _owned_by_citizen(a1, demo_users)
    services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    c = login_client("citizen")
    apps = c.get(f"{BASE}/applications/mine").json()
    offer = UnitOffer.objects.get(status=OfferStatus.OPEN)
    assert apps[0]["offer_id"] == offer.pk and apps[0]["offer_unit"] == units[0].number
    assert [o["status"] for o in c.get(f"{BASE}/offers/mine").json()] == ["open"]
    page = c.get("/rental-housing/my/").content.decode()
    assert "轮候配租通知" in page and units[0].number in page
    # another citizen's offer is not found; an enterprise may not answer at all
    assert post(login_client("enterprise"), f"/offers/{offer.pk}/answer", {"accept": True}).status_code == 403
    c = login_client("citizen")
    r = post(c, f"/offers/{offer.pk}/answer", {"accept": True})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    a1.refresh_from_db()
    assert a1.status == ApplicationStatus.ALLOCATED
    r = post(c, f"/offers/{offer.pk}/answer", {"accept": False})
    # the layer's refusal names the offer's state (已接受) and the article
    assert r.status_code == 409 and r.json()["field"] == "status" and "已接受" in r.json()["message"]


def test_citizen_cannot_answer_someone_elses_offer(login_client: Any, housing: dict[str, Any]) -> None:
    clerk = housing["clerk"]
    _, (a0, _a1) = _queue(housing, 1, 2)
    services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    offer = UnitOffer.objects.get(status=OfferStatus.OPEN)
    assert post(login_client("citizen"), f"/offers/{offer.pk}/answer", {"accept": True}).status_code == 404


def test_operator_answers_an_offer_for_an_offline_applicant(
    login_client: Any, housing: dict[str, Any]
) -> None:
    clerk = housing["clerk"]
    units, (a0, a1, a2) = _queue(housing, 1, 3)
    services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    staff = login_client("zhujian_clerk")
    assert "轮候配租通知" in staff.get(f"/rental-housing/manage/{a1.pk}/").content.decode()
    staff.post(f"/rental-housing/manage/{a1.pk}/", {"action": "decline_offer"})
    assert UnitOffer.objects.get(status=OfferStatus.OPEN).application_id == a2.pk
    staff.post(f"/rental-housing/manage/{a2.pk}/", {"action": "choose"})  # choosing accepts the offer
    a2.refresh_from_db()
    assert a2.status == ApplicationStatus.ALLOCATED
    assert Allocation.objects.get(active=True).unit_id == units[0].pk


def test_the_offer_notice_is_numbered_at_once_and_rendered_on_first_download(
    login_client: Any, housing: dict[str, Any]
) -> None:
    """Issued under the project's lock, the 轮候配租通知书 keeps its HTML and number; its PDF is rendered (outside
    that lock) the first time it is downloaded, and kept."""
    from ezhou_platform.procedures.models import Case

    clerk = housing["clerk"]
    _units, (a0, a1, _a2) = _queue(housing, 1, 3)
    services.release_unit(Allocation.objects.get(application=a0), acting_user=clerk, reason="退出")
    offer = UnitOffer.objects.get(status=OfferStatus.OPEN, application=a1)
    notice = Case.objects.get(procedure="rental_housing.offer", object_id=offer.pk).documents.get()
    assert notice.number.startswith("鄂州保租配〔") and a1.name in notice.html and not bytes(notice.pdf)
    r = login_client("zhujian_clerk").get(f"/workspace/documents/{notice.pk}/pdf/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    notice.refresh_from_db()
    assert bytes(notice.pdf) == r.content and notice.sha256
