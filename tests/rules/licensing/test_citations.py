"""Every citation of the licensing rules (decorators, parameter file, catalogue rows) names a unit of
gazette/licensing.md."""

from __future__ import annotations

import importlib
import pkgutil

import ezhou_rules.licensing as pkg
from ezhou_rules.core.citations import REGISTRY
from ezhou_rules.library import default_library
from ezhou_rules.licensing import DOCUMENT, parameters


def test_every_licensing_citation_resolves(catalogue):
    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{info.name}")
    parameters()
    mine = [i for i in REGISTRY.all() if i.citation.document == DOCUMENT]
    names = {i.name.split(".")[2] for i in mine if i.name.startswith("ezhou_rules.licensing.")}
    # every module with rules registered at least one
    assert names >= {
        "catalogue",
        "coverage",
        "periods",
        "scheme",
        "departments",
        "credit",
        "notification",
        "decision",
        "case_state",
        "draw",
        "metrics",
    }
    lib = default_library()
    for impl in mine:
        lib.resolve(impl.citation)  # raises UnknownCitation naming the anchor
    for item in catalogue.items:
        lib.resolve(item.citation)
