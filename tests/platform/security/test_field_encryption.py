"""C20: resident IDs and bank accounts encrypted per field (AES-256-GCM, key version), found by a keyed blind
index; keys outside the database. In-process tests of the field, its lookups, tampering, moved ciphertexts,
bulk inserts, keys and rotation; the 1,000-ID plaintext scan is in test_field_encryption_scan.py."""

from __future__ import annotations

import base64
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from ezhou_platform.common import bulk, clock, crypto
from ezhou_platform.common.field_rows import census
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.medical_assistance.models import Person, YearAccount
from ezhou_platform.rental_housing.models import AccountIdentity
from ezhou_rules.core.ids import resident_id_check_char

pytestmark = pytest.mark.django_db

TEST_KEYS = (
    "index=aW5kZXgta2V5LW9mLXRoZS10ZXN0LXN1aXRlLTMyYnk= v1=dGVzdC1zdWl0ZS1maWVsZC1rZXktdmVyc2lvbi0wMDE="
)


def synthetic_id(n: int) -> str:
    """A valid resident ID: 鄂城区 (420704), born 1980-01-01 plus n days' worth of sequence, check char computed."""
    first17 = f"4207041980{1 + n // 2800 % 12:02d}{1 + n // 100 % 28:02d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def raw(model: Any, pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def set_raw(model: Any, pk: int, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def district(reference_data: None) -> Jurisdiction:
    return Jurisdiction.objects.order_by("id").first()


def person(district: Jurisdiction, n: int, name: str = "张三") -> Person:
    return Person.objects.create(resident_id=synthetic_id(n), name=name, jurisdiction=district)


def test_stored_encrypted_with_version_and_read_back(district: Jurisdiction) -> None:
    number = synthetic_id(7)
    p = person(district, 7)
    stored = raw(Person, p.pk, "resident_id")
    assert stored.startswith("v1:") and number not in stored
    assert len(raw(Person, p.pk, "resident_id_bidx")) == crypto.INDEX_HEX
    assert Person.objects.get(pk=p.pk).resident_id == number
    # two people's equal values would still differ in the column: a fresh nonce per value
    assert crypto.encrypt(number, "x.Y.z") != crypto.encrypt(number, "x.Y.z")


def test_exact_in_and_through_a_relation(district: Jurisdiction) -> None:
    people = [person(district, n) for n in (11, 12, 13)]
    YearAccount.objects.create(person=people[1], year=2026)
    x_id = next(synthetic_id(n) for n in range(200, 400) if synthetic_id(n).endswith("X"))
    with_x = Person.objects.create(resident_id=x_id, name="李四", jurisdiction=district)

    assert Person.objects.get(resident_id=synthetic_id(11)) == people[0]
    assert (
        list(Person.objects.filter(resident_id__in=[synthetic_id(12), synthetic_id(13), "nope"]))
        == people[1:]
    )
    assert YearAccount.objects.get(person__resident_id=synthetic_id(12)).person == people[1]
    assert not Person.objects.filter(resident_id=synthetic_id(14)).exists()
    # normalised before indexing: lower-case x and blanks around find the same row; the admin's =search too
    assert Person.objects.get(resident_id=f" {x_id.lower()} ") == with_x
    assert Person.objects.get(resident_id__iexact=x_id.lower()) == with_x
    assert list(Person.objects.filter(resident_id__in=[])) == []


@pytest.mark.parametrize("lookup", ["icontains", "startswith", "endswith", "gt", "regex"])
def test_other_lookups_refused_by_name(district: Jurisdiction, lookup: str) -> None:
    with pytest.raises(FieldError, match=r"公民身份号码.*加密存储"):
        list(Person.objects.filter(**{f"resident_id__{lookup}": "4207"}))


def test_comparing_with_another_column_refused(district: Jurisdiction) -> None:
    from django.db.models import F

    with pytest.raises(FieldError, match="加密存储"):
        list(Person.objects.filter(resident_id=F("name")))


def test_update_fields_must_carry_the_index(district: Jurisdiction) -> None:
    p = person(district, 25)
    p.resident_id = synthetic_id(26)
    with pytest.raises(ValueError, match="resident_id_bidx"):
        p.save(update_fields=["resident_id"])
    p.save(update_fields=["resident_id", "resident_id_bidx"])
    assert Person.objects.get(resident_id=synthetic_id(26)).pk == p.pk
    assert not Person.objects.filter(resident_id=synthetic_id(25)).exists()


def test_unique_through_the_index(district: Jurisdiction) -> None:
    person(district, 21)
    # Django's unique validation runs its exact lookup through the index and names the field
    dup = Person(resident_id=synthetic_id(21).lower(), name="王五", jurisdiction=district)
    with pytest.raises(ValidationError) as exc:
        dup.validate_unique()
    assert "resident_id" in exc.value.message_dict
    # and the database refuses it too (the companion's unique index)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(resident_id=synthetic_id(21).lower(), name="王五", jurisdiction=district)


