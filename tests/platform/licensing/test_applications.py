"""Filing, the one-time notice with its proof, the signed commitment and the on-the-spot decision
(鄂州政办发〔2022〕27号 第二部分 二、三（一）（二）（三）), on the example configuration of b1-20 (食品经营许可).

Dates (the platform calendar; 2026-06-19 端午 is a holiday):
- notified Mon 2026-06-15, commitment within 5 working days: 06-16, 17, 18, (19–21 off) 22, 23 → 2026-06-23;
- decided on the spot 06-15: 经营场所平面布局图 within 10 days → 06-25 (a Thursday, a working day);
  other materials within 20 working days → 16, 17, 18 (3), 22–26 (8), 29–7/3 (13), 7/6–10 (18), 7/13, 7/14 → 07-14;
  verification within 20 working days of the decision → 2026-07-14;
  qualification (承诺领证后具备) within 30 days of delivery → 07-15 (a Wednesday).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from ezhou_platform.licensing.models import (
    Application,
    CreditRecord,
    MaterialItem,
    NotificationProof,
    PeriodSetting,
)
from ezhou_platform.licensing.services import applications, casefile, credit
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Case, Document, Period
from ezhou_rules.licensing.credit import CreditKind
from ezhou_rules.licensing.errors import LicensingError

from .conftest import ENTERPRISE_USCC, FILES, FOOD, commitment_data, file_food, licensed_food

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 6, 15)


def test_notice_proof_and_commitment_period(configured: dict[str, Any]) -> None:
    app = file_food(configured, ON)
    assert app.status == "notified" and app.reference == f"XK2026{app.pk:06d}"
    assert app.department.code == "administrative_approval"  # b1-20's item rule in the example configuration
    proof = app.notification
    content = json.loads(proof.content_json)
    # The proof: what was notified (five contents), its hash, the template version and its hash, the time.
    assert [s["number"] for s in content["sections"]] == [1, 2, 3, 4, 5]
    assert proof.content_sha256 == hashlib.sha256(proof.content_json.encode("utf-8")).hexdigest()
    assert proof.template_version == "示例格式文本-2025-01"
    assert proof.template_sha256 == app.scheme.template_sha256
    assert proof.notified_at.date() == ON
    assert "自一次性告知之日起5个工作日内" in proof.text
    assert app.commitment_due == D(2026, 6, 23)
    period = Period.objects.get(field="commitment_due")
    assert period.party == "applicant" and period.case.applicant_uscc == ENTERPRISE_USCC
    # the materials of the scheme, none yet handed in
    assert sorted(app.materials.values_list("code", flat=True)) == [
        "application_form",
        "commitment_letter",
        "health_certificates",
        "layout_plan",
    ]


def test_decided_on_the_spot_with_numbered_decision_and_licence(
    configured: dict[str, Any], real_pdf: None
) -> None:
    app = licensed_food(configured, ON)
    assert app.status == "licensed" and app.decided_on == ON == app.received_on and app.on_the_spot
    docs = {d.kind.split(".")[1]: d for d in Document.objects.filter(case__object_id=app.pk)}
    assert docs["decision"].number == "鄂审批许决〔2026〕1号"
    assert docs["licence"].number == "鄂审批告承许〔2026〕1号" == app.licence.number
    assert bytes(docs["licence"].pdf).startswith(b"%PDF")
    assert docs["decision"].remedy.startswith("如不服本决定")
    dues = dict(app.materials.filter(timing="after_decision").values_list("code", "due"))
    assert dues == {"layout_plan": D(2026, 6, 25), "health_certificates": D(2026, 7, 14)}
    assert app.verification_due == D(2026, 7, 14)
    state = casefile.state_of(app, ON)
    assert state.operation.permitted and state.operation.since == ON  # 已具备: 领证后即可经营
    assert state.on_the_spot is True


def test_later_qualification_permits_operation_only_once_proved(configured: dict[str, Any]) -> None:
    from ezhou_platform.licensing.services import supervision

    app = licensed_food(configured, ON, qualification="later")
    assert app.qualify_due == D(2026, 7, 15)
    assert not casefile.state_of(app, D(2026, 6, 20)).operation.permitted
    supervision.qualify(app, actor=configured["shenpi_clerk"], on=D(2026, 6, 29))
    state = casefile.state_of(app, D(2026, 6, 29))
    assert state.operation.permitted and state.operation.since == D(2026, 6, 29)
    assert not casefile.state_of(app, D(2026, 6, 28)).operation.permitted


def test_what_is_missing_is_listed_and_nothing_decided(configured: dict[str, Any]) -> None:
    app = file_food(configured, ON)
    data = commitment_data(ON, conditions=["premises_area", "staff_health"])
    applications.sign(
        app,
        actor=configured["enterprise"],
        data=data,
        on=ON,
        files={"application_form": FILES["application_form"]},
    )
    with pytest.raises(ProcedureError) as refused:
        applications.decide(app, actor=configured["shenpi_clerk"], on=ON)
    message = refused.value.message
    assert "申请人未承诺符合条件“设有专用食品贮存设施”" in message
    assert "缺少约定在递交告知承诺书时一并提交的材料“告知承诺书”" in message
    assert "第二部分 三（二）" in message and "第二部分 三（一）" in message
    app.refresh_from_db()
    assert app.status == "submitted" and not Document.objects.exists()


def test_commitment_without_its_confirmations_is_refused_and_nothing_written(
    configured: dict[str, Any],
) -> None:
    app = file_food(configured, ON)
    with pytest.raises(ProcedureError) as refused:
        applications.sign(
            app,
            actor=configured["enterprise"],
            data=commitment_data(ON, confirmations=[1, 2, 4]),
            on=ON,
            files=FILES,
        )
    assert "缺少第3项“能够在约定期限内提交行政机关告知的相关材料”" in refused.value.message
    assert "缺少第5项" in refused.value.message
    app.refresh_from_db()
    assert app.status == "notified" and not hasattr(app, "commitment")
    assert not app.materials.exclude(state="pending").exists()


def test_post_needs_the_received_date_which_counts(configured: dict[str, Any]) -> None:
    app = file_food(configured, D(2026, 6, 10))
    clerk = configured["shenpi_clerk"]
    with pytest.raises(ProcedureError, match="收件日期：邮寄的告知承诺书须登记行政机关收到的日期"):
        applications.sign(
            app, actor=clerk, data=commitment_data(D(2026, 6, 11), delivery="post"), on=ON, files=FILES
        )
    with pytest.raises(ProcedureError, match="企业在网上只能在线提交"):
        applications.sign(
            app,
            actor=configured["enterprise"],
            on=ON,
            data=commitment_data(D(2026, 6, 11), delivery="post", received_on=D(2026, 6, 12)),
        )
    applications.sign(
        app,
        actor=clerk,
        data=commitment_data(D(2026, 6, 11), delivery="post", received_on=D(2026, 6, 12)),
        on=ON,
        files=FILES,
    )
    app.refresh_from_db()
    assert app.received_on == D(2026, 6, 12) and app.decision_due == D(2026, 6, 12)
    # decided on 06-15, not on the day of receipt: not on the spot, the licence still to be delivered
    applications.decide(app, actor=clerk, on=ON)
    app.refresh_from_db()
    assert app.on_the_spot is False and app.delivered_on is None
    assert not casefile.state_of(app, ON).operation.permitted
    applications.deliver(app, actor=clerk, on=D(2026, 6, 16))
    assert casefile.state_of(app, D(2026, 6, 16)).operation.permitted


def test_not_covered_refused_with_the_wording_general_procedure_open(configured: dict[str, Any]) -> None:
    # 除仅销售预包装食品外: a shop selling only pre-packaged food is outside the commitment route
    facets = {"food_business_scope": "仅销售预包装食品"}
    with pytest.raises(LicensingError) as refused:
        file_food(configured, ON, facets=facets)
    assert refused.value.code == "not_covered" and "（除仅销售预包装食品外）" in refused.value.message
    assert not Application.objects.exists() and not Case.objects.exists()
    app = file_food(configured, ON, facets=facets, route="general")
    assert app.status == "submitted" and app.route == "general"
    applications.decide_general(app, actor=configured["shenpi_clerk"], on=ON)
    app.refresh_from_db()
    assert app.status == "licensed" and app.licence.number


@pytest.mark.parametrize(
    ("facets", "code"),
    [
        ({"food_business_scope": ["仅销售预包装食品", "不限于预包装食品"]}, "facets_contradict"),
        ({"food_business_scope": "卖菜"}, "unknown_facet_value"),
        ({"colour": "红"}, "unknown_facet"),
        ({}, "facets_missing"),
    ],
)
def test_bad_facets_refused_naming_the_field(
    configured: dict[str, Any], facets: dict[str, Any], code: str
) -> None:
    with pytest.raises(LicensingError) as refused:
        file_food(configured, ON, facets=facets)
    assert refused.value.code == code
    assert (
        refused.value.message.split("：")[0] in ("食品经营范围", "申请情况")
        or "范围项" in refused.value.message
    )
    assert not Application.objects.exists()


def test_unknown_item_refused(configured: dict[str, Any]) -> None:
    with pytest.raises(LicensingError) as refused:
        applications.file(
            code="b1-99",
            facets={},
            route="commitment",
            uscc=ENTERPRISE_USCC,
            name="x",
            actor=configured["enterprise"],
            on=ON,
        )
    assert refused.value.code == "unknown_item" and refused.value.message.startswith("事项：")


def test_period_not_configured_stops_the_notice_and_opens_nothing(configured: dict[str, Any]) -> None:
    PeriodSetting.objects.filter(item_code=FOOD, kind="commitment").delete()
    with pytest.raises(LicensingError) as refused:
        file_food(configured, ON)
    assert refused.value.code == "period_not_configured"
    assert "未配置“作出承诺的时限”" in refused.value.message and "不开启期限" in refused.value.message
    assert not Application.objects.exists() and not Period.objects.exists()


def test_verification_period_not_configured_says_so(configured: dict[str, Any]) -> None:
    PeriodSetting.objects.filter(item_code=FOOD, kind="verification").delete()
    app = licensed_food(configured, ON)
    assert app.verification_due is None and not Period.objects.filter(field="verification_due").exists()
    due = {d.code: d for d in casefile.state_of(app, ON).due}
    assert not due["verification"].configured and "未配置“承诺内容核查期限”" in due["verification"].basis


def test_credit_bar_without_and_with_repair(configured: dict[str, Any]) -> None:
    """二（一）2: an untrue commitment bars until repaired; the repair day itself no longer bars."""
    users = configured
    e2 = users["enterprise2"]
    rec = credit.propose(
        uscc=e2.enterprise_uscc,
        name=e2.enterprise_name,
        kind=CreditKind.COMMITMENT_UNTRUE,
        recorded_on=D(2026, 3, 2),
        authority="鄂州市行政审批局",
        description="承诺不实",
        source="测试",
        actor=users["xinyong_clerk"],
        on=D(2026, 3, 2),
    )
    # proposed, not yet confirmed: it does not bar
    assert credit.eligibility(e2.enterprise_uscc, ON).eligible
    with pytest.raises(ProcedureError, match="双人复核"):
        credit.confirm(rec, actor=users["xinyong_clerk"], on=D(2026, 3, 3))
    with pytest.raises(ProcedureError, match="您没有权限"):
        credit.confirm(rec, actor=users["shenpi_clerk"], on=D(2026, 3, 3))
    credit.confirm(rec, actor=users["xinyong_head"], on=D(2026, 3, 3))
    with pytest.raises(LicensingError) as barred:
        file_food(users, ON, username="enterprise2")
    assert barred.value.code == "credit_bar" and "在信用修复前不适用告知承诺制" in barred.value.message
    assert file_food(users, ON, username="enterprise2", route="general").route == "general"
    rec.refresh_from_db()
    credit.repair(rec, actor=users["xinyong_head"], on=ON, repaired_on=ON, note="鄂信修〔2026〕1号")
    assert not credit.eligibility(e2.enterprise_uscc, ON - dt.timedelta(days=1)).eligible
    assert credit.eligibility(e2.enterprise_uscc, ON).eligible
    assert file_food(users, ON, username="enterprise2").status == "notified"
    assert CreditRecord.objects.get(pk=rec.pk).status == "repaired"


def test_serious_bad_credit_is_configuration(configured: dict[str, Any]) -> None:
    users = configured
    e2 = users["enterprise2"]
    for category, barred in (("严重失信主体名单", True), ("一般失信", False)):
        rec = credit.propose(
            uscc=e2.enterprise_uscc,
            name=e2.enterprise_name,
            kind=CreditKind.BAD_CREDIT,
            category=category,
            recorded_on=D(2026, 5, 1),
            authority="鄂州市市场监督管理局",
            description="示例",
            source="测试",
            actor=users["xinyong_clerk"],
            on=D(2026, 5, 1),
        )
        credit.confirm(rec, actor=users["xinyong_head"], on=D(2026, 5, 2))
        assert credit.eligibility(e2.enterprise_uscc, ON).eligible is not barred
        CreditRecord.objects.filter(pk=rec.pk).update(status="rejected")


def test_materials_rows_are_history(configured: dict[str, Any]) -> None:
    from ezhou_platform.licensing.services import supervision

    app = licensed_food(configured, ON)
    ent, clerk = configured["enterprise"], configured["shenpi_clerk"]
    supervision.submit_material(
        app, actor=ent, code="layout_plan", upload=("a.pdf", b"%PDF-1.4 1"), on=D(2026, 6, 16)
    )
    supervision.review_material(
        app, actor=clerk, code="layout_plan", conforming=False, note="比例不对", on=D(2026, 6, 17)
    )
    supervision.submit_material(
        app, actor=ent, code="layout_plan", upload=("b.pdf", b"%PDF-1.4 2"), on=D(2026, 6, 18)
    )
    supervision.review_material(app, actor=clerk, code="layout_plan", conforming=True, on=D(2026, 6, 22))
    m = MaterialItem.objects.get(application=app, code="layout_plan")
    assert m.state == "conforming"
    assert [(s.file_name, s.conforming) for s in m.submissions.all()] == [("a.pdf", False), ("b.pdf", True)]
    assert Period.objects.get(object_id=m.pk, field="due").closed_on == D(2026, 6, 22)
    assert NotificationProof.objects.count() == 1
