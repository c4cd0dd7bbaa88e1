"""The audit UI: auditors and system administrators browse, filter, open and export; nobody edits."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ezhou_platform.common import clock
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.audit.verify import verify

pytestmark = pytest.mark.django_db

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")
ID = "420704199001011234"


@pytest.fixture
def trail(write: Any, users: Any) -> list[AuditRecord]:
    yibao, water, citizen = users["yibao_clerk"], users["shuiwu_clerk"], users["citizen"]
    return [
        write(
            "medical_assistance.claim.settle",
            actor=yibao,
            label="医疗救助结算",
            object_type="medical_assistance.claim",
            object_id="17",
            object_repr="申请 17 张三",
            after={"id_number": ID, "status": "settled"},
        ),
        write(
            "medical_assistance.claim.reject",
            actor=yibao,
            label="医疗救助驳回",
            object_type="medical_assistance.claim",
            object_id="18",
            object_repr="申请 18",
            result="denied",
        ),
        write(
            "water_plan.plan.adjust",
            actor=water,
            label="调整用水计划",
            object_type="water_plan.plan",
            object_id="3",
            object_repr='=HYPERLINK("http://evil")',
            citation="鄂州政办发〔2022〕15号 第九条",
        ),
        write("auth.login_failed", actor="mallory", result="failed"),
        write("auth.login", actor=citizen, obj=citizen),
    ]


def _rows(response: Any) -> list[str]:
    return [r.action for r in response.context["records"]]


# 三员分立 (SECURITY.md C07): the system administrator may not read the audit trail either.
@pytest.mark.parametrize("username", ["yibao_clerk", "yibao_head", "citizen", "enterprise", "admin"])
def test_other_roles_get_403(login_client: Any, username: str, trail: Any) -> None:
    client = login_client(username)
    for url in (LIST, EXPORT, reverse("audit:detail", args=[trail[0].pk])):
        assert client.get(url).status_code == 403


def test_anonymous_goes_to_login(client: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_auditor_sees_the_list(login_client: Any, trail: Any) -> None:
    response = login_client("auditor").get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "审计日志" in html and "医疗救助结算" in html and "调整用水计划" in html
    assert ID not in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert _rows(response)[0] == "auth.login"  # newest first


def test_dates_are_shown_in_beijing_time(login_client: Any, trail: Any) -> None:
    html = login_client("auditor").get(LIST).content.decode()
    local = timezone.localtime(trail[0].created_at, timezone.get_default_timezone())
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in html


def test_list_is_read_only(login_client: Any, trail: Any) -> None:
    client = login_client("auditor")
    assert client.post(LIST, {}).status_code in (403, 405)
    assert client.post(reverse("audit:detail", args=[trail[0].pk]), {}).status_code in (403, 405)
    assert 'method="post"' not in client.get(LIST).content.decode().split("<main", 1)[1]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "yibao_clerk"}, ["medical_assistance.claim.reject", "medical_assistance.claim.settle"]),
        ({"department": "water"}, ["water_plan.plan.adjust"]),
        (
            {"action": "medical_assistance"},
            ["medical_assistance.claim.reject", "medical_assistance.claim.settle"],
        ),
        # The auditor's own login (by login_client) is in the trail too, newest first.
        ({"action": "auth.login"}, ["auth.login", "auth.login", "auth.login_failed"]),
        ({"object_type": "water_plan.plan"}, ["water_plan.plan.adjust"]),
        ({"result": "denied"}, ["medical_assistance.claim.reject"]),
        ({"result": "failed"}, ["auth.login_failed"]),
        ({"q": "驳回"}, ["medical_assistance.claim.reject"]),
        ({"q": "15号"}, ["water_plan.plan.adjust"]),
        ({"q": "mallory"}, ["auth.login_failed"]),
        ({"user": "yibao_clerk", "result": "success"}, ["medical_assistance.claim.settle"]),
    ],
)
def test_filters(login_client: Any, trail: Any, params: dict[str, str], expected: list[str]) -> None:
    response = login_client("auditor").get(LIST, params)
    assert response.status_code == 200
    assert _rows(response) == expected


def test_date_range_filter_uses_beijing_days(login_client: Any, trail: Any) -> None:
    client = login_client("auditor")
    today = clock.today()
    assert len(_rows(client.get(LIST, {"date_from": today.isoformat(), "date_to": today.isoformat()}))) == 6
    tomorrow = today + dt.timedelta(days=1)
    assert _rows(client.get(LIST, {"date_from": tomorrow.isoformat()})) == []
    yesterday = today - dt.timedelta(days=1)
    assert _rows(client.get(LIST, {"date_to": yesterday.isoformat()})) == []
    bad = client.get(LIST, {"date_from": today.isoformat(), "date_to": yesterday.isoformat()})
    assert "起始日期不能晚于截止日期" in bad.content.decode()


def test_paging_by_50(login_client: Any, write: Any) -> None:
    for i in range(120):
        write("test.bulk.item", object_id=str(i))
    client = login_client("auditor")
    first = client.get(LIST)
    assert len(first.context["records"]) == 50 and first.context["page"].paginator.num_pages == 3
    last = client.get(LIST, {"page": 3, "action": "test.bulk"})
    assert len(last.context["records"]) == 20
    assert "action=test.bulk" in last.content.decode()  # page links keep the filters


def test_detail_shows_before_and_after(login_client: Any, write: Any, users: Any) -> None:
    entry = write(
        "medical_assistance.claim.update",
        actor=users["yibao_clerk"],
        before={"status": "reviewing", "phone": "13812341234"},
        after={"status": "settled", "phone": "13812341234"},
        citation="鄂州政办发〔2022〕34号 第十一条",
    )
    response = login_client("auditor").get(reverse("audit:detail", args=[entry.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"审计记录 #{entry.seq}" in html
    assert "reviewing" in html and "settled" in html and "已变更" in html
    assert "138****1234" in html and "13812341234" not in html
    assert "鄂州政办发〔2022〕34号 第十一条" in html and entry.hash in html


def test_detail_of_unknown_record_is_404(login_client: Any) -> None:
    assert login_client("auditor").get(reverse("audit:detail", args=[999999])).status_code == 404


def test_csv_export_follows_the_filters_and_is_audited(login_client: Any, trail: Any) -> None:
    response = login_client("auditor").get(EXPORT, {"action": "medical_assistance"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["序号", "时间", "用户ID", "用户名"]
    assert [r[8] for r in rows[1:]] == ["medical_assistance.claim.reject", "medical_assistance.claim.settle"]
    assert ID not in body and "420***********1234" in body
    assert rows[1][13] == "拒绝"
    export = AuditRecord.objects.order_by("-seq").first()
    assert export.action == "audit.log.export" and export.actor_username == "auditor"
    assert export.after == {"filters": {"action": "medical_assistance"}}
    assert verify().ok


def test_csv_export_neutralises_formulas(login_client: Any, trail: Any) -> None:
    response = login_client("auditor").get(EXPORT, {"object_type": "water_plan.plan"})
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1][12] == '\'=HYPERLINK("http://evil")'


def test_admin_is_read_only(login_client: Any, trail: Any) -> None:
    client = login_client("auditor")
    changelist = reverse("admin:audit_auditrecord_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:audit_auditrecord_change", args=[trail[0].pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditrecord_change", args=[trail[0].pk]), {"label": "x"}).status_code
        == 403
    )
    assert client.get(reverse("admin:audit_auditrecord_delete", args=[trail[0].pk])).status_code == 403
    assert AuditRecord.objects.get(pk=trail[0].pk).label == "医疗救助结算"


def test_admin_hidden_from_clerks(login_client: Any, trail: Any) -> None:
    client = login_client("yibao_clerk")
    assert client.get(reverse("admin:audit_auditrecord_changelist")).status_code == 403


def test_a_refused_page_is_recorded_as_denied(login_client: Any) -> None:
    from ezhou_platform.common.audit.models import AuditRecord

    client = login_client("citizen")
    assert client.get(LIST).status_code == 403
    denied = AuditRecord.objects.filter(action="auth.access_denied").order_by("-seq").first()
    assert denied is not None
    assert denied.result == "denied"
    assert denied.object_id == LIST
