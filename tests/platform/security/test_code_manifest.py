"""C19: the installed code against the manifest recorded at deployment — a changed, an added and a removed file
are each named, a replaced manifest is found through the audit trail, and production refuses to start."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ezhou_platform.security import checks, manifest

pytestmark = pytest.mark.django_db


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Path:
    """A copy of the rules package standing in for the installed code (the real tree is not edited)."""
    root = tmp_path / "site" / "ezhou_rules"
    source = manifest.installed_roots()["ezhou_rules"]
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(manifest, "installed_roots", lambda: {"ezhou_rules": root})
    settings.CODE_MANIFEST = str(tmp_path / "code-manifest.json")
    return root


def test_changed_added_and_missing_files_are_named(installed: Path) -> None:
    written = manifest.write()
    assert len(written["files"]) > 50 and manifest.problems() == []
    (installed / "core" / "money.py").write_text("# altered\n", encoding="utf-8")
    (installed / "backdoor.py").write_text("import os\n", encoding="utf-8")
    (installed / "__init__.py").unlink()
    found = manifest.problems()
    assert found == [
        "代码被改动：ezhou_rules/core/money.py",
        "代码清单外新增：ezhou_rules/backdoor.py",
        "代码缺失：ezhou_rules/__init__.py",
    ]
    print(f"\nC19: tampered files named 3/3 ({len(written['files'])} files in the manifest)")


def test_a_replaced_manifest_is_found_through_the_audit_trail(installed: Path, settings: Any) -> None:
    manifest.write()
    # Someone edits the code and writes a manifest to match, without going through `ezhou manifest write`.
    (installed / "core" / "money.py").write_text("# altered\n", encoding="utf-8")
    forged = manifest._text(
        {"format": manifest.FORMAT, "created_at": "x", "files": manifest.build(manifest.installed_roots())}
    )
    Path(settings.CODE_MANIFEST).write_text(forged, encoding="utf-8")
    assert manifest.problems() == [
        f"已安装代码清单 {settings.CODE_MANIFEST} 不是审计日志中最后记录的那一份：清单可能被替换。"
    ]


def test_production_refuses_code_that_differs(installed: Path, settings: Any) -> None:
    assert any("没有已安装代码清单" in p for p in checks.production_problems())
    manifest.write()
    assert not any("代码" in p for p in checks.production_problems())
    (installed / "core" / "money.py").write_text("# altered\n", encoding="utf-8")
    assert "代码被改动：ezhou_rules/core/money.py" in checks.production_problems()
