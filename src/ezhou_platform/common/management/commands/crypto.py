"""`ezhou crypto …`: the field-encryption keys and the encrypted columns (SECURITY.md C20).

ezhou crypto check [--json]     rows per key version for every encrypted field (and every secret key of an
                                encrypted-keys JSON field); undecryptable or plain rows and stale indexes
                                (exit status 1 when there are any)
ezhou crypto new-key            add the next data key version to the key file (not with EZHOU_FIELD_KEYS)
ezhou crypto rotate             re-encrypt every value not under the newest key version, in chunks;
                                idempotent — run again after an interruption
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ezhou_platform.common import crypto
from ezhou_platform.common.field_rows import census, rotate
from ezhou_platform.common.fields import encrypted_fields, sealed_json_fields


def _models() -> list[Any]:
    return [m for m in apps.get_models() if encrypted_fields(m) or sealed_json_fields(m)]


class Command(BaseCommand):
    help = "字段加密：检查各密钥版本的行数、生成新密钥版本、用最新密钥重新加密"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "new-key", "rotate"])
        parser.add_argument("--json", action="store_true", help="check：以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            ring = crypto.keyring()
        except crypto.FieldKeyError as exc:
            raise CommandError(str(exc)) from None
        if action == "new-key":
            try:
                version = crypto.add_key_version()
            except crypto.FieldKeyError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"已生成密钥版本 v{version}（{crypto.key_file()}）。请立即另行备份密钥文件，再执行 ezhou crypto rotate。"
            )
            return
        if action == "rotate":
            self._rotate(ring)
            return
        self._check(ring, as_json=options["json"])

    def _rotate(self, ring: crypto.KeyRing) -> None:
        from ezhou_platform.common.audit.services import record

        total = 0
        done: dict[str, int] = {}
        for model in _models():
            for name, n in rotate(model).items():
                done[f"{model._meta.label}.{name}"] = n
                total += n
                self.stdout.write(f"{model._meta.label}.{name}：重新加密 {n} 行")
        record(
            "security.keys.rotate",
            actor=None,
            after={"key_version": ring.current, "rows": total, "fields": done},
            label="轮换字段加密密钥",
            object_type="crypto.keyring",
            object_id=f"v{ring.current}",
            object_repr=f"字段加密密钥 v{ring.current}",
        )
        self.stdout.write(f"完成：共重新加密 {total} 行，现行密钥版本 v{ring.current}。")

    def _check(self, ring: crypto.KeyRing, *, as_json: bool) -> None:
        report: list[dict[str, Any]] = []
        bad = 0
        for model in _models():
            for c in census(model):
                bad += len(c.broken) + len(c.stale_index)
                report.append(
                    {
                        "field": c.label,
                        "versions": dict(sorted(c.versions.items())),
                        "undecryptable": c.broken[:100],
                        "stale_index": c.stale_index[:100],
                    }
                )
        if as_json:
            self.stdout.write(json.dumps({"current": ring.current, "fields": report}, ensure_ascii=False))
        else:
            self.stdout.write(
                f"密钥来源：{ring.source}；现行版本 v{ring.current}；持有版本 {sorted(ring.data)}"
            )
            for r in report:
                counts = "，".join(f"{k} {v}" for k, v in r["versions"].items()) or "无数据"
                line = f"{r['field']}：{counts}"
                if r["undecryptable"]:
                    line += f"；无法解密 {len(r['undecryptable'])} 行（主键 {r['undecryptable'][:10]}）"
                if r["stale_index"]:
                    line += f"；索引不符 {len(r['stale_index'])} 行"
                self.stdout.write(line)
        if bad:
            raise CommandError(f"发现 {bad} 行无法解密或索引不符。")