def test_flipped_byte_is_an_authentication_error_naming_the_field(district: Jurisdiction) -> None:
    p = person(district, 31)
    stored = raw(Person, p.pk, "resident_id")
    body = bytearray(base64.b64decode(stored[3:]))
    body[20] ^= 0x01  # one bit of the ciphertext
    set_raw(Person, p.pk, "resident_id", "v1:" + base64.b64encode(bytes(body)).decode())
    with pytest.raises(
        crypto.DecryptionError, match=r"公民身份号码.*medical_assistance\.Person\.resident_id.*认证失败"
    ):
        Person.objects.get(pk=p.pk)
    report = {c.label: c for c in census(Person)}["medical_assistance.Person.resident_id"]
    assert report.broken == [p.pk]


def test_ciphertext_moved_to_another_column_fails(district: Jurisdiction, demo_users: dict[str, Any]) -> None:
    """AAD = app.Model.field: a person's encrypted ID pasted into an account identity's column is refused."""
    p = person(district, 41)
    user = next(iter(demo_users.values()))
    ident = AccountIdentity.objects.create(
        user=user, name="赵六", id_number=synthetic_id(42), method="in_person", verified_on=clock.today()
    )
    set_raw(AccountIdentity, ident.pk, "id_number", raw(Person, p.pk, "resident_id"))
    with pytest.raises(crypto.DecryptionError, match=r"rental_housing\.AccountIdentity\.id_number"):
        AccountIdentity.objects.get(pk=ident.pk)
    # still found by its (untouched) index, but never read as the person's number
    assert list(AccountIdentity.objects.filter(id_number=synthetic_id(42)).values_list("pk", flat=True)) == [
        ident.pk
    ]
    # … and each column has its own index domain: the same ID indexes differently in another table
    same = synthetic_id(41)
    assert Person._meta.get_field("resident_id").index_of(same) != AccountIdentity._meta.get_field(
        "id_number"
    ).index_of(same)


def test_bulk_insert_encrypts_and_indexes(district: Jurisdiction) -> None:
    numbers = [synthetic_id(n) for n in range(500, 520)]
    with pytest.raises(ValueError, match="encrypted"):
        bulk.db_values(Person, "resident_id", numbers)
    with transaction.atomic():
        bulk.insert(
            Person,
            len(numbers),
            {"resident_id": numbers, "name": ["批量"] * len(numbers)},
            same={"jurisdiction_id": district.pk, "created_at": clock.now()},
        )
    found = Person.objects.filter(resident_id__in=numbers[5:8]).order_by("id")
    assert [p.resident_id for p in found] == numbers[5:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id FROM medical_assistance_person")
        assert not {r[0] for r in cursor.fetchall()} & set(numbers)


def test_rotation_to_version_2(district: Jurisdiction, capsys: Any) -> None:
    people = [person(district, n) for n in range(600, 650)]
    v2 = crypto.new_key()
    with override_settings(FIELD_KEYS=f"{TEST_KEYS} v2={v2}"):
        person(district, 650)  # written after the new key: already v2
        call_command("crypto", "rotate")
        again = capsys.readouterr().out
        assert "共重新加密 50 行" in again  # 50 v1 rows, the v2 one untouched
        call_command("crypto", "rotate")
        assert "共重新加密 0 行" in capsys.readouterr().out  # idempotent
        report = {c.label: c for c in census(Person)}["medical_assistance.Person.resident_id"]
        assert dict(report.versions) == {"v2": 51} and not report.broken and not report.stale_index
        call_command("crypto", "check")
        assert "v2 51" in capsys.readouterr().out
    # v1 retired: every value still reads, only with v2 (and the index key, which does not rotate)
    only_v2 = TEST_KEYS.split()[0] + f" v2={v2}"
    with override_settings(FIELD_KEYS=only_v2):
        assert [p.resident_id for p in Person.objects.order_by("id")] == [
            synthetic_id(n) for n in range(600, 651)
        ]
        assert Person.objects.get(resident_id=synthetic_id(625)) == people[25]
    from ezhou_platform.common.audit.models import AuditRecord

    assert AuditRecord.objects.filter(action="security.keys.rotate").count() == 2


def test_key_file_created_private_and_refused_in_production(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "field_keys"
    with override_settings(FIELD_KEYS="", FIELD_KEYS_FILE=path, PRODUCTION=True):
        with pytest.raises(crypto.FieldKeyError, match="生产环境不自动生成"):
            crypto.keyring()
        from ezhou_platform.security.checks import production_problems

        assert any("字段加密密钥" in p for p in production_problems())
    with override_settings(FIELD_KEYS="", FIELD_KEYS_FILE=path):
        ring = crypto.keyring()
        assert ring.current == 1 and path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert crypto.add_key_version() == 2
        assert crypto.keyring().current == 2 and stat.S_IMODE(path.stat().st_mode) == 0o600
    with override_settings(FIELD_KEYS="", FIELD_KEYS_FILE=path, PRODUCTION=True):
        assert crypto.keyring().current == 2  # a key file the operator placed is used
        assert not crypto.production_problems()
    with override_settings(FIELD_KEYS="v1=short"), pytest.raises(crypto.FieldKeyError):
        crypto.keyring()
