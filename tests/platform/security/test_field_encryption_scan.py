"""C20 measurement: 1,000 synthetic resident IDs (valid check characters) are seeded into a migrated SQLite
file of the test's own, in real processes with the installation's own settings (key file under var/secrets,
created on first use). The database file and its WAL, the `sqlite3 .dump` text and an `ezhou backup create`
file must hold none of them, nor the keys. The data migration is exercised both ways on the same rows:
migrating back before the encryption decrypts them (the scan then finds them all), forward encrypts again."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from migrated_db import migrated_database
from plaintext_scan import ROOT, database_bytes, dump, hits, run_python, scan_env

SEED = """
import sys, django
django.setup()
from django.db import transaction
from ezhou_platform.common.demo import load_reference_data
from ezhou_platform.common.models import Jurisdiction
from ezhou_platform.medical_assistance.models import Person
load_reference_data()
district = Jurisdiction.objects.order_by("id").first()
numbers = sys.argv[1].split(",")
with transaction.atomic():
    Person.objects.bulk_create(Person(resident_id=n, name="测试", jurisdiction=district) for n in numbers)
"""

READ = """
import json, sys, django
django.setup()
from ezhou_platform.medical_assistance.models import Person
from ezhou_platform.medical_assistance.models import YearAccount
numbers = sys.argv[1].split(",")
print(json.dumps({
    "read": sorted(Person.objects.values_list("resident_id", flat=True)) == sorted(numbers),
    "found": Person.objects.filter(resident_id__in=numbers[::7]).count(),
    "one": Person.objects.get(resident_id=numbers[500].lower()).resident_id == numbers[500],
}))
"""


def synthetic_ids(n: int) -> list[str]:
    from ezhou_rules.core.ids import resident_id_check_char

    out = []
    for i in range(n):
        # 鄂州市 districts 420702/420703/420704, birth days spread over 1950–1999
        first17 = f"42070{2 + i % 3}{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        out.append(first17 + resident_id_check_char(first17))
    assert len(set(out)) == n
    return out


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="file scan of the SQLite pass"
)
def test_1000_ids_no_plaintext_in_file_dump_or_backup(tmp_path: Path) -> None:
    env = scan_env(tmp_path)
    drop = migrated_database(env, tmp_path)
    try:
        numbers = synthetic_ids(1000)
        manage = str(ROOT / "manage.py")
        run_python(env, "-c", SEED, ",".join(numbers))
        db = tmp_path / "ezhou.sqlite3"
        keys = tmp_path / "secrets" / "field_keys"
        assert stat.S_IMODE(keys.stat().st_mode) == 0o600
        key_values = [line.split("=", 1)[1].encode() for line in keys.read_text().splitlines() if "=" in line]

        backup = tmp_path / "scan.bak"
        run_python(env, manage, "backup", "create", str(backup))
        found = {
            "file": hits(database_bytes(db), numbers),
            "dump": hits(dump(db), numbers),
            "backup": hits(backup.read_bytes(), numbers),
        }
        keys_in_backup = sum(1 for k in key_values if k in backup.read_bytes() or k in database_bytes(db))
        print(
            f"plaintext hits = {sum(found.values())} ({found}); keys in database or backup = {keys_in_backup}"
        )
        assert found == {"file": 0, "dump": 0, "backup": 0} and keys_in_backup == 0

        read = json.loads(run_python(env, "-c", READ, ",".join(numbers)).stdout.strip().splitlines()[-1])
        assert read == {"read": True, "found": 143, "one": True}  # ceil(1000 / 7) = 143
        check = run_python(env, manage, "crypto", "check")
        assert "medical_assistance.Person.resident_id：v1 1000" in check.stdout

        # The data migration both ways: back to plain text (the control: the scan does see them) …
        run_python(env, manage, "migrate", "medical_assistance", "0005", "--noinput", "-v", "0")
        plain = hits(dump(db), numbers)
        print(f"after migrating back: plaintext hits in the dump = {plain}")
        assert plain == 1000
        # … and forward: encrypted in place, indexes filled, unique again, every value readable
        run_python(env, manage, "migrate", "--noinput", "-v", "0")
        assert hits(dump(db), numbers) == 0
        read = json.loads(run_python(env, "-c", READ, ",".join(numbers)).stdout.strip().splitlines()[-1])
        assert read == {"read": True, "found": 143, "one": True}
    finally:
        drop()
