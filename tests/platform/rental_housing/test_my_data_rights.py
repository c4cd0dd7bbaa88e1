"""SECURITY.md C28 (个人信息保护法 第四十四条至第四十六条): a citizen sees, downloads and asks to correct the
personal data the platform holds about them; the department that owns the record answers, by a person.

Here with a rental-housing application (the record a citizen files with an ID number and a phone)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.mydata.models import CorrectionRequest
from ezhou_platform.rental_housing.models import Application

from .conftest import resident_id, verify
from .test_identity import apply

pytestmark = pytest.mark.django_db


def test_a_citizen_sees_downloads_and_asks_to_correct_their_data(
    login_client: Any, demo_users: dict[str, Any], housing: dict[str, Any]
) -> None:
    number = resident_id(1)
    verify(demo_users["citizen"], "张三", number)
    c = login_client("citizen")
    assert apply(c, housing["project"], "张三", number).status_code == 201
    app = Application.objects.get()

    page = c.get("/my-data/").content.decode()
    assert "保障性租赁住房" in page and f"承租资格申请 #{app.pk}" in page
    assert number not in page  # masked on the page …
    assert number[:3] + "*" in page and number[-4:] in page

    download = c.get("/my-data/export/")
    assert download["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(download.content)
    rental = next(s for s in data["sections"] if s["title"].startswith("保障性租赁住房"))
    assert rental["records"][0]["fields"]["身份证号码"] == number  # … whole in the file the person keeps
    assert AuditRecord.objects.filter(action="mydata.export").count() == 1

    # a record that is not theirs, or a field the record does not have: refused, naming the field
    other = c.post(
        "/my-data/",
        {"record": f"rental_housing.application#{app.pk + 999}", "field_label": "联系电话",
         "requested_value": "13900000000", "reason": "号码已更换"},
    )  # fmt: skip
    assert "只能对本人的业务记录申请更正" in other.content.decode()
    wrong = c.post(
        "/my-data/",
        {"record": f"rental_housing.application#{app.pk}", "field_label": "血型",
         "requested_value": "A", "reason": "补充"},
    )  # fmt: skip
    assert "该记录没有“血型”这一项" in wrong.content.decode()
    assert not CorrectionRequest.objects.exists()

    r = c.post(
        "/my-data/",
        {"record": f"rental_housing.application#{app.pk}", "field_label": "联系电话",
         "requested_value": "13900000000", "reason": "号码已更换"},
    )  # fmt: skip
    assert r.status_code == 302
    req = CorrectionRequest.objects.get()
    assert req.department.code == "housing" and req.status == "pending"
    assert AuditRecord.objects.filter(action="mydata.correction.request").count() == 1

    # the housing department's clerk answers; another department's clerk sees nothing of it
    assert "号码已更换" not in login_client("yibao_clerk").get("/my-data/corrections/").content.decode()
    assert (
        login_client("yibao_clerk")
        .post(f"/my-data/corrections/{req.pk}/answer/", {"decision": "accepted", "answer": "x"})
        .status_code
        == 404
    )
    k = login_client("zhujian_clerk")
    assert "号码已更换" in k.get("/my-data/corrections/").content.decode()
    k.post(f"/my-data/corrections/{req.pk}/answer/", {"decision": "accepted", "answer": ""})
    req.refresh_from_db()
    assert req.status == "pending"  # no answer without the note
    k.post(
        f"/my-data/corrections/{req.pk}/answer/",
        {"decision": "accepted", "answer": "已在申请记录中更正联系电话"},
    )
    req.refresh_from_db()
    assert req.status == "accepted" and req.answered_by == demo_users["zhujian_clerk"]
    assert AuditRecord.objects.filter(action="mydata.correction.answer").count() == 1
    assert "已在申请记录中更正联系电话" in login_client("citizen").get("/my-data/").content.decode()


def test_staff_have_no_my_data_page_and_citizens_no_queue(
    login_client: Any, demo_users: dict[str, Any]
) -> None:
    assert login_client("yibao_clerk").get("/my-data/").status_code == 403
    assert login_client("citizen").get("/my-data/corrections/").status_code == 403
