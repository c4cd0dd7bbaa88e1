"""R4: the restore drill — back up, keep writing, refuse a damaged backup, restore, and show that the database is
the backup's and the audit chain intact. Real processes (`manage.py backup …`) on a migrated database of the
test's own: a SQLite file in the SQLite pass of the suite, a PostgreSQL database (pg_dump/pg_restore) in the
PostgreSQL pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from migrated_db import migrated_database

ROOT = Path(__file__).resolve().parents[3]

WRITE = """
import sys, django
django.setup()
from django.db import transaction
from ezhou_platform.common.audit.services import record
with transaction.atomic():
    for i in range(int(sys.argv[1])):
        record("test.backup.write", actor=None, object_id=f"{sys.argv[2]}-{i}", label="备份演练写入")
"""

COUNT = """
import json, django
django.setup()
from ezhou_platform.common.audit.models import AuditRecord
rows = AuditRecord.objects
print(json.dumps({
    "before": rows.filter(action="test.backup.write", object_id__startswith="before-").count(),
    "after": rows.filter(action="test.backup.write", object_id__startswith="after-").count(),
    "restores": rows.filter(action="security.backup.restore").count(),
}))
"""


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        EZHOU_VAR_DIR=str(tmp),
        EZHOU_AUDIT_HMAC_KEY="test-key-for-the-backup-drill-0123456789",
        EZHOU_SECRET_KEY="test-secret-key-for-the-backup-drill-0123456789",
        DJANGO_SETTINGS_MODULE="ezhou_platform.config.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def _py(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _counts(env: dict[str, str]) -> dict[str, int]:
    out = _py(env, "-c", COUNT)
    assert out.returncode == 0, out.stderr[-2000:]
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_restore_drill(tmp_path: Path) -> None:
    env = _env(tmp_path)
    drop = migrated_database(env, tmp_path)
    try:
        manage = str(ROOT / "manage.py")
        assert _py(env, "-c", WRITE, "5", "before").returncode == 0
        backup = tmp_path / "ezhou-2026-06-15.bak"
        made = _py(env, manage, "backup", "create", str(backup))
        assert made.returncode == 0, made.stderr[-2000:]
        assert "备份完成" in made.stdout and "密钥" in made.stdout
        manifest = json.loads((tmp_path / "ezhou-2026-06-15.bak.manifest.json").read_text(encoding="utf-8"))
        assert manifest["audit_head"][0] == 5  # the five records written before it, and nothing else
        assert manifest["vendor"] in {"sqlite", "postgresql"}
        # A backup never overwrites a file.
        again = _py(env, manage, "backup", "create", str(backup))
        assert again.returncode == 2 and "已存在" in again.stderr

        assert _py(env, "-c", WRITE, "3", "after").returncode == 0
        assert _counts(env) == {"before": 5, "after": 3, "restores": 0}

        # A damaged copy (one byte changed, manifest copied with it) is refused and the database is untouched.
        damaged = tmp_path / "damaged.bak"
        data = bytearray(backup.read_bytes())
        data[len(data) // 2] ^= 0xFF
        damaged.write_bytes(bytes(data))
        (tmp_path / "damaged.bak.manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        refused = _py(env, manage, "backup", "restore", str(damaged), "--yes")
        assert refused.returncode == 2 and "SHA-256" in refused.stderr and "不予恢复" in refused.stderr
        # Without the confirmation nothing happens either.
        unconfirmed = _py(env, manage, "backup", "restore", str(backup))
        assert unconfirmed.returncode != 0 and "--yes" in unconfirmed.stderr
        assert _counts(env) == {"before": 5, "after": 3, "restores": 0}

        checked = _py(env, manage, "backup", "check", str(backup))
        assert checked.returncode == 0 and "备份文件完好" in checked.stdout
        restored = _py(env, manage, "backup", "restore", str(backup), "--yes")
        assert restored.returncode == 0, restored.stdout[-2000:] + restored.stderr[-2000:]
        assert "审计链校验通过" in restored.stdout
        # The backup's state: the three later records are gone, the restore itself is on the trail.
        assert _counts(env) == {"before": 5, "after": 0, "restores": 1}
        verified = _py(env, manage, "audit", "verify", "--no-record")
        assert verified.returncode == 0, verified.stdout[-2000:]
        print(
            f"\nR4 restore drill ({manifest['vendor']}): damaged backups restored 0/1; records after restore 5+1"
        )
    finally:
        drop()
