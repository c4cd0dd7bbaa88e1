"""Which articles of the gazette the platform implements: the citation registry, per document.

``implementations()`` imports every module of ezhou_rules and ezhou_platform so that every ``@rule``
decorator and every parameter file registers its citations, then returns ``REGISTRY.all()``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ezhou_rules.core.citations import REGISTRY, Implementation

PACKAGES = ("ezhou_rules", "ezhou_platform")
# migrations and tests are not implementations; wsgi/asgi/__main__ start things when imported
_SKIP = {"migrations", "tests", "conftest", "wsgi", "asgi", "__main__"}


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (module, missing optional dependency)


def _ours(missing: str | None) -> bool:
    return (missing or "").split(".")[0] in PACKAGES


def _skipped(name: str) -> bool:
    return any(part in _SKIP or part.startswith("test_") for part in name.split("."))


def import_all_modules(packages: Iterable[str] = PACKAGES) -> ImportReport:
    """Import every module under the packages (not migrations or tests).

    A module that fails only because an optional third-party package is not installed is skipped and
    reported; any other error — a bug, a missing module of our own — is raised.
    """
    report = ImportReport()

    def onerror(name: str) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ModuleNotFoundError) and not _ours(exc.name):
            report.skipped.append((name, exc.name or ""))
            return
        if _skipped(name):
            return
        raise exc if exc is not None else ImportError(name)

    for pkg_name in packages:
        pkg = importlib.import_module(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, pkg_name + ".", onerror=onerror):
            if _skipped(info.name):
                continue
            try:
                importlib.import_module(info.name)
            except ModuleNotFoundError as exc:
                if _ours(exc.name):
                    raise
                report.skipped.append((info.name, exc.name or ""))
                continue
            report.imported.append(info.name)
    return report


def parameter_files() -> list[Path]:
    """Every parameters/*.yaml under src/ezhou_rules."""
    import ezhou_rules

    root = Path(ezhou_rules.__file__).resolve().parent
    return sorted(p for p in root.rglob("*.yaml") if "parameters" in p.relative_to(root).parts)


def load_parameter_files() -> None:
    """Load every parameter file so its cited values register (kind "parameter")."""
    try:
        from ezhou_rules.core.params import load_parameters
    except ModuleNotFoundError as exc:  # the parameter kernel is not there yet
        if _ours(exc.name) and exc.name != "ezhou_rules.core.params":
            raise
        return
    for path in parameter_files():
        load_parameters(path)


def implementations() -> list[Implementation]:
    """Everything registered as implementing a citation, after importing the whole platform."""
    import_all_modules()
    load_parameter_files()
    return REGISTRY.all()


# -- per document ------------------------------------------------------------------------------------------


@dataclass
class ArticleCoverage:
    anchor: str
    label: str
    title: str
    implementations: list[Implementation]

    @property
    def implemented(self) -> bool:
        return bool(self.implementations)

    @property
    def declaratory(self) -> bool:
        """Registered only as declaratory: the article sets no duty the platform decides or computes (the
        reason is the registration's summary)."""
        return bool(self.implementations) and all(i.kind == "declaratory" for i in self.implementations)


@dataclass
class DocumentCoverage:
    slug: str
    number: str
    title: str
    articles: list[ArticleCoverage]
    other: list[Implementation]  # citing the document as a whole, an annex, the notice…

    @property
    def implemented(self) -> int:
        return sum(1 for a in self.articles if a.implemented)

    @property
    def total(self) -> int:
        return len(self.articles)

    @property
    def percent(self) -> int:
        return round(100 * self.implemented / self.total) if self.total else 0


def by_anchor(impls: Iterable[Implementation]) -> dict[tuple[str, str], list[Implementation]]:
    out: dict[tuple[str, str], list[Implementation]] = defaultdict(list)
    for impl in impls:
        out[(impl.citation.document, impl.citation.anchor())].append(impl)
    return out


def covers(anchor: str, target: str) -> bool:
    return target == anchor or target.startswith(anchor + "-")


def coverage_units(units: Iterable) -> list:
    """The units counted on the coverage page: the articles (第N条), or in a plan its sections (一、)."""
    units = list(units)
    articles = [u for u in units if u.kind == "article"]
    if articles:
        return articles
    return [u for u in units if u.kind == "section" and not u.anchor.startswith("annex") and not u.cells]


def document_coverage(document, units: Iterable, impls: Iterable[Implementation]) -> DocumentCoverage:
    """``document`` and ``units`` are gazette rows (or library objects with the same attributes)."""
    units = list(units)
    mine = [i for i in impls if i.citation.document == document.number]
    counted = coverage_units(units)
    articles = []
    used: set[int] = set()
    for u in counted:
        hits = [i for i in mine if covers(u.anchor, i.citation.anchor())]
        used.update(id(i) for i in hits)
        title = u.heading or (u.search_text if hasattr(u, "search_text") else u.plain_text)
        articles.append(ArticleCoverage(u.anchor, u.label, title.split("\n")[0][:40], hits))
    other = [i for i in mine if id(i) not in used]
    return DocumentCoverage(document.slug, document.number, document.title, articles, other)


def unresolved(impls: Iterable[Implementation], known: dict[str, set[str]]) -> list[Implementation]:
    """Implementations whose citation names a document or an anchor that the library does not have.

    ``known`` maps each document number to its set of anchors.
    """
    out = []
    for impl in impls:
        anchors = known.get(impl.citation.document)
        anchor = impl.citation.anchor() or "notice"
        if anchors is None or anchor not in anchors:
            out.append(impl)
    return out
