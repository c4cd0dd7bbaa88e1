"""SECURITY.md C23 (residual data) and C24 (secrets out of the repository, no outside hosts).

C23: a deleted row does not linger in the SQLite file (`secure_delete=ON`, set by the settings' init command):
delete a marker row, checkpoint the WAL, grep the file — residual hits = 0.
C24: no secret in the repository (private keys, assigned passwords and keys with literal values), and no page,
template or static file loads anything from another host (the CSP allows only 'self'; this also keeps data
domestic) — secrets = 0, outside hosts = 0.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_a_deleted_row_leaves_no_residue_in_the_sqlite_file(tmp_path: Path) -> None:
    """The platform's own connection settings on a file database: the marker is gone from the file."""
    from ezhou_platform.config.settings import DATABASES

    init = DATABASES["default"].get("OPTIONS", {}).get("init_command", "")
    if "secure_delete" not in init:  # PostgreSQL run: erasure there is the encrypted fields' (C20)
        pytest.skip("SQLite settings only")
    path = tmp_path / "residue.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(init)
    con.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, resident_id TEXT)")
    marker = "RESIDUE-MARKER-420704198001011234"
    con.executemany(
        "INSERT INTO person (name, resident_id) VALUES (?, ?)", [("张三", f"{marker}-{i}") for i in range(50)]
    )
    con.commit()
    con.execute("DELETE FROM person")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("residue"))
    hits = data.count(marker.encode())
    print(f"C23 residual hits = {hits}")
    assert hits == 0


# A literal value assigned to a name that holds a secret; environment look-ups and test/bench keys are fine.
SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)\b(secret_key|password|passwd|api_key|access_key|private_key|hmac_key|token)\b\s*[:=]\s*["']([^"'\s]{12,})["']"""
)
PRIVATE_KEY = re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----")
ALLOWED_LITERALS = re.compile(r"(?i)(test|bench|demo|example|dummy|fake|placeholder|ci-|0123456789|changeme)")


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [ROOT / line for line in out.splitlines() if line]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the source folders
        return [p for d in ("src", "docs", ".ci", "bench") for p in (ROOT / d).rglob("*") if p.is_file()]


def test_no_secrets_in_the_repository() -> None:
    found: list[str] = []
    for path in _tracked_files():
        if path.suffix in {".png", ".jpg", ".pdf", ".woff2", ".sqlite3", ".parquet", ".xlsx", ".ico"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if PRIVATE_KEY.search(text):
            found.append(f"{path.relative_to(ROOT)}: private key")
        for m in SECRET_ASSIGNMENT.finditer(text):
            if not ALLOWED_LITERALS.search(m.group(2)) and "tests/" not in str(path.relative_to(ROOT)):
                found.append(f"{path.relative_to(ROOT)}: {m.group(1)} = {m.group(2)[:4]}…")
    print(f"C24 secrets = {len(found)}")
    assert found == [], "\n".join(found)


OUTSIDE = re.compile(
    r"""(?i)(src|href|action|url\()\s*=?\s*["']?(https?:)?//(?!127\.0\.0\.1|localhost)[a-z0-9.-]+"""
)


def test_no_template_or_static_file_loads_from_another_host() -> None:
    """Links the user follows in the text (e.g. a source's address shown as text) are fine; what the browser
    loads by itself — scripts, styles, images, fonts, form targets — must come from this server."""
    found: list[str] = []
    base = ROOT / "src" / "ezhou_platform"
    for path in [*base.rglob("*.html"), *base.rglob("*.css"), *base.rglob("*.js")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in OUTSIDE.finditer(text):
            attr = m.group(1).lower()
            if attr == "href" and not re.search(r"<link\b[^>]*$", text[: m.start()].rsplit("\n", 1)[-1]):
                continue  # an <a href> the user may follow, not a resource the page loads
            found.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    print(f"C24 outside hosts loaded by pages = {len(found)}")
    assert found == [], "\n".join(found)


@pytest.mark.django_db
def test_the_csp_header_names_no_outside_host(client: Any) -> None:
    csp = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp
