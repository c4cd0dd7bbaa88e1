"""The report procedure (``supervision.report``) on the layer: filed by the unit or the supervising department
for it, confirmed or returned by the plan's department citing the plan's article, the item's state from the
confirmed completion's evidence date, the periods it answers, bad input refused leaving nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.models import Case, CaseEvent, Period
from ezhou_platform.registers.organisations import resolve_organisation
from ezhou_platform.supervision.models import Item, Plan, Report
from ezhou_platform.supervision.services import reports
from ezhou_platform.supervision.services.assignments import set_switch
from ezhou_platform.supervision.services.tasklists import snapshot
from ezhou_rules.supervision.errors import SupervisionError

from .conftest import PDF, file_and_decide

pytestmark = pytest.mark.django_db
D = dt.date


def _state(item: Item, on: dt.date) -> Any:
    plan = Plan.objects.get(pk=item.plan_id)  # fresh: the switch may have changed since the item was read
    return next(s for s in snapshot([plan]).states_on(on) if s.item_id == item.code)


def _files() -> list[Path]:
    root = Path(settings.SUPERVISION_FILES_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_completion_counts_once_confirmed_from_its_evidence_date(
    ve: Any, demo_users: dict[str, Any]
) -> None:
    clerk = demo_users["jiaoyu_clerk"]
    item = Item.objects.get(code="vocational_education/1")  # due 2022-08-31
    report = file_and_decide(item, "市教育局", clerk, day=D(2022, 8, 31), decide="")
    case = Case.objects.get(object_id=report.pk, procedure="supervision.report")
    # The case belongs to the plan's supervising department (市教育局, 四16), not a fixed one.
    assert case.department.code == "education" and case.state == "submitted"
    # Filed but not confirmed: a report on 08-31, not a completion — on 09-01 the item is 1 day overdue.
    s = _state(item, D(2022, 9, 1))
    assert (s.code, s.days, s.last_report) == ("overdue", 1, D(2022, 8, 31))
    reports.accept(report, actor=clerk)
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewed_by == clerk
    # Confirmed: done on the deadline itself, on time (以前 includes the day).
    s = _state(item, D(2022, 9, 1))
    assert (s.code, s.completed_on, s.evidence) == ("done_on_time", D(2022, 8, 31), "测试〔2022〕1号")
    # The item's period on the education clerks' workspace is answered the day it was confirmed.
    p = Period.objects.get(content_type__model="assignment", object_id=item.assignments.get(role="lead").pk)
    assert p.closed_on == report.reviewed_on
    event = CaseEvent.objects.filter(case=case).last()
    assert event is not None and event.citation == "鄂州政发〔2022〕15号 四16"
    audit = AuditRecord.objects.get(action="supervision.report.accept")
    assert audit.citation == "鄂州政发〔2022〕15号 四16"


def test_the_rest_day_switch_on_2022_12_31(ve: Any, demo_users: dict[str, Any]) -> None:
    clerk, office = demo_users["jiaoyu_clerk"], demo_users["ducha_clerk"]
    item = Item.objects.get(code="vocational_education/25")  # 2022年12月底前 → 2022-12-31, a Saturday
    file_and_decide(item, "市教育局", clerk, day=D(2023, 1, 3), number="鄂州教发〔2023〕1号")
    # Switch off (the default, T3): the printed date holds, 01-03 is three days late.
    assert _state(item, D(2023, 1, 3)).label == "逾期3天完成"
    a = item.assignments.get(role="lead")
    assert a.due == D(2022, 12, 31)
    # Switch on: 2022-12-31 … 2023-01-02 is the New Year holiday, the deadline is 2023-01-03; on time.
    set_switch(ve, True, actor=office)
    s = _state(item, D(2023, 1, 3))
    assert s.code == "done_on_time" and "顺延至2023年1月3日" in s.explanation
    a.refresh_from_db()
    p = Period.objects.get(content_type__model="assignment", object_id=a.pk)
    assert a.due == p.due == D(2023, 1, 3) and p.closed_on is not None  # still answered by the completion
    assert AuditRecord.objects.filter(action="supervision.plan.roll").count() == 1


def test_return_and_correction_keep_the_history(ve: Any, demo_users: dict[str, Any]) -> None:
    clerk = demo_users["jiaoyu_clerk"]
    item = Item.objects.get(code="vocational_education/21@2022")  # due 2023-02-28
    first = file_and_decide(item, "市教育局", clerk, day=D(2023, 2, 27), decide="")
    with pytest.raises(ProcedureError) as err:
        reports.return_report(first, actor=clerk, reason="  ")
    assert err.value.code == "check_failed" and "退回理由" in err.value.message
    reports.return_report(first, actor=clerk, reason="未附年度报告全文")
    assert _state(item, D(2023, 3, 1)).code == "overdue"  # a returned report does not count
    second = reports.file_report(
        item,
        unit=first.unit,
        kind="completion",
        evidence_date=D(2023, 2, 27),
        document_number="鄂州教发〔2023〕4号",
        summary="补充年度报告全文",
        attachment=reports.Attachment("年度报告.pdf", PDF),
        actor=clerk,
        corrects=first,
    )
    reports.accept(second, actor=clerk)
    first.refresh_from_db()
    assert first.status == "returned" and first.review_note == "未附年度报告全文"
    assert second.corrects == first and _state(item, D(2023, 3, 1)).code == "done_on_time"
    # An accepted report cannot be returned: the step names the state and the plan's article.
    with pytest.raises(ProcedureError) as err:
        reports.return_report(second, actor=clerk, reason="x")
    assert err.value.code == "bad_state" and "当前状态为“已确认”" in err.value.message
    assert "鄂州政发〔2022〕15号 四16" in err.value.message


def test_only_the_plans_department_confirms(ve: Any, rd: Any, demo_users: dict[str, Any]) -> None:
    item = Item.objects.get(code="rural_delivery/15")
    report = file_and_decide(
        item, "市邮政管理局", demo_users["youzheng_clerk"], day=D(2025, 6, 20), decide=""
    )
    for who in ("jiaoyu_clerk", "ducha_clerk", "auditor"):
        with pytest.raises(ProcedureError) as err:
            reports.accept(report, actor=demo_users[who])
        assert err.value.code == "forbidden" and "鄂州政办发〔2022〕28号 五（三）" in err.value.message
    reports.accept(report, actor=demo_users["youzheng_clerk"])
    assert Case.objects.get(object_id=report.pk, procedure="supervision.report").department.code == "postal"


def _count() -> tuple[int, ...]:
    return (Report.objects.count(), Case.objects.count(), AuditRecord.objects.count(), len(_files()))


@pytest.mark.parametrize(
    ("code", "kind", "day", "number", "attachment", "field", "error"),
    [
        # a completion before the plan was issued (2022-08-09)
        (
            "vocational_education/1",
            "completion",
            D(2022, 8, 8),
            "x号",
            PDF,
            "证明文件日期",
            "completion_before_issue",
        ),
        (
            "vocational_education/1",
            "completion",
            D(2022, 8, 30),
            "  ",
            PDF,
            "证明文件文号",
            "evidence_missing",
        ),
        (
            "vocational_education/5",
            "completion",
            D(2023, 1, 1),
            "x号",
            PDF,
            "报送类型",
            "completion_on_continuous",
        ),
        (
            "vocational_education/1",
            "completion",
            D(2022, 8, 30),
            "x号",
            None,
            "证明文件",
            "attachment_missing",
        ),
        (
            "vocational_education/1",
            "completion",
            D(2022, 8, 30),
            "x号",
            b"MZ\x90",
            "证明文件",
            "attachment_type",
        ),
        ("vocational_education/1", "progress", D(2027, 1, 1), "", None, "证明文件日期", "evidence_in_future"),
    ],
)
def test_bad_reports_are_refused_naming_the_field_and_write_nothing(
    ve: Any,
    demo_users: dict[str, Any],
    code: str,
    kind: str,
    day: dt.date,
    number: str,
    attachment: bytes | None,
    field: str,
    error: str,
) -> None:
    item = Item.objects.get(code=code)
    before = _count()
    with pytest.raises(SupervisionError) as err:
        reports.file_report(
            item,
            unit=resolve_organisation("市教育局"),
            kind=kind,
            evidence_date=day,
            document_number=number,
            summary="测试",
            attachment=reports.Attachment("a.pdf", attachment) if attachment is not None else None,
            actor=demo_users["jiaoyu_clerk"],
        )
    assert (err.value.code, err.value.field) == (error, field)
    assert _count() == before


def test_a_unit_files_only_for_itself_the_supervising_department_for_any(
    ve: Any, demo_users: dict[str, Any]
) -> None:
    item = Item.objects.get(code="vocational_education/1")  # 市教育局, 市人社局, 鄂州职业大学
    assert [u.name for u in reports.units_user_may_file_for(demo_users["jiaoyu_clerk"], item)] == [
        "鄂州市教育局",
        "鄂州市人力资源和社会保障局",
        "鄂州职业大学",
    ]
    assert reports.units_user_may_file_for(demo_users["youzheng_clerk"], item) == []
    assert reports.units_user_may_file_for(demo_users["auditor"], item) == []
    with pytest.raises(SupervisionError) as err:
        reports.file_report(
            item,
            unit=resolve_organisation("市教育局"),
            kind="progress",
            evidence_date=D(2022, 8, 20),
            document_number="",
            summary="x",
            attachment=None,
            actor=demo_users["youzheng_clerk"],
        )
    assert err.value.code == "unit_not_yours" and err.value.field == "报送单位"


def test_the_form_names_the_field_and_the_article(ve: Any, login_client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = Item.objects.get(code="vocational_education/1")
    client = login_client("jiaoyu_clerk")
    unit = resolve_organisation("市教育局").pk
    data = {
        "unit": unit,
        "kind": "completion",
        "evidence_date": "2022-08-01",
        "document_number": "x号",
        "summary": "测试",
        "attachment": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    }
    page = client.post(f"/supervision/items/{item.pk}/report/", data).content.decode()
    assert (
        "完成日期2022年8月1日早于方案印发日期2022年8月9日" in page
        and "鄂州政发〔2022〕15号（2022年8月9日印发）" in page
    )
    assert Report.objects.count() == 0
    data.update(
        evidence_date="2022-08-30",
        attachment=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    )
    r = client.post(f"/supervision/items/{item.pk}/report/", data)
    report = Report.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/supervision/reports/{report.pk}/"
    # Confirmed on its page; the evidence file downloads for the department and is audited.
    r = client.post(f"/supervision/reports/{report.pk}/", {"decision": "accept", "note": "确认"})
    report.refresh_from_db()
    assert r.status_code == 302 and report.status == "accepted"
    body = b"".join(client.get(f"/supervision/reports/{report.pk}/attachment/").streaming_content)
    assert body == PDF and AuditRecord.objects.filter(action="supervision.report.attachment").exists()
    # Another department's clerk may not download it.
    assert (
        login_client("shuiwu_clerk").get(f"/supervision/reports/{report.pk}/attachment/").status_code == 403
    )
    assert engine.available_steps(report, report.filed_by) == []
