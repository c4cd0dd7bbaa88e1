"""C25: the personal-data inventory covers every field that looks like personal information, and names no
field that does not exist. Prints "unmapped fields = 0"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps

from ezhou_platform.common.demo import DEPARTMENTS
from ezhou_platform.security.inventory import BY_FIELD, INVENTORY, NOT_PI, RETENTION, SENSITIVE

# What a personal-data field is called, in English or in its Chinese label (SECURITY.md C25).
PI_PATTERN = re.compile(
    r"身份证|证件号|身份号码|姓名|电话|手机|住址|地址|账号|账户|户名|诊断|病|收入|联系人|出生|投诉人|邮箱|电子邮件"
    r"|resident_id|id_number|phone|mobile|address|diagnos|income|account|email|birth|contact|payee|(^|_)name$",
    re.IGNORECASE,
)
# Fields that are sensitive by their nature (PIPL 第二十八条: ID numbers, medical data, financial accounts).
MUST_BE_SENSITIVE = re.compile(r"resident_id|id_number|payee_account|Claim\.(kind|hospital_name)")


def _project_fields() -> dict[str, Any]:
    out = {}
    for model in apps.get_models():
        if not model.__module__.startswith("ezhou_platform."):
            continue
        for f in model._meta.concrete_fields:
            out[f"{model._meta.app_label}.{model.__name__}.{f.name}"] = f
    return out


def test_every_field_that_looks_like_personal_data_is_in_the_inventory() -> None:
    fields = _project_fields()
    looks_like_pi = {
        key
        for key, f in fields.items()
        if PI_PATTERN.search(f.name) or PI_PATTERN.search(str(f.verbose_name))
    }
    unmapped = sorted(looks_like_pi - set(BY_FIELD) - set(NOT_PI))
    print(f"personal-data fields = {len(INVENTORY)}; unmapped fields = {len(unmapped)}")
    assert unmapped == [], "列入 security/inventory.py（或说明不是个人信息的理由）：" + "、".join(unmapped)
    # the meta-test can fail: the patterns find the fields the inventory lists
    assert {"medical_assistance.Person.resident_id", "rental_housing.Application.phone"} <= looks_like_pi


def test_the_inventory_names_only_fields_that_exist() -> None:
    fields = _project_fields()
    missing = sorted({r.field for r in INVENTORY} - set(fields)) + sorted(set(NOT_PI) - set(fields))
    assert missing == []
    assert len(BY_FIELD) == len(INVENTORY), "a field listed twice"
    assert not set(BY_FIELD) & set(NOT_PI)


@pytest.mark.parametrize("row", INVENTORY, ids=lambda r: r.field)
def test_each_row_is_complete(row: Any) -> None:
    assert row.basis and row.purpose and row.department in dict(DEPARTMENTS)
    assert row.sensitivity in ("一般", "敏感")
    if MUST_BE_SENSITIVE.search(row.field):
        assert row.sensitivity == SENSITIVE
    if row.retention.rule:
        assert row.retention.rule in RETENTION
    assert re.search(r"号|法", row.basis), "the basis cites a document and article"


def test_the_page_lists_the_inventory_for_the_auditor_and_the_security_administrator(
    client: Any, demo_users: dict[str, Any]
) -> None:
    for username in ("auditor", "anquan_admin"):
        client.force_login(demo_users[username])
        page = client.get("/security/inventory/").content.decode()
        assert "个人信息清单" in page and "medical_assistance.Person.resident_id" in page
        assert "鄂州政办发〔2022〕34号 第四条" in page and "医疗保障局" in page and "敏感" in page
        assert 'href="/security/inventory/"' in client.get("/security/").content.decode()
    for username in ("yibao_clerk", "admin", "citizen"):
        client.force_login(demo_users[username])
        assert client.get("/security/inventory/").status_code == 403


def test_publishing_a_new_notice_version_from_the_command_line(db: Any, tmp_path: Any, capsys: Any) -> None:
    from django.core.management import call_command

    from ezhou_platform.common.audit.models import AuditRecord
    from ezhou_platform.security import consent

    text = tmp_path / "notice.txt"
    text.write_text("第2版：依据《中华人民共和国个人信息保护法》第十七条告知……", encoding="utf-8")
    call_command(
        "security", "notice", "publish", consent.CAR_TRADE_IN, "--title", "汽车以旧换新补贴申请个人信息处理告知书",
        "--text-file", str(text), "--sensitive-file", str(text), "--basis", "个人信息保护法 第十七条",
    )  # fmt: skip
    assert "第2版" in capsys.readouterr().out
    assert consent.current(consent.CAR_TRADE_IN).version == 2
    assert AuditRecord.objects.filter(action="security.notice.publish").count() == 1
    call_command("security", "notice", "list")
    assert "subsidies-car-trade-in\t第2版" in capsys.readouterr().out
