"""A procedure whose records belong to several departments and laws (Procedure.department_of / cites_of).

One task-supervision procedure serves every supervised plan: a report on a task of 鄂州政发〔2022〕15号 is
confirmed by 市教育局 citing 四16, one on 鄂州政办发〔2022〕28号 by 市邮政管理局 citing 五（三）. The layer
takes the department and the article from the record; here a proxy of the example procedure routes a
request by its name, so the check is on the layer alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import models, transaction
from procedure_example.models import ExampleRequest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.procedures import engine
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_platform.procedures.machine import Opens, Procedure, procedure_of, register
from ezhou_platform.procedures.models import Case, CaseEvent, Period
from ezhou_rules.core import periods
from ezhou_rules.core.periods import compute_deadline

D = dt.date
WATER_CITE = "鄂州政办发〔2022〕15号 第十条第一款"
HOUSING_CITE = "鄂州政发〔2022〕19号 第四条"


class RoutedRequest(ExampleRequest):
    class Meta:
        proxy = True
        app_label = "procedure_example"


def _department(record: Any) -> str:
    return "housing" if record.name.startswith("住") else "water"


def _cites(record: Any, st: Any) -> str:
    return HOUSING_CITE if _department(record) == "housing" else st.cites


ROUTED = register(
    Procedure(
        slug="procedure_example.routed",
        label="按记录确定部门的申请（测试）",
        model=RoutedRequest,
        department="water",
        document="鄂州政办发〔2022〕15号",
        path=(("received", "已受理"), ("verified", "已核实"), ("approved", "已核准")),
        endings=(("refused", "不予核准"),),
        department_of=_department,
        cites_of=_cites,
    )
)

VERIFY_5 = Opens(
    "verify_due",
    "核实期限",
    WATER_CITE,
    lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(5)),
)


def _file(actor: Any, name: str, on: dt.date) -> RoutedRequest:
    with transaction.atomic():
        req = RoutedRequest.objects.create(name=name, received_on=on)
        engine.start(req, actor=actor, on=on, label="受理", cites=WATER_CITE, opens=[VERIFY_5])
    return req


@pytest.mark.django_db
def test_the_record_names_its_department_and_article(demo_users: dict[str, Any]) -> None:
    assert procedure_of(RoutedRequest) is ROUTED
    water, housing = demo_users["shuiwu_clerk"], demo_users["zhujian_clerk"]
    req = _file(water, "住房租赁企业", D(2023, 9, 28))
    case = Case.objects.get(object_id=req.pk, procedure="procedure_example.routed")
    # The case and its period belong to the department the record names, not the procedure's default.
    assert case.department.code == "housing"
    assert Period.objects.get(object_id=req.pk, field="verify_due").department.code == "housing"
    assert sorted(name for name, _ in engine.available_steps(req, housing)) == ["refuse", "verify"]
    assert engine.available_steps(req, water) == []
    # The water clerk may not take the step; the message cites the record's article.
    with pytest.raises(ProcedureError) as err:
        engine.take(req, "verify", actor=water, on=D(2023, 10, 9))
    assert err.value.code == "forbidden" and HOUSING_CITE in err.value.message
    event = engine.take(req, "verify", actor=housing, on=D(2023, 10, 9))
    assert event.citation == HOUSING_CITE
    audit = AuditRecord.objects.filter(action="procedure_example.routed.verify").get()
    assert audit.citation == HOUSING_CITE
    # A refusal from the wrong state names the record's article too.
    with pytest.raises(ProcedureError) as err:
        engine.take(req, "verify", actor=housing, on=D(2023, 10, 10))
    assert err.value.code == "bad_state" and HOUSING_CITE in err.value.message


@pytest.mark.django_db
def test_without_the_hooks_the_procedure_default_holds(demo_users: dict[str, Any]) -> None:
    water = demo_users["shuiwu_clerk"]
    req = _file(water, "鄂州示范制造有限公司", D(2023, 9, 28))
    assert Case.objects.get(object_id=req.pk, procedure="procedure_example.routed").department.code == "water"
    event = engine.take(req, "verify", actor=water, on=D(2023, 10, 9))
    assert event.citation == WATER_CITE
    assert CaseEvent.objects.filter(case__procedure="procedure_example.routed").count() == 2


def test_a_record_citation_must_resolve() -> None:
    bad = Procedure(
        slug="x",
        label="x",
        model=models.Model,
        department="water",
        document="x",
        cites_of=lambda r, st: "不是一个引用",
    )
    step = ExampleRequest._meta.get_field("status").get_all_transitions(ExampleRequest)
    st = next(t.custom["step"] for t in step if t.name == "verify")
    with pytest.raises(ValueError):
        bad.cites_for(object(), st)
