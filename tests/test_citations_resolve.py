"""Every citation in code (@rule, parameters YAML, registry) must name a unit that exists in gazette/."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ezhou_rules.core.citations import Citation, Implementation
from ezhou_rules.library import UnknownCitation, load_library

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT / "gazette")


def unresolvable(library, citations) -> list[str]:
    """Each citation that does not resolve, with the reason."""
    problems = []
    for where, citation in citations:
        try:
            library.resolve(citation)
        except UnknownCitation as exc:
            problems.append(f"{where}: {exc}")
    return problems


def _yaml_cites(node, document: str | None, path: str):
    """Every ``cite`` value in a parameter file (a place alone is read against the file's ``document``)."""
    if isinstance(node, dict):
        document = node.get("document", document) if isinstance(node.get("document"), str) else document
        for key, value in node.items():
            if key == "cite" and isinstance(value, str):
                text = value if "〔" in value or document is None else f"{document} {value}"
                yield path, Citation.parse(text)
            else:
                yield from _yaml_cites(value, document, path)
    elif isinstance(node, list):
        for value in node:
            yield from _yaml_cites(value, document, path)


def parameter_file_citations():
    from ezhou_platform.gazette.coverage import parameter_files

    for path in parameter_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from _yaml_cites(data, None, str(path.relative_to(ROOT)))


def test_every_registered_citation_resolves(library, db):
    from ezhou_platform.gazette.coverage import implementations

    impls: list[Implementation] = implementations()
    problems = unresolvable(library, [(f"{i.name} ({i.kind})", i.citation) for i in impls])
    assert not problems, "citations in code that name no unit of gazette/:\n" + "\n".join(problems)


def test_every_parameter_file_citation_resolves(library):
    problems = unresolvable(library, list(parameter_file_citations()))
    assert not problems, "citations in parameters/*.yaml that name no unit of gazette/:\n" + "\n".join(
        problems
    )


def test_the_check_catches_a_bogus_citation(library):
    bogus = [("test", Citation.parse("鄂州政办发〔2022〕34号 第九十九条"))]
    problems = unresolvable(library, bogus)
    assert len(problems) == 1 and "art99" in problems[0]
    assert unresolvable(library, [("test", Citation.parse("鄂州政办发〔2022〕99号 第一条"))])
    assert unresolvable(library, [("test", Citation.parse("鄂州政办发〔2022〕34号 第十一条第（九）项"))])
    assert not unresolvable(library, [("test", Citation.parse("鄂州政办发〔2022〕34号 第十一条第（一）项"))])


def test_a_bogus_rule_is_caught_through_the_registry(library):
    from ezhou_rules.core.citations import CitationRegistry

    registry = CitationRegistry()
    registry.register("鄂州政办发〔2022〕34号 第九十九条", "tests.bogus", "rule")
    registry.register("鄂州政办发〔2022〕15号 附件1 三（七）", "tests.fine", "rule")
    problems = unresolvable(library, [(i.name, i.citation) for i in registry.all()])
    assert len(problems) == 1 and problems[0].startswith("tests.bogus")
