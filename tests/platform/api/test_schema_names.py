"""Every API schema class has its own name: the OpenAPI components are keyed by the class name, so two
systems' `EligibilityIn` would silently share one component — the second overwrote the first, and both the
published contract and the Chinese field labels of errors (read from it) described the wrong fields."""

from __future__ import annotations

import collections
import importlib
import inspect
import pkgutil

from ninja import Schema

import ezhou_platform

SKIP = (".migrations", ".management", ".wsgi", ".asgi", ".__main__")


def test_no_two_api_schemas_share_a_name() -> None:
    modules: dict[str, set[str]] = collections.defaultdict(set)
    for info in pkgutil.walk_packages(ezhou_platform.__path__, "ezhou_platform."):
        if any(part in info.name for part in SKIP):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, Schema) and obj.__module__ == module.__name__:
                modules[obj.__name__].add(obj.__module__)
    shared = {name: sorted(where) for name, where in modules.items() if len(where) > 1}
    assert shared == {}
