"""C20 in the subsidies' imported rows (issue 14): a bank loan report's 收款账号 — the borrower's account number,
often a person's — is sealed inside ``ReferenceRow.data`` as the borrower's ID is, read back whole through the
model (the interest run pays to it), counted by ``ezhou crypto check``; migration 0007 seals the values stored
before it and its reverse writes back the account numbers alone."""

from __future__ import annotations

import csv
import json
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from migrate_to import migrate_to, migrate_to_latest

from ezhou_platform.common import crypto, field_rows
from ezhou_platform.jobs.runner import start_job
from ezhou_platform.subsidies.models import Application, ReferenceRow

from .conftest import resident_id

BORROWER = resident_id(31)  # an individual borrower (个体工商户)
ACCOUNT = "6222024200001234567"  # the account the bank reports for the loan: paid to, never searched
HEADER = ["贷款银行", "贷款合同编号", "借款人证件号码", "借款人类型", "贷款本金（元）", "发放日期", "到期或结清日期",
          "首贷户贷款", "纾困基金贷款", "货币政策工具", "所属行业", "已享受其他财政贴息", "借款人名称", "收款账号"]  # fmt: skip


def _raw_data(key: str) -> str:
    """The stored text of a row's data, as the database holds it (no field decoding)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM subsidies_referencerow WHERE key = %s", [key])
        (stored,) = cursor.fetchone()
    return stored if isinstance(stored, str) else json.dumps(stored, ensure_ascii=False)


@pytest.mark.django_db
def test_an_imported_account_is_sealed_and_the_interest_run_pays_to_it_whole(
    configured: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.JOBS_FILES_ROOT = tmp_path / "jobs"
    loans = tmp_path / "loans.csv"
    with loans.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(
            [
                HEADER,
                ["B01", "K1", BORROWER, "个体工商户", "100000.00", "2022-09-01", "2023-09-01", "是", "否", "", "",
                 "否", "某个体户", ACCOUNT],
            ]
        )  # fmt: skip
    clerk = configured["caizheng_clerk"]
    imported = start_job("subsidies.import.bank_loans", user=clerk, input_path=loans, inline=True)
    assert imported.state == "succeeded", imported.message

    # The database text holds neither the account nor the ID; each is its own ciphertext under its key.
    raw = _raw_data("B01|K1")
    assert ACCOUNT not in raw and ACCOUNT[-8:] not in raw and BORROWER not in raw
    stored = json.loads(raw)
    assert crypto.version_of(stored["payee_account"]) == 1 and crypto.version_of(stored["borrower_id"]) == 1
    assert stored["contract_no"] == "K1"  # the other values stay plain JSON
    # The model reads it whole, and a query on the sealed key is refused rather than comparing ciphertexts.
    row = ReferenceRow.objects.get(key="B01|K1")
    assert (row.data["payee_account"], row.data["borrower_id"]) == (ACCOUNT, BORROWER)
    # ``ezhou crypto check`` counts the new key with the others (one sealed value, none in clear).
    census = {c.label: dict(c.versions) for c in field_rows.census(ReferenceRow)}
    assert census["subsidies.ReferenceRow.data.payee_account"] == {"v1": 1}
    assert census["subsidies.ReferenceRow.data.borrower_id"] == {"v1": 1}

    # The interest run (jobs.interest_run reads r.data["payee_account"]) pays the whole account; the
    # application keeps it in its own encrypted column (EncryptedCharField since 0002/0003).
    run = start_job("subsidies.interest.run", user=clerk, inline=True)
    assert run.state == "succeeded", run.message
    (app,) = Application.objects.filter(object="B01:K1")
    assert (app.payee_account, app.payee_name, app.payee_bank) == (ACCOUNT, "某个体户", "B01")
    with connection.cursor() as cursor:
        cursor.execute("SELECT payee_account FROM subsidies_application WHERE id = %s", [app.pk])
        (column,) = cursor.fetchone()
    assert column.startswith("v1:") and ACCOUNT not in column


@pytest.fixture
def before_0007() -> Any:
    """The database at 0006 (person IDs sealed, the account not yet); back to the latest state afterwards."""
    yield migrate_to([("subsidies", "0006_subject_encrypt_rows")])
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_migration_0007_seals_the_stored_accounts_and_its_reverse_opens_them_alone(before_0007: Any) -> None:
    old = before_0007.get_model("subsidies", "ReferenceRow")
    loan = {"bank_code": "B01", "contract_no": "K1", "borrower_id": BORROWER, "payee_account": ACCOUNT}
    old.objects.create(kind="bank_loans", key="B01|K1", data=loan)
    # a row of another table, without an account: left as it is
    dealer = {"dealer_code": "D001", "name": "D001店", "city": "鄂州市", "listed": "是"}
    old.objects.create(kind="dealers", key="D001", data=dealer)
    at_0006 = json.loads(_raw_data("B01|K1"))
    # as 0006 left it: the ID sealed, the account in clear
    assert at_0006["payee_account"] == ACCOUNT and crypto.version_of(at_0006["borrower_id"]) == 1
    dealer_text = _raw_data("D001")

    after = migrate_to([("subsidies", "0007_reference_payee_account_sealed")])
    sealed = json.loads(_raw_data("B01|K1"))
    assert crypto.version_of(sealed["payee_account"]) == 1 and ACCOUNT not in _raw_data("B01|K1")
    assert sealed["borrower_id"] == at_0006["borrower_id"]  # the ID's ciphertext as it was, byte for byte
    assert _raw_data("D001") == dealer_text
    assert ReferenceRow.objects.get(key="B01|K1").data == loan  # whole through the model

    # the data step run again (a migration stopped half way is finished by running it again): nothing changes
    seal = import_module("ezhou_platform.subsidies.migrations.0007_reference_payee_account_sealed")
    seal.Migration.operations[1].code(after, _Editor())
    assert json.loads(_raw_data("B01|K1")) == sealed

    # Back to 0006: the account alone in clear again, exactly as it was; the ID stays sealed (0006's business).
    migrate_to([("subsidies", "0006_subject_encrypt_rows")])
    back = json.loads(_raw_data("B01|K1"))
    assert back["payee_account"] == ACCOUNT
    assert back["borrower_id"] == at_0006["borrower_id"] and BORROWER not in _raw_data("B01|K1")
    assert back == at_0006


def test_a_restricted_seal_refuses_a_key_that_is_not_secret() -> None:
    """``keys=`` names keys of ``secret_keys``: a typo would otherwise seal nothing and say nothing."""
    operation = field_rows.seal_json_in_place("subsidies", "ReferenceRow", "data", keys=["payee_acount"])
    field = ReferenceRow._meta.get_field("data")
    with pytest.raises(ValueError, match="payee_acount not among its secret_keys"):
        operation.code(_Apps(), _Editor())
    assert "payee_account" in field.secret_keys  # the real key is


class _Apps:
    def get_model(self, app_label: str, model_name: str) -> Any:
        return ReferenceRow


class _Editor:
    connection = connection
