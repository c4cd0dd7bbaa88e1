"""Backups and restores of the platform's database (SECURITY.md R4), with a manifest that lets a restore prove
what it brought back.

- SQLite: SQLite's online backup API copies the live file page by page while the platform keeps running (a
  consistent snapshot, whatever the journal mode), then `PRAGMA integrity_check`.
- PostgreSQL: `pg_dump --format=custom` of the configured database (a consistent snapshot by MVCC);
  `pg_restore --clean --if-exists --single-transaction` brings it back, all or nothing.

Each backup is written to a temporary name in the target folder and renamed only once complete (`atomic`), so
a backup killed half-way never leaves a file that looks whole. Beside it, `<backup>.manifest.json` records the
SHA-256 and size of the file, the vendor, the time, the latest migration of every app and the audit chain's
head (seq and hash). A restore refuses a file whose checksum, vendor or migrations do not match, restores, then
checks the audit chain and that its head is the manifest's, and appends a record of the restore to the trail
(the records written after the backup are gone with it; the restore record says from which head).

The keys (`var/secrets`, or the environment) are not in the backup: they are backed up apart, by the operator,
as docs/guide/administration says — a database backup that carried its own HMAC key would let whoever holds the
file forge the audit trail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ezhou_platform.common import clock

FORMAT = "ezhou-backup/1"
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, in Chinese."""


@dataclasses.dataclass(frozen=True)
class Manifest:
    format: str
    vendor: str
    created_at: str
    file: str
    sha256: str
    size: int
    migrations: dict[str, str]
    audit_head: tuple[int, str] | None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            head = data.get("audit_head")
            return cls(**{**data, "audit_head": tuple(head) if head else None})
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"备份清单 {path} 无法读取：{exc}") from exc


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _vendor(using: str) -> str:
    return str(connections[using].vendor)


def _migrations(using: str) -> dict[str, str]:
    """The latest applied migration of each app, as the database itself records it."""
    with connections[using].cursor() as cur:
        cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        latest: dict[str, str] = {}
        for app, name in cur.fetchall():
            latest[app] = max(latest.get(app, ""), name)
    return latest


def _audit_head(using: str) -> tuple[int, str] | None:
    from ezhou_platform.common.audit.models import ChainHead

    head = ChainHead.objects.using(using).filter(pk=1).first()
    return (int(head.seq), str(head.hash)) if head is not None else None


def _pg_tool(name: str) -> str:
    for folder in (os.environ.get("PGBIN", ""), *PG_BIN_DIRS):
        candidate = Path(folder) / name
        if folder and candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端工具，或用环境变量 PGBIN 指明其目录。")
    return found


def _pg_args(using: str) -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES[using]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            f"{Path(cmd[0]).name} 失败（退出码 {result.returncode}）：{result.stderr.strip()[-800:]}"
        )


def _sqlite_copy(source: str | Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        problem = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"备份文件完整性检查未通过：{problem}")
    finally:
        dst.close()
        src.close()


