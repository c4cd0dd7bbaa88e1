"""Is an application covered by the commitment route? (第二部分 二（一）1、2; 附件1)

The applicant picks an item and describes the application (申请类型, 经营方式, 企业类型 …, see
``facets.application_facets``); ``coverage`` checks every facet of the item's wording and explains the answer
in Chinese with the item, its wording and the citation. The applicant may always choose the general procedure
instead (二（一）2), so "covered" means "may choose the commitment route", never "must".

Not decided here (other modules): the credit bar (credit.commitment_eligibility) and the conditions and
materials of the item's scheme (decision.on_the_spot).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ezhou_rules.core.citations import rule
from ezhou_rules.core.trace import NO_TRACE, Trace

from . import CITE_ANNEX, CITE_APPLICANTS, CITE_SCOPE
from .catalogue import CatalogueItem, ReformMode
from .errors import LicensingError, NotConfigured
from .facets import Facet, FacetKind, Vocabulary, application_facets, default_vocabulary, ordered


@dataclass(frozen=True)
class PartialScope:
    """Which specific qualifications a "部分X" of an item covers (configuration, dated, with its source)."""

    item: str
    value: str  # the partial value, e.g. 施工总承包乙级
    names: frozenset[str]  # the specific qualifications covered (资质名称)
    valid_from: dt.date
    source: str


@dataclass(frozen=True)
class FacetCheck:
    facet: Facet
    passed: bool
    values: tuple[str, ...]  # what the application has on this dimension
    message: str


@dataclass(frozen=True)
class Coverage:
    item: str
    covered: bool
    reason: str  # Chinese, with the item, its wording and the citations
    checks: tuple[FacetCheck, ...] = ()
    citations: tuple[str, ...] = ()
    facets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The body of POST …/licensing/coverage."""
        return {
            "item": self.item,
            "covered": self.covered,
            "reason": self.reason,
            "general_procedure_available": True,
            "checks": [
                {
                    "dimension": c.facet.dimension,
                    "kind": c.facet.kind.value,
                    "wording": c.facet.wording,
                    "passed": c.passed,
                    "values": list(c.values),
                    "message": c.message,
                }
                for c in self.checks
            ],
            "citations": list(self.citations),
            "facets": {k: list(v) for k, v in self.facets.items()},
        }


def required_facets(item: CatalogueItem, vocabulary: Vocabulary | None = None) -> list[dict[str, Any]]:
    """The questions a form must ask for this item: one per restricted dimension, with its options."""
    vocab = vocabulary or default_vocabulary()
    seen: dict[str, dict[str, Any]] = {}
    for f in item.facets:
        d = vocab.dimension(f.dimension)
        seen.setdefault(d.key, {**d.to_dict(), "wording": []})["wording"].append(f.wording)
        if f.partial and "qualification_name" in vocab.dimensions:
            q = vocab.dimension("qualification_name")
            seen.setdefault(q.key, {**q.to_dict(), "wording": [], "only_if": sorted(f.partial)})
    return list(seen.values())


def _with_certificate(
    item: CatalogueItem, app: dict[str, frozenset[str]], certificate: str | None, vocab: Vocabulary
) -> dict[str, frozenset[str]]:
    if certificate is None:
        return app
    if certificate not in item.certificates:
        raise LicensingError(
            "certificate_not_in_item",
            f"许可证件：“{certificate}”不是{item.title}的许可证件（清单所列：{'、'.join(item.certificates)}；{item.citation}）。",
            field="certificate",
        )
    out = dict(app)
    for dim, value in vocab.certificates.get(certificate, {}).items():
        label = vocab.dimension(dim).label
        if dim in out and out[dim] != frozenset({value}):
            raise LicensingError(
                "facets_contradict",
                f"{label}：许可证件“{certificate}”属于{label}“{value}”，与所填“{'、'.join(sorted(out[dim]))}”矛盾。",
                fields=(dim, "certificate"),
            )
        out[dim] = frozenset({value})
    return out


def _partial_scope(scopes: Sequence[PartialScope], item: str, value: str, on: dt.date) -> PartialScope | None:
    found = None
    for s in sorted(scopes, key=lambda s: s.valid_from):
        if s.item == item and s.value == value and s.valid_from <= on:
            found = s
    return found


