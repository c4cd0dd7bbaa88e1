"""C09: every model field carries a Chinese label and a classification; no mass assignment.

Figures (printed with -s): fields walked, fields without a Chinese label (must be 0), fields per
classification, input schemas walked, input schemas that accept unknown fields (must be 0).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest
from django.apps import apps

from ezhou_platform.security.inventory import classification

CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields() -> list[tuple[str, Any]]:
    out = []
    for model in apps.get_models():
        if not model.__module__.startswith("ezhou_platform"):
            continue
        for f in model._meta.concrete_fields:
            if f.primary_key and f.auto_created:  # the surrogate key Django adds: labelled "ID" by Django
                continue
            out.append((f"{model._meta.label}.{f.name}", f))
    return out


def test_every_field_has_a_chinese_label_and_a_classification() -> None:
    fields = _fields()
    unlabeled = [name for name, f in fields if not CJK.search(str(f.verbose_name))]
    classes = Counter(classification(name) for name, _ in fields)
    print(f"\nC09 fields={len(fields)} unlabeled={len(unlabeled)} classes={dict(classes)}")
    assert len(fields) > 1000  # the walk reaches every domain's models
    assert unlabeled == []
    # The inventory (C25) is the source of the PI classes: a resident ID is sensitive PI, a unit name is not PI.
    assert classification("medical_assistance.Person.resident_id") == "敏感个人信息"
    assert classification("water_plan.WaterUnit.name") == "非个人信息"
    assert set(classes) == {"敏感个人信息", "个人信息", "非个人信息"}


def test_a_form_field_error_names_the_chinese_label() -> None:
    # The label is what a clerk reads in an error: the audit record's 请求ID, the stored upload's 文件编号.
    audit = apps.get_model("audit", "AuditRecord")
    upload = apps.get_model("security", "StoredUpload")
    assert str(audit._meta.get_field("request_id").verbose_name) == "请求ID"
    assert str(upload._meta.get_field("id").verbose_name) == "文件编号"


def _input_models() -> list[Any]:
    from ezhou_platform.api import api

    seen: dict[str, Any] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for params in op.models:
                    for f in params.model_fields.values():
                        config = getattr(f.annotation, "model_config", None)
                        if config is not None:
                            seen[f.annotation.__qualname__ + f.annotation.__module__] = f.annotation
    return list(seen.values())


def test_no_input_schema_accepts_unknown_fields() -> None:
    """Pydantic's default drops fields a schema does not declare: a body with `state` or `id` added changes
    nothing. A schema that set extra="allow" would hand them to the service, so none may."""
    models = _input_models()
    allowing = [m.__name__ for m in models if m.model_config.get("extra") == "allow"]
    print(f"\nC09 input schemas={len(models)} allowing unknown fields={len(allowing)}")
    assert len(models) > 30
    assert allowing == []


@pytest.mark.django_db
def test_an_extra_field_in_a_body_is_ignored(client: Any) -> None:
    # Class 3 (低保边缘 + 因病致贫, 就高不重复), 2,000元 of the 3,000元 deductible used, so 1,000元 left:
    # (5,000 − 1,000) × 65% × 50% = 1,300.00元 (the case of test_calculate_and_pages.py). The same body with
    # `person_class`, `basic_aid` and `trace` forged at the top and in the claim gives the same 1,300.00元.
    claim = {"settle_date": "2024-03-01", "total_cost": 500_000, "policy_self_pay": 500_000}
    body = {
        "identities": ["low_income_marginal", "illness_poverty"],
        "claims_so_far": [
            {
                "settle_date": "2024-02-01",
                "total_cost": 200_000,
                "policy_self_pay": 200_000,
                "kind": "chronic_outpatient",
            }
        ],
        "new_claim": {**claim, "in_city": False, "temporary_out_of_city": True},
    }
    forged = {
        **body,
        "person_class_override": 1,
        "basic_aid": 99_999_999,
        "trace": [],
        "new_claim": {**body["new_claim"], "basic_aid": 99_999_999, "deductible": 0},
    }
    plain = client.post(
        "/api/v1/medical-assistance/calculate", json.dumps(body), content_type="application/json"
    )
    extra = client.post(
        "/api/v1/medical-assistance/calculate", json.dumps(forged), content_type="application/json"
    )
    assert plain.status_code == extra.status_code == 200, extra.content
    assert extra.json()["new_claim"]["basic_aid"] == 130_000
    assert extra.json()["person_class"] == 3
    assert extra.json() == plain.json()