def backup(target: Path, *, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write a backup of the database to `target` (and its manifest beside it); returns the manifest."""
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} 已存在：备份不覆盖已有文件，请换一个文件名。")
    if not target.parent.is_dir():
        raise BackupError(f"目录 {target.parent} 不存在。")
    vendor = _vendor(using)
    # Read what the manifest states before the copy: a record written while copying is then in the file but
    # not in the head stated, and the restore's check names it rather than hiding it.
    migrations, head = _migrations(using), _audit_head(using)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if vendor == "sqlite":
            _sqlite_copy(settings.DATABASES[using]["NAME"], partial)
        elif vendor == "postgresql":
            args, env = _pg_args(using)
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *args], env)
        else:
            raise BackupError(f"不支持的数据库：{vendor}")
        with partial.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    manifest = Manifest(
        format=FORMAT,
        vendor=vendor,
        created_at=clock.now().isoformat(timespec="seconds"),
        file=target.name,
        sha256=_sha256(target),
        size=target.stat().st_size,
        migrations=migrations,
        audit_head=head,
    )
    from .atomic import atomic_write

    with atomic_write(manifest_path(target), "w") as fh:
        fh.write(manifest.to_json())
    return manifest


def check(source: Path, *, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """The manifest of `source` once the file is shown to be that backup and fit for this installation."""
    source = source.resolve()
    if not source.is_file():
        raise BackupError(f"备份文件 {source} 不存在。")
    manifest = Manifest.read(manifest_path(source))
    if manifest.format != FORMAT:
        raise BackupError(f"备份清单格式为 {manifest.format}，本系统只识别 {FORMAT}。")
    digest = _sha256(source)
    if digest != manifest.sha256 or source.stat().st_size != manifest.size:
        raise BackupError(
            f"备份文件的 SHA-256 为 {digest}，与清单记录的 {manifest.sha256} 不一致：文件已损坏或被改动，不予恢复。"
        )
    vendor = _vendor(using)
    if manifest.vendor != vendor:
        raise BackupError(f"这是 {manifest.vendor} 的备份，当前数据库是 {vendor}，不能直接恢复。")
    ours = _migrations(using)
    newer = sorted(app for app, name in manifest.migrations.items() if name > ours.get(app, ""))
    if newer:
        raise BackupError(
            f"备份来自更新版本的系统（{', '.join(newer)} 的迁移比本系统新）：请先升级程序，再恢复。"
        )
    return manifest


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    head_before: tuple[int, str] | None
    head_after: tuple[int, str] | None
    chain_ok: bool
    problems: tuple[str, ...]


def restore(source: Path, *, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Replace the database with the backup `source` (checked first: nothing is touched if it is not fit),
    then verify the audit chain and record the restore in it."""
    source = source.resolve()
    manifest = check(source, using=using)
    head_before = _audit_head(using)
    vendor = _vendor(using)
    connections[using].close()
    if vendor == "sqlite":
        db_path = Path(settings.DATABASES[using]["NAME"])
        staged = db_path.with_name(f".{db_path.name}.restoring")
        staged.unlink(missing_ok=True)
        try:
            _sqlite_copy(source, staged)
            with staged.open("rb") as fh:
                os.fsync(fh.fileno())
            for suffix in ("-wal", "-shm"):  # the old file's journal must not be replayed onto the new one
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            os.replace(staged, db_path)
            _fsync_dir(db_path.parent)
        finally:
            staged.unlink(missing_ok=True)
    else:
        args, env = _pg_args(using)
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(source),
            ],
            env,
        )
    from ezhou_platform.common.audit import anchor
    from ezhou_platform.common.audit.services import record
    from ezhou_platform.common.audit.verify import verify

    # The anchor file outside the database knows the pre-restore head; the restore deliberately goes back to
    # the backup's, so the comparison starts again from there (a `reset` line; the old head stays in
    # head_before of the restore record below).
    restored = _audit_head(using)
    anchor.write_reset(*(restored or (0, "0" * 64)))
    report = verify(using=using)
    head_after = _audit_head(using)
    problems = tuple(p.message for p in report.problems)
    if head_after != manifest.audit_head:
        problems += (f"恢复后的审计链头 {head_after} 与备份清单记录的 {manifest.audit_head} 不一致。",)
    with transaction.atomic(using=using):
        record(
            "security.backup.restore",
            actor=None,
            using=using,
            object_id=manifest.file,
            after={
                "backup": manifest.file,
                "backup_created_at": manifest.created_at,
                "sha256": manifest.sha256,
                "audit_head_restored": list(head_after) if head_after else None,
                "audit_head_before_restore": list(head_before) if head_before else None,
                "chain_ok": report.ok and not problems,
            },
            label="从备份恢复数据库",
        )
    return RestoreResult(manifest, head_before, head_after, report.ok and not problems, problems)


def describe(manifest: Manifest) -> dict[str, Any]:
    return dataclasses.asdict(manifest)