@rule(
    cites=[CITE_SCOPE, CITE_APPLICANTS, CITE_ANNEX],
    summary="按清单事项名称中的范围限定（仅限、不含、除……外）判断申请是否适用告知承诺制",
)
def coverage(
    item: CatalogueItem,
    facets: Mapping[str, Any],
    *,
    on: dt.date,
    certificate: str | None = None,
    partial_scopes: Sequence[PartialScope] = (),
    vocabulary: Vocabulary | None = None,
    trace: Trace = NO_TRACE,
) -> Coverage:
    """Whether the application described by ``facets`` (and optionally the certificate sought) falls within
    the item's commitment-route scope on ``on``.

    Raises ``LicensingError``: ``facets_missing`` (a dimension the item restricts is not described; ``fields``
    lists them), ``facets_contradict``, ``unknown_facet``, ``unknown_facet_value``, ``certificate_not_in_item``;
    ``NotConfigured``: ``inconsistency_undecided`` (the application falls in the contested part of a flagged
    item and no decision holds on ``on``), ``partial_scope_not_configured`` (a "部分X" value without its list).
    """
    vocab = vocabulary or default_vocabulary()
    app = _with_certificate(item, application_facets(facets, vocab), certificate, vocab)
    described = {k: tuple(ordered(vocab.dimension(k), v)) for k, v in app.items()}
    cites = (str(item.citation), CITE_SCOPE, CITE_APPLICANTS)

    def result(covered: bool, reason: str, checks: Sequence[FacetCheck] = ()) -> Coverage:
        trace.step("coverage", CITE_SCOPE, {"item": item.code, "facets": described}, covered, reason)
        return Coverage(item.code, covered, reason, tuple(checks), cites, described)

    if not item.in_force(on):
        return result(
            False,
            f"{item.title}在 {on.isoformat()} 不在告知承诺事项清单内（{item.citation}），"
            f"应按一般程序办理（{CITE_SCOPE}）。",
        )
    if ReformMode.COMMITMENT not in item.modes:
        modes = "、".join(m.label for m in ReformMode if m in item.modes)
        return result(False, f"{item.title}的改革方式为“{modes}”，不是“实行告知承诺”（{item.citation}）。")

    missing = [f.dimension for f in item.facets if f.dimension not in app]
    for f in item.facets:
        if f.partial and app.get(f.dimension, frozenset()) & f.partial and "qualification_name" not in app:
            missing.append("qualification_name")
    if missing:
        keys = tuple(dict.fromkeys(missing))
        labels = "、".join(vocab.dimension(k).label for k in keys)
        raise LicensingError(
            "facets_missing",
            f"申请情况：{item.title}的范围限定“{'、'.join(f.wording for f in item.facets)}”需要申请人说明{labels}"
            f"（{item.citation}）。",
            fields=keys,
        )

    checks = [_check(item, f, app, on, partial_scopes, vocab) for f in item.facets]
    failed = [c for c in checks if not c.passed]
    if failed:
        reason = (
            f"{item.title}（{item.citation}）："
            + "；".join(c.message for c in failed)
            + f"。本申请不在告知承诺的范围内，应按一般程序办理（{CITE_SCOPE}）。"
        )
        return result(False, reason, checks)
    facts = "；".join(c.message for c in checks) if checks else "该事项在清单中未另作范围限定"
    reason = (
        f"{item.title}实行告知承诺（{item.citation}）：{facts}。申请人可以自主选择告知承诺制办理，"
        f"也可以按一般程序办理（{CITE_APPLICANTS}）。"
    )
    return result(True, reason, checks)


def _check(
    item: CatalogueItem,
    facet: Facet,
    app: Mapping[str, frozenset[str]],
    on: dt.date,
    partial_scopes: Sequence[PartialScope],
    vocab: Vocabulary,
) -> FacetCheck:
    dim = vocab.dimension(facet.dimension)
    values = app[facet.dimension]
    shown = "、".join(ordered(dim, values))
    wording = f"清单原文“{facet.wording}”"
    if facet.kind is FacetKind.EXCLUDE:
        hit = values & facet.values
        if hit:
            return FacetCheck(
                facet,
                False,
                tuple(ordered(dim, values)),
                f"{dim.label}不含{'、'.join(ordered(dim, facet.values))}（{wording}），"
                f"本申请的{dim.label}为{shown}",
            )
        return FacetCheck(
            facet,
            True,
            tuple(ordered(dim, values)),
            f"{dim.label}为{shown}，不属于所排除的{'、'.join(ordered(dim, facet.values))}（{wording}）",
        )

    allowed = set(facet.values)
    note = ""
    for flag in item.inconsistencies:
        if flag.dimension != facet.dimension or not (values & flag.contested):
            continue
        decision = flag.decision_on(on)
        if decision is None:
            raise NotConfigured(
                "inconsistency_undecided",
                f"{dim.label}：{flag.message}该不一致尚未由配置作出决定，无法判断“{shown}”是否适用告知承诺制"
                f"（{item.citation}）。请管理员录入决定。",
                field=facet.dimension,
            )
        if decision.decision == "list_governs":
            allowed |= flag.contested
        note = f"（清单不一致之处的决定：{decision.label}，依据：{decision.source}）"
    outside = values - allowed
    if outside:
        return FacetCheck(
            facet,
            False,
            tuple(ordered(dim, values)),
            f"{dim.label}仅限{'、'.join(ordered(dim, allowed))}（{wording}）{note}，"
            f"本申请的{dim.label}为{shown}",
        )
    partial_values = sorted(values & facet.partial)
    if partial_values:
        covered_names: set[str] = set()
        sources = []
        for value in partial_values:
            scope = _partial_scope(partial_scopes, item.code, value, on)
            if scope is None:
                raise NotConfigured(
                    "partial_scope_not_configured",
                    f"{dim.label}：清单仅将“部分{value}”纳入告知承诺（{wording}，{item.citation}），"
                    f"哪些具体资质属于该部分尚未配置，请管理员录入。",
                    field="qualification_name",
                )
            covered_names |= scope.names
            sources.append(scope.source)
        names = app["qualification_name"]
        if not names <= covered_names:
            return FacetCheck(
                facet,
                False,
                tuple(ordered(dim, values)),
                f"资质“{'、'.join(sorted(names - covered_names))}”不在纳入告知承诺的"
                f"部分{'、'.join(partial_values)}之内（{wording}；范围依据：{'；'.join(sources)}）",
            )
    return FacetCheck(
        facet, True, tuple(ordered(dim, values)), f"{dim.label}为{shown}，在“{facet.wording}”的范围内{note}"
    )
