"""The manifest of the installed code, checked at start-up (SECURITY.md C19).

At deployment `ezhou manifest write` records the SHA-256 of every file of the installed packages
(`ezhou_platform`, `ezhou_rules`: code, templates, static files, parameter YAML) in a manifest file outside the
code (`EZHOU_CODE_MANIFEST`, default var/code-manifest.json) and writes the manifest's own digest to the audit
trail, whose HMAC chain keeps it from being rewritten unseen. `ezhou manifest check`, `manage.py check --deploy`
and `ezhou serve` in production compare the installed files with it and name every file changed, added or
missing; a manifest that is not the one last recorded in the trail is itself a finding. Compiled caches
(__pycache__) are not code the operator ships and are left out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from ezhou_platform.common import clock

FORMAT = "ezhou-code-manifest/1"
PACKAGES = ("ezhou_platform", "ezhou_rules")
WRITE_ACTION = "security.manifest.write"


@dataclasses.dataclass(frozen=True)
class Difference:
    kind: str  # changed / added / missing
    path: str

    @property
    def text(self) -> str:
        return {"changed": "被改动", "added": "清单外新增", "missing": "缺失"}[self.kind] + f"：{self.path}"


def default_path() -> Path:
    return Path(getattr(settings, "CODE_MANIFEST", "") or Path(settings.VAR_DIR) / "code-manifest.json")


def installed_roots() -> dict[str, Path]:
    roots = {}
    for name in PACKAGES:
        module = importlib.import_module(name)
        roots[name] = Path(str(module.__file__)).resolve().parent
    return roots


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(roots: dict[str, Path]) -> dict[str, str]:
    """{"ezhou_platform/cli.py": sha256, …} of every file under the roots, caches left out."""
    files: dict[str, str] = {}
    for name, root in roots.items():
        for path in sorted(root.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix in {".pyc", ".pyo"}:
                continue
            files[f"{name}/{path.relative_to(root).as_posix()}"] = _digest(path.read_bytes())
    return files


def compare(expected: dict[str, str], actual: dict[str, str]) -> list[Difference]:
    out = [
        Difference("changed", p) for p in sorted(expected.keys() & actual.keys()) if expected[p] != actual[p]
    ]
    out += [Difference("added", p) for p in sorted(actual.keys() - expected.keys())]
    out += [Difference("missing", p) for p in sorted(expected.keys() - actual.keys())]
    return out


def _text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)


def write(path: Path | None = None, *, actor: Any = None) -> dict[str, Any]:
    """Record the installed code; returns the manifest (its digest is in the audit trail)."""
    from django.db import transaction

    from ezhou_platform.common.audit.services import record

    from .atomic import atomic_write

    path = path or default_path()
    files = build(installed_roots())
    manifest = {"format": FORMAT, "created_at": clock.now().isoformat(timespec="seconds"), "files": files}
    text = _text(manifest)
    with transaction.atomic():
        record(
            WRITE_ACTION,
            actor=actor,
            object_id=str(path),
            after={"sha256": _digest(text.encode("utf-8")), "files": len(files)},
            label="记录已安装代码清单",
        )
        with atomic_write(path, "w") as fh:
            fh.write(text)
    return manifest


def _recorded_digest() -> str | None:
    from ezhou_platform.common.audit.models import AuditRecord

    last = AuditRecord.objects.filter(action=WRITE_ACTION).order_by("-seq").first()
    after = last.after if last is not None else None
    return str(after.get("sha256")) if isinstance(after, dict) else None


def problems(path: Path | None = None) -> list[str]:
    """What is wrong with the installed code against the manifest (empty: it is exactly what was recorded)."""
    path = path or default_path()
    try:
        text = path.read_text(encoding="utf-8")
        manifest = json.loads(text)
    except FileNotFoundError:
        return [f"没有已安装代码清单（{path}）：部署后请运行 `ezhou manifest write`。"]
    except (OSError, ValueError) as exc:
        return [f"已安装代码清单 {path} 无法读取：{exc}"]
    out = []
    recorded = _recorded_digest()
    if recorded != _digest(text.encode("utf-8")):
        out.append(f"已安装代码清单 {path} 不是审计日志中最后记录的那一份：清单可能被替换。")
    out += [f"代码{d.text}" for d in compare(manifest.get("files", {}), build(installed_roots()))]
    return out
