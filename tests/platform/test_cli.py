"""The operators' `ezhou` command."""

from __future__ import annotations

from typing import Any

import pytest

from ezhou_platform.cli import main

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_then_audit_verify(capsys: Any) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "演示账户" in out and "yibao_clerk" in out
    # Idempotent: a second run changes no account and still verifies.
    assert main(["demo"]) == 0
    assert main(["audit", "verify"]) == 0
    assert "通过" in capsys.readouterr().out


def test_unknown_domain_command_fails_cleanly(capsys: Any) -> None:
    assert main(["no-such-domain"]) != 0
