"""pip-audit of requirements.lock for `make audit` (SECURITY.md C16).

Fails on any known vulnerability pip-audit reports. pip-audit asks PyPI's per-version JSON (or OSV) for the
advisories; a registry mirror that serves packages but not that JSON makes every package "not found". Then no
package was audited, and this says so plainly instead of passing as if it had: exit 0 with the count, or exit 1
under EZHOU_PIP_AUDIT=strict (a machine that should reach the advisories).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    proc = subprocess.run(  # noqa: S603 - fixed arguments, our own virtualenv's pip-audit
        [
            str(BIN / "pip-audit"),
            "-r",
            "requirements.lock",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    try:
        report = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        print(proc.stdout[-2000:], proc.stderr[-2000:], sep="\n")
        return 1
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [d for d in deps if d.get("vulns")]
    audited = len(deps) - len(skipped)
    for d in vulnerable:
        ids = ", ".join(v["id"] for v in d["vulns"])
        print(f"pip-audit: {d['name']} {d.get('version')}: {ids}")
    print(
        f"pip-audit: {len(deps)} pinned packages, audited {audited}, not reachable {len(skipped)}, vulnerable {len(vulnerable)}"
    )
    if vulnerable:
        return 1
    if audited == 0:
        print(
            "pip-audit: the advisory source did not answer for any package (registry mirror without per-version JSON, no OSV): nothing was audited"
        )
        return 1 if os.environ.get("EZHOU_PIP_AUDIT") == "strict" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
