"""Numbers the law leaves to configuration: entered with a source, audited, merged into the rules' tree.

These tests run as a demo installation (values written by code approved at once); the four-eyes rule and
the department scope are tested in tests/platform/security/test_parameter_review.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.models import ConfiguredValue
from ezhou_platform.common.parameters import configured, enter_value
from ezhou_rules.core.params import ParameterNotSet, parse_parameters

pytestmark = pytest.mark.django_db

TREE = parse_parameters(
    """\
document: 鄂州政办发〔2022〕34号
document_date: 2022-10-18
parameters:
  income:
    per_capita_disposable:
      unit: fen
      description: 我市上年度居民人均可支配收入
      configurable: true
      values: {}
  deductible:
    class_3:
      unit: fen
      values:
        2022-10-18: {value: 300000, cite: 鄂州政办发〔2022〕34号 第十一条第（一）项}
""",
    name="medical_assistance",  # a tree owned by 医疗保障局 (parameters.TREE_DEPARTMENTS)
    register=False,
)


def test_until_entered_the_calculation_stops(db: Any) -> None:
    with pytest.raises(ParameterNotSet, match="per_capita_disposable"):
        configured(TREE).get("income.per_capita_disposable", dt.date(2024, 5, 1))


def test_entered_value_applies_from_its_date_and_is_audited(demo_users: Any) -> None:
    head = demo_users["yibao_head"]
    enter_value(
        TREE,
        "income.per_capita_disposable",
        dt.date(2024, 4, 1),
        3_700_000,
        source="统计公报（测试）",
        actor=head,
    )
    tree = configured(TREE)
    assert tree.get("income.per_capita_disposable", dt.date(2024, 5, 1)) == 3_700_000
    with pytest.raises(ParameterNotSet):
        tree.get("income.per_capita_disposable", dt.date(2024, 3, 31))
    assert AuditRecord.objects.filter(action="platform.parameter.enter").count() == 1


def test_a_correction_is_a_new_row_and_the_newest_wins(demo_users: Any) -> None:
    head = demo_users["yibao_head"]
    enter_value(
        TREE, "income.per_capita_disposable", dt.date(2024, 4, 1), 3_700_000, source="初值", actor=head
    )
    enter_value(
        TREE, "income.per_capita_disposable", dt.date(2024, 4, 1), 3_710_000, source="更正", actor=head
    )
    assert ConfiguredValue.objects.count() == 2
    assert configured(TREE).get("income.per_capita_disposable", dt.date(2024, 5, 1)) == 3_710_000


def test_a_fixed_parameter_or_wrong_unit_is_refused_and_nothing_saved(demo_users: Any) -> None:
    head = demo_users["yibao_head"]
    with pytest.raises(Exception, match="deductible"):
        enter_value(TREE, "deductible.class_3", dt.date(2024, 1, 1), 1, source="x", actor=head)
    with pytest.raises(ValueError):
        enter_value(TREE, "income.per_capita_disposable", dt.date(2024, 4, 1), "很多", source="x", actor=head)
    assert ConfiguredValue.objects.count() == 0


def test_admin_change_of_a_user_is_audited(login_client: Any, demo_users: Any) -> None:
    client = login_client("anquan_admin")  # accounts are the security administrator's (三员分立)
    citizen = demo_users["citizen"]
    url = f"/admin/common/user/{citizen.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("password", "groups", "user_permissions", "last_login", "date_joined")
    }
    data.update(
        display_name="张三丰",
        role="citizen",
        is_active="on",
        date_joined_0="2024-01-01",
        date_joined_1="08:00:00",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rec = AuditRecord.objects.filter(action="platform.user.change").latest("seq")
    assert "张" in rec.after_json and '"password"' not in rec.after_json
    assert citizen.password not in rec.after_json  # never the hash
