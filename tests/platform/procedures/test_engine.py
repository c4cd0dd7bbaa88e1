"""The procedure layer on a small example procedure (tests/support/procedure_example): steps, refusals,
periods, numbered documents, the case timeline and the audit trail, in the orders the law allows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from procedure_example.models import ExampleRequest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures import documents, engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import Opens
from ezhou_platform.procedures.models import Case, CaseEvent, Document, Period
from ezhou_rules.core import periods
from ezhou_rules.core.periods import compute_deadline

D = dt.date
CITE = "鄂州政办发〔2022〕15号 第十条第一款"
ENTERPRISE_USCC = "91420700MA49XK5L2Y"

VERIFY_5 = Opens(
    "verify_due", "核实期限", CITE, lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(5))
)


def file(
    actor: Any, on: dt.date, name: str = "鄂州示范制造有限公司", uscc: str = ENTERPRISE_USCC
) -> ExampleRequest:
    with transaction.atomic():
        req = ExampleRequest.objects.create(name=name, uscc=uscc, received_on=on)
        engine.start(req, actor=actor, on=on, label="受理调整申请", cites=CITE, opens=[VERIFY_5])
    return req


@pytest.mark.django_db
def test_a_case_through_its_steps(demo_users: dict[str, Any]) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    # Received Thu 2023-09-28: verify within 5 working days → 2023-10-11 (National Day; 10-07/08 worked).
    req = file(clerk, D(2023, 9, 28))
    assert req.verify_due == D(2023, 10, 11)
    case = Case.objects.get()
    assert (case.state, case.department.code, case.applicant_uscc) == ("received", "water", ENTERPRISE_USCC)
    assert case.title == "鄂州示范制造有限公司用水计划调整申请"

    engine.take(req, "verify", actor=clerk, on=D(2023, 10, 9))
    # The verification answers its period and opens the decision's: 10 working days after Mon 10-09 → 10-23.
    assert req.status == "verified" and req.decision_due == D(2023, 10, 23)
    verify_p = Period.objects.get(field="verify_due")
    assert verify_p.closed_on == D(2023, 10, 9) and verify_p.case == case
    assert Period.objects.get(field="decision_due").closed_on is None

    event = engine.take(req, "approve", actor=head, on=D(2023, 10, 20), data={"volume": 100})
    case.refresh_from_db()
    assert req.status == "approved" and req.volume == 100
    assert case.state == "approved" and case.closed_on == D(2023, 10, 20)
    assert not Period.objects.filter(closed_on__isnull=True).exists()
    # The numbered decision: first of the water department's kind in 2023, PDF kept with its hash.
    doc = event.document
    assert doc is not None and doc.number == "鄂水节调〔2023〕1号" and doc.case == case
    assert bytes(doc.pdf).startswith(b"%PDF") and doc.sha256 == hashlib.sha256(bytes(doc.pdf)).hexdigest()
    assert "核准增加用水计划指标100立方米" in doc.html and "鄂州市水利和湖泊局" in doc.html
    assert "行政复议" in doc.html and CITE in doc.html and "2023年10月20日" in doc.html
    # The timeline and the audit trail, each step with its article.
    assert list(CaseEvent.objects.values_list("label", flat=True)) == ["受理调整申请", "核实", "核准"]
    audit = AuditRecord.objects.filter(action="procedure_example.request.approve").get()
    assert audit.citation == CITE and audit.before == {"status": "verified", "volume": None}
    assert audit.after == {"status": "approved", "volume": 100}


@pytest.mark.django_db
def test_refusals_name_the_state_and_the_article_and_write_nothing(demo_users: dict[str, Any]) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    req = file(clerk, D(2024, 3, 4))
    before = (AuditRecord.objects.count(), CaseEvent.objects.count())
    with pytest.raises(ProcedureError) as info:
        engine.take(req, "approve", actor=head, on=D(2024, 3, 5), data={"volume": 1})
    assert info.value.code == "bad_state"
    assert info.value.message == f"当前状态为“已受理”，不能核准（{CITE}）。"
    # Another department's clerk, and an auditor, may not take the step.
    for who in ("yibao_clerk", "auditor"):
        with pytest.raises(ProcedureError) as info:
            engine.take(req, "verify", actor=demo_users[who], on=D(2024, 3, 5))
        assert info.value.code == "forbidden" and info.value.status == 403
    engine.take(req, "verify", actor=clerk, on=D(2024, 3, 5))
    # The step's own check, with the article; the document number is not used up.
    with pytest.raises(
        ProcedureError, match=r"核准水量应为大于0的整数（鄂州政办发〔2022〕15号 第十条第一款）"
    ):
        engine.take(req, "approve", actor=head, on=D(2024, 3, 6), data={"volume": 0})
    # Four eyes: the clerk who received the case may not approve it.
    with pytest.raises(ProcedureError) as info:
        engine.take(req, "approve", actor=clerk, on=D(2024, 3, 6), data={"volume": 5})
    assert info.value.code == "second_person_required"
    assert (AuditRecord.objects.count(), CaseEvent.objects.count()) == (before[0] + 1, before[1] + 1)
    event = engine.take(req, "approve", actor=head, on=D(2024, 3, 6), data={"volume": 5})
    assert event.document is not None and event.document.number == "鄂水节调〔2024〕1号"
    with pytest.raises(ProcedureError, match="没有名为"):
        engine.take(req, "teleport", actor=head, on=D(2024, 3, 6))


@pytest.mark.django_db
def test_numbers_are_gap_free_per_kind_and_year_and_a_rollback_gives_the_number_back(
    demo_users: dict[str, Any],
) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    reqs = [file(clerk, D(2024, 12, 2), name=f"单位{i}") for i in range(3)]
    for r in reqs:
        engine.take(r, "verify", actor=clerk, on=D(2024, 12, 3))
    engine.take(reqs[0], "approve", actor=head, on=D(2024, 12, 30), data={"volume": 1})
    # A failure after the number was taken (here: inside the caller's transaction) rolls the number back.
    with pytest.raises(RuntimeError), transaction.atomic():
        engine.take(reqs[1], "approve", actor=head, on=D(2024, 12, 31), data={"volume": 2})
        raise RuntimeError("the caller's transaction fails afterwards")
    reqs[1].refresh_from_db()
    assert reqs[1].status == "verified"
    engine.take(reqs[1], "approve", actor=head, on=D(2024, 12, 31), data={"volume": 2})
    # A new year starts again at 1.
    engine.take(reqs[2], "approve", actor=head, on=D(2025, 1, 2), data={"volume": 3})
    assert list(Document.objects.order_by("year", "seq").values_list("number", flat=True)) == [
        "鄂水节调〔2024〕1号",
        "鄂水节调〔2024〕2号",
        "鄂水节调〔2025〕1号",
    ]


@pytest.mark.django_db
def test_a_correction_is_a_new_version_and_the_old_one_stays(demo_users: dict[str, Any]) -> None:
    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    req = file(clerk, D(2024, 3, 4))
    engine.take(req, "verify", actor=clerk, on=D(2024, 3, 5))
    doc = engine.take(req, "approve", actor=head, on=D(2024, 3, 6), data={"volume": 5}).document
    assert doc is not None
    fixed = documents.correct(
        doc,
        template="procedure_example/decision.html",
        reason="单位名称有误",
        on=D(2024, 3, 7),
        actor=head,
        context={"record": req},
    )
    doc.refresh_from_db()
    assert (fixed.number, fixed.version, fixed.supersedes) == (doc.number, 2, doc)
    assert not doc.current and fixed.current and "更正原因：单位名称有误" in fixed.html
    with pytest.raises(documents.DocumentError, match="最新版本"):
        documents.correct(
            doc, template="procedure_example/decision.html", reason="再改", on=D(2024, 3, 8), actor=head
        )


@pytest.mark.django_db(transaction=True)
def test_numbers_are_unique_under_concurrency_postgresql(demo_users: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "threads share one in-memory SQLite database; SQLite serialises writers with BEGIN IMMEDIATE"
        )
    n = 8
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                documents.issue(
                    "procedure_example.decision",
                    template="procedure_example/decision.html",
                    title=f"并发{i}",
                    on=D(2024, 5, 6),
                    actor=None,
                    context={"record": {"received_on": D(2024, 5, 6), "volume": i}},
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(Document.objects.values_list("seq", flat=True)) == list(range(1, n + 1))


@pytest.mark.django_db
def test_a_refusal_is_an_api_error_and_the_four_eyes_rule_may_be_decided_per_case(
    demo_users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ezhou_platform.common.api_errors import ApiError
    from ezhou_platform.procedures.machine import transitions

    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    req = file(clerk, D(2024, 3, 4))
    # A refusal is an ApiError: the API answers it as JSON, pages show its message.
    with pytest.raises(ApiError) as info:
        engine.take(req, "approve", actor=head, on=D(2024, 3, 5), data={"volume": 1})
    assert info.value.status == 409 and info.value.field == "status"
    engine.take(req, "verify", actor=clerk, on=D(2024, 3, 5))
    # The four-eyes rule as a function of the record and the step's context (e.g. a dated parameter):
    # off for steps taken before 2024-03-07, on from that day.
    custom = next(t for t in transitions(ExampleRequest) if t.name == "approve").custom
    rule = dataclasses.replace(custom["step"], second_person=lambda record, ctx: ctx.on >= D(2024, 3, 7))
    monkeypatch.setitem(custom, "step", rule)
    with pytest.raises(ProcedureError) as refused:
        engine.take(req, "approve", actor=clerk, on=D(2024, 3, 7), data={"volume": 5})
    assert refused.value.code == "second_person_required"
    engine.take(req, "approve", actor=clerk, on=D(2024, 3, 6), data={"volume": 5})
    assert req.status == "approved"


@pytest.mark.django_db
def test_a_case_started_in_a_final_state_is_closed_from_the_start(demo_users: dict[str, Any]) -> None:
    with transaction.atomic():
        req = ExampleRequest.objects.create(name="单位", received_on=D(2024, 3, 4), status="refused")
        case = engine.start(req, actor=demo_users["shuiwu_clerk"], on=D(2024, 3, 4), label="受理", cites=CITE)
    assert case.closed_on == D(2024, 3, 4) and case.state == "refused"


@pytest.mark.django_db
def test_a_check_may_refuse_with_its_own_code_field_and_status(
    demo_users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ezhou_platform.procedures.machine import Refusal, transitions

    clerk, head = demo_users["shuiwu_clerk"], demo_users["shuiwu_head"]
    req = file(clerk, D(2024, 3, 4))
    engine.take(req, "verify", actor=clerk, on=D(2024, 3, 5))
    custom = next(t for t in transitions(ExampleRequest) if t.name == "approve").custom

    def no_meter(record: Any, ctx: Any) -> Refusal:
        return Refusal("尚未安装计量设施", code="meter_missing", field="meter", status=409)

    monkeypatch.setitem(custom, "step", dataclasses.replace(custom["step"], checks=(no_meter,)))
    with pytest.raises(ProcedureError) as info:
        engine.take(req, "approve", actor=head, on=D(2024, 3, 6), data={"volume": 5})
    assert (info.value.code, info.value.field, info.value.status) == ("meter_missing", "meter", 409)
    assert info.value.message == f"尚未安装计量设施（{CITE}）"
