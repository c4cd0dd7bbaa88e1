"""C26 on the rental-housing application (page and API): the current notice is shown, submitting without the
acknowledgement or with an outdated version is refused naming the field and writes nothing, and a submission
stores its ConsentRecord (subject = the application) in the same transaction."""

from __future__ import annotations

import json
from typing import Any

import pytest
from consent_fields import API_ACK, FORM_ACK

from ezhou_platform.rental_housing.models import Application
from ezhou_platform.security import consent
from ezhou_platform.security.models import ConsentRecord

from .conftest import resident_id, verify

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rental-housing"


def _body(project: Any, **kw: Any) -> dict[str, Any]:
    return {
        "project_id": project.pk,
        "name": "张三",
        "id_number": resident_id(7),
        "phone": "13800000000",
        "full_civil_capacity": True,
        "materials": ["form", "identity", "marriage", "housing"],
        **kw,
    }


def _post(client: Any, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}/applications", json.dumps(body), content_type="application/json")


def test_api_refuses_without_the_acknowledgement_and_writes_nothing(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    verify(demo_users["citizen"], "张三", resident_id(7))
    c = login_client("citizen")
    p = housing["project"]
    cases = [
        ({}, "notice_required", "notice_version", "请先阅读《保障性租赁住房申请个人信息处理告知书》"),
        ({"notice_version": 1}, "sensitive_consent_required", "sensitive_acknowledged", "我同意处理敏感个人信息"),
        ({"notice_version": 1, "sensitive_acknowledged": False}, "sensitive_consent_required",
         "sensitive_acknowledged", "敏感个人信息"),
    ]  # fmt: skip
    for extra, code, field, words in cases:
        r = _post(c, _body(p, **extra))
        assert r.status_code == 400, r.content
        assert (r.json()["code"], r.json()["field"]) == (code, field) and words in r.json()["message"]
    assert Application.objects.count() == 0 and ConsentRecord.objects.count() == 0


def test_api_refuses_an_outdated_version_then_records_the_current_one(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    verify(demo_users["citizen"], "张三", resident_id(7))
    c = login_client("citizen")
    # a new version published: a client still showing version 1 must re-read
    v2 = consent.publish(
        consent.RENTAL_APPLICATION,
        title="保障性租赁住房申请个人信息处理告知书",
        text="第2版告知内容（个人信息保护法第十七条）。",
        sensitive_text="身份证号码属于敏感个人信息。",
        legal_basis="个人信息保护法 第十七条；鄂州政发〔2022〕19号 第十三条",
    )
    assert v2.version == 2
    r = _post(c, _body(housing["project"], **API_ACK))
    assert r.status_code == 400 and r.json()["code"] == "notice_outdated"
    assert "已更新为第2版，请重新阅读" in r.json()["message"] and r.json()["field"] == "notice_version"
    assert Application.objects.count() == 0
    # the public notice endpoint tells the client the current version
    shown = c.get("/api/v1/notices/rental-housing-application").json()
    assert (shown["version"], shown["sensitive"]) == (2, True)
    r = _post(c, _body(housing["project"], notice_version=2, sensitive_acknowledged=True))
    assert r.status_code == 201, r.content
    app = Application.objects.get(pk=r.json()["id"])
    (rec,) = consent.records_for(app)
    assert (rec.notice.version, rec.sensitive_acknowledged, rec.user.username) == (2, True, "citizen")
    assert rec.subject_type == "rental_housing.application" and rec.request_id  # the request id is kept


def test_page_shows_the_notice_and_requires_both_boxes(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    verify(demo_users["citizen"], "张三", resident_id(9))
    c = login_client("citizen")
    page = c.get("/rental-housing/my/").content.decode()
    assert "保障性租赁住房申请个人信息处理告知书（第1版）" in page and "个人信息保护法》第十七条" in page
    assert (
        "我已阅读并知悉《保障性租赁住房申请个人信息处理告知书》" in page and "我同意处理敏感个人信息" in page
    )
    form = {
        "project": housing["project"].pk,
        "applicant": "self",
        "phone": "13800000000",
        "full_civil_capacity": "on",
        "minor_children": 0,
        "materials": ["form", "identity", "marriage", "housing"],
    }
    page = c.post("/rental-housing/my/", {**form, "notice_version": "1"}).content.decode()
    assert "请勾选“我已阅读并知悉《保障性租赁住房申请个人信息处理告知书》”" in page
    page = c.post(
        "/rental-housing/my/", {**form, "notice_version": "1", "notice_read": "on"}
    ).content.decode()
    assert "本事项需要处理敏感个人信息，请勾选“我同意处理敏感个人信息”" in page
    assert Application.objects.count() == 0 and ConsentRecord.objects.count() == 0
    r = c.post("/rental-housing/my/", {**form, **FORM_ACK})
    assert r.status_code == 302
    app = Application.objects.get()
    assert consent.records_for(app).get().notice.key == consent.RENTAL_APPLICATION


def test_a_failing_submission_leaves_no_consent_record(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    """The record is written in the submission's transaction: a refused application (another person's ID)
    leaves neither."""
    verify(demo_users["citizen"], "张三", resident_id(7))
    r = _post(login_client("citizen"), _body(housing["project"], id_number=resident_id(8), **API_ACK))
    assert r.status_code == 403
    assert Application.objects.count() == 0 and ConsentRecord.objects.count() == 0


def test_an_unknown_notice_key_is_404_and_a_flushed_database_gets_its_notices_back(client: Any) -> None:
    """Found by the API fuzz (R6): an unknown key answered 503 "尚未发布", as if the deployment were broken.
    And a database emptied after migrating (`flush`) had no notice at all, so every citizen page that shows
    one failed: the reference data seeds the first versions again (get_or_create, never an edit)."""
    from ezhou_platform.common.demo import load_reference_data
    from ezhou_platform.security.models import ConsentNotice

    r = client.get("/api/v1/notices/no-such-notice")
    assert r.status_code == 404 and r.json()["field"] == "key", r.content
    ConsentNotice.objects.all().delete()  # what `flush` leaves
    r = client.get("/api/v1/notices/rental-housing-application")
    assert r.status_code == 404  # nothing published under that key now
    load_reference_data()
    load_reference_data()  # twice: still one version per key
    assert ConsentNotice.objects.filter(key="rental-housing-application").count() == 1
    assert client.get("/api/v1/notices/rental-housing-application").json()["version"] == 1
    assert client.get("/api/v1/notices/subsidies-car-trade-in").json()["sensitive"] is True
