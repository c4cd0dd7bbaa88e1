"""Fixtures of the licensing rule tests: the catalogue read from gazette/, the test scheme and its periods,
and the kernel's calendar (chinese-calendar 2004–2026 plus the project's table)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ezhou_rules.core.workdays import default_calendar
from ezhou_rules.licensing.catalogue import load_catalogue
from ezhou_rules.licensing.periods import PeriodTable
from ezhou_rules.licensing.scheme import scheme_from_dict

DATA = Path(__file__).parent / "data"


def scheme_data() -> dict:
    return yaml.safe_load((DATA / "scheme_b1-20.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def raw_scheme() -> dict:
    """A fresh copy of the test scheme's data, to be altered by a test."""
    return scheme_data()


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="session")
def cal():
    return default_calendar()


@pytest.fixture(scope="session")
def scheme():
    return scheme_from_dict(scheme_data())


@pytest.fixture(scope="session")
def periods(scheme):
    return PeriodTable(scheme.periods)
