"""Settlement amounts under a MAC (issue 14, failure 4; SECURITY.md C21): +99,999 yuan written into
`basic_aid` directly in the database is named by `audit verify` ("结算 #12 的金额与其校验码不符")."""

from __future__ import annotations

import importlib
import json
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from ezhou_platform.common.audit import money
from ezhou_platform.common.audit.verify import MONEY, verify
from ezhou_platform.medical_assistance.models import Settlement

from .conftest import claim_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/medical-assistance/settlements"


@pytest.fixture
def settlements(login_client: Any, make_person: Any) -> list[Settlement]:
    c = login_client("yibao_clerk")
    out = []
    for serial in (1, 2):
        person = make_person("minimum_living", serial=serial)
        r = c.post(
            URL,
            json.dumps(claim_payload(person, f"MAC-{serial}", 1_000_000)),
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
        out.append(Settlement.objects.get(pk=r.json()["settlement"]["id"]))
    return out


def test_a_settlement_carries_the_mac_of_its_amounts(settlements: list[Settlement]) -> None:
    s = settlements[0]
    assert s.money_mac and s.money_mac == s.compute_money_mac()
    # the same amounts on another row give another MAC: a MAC cannot be copied between rows
    other = settlements[1]
    assert other.money_mac != s.money_mac
    report = verify()
    assert report.ok and report.money_checked == 2


def test_99999_yuan_added_in_the_database_is_named(settlements: list[Settlement]) -> None:
    s = settlements[1]
    before = s.basic_aid
    # The attacker's edit: +99,999.00 yuan = +9,999,900 fen, straight into the table.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE medical_assistance_settlement SET basic_aid = basic_aid + %s WHERE id = %s",
            [9_999_900, s.pk],
        )
    s.refresh_from_db()
    assert s.basic_aid == before + 9_999_900
    report = verify()
    [problem] = report.of_kind(MONEY)
    assert problem.message == f"结算 #{s.pk} 的金额与其校验码不符" and problem.record_id == s.pk
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--no-record", stdout=out, stderr=StringIO())
    assert f"结算 #{s.pk} 的金额与其校验码不符" in out.getvalue()
    # detected 1/1; the untouched settlement is not named
    assert len(report.of_kind(MONEY)) == 1


def test_moving_the_money_to_another_person_is_named(settlements: list[Settlement]) -> None:
    a, b = settlements
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE medical_assistance_settlement SET person_id = %s WHERE id = %s", [b.person_id, a.pk]
        )
    assert [p.record_id for p in verify().of_kind(MONEY)] == [a.pk]


def test_the_migration_seals_existing_rows(settlements: list[Settlement]) -> None:
    Settlement.objects.update(money_mac="")
    assert len(verify().of_kind(MONEY)) == 2
    migration = importlib.import_module(
        "ezhou_platform.medical_assistance.migrations.0009_settlement_money_mac"
    )
    migration.seal_existing(apps, SimpleNamespace(connection=connection))
    # the migration's frozen field list and the model's agree
    assert migration.FIELDS == Settlement.money_fields
    assert verify().ok
    assert money.check()[0] == 2


def test_c21_figure_every_money_field_edited_in_the_database_is_found(settlements: list[Settlement]) -> None:
    """C21's figure: each covered field of one settlement edited in place, one at a time, then put back."""
    from django.db import IntegrityError, transaction

    s, other = settlements
    detected = refused = 0
    fields = [f for f in Settlement.money_fields]
    for name in fields:
        column = Settlement._meta.get_field(name.removesuffix("_id")).column
        value = getattr(s, name)
        sql = f"UPDATE medical_assistance_settlement SET {column} = %s WHERE id = %s"  # noqa: S608 (a model column)
        new = "adjust" if name == "kind" else (other.pk if name == "reverses_id" else (value or 0) + 1)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [new, s.pk])
        except IntegrityError:
            refused += 1  # the database's own constraints refuse this edit
            continue
        named = [p.record_id for p in verify().of_kind(MONEY)]
        detected += named == [s.pk]
        with connection.cursor() as cursor:
            cursor.execute(sql, [value, s.pk])
    assert detected + refused == len(fields) and verify().ok
    print(
        f"\nC21 settlement fields edited in the database: found {detected}/{len(fields) - refused}, refused by constraints {refused}"
    )
