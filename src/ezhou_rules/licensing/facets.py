"""Scope facets: what an item of the reform list covers, read from its wording (附件1, 涉企经营许可事项).

The annex restricts items by words in the item's name: "排污许可(延续)", "出租汽车经营许可（仅限注销）",
"饮用水供水单位卫生许可（不含设立）", "食品经营许可（除仅销售预包装食品外）", "第三类医疗器械经营许可（仅限零售）",
"…企业（不含外资企业）的设立、变更审批" … Each restriction becomes a `Facet`: a dimension of the application
(申请类型, 经营方式, 企业类型 …), whether the listed values are the only ones covered (include) or are left out
(exclude), and the exact wording it was read from. The words are looked up in a vocabulary
(`data/facets.yaml`); a word the vocabulary does not know is reported, never guessed.

Qualifier shapes (in full-width or half-width brackets):
- 仅限X、Y → include; 不含X、Y / X除外 / 除X外 / 非X类 → exclude;
- 含X after a word W ("食品（含食品添加剂）") → include {W, X};
- bare X, Y ("(延续)", "（急救站）", "（商标）") → include; a term "部分X" is a partial value: only some of
  X is covered and which is configuration (coverage.PartialScope).
Outside brackets: "…设立、变更审批" → 申请类型 ∈ {设立, 变更}; a name starting with 设立 → {设立};
"零售企业/零售单位" → 经营方式 ∈ {零售}.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import DATA_DIR
from .errors import LicensingError

VOCABULARY_FILE = DATA_DIR / "facets.yaml"


class FacetKind(StrEnum):
    INCLUDE = "include"  # 仅限 …: only these values are covered
    EXCLUDE = "exclude"  # 不含 … / … 除外: these values are not covered


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str  # Chinese label shown to the applicant and in messages
    single: bool  # one value per application (one 申请类型)
    open: bool  # any value may be described; `values` are the offered options
    values: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "single": self.single,
            "open": self.open,
            "values": list(self.values),
        }


@dataclass(frozen=True)
class Vocabulary:
    dimensions: Mapping[str, Dimension]
    terms: Mapping[str, tuple[str, str]]  # word → (dimension, value)
    certificates: Mapping[str, Mapping[str, str]]  # certificate name → {dimension: value}

    def dimension(self, key: str) -> Dimension:
        try:
            return self.dimensions[key]
        except KeyError:
            known = "、".join(f"{d.label}（{k}）" for k, d in self.dimensions.items())
            raise LicensingError(
                "unknown_facet", f"申请情况中的“{key}”不是可识别的范围项（可用：{known}）。", field=key
            ) from None


def vocabulary_from_data(data: Mapping[str, Any], where: str = "范围词表") -> Vocabulary:
    """Build and check a vocabulary (the shape of data/facets.yaml)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("dimensions"), Mapping):
        raise LicensingError("vocabulary_invalid", f"{where}：缺少 dimensions。")
    dims: dict[str, Dimension] = {}
    for key, spec in data["dimensions"].items():
        if not isinstance(spec, Mapping) or not str(spec.get("label") or "").strip():
            raise LicensingError("vocabulary_invalid", f"{where}：范围项 {key} 缺少中文名称 label。")
        values = tuple(str(v) for v in spec.get("values") or ())
        dims[str(key)] = Dimension(
            str(key),
            str(spec["label"]),
            bool(spec.get("single", False)),
            bool(spec.get("open", False)),
            values,
        )
    terms: dict[str, tuple[str, str]] = {}
    for word, spec in (data.get("terms") or {}).items():
        dim, value = spec.get("dimension"), str(spec.get("value") or "")
        if dim not in dims:
            raise LicensingError("vocabulary_invalid", f"{where}：用语“{word}”指向未定义的范围项 {dim}。")
        if not dims[dim].open and value not in dims[dim].values:
            raise LicensingError(
                "vocabulary_invalid", f"{where}：用语“{word}”的取值“{value}”不在范围项 {dim} 的可选值中。"
            )
        terms[str(word)] = (dim, value)
    certificates: dict[str, dict[str, str]] = {}
    for cert, implied in (data.get("certificates") or {}).items():
        for dim in implied or {}:
            if dim not in dims:
                raise LicensingError("vocabulary_invalid", f"{where}：证件“{cert}”指向未定义的范围项 {dim}。")
        certificates[str(cert)] = {str(k): str(v) for k, v in (implied or {}).items()}
    return Vocabulary(dims, terms, certificates)


def load_vocabulary(path: str | Path) -> Vocabulary:
    path = Path(path)
    return vocabulary_from_data(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, where=str(path))


@cache
def default_vocabulary() -> Vocabulary:
    return load_vocabulary(VOCABULARY_FILE)


@dataclass(frozen=True)
class Facet:
    """One restriction of an item's scope, with the words it was read from."""

    dimension: str
    kind: FacetKind
    values: frozenset[str]
    wording: str  # the exact words of the annex, e.g. "（仅限巡游出租车）", "设立、变更审批"
    partial: frozenset[str] = frozenset()  # values written "部分X": only some of X is covered

    def describe(self, vocabulary: Vocabulary | None = None) -> str:
        """One Chinese sentence: 申请类型仅限延续 / 企业类型不含外资企业."""
        dim = (vocabulary or default_vocabulary()).dimension(self.dimension)
        values = "、".join(("部分" if v in self.partial else "") + v for v in ordered(dim, self.values))
        return f"{dim.label}{'仅限' if self.kind is FacetKind.INCLUDE else '不含'}{values}"

    def to_dict(self, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
        dim = (vocabulary or default_vocabulary()).dimension(self.dimension)
        return {
            "dimension": self.dimension,
            "label": dim.label,
            "kind": self.kind.value,
            "values": ordered(dim, self.values),
            "partial": ordered(dim, self.partial),
            "wording": self.wording,
            "description": self.describe(vocabulary),
        }


def ordered(dim: Dimension, values: Iterable[str]) -> list[str]:
    """Values in the vocabulary's order (设立、变更 …), values it does not list after them by code point."""
    rank = {v: i for i, v in enumerate(dim.values)}
    return sorted(values, key=lambda v: (rank.get(v, len(rank)), v))


@dataclass
class ParseProblem:
    code: str
    text: str
    message: str


@dataclass
class ParsedScope:
    facets: list[Facet] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


_QUALIFIER = re.compile(r"[（(]([^（）()]+)[）)]")
_SPLIT = re.compile(r"[、,，]")
_SHAPES: tuple[tuple[re.Pattern[str], FacetKind, str], ...] = (
    (re.compile(r"^仅限(.+)$"), FacetKind.INCLUDE, "only"),
    (re.compile(r"^不含(.+)$"), FacetKind.EXCLUDE, "without"),
    (re.compile(r"^除(.+)外$"), FacetKind.EXCLUDE, "except"),
    (re.compile(r"^(.+)除外$"), FacetKind.EXCLUDE, "except"),
    (re.compile(r"^非(.+)类$"), FacetKind.EXCLUDE, "non"),
    (re.compile(r"^含(.+)$"), FacetKind.INCLUDE, "including"),
)
# Restrictions written outside brackets: (pattern, dimension, values)
_PHRASES: tuple[tuple[re.Pattern[str], str, frozenset[str]], ...] = (
    (re.compile(r"设立、变更审批$"), "action", frozenset({"设立", "变更"})),
    (re.compile(r"^设立"), "action", frozenset({"设立"})),
    (re.compile(r"零售(?:企业|单位)"), "business_mode", frozenset({"零售"})),
)


def parse_scope(matter: str, vocabulary: Vocabulary | None = None) -> ParsedScope:
    """The facets of one item's wording (涉企经营许可事项), and what could not be read."""
    vocab = vocabulary or default_vocabulary()
    out = ParsedScope()
    raw: list[Facet] = []
    last_end = 0
    for m in _QUALIFIER.finditer(matter):
        head = matter[last_end : m.start()]
        last_end = m.end()
        raw.extend(_qualifier(m.group(0), m.group(1).strip(), head, vocab, out.problems))
    outside = _QUALIFIER.sub("", matter)
    for pattern, dim, values in _PHRASES:
        pm = pattern.search(outside)
        if pm:
            raw.append(Facet(dim, FacetKind.INCLUDE, values, pm.group(0)))
    out.facets = _merge(raw, out.problems, vocab)
    return out


def _qualifier(
    wording: str, content: str, head: str, vocab: Vocabulary, problems: list[ParseProblem]
) -> list[Facet]:
    kind, shape, body = FacetKind.INCLUDE, "bare", content
    for pattern, k, name in _SHAPES:
        m = pattern.match(content)
        if m:
            kind, shape, body = k, name, m.group(1)
            break
    by_dim: dict[str, tuple[set[str], set[str]]] = {}
    for raw_term in (t.strip() for t in _SPLIT.split(body)):
        if not raw_term:
            continue
        partial = shape == "bare" and raw_term.startswith("部分")
        term = raw_term[2:] if partial else raw_term
        found = vocab.terms.get(term)
        if found is None:
            problems.append(
                ParseProblem(
                    "unknown_scope_term", wording, f"范围用语“{term}”不在范围词表中，未能识别其含义。"
                )
            )
            continue
        dim, value = found
        values, partials = by_dim.setdefault(dim, (set(), set()))
        values.add(value)
        if partial:
            partials.add(value)
    if shape == "including":
        # 食品（含食品添加剂）: the word before the bracket is covered too.
        for dim, (values, _) in by_dim.items():
            base = _longest_suffix_term(head, dim, vocab)
            if base is None:
                problems.append(
                    ParseProblem(
                        "unknown_scope_term",
                        wording,
                        f"“{wording}”之前的用语不在范围词表中，无法确定“含”的对象。",
                    )
                )
            else:
                values.add(base)
    return [Facet(dim, kind, frozenset(v), wording, frozenset(p)) for dim, (v, p) in by_dim.items()]


def _longest_suffix_term(head: str, dim: str, vocab: Vocabulary) -> str | None:
    best: tuple[int, str] | None = None
    for word, (d, value) in vocab.terms.items():
        if d == dim and head.endswith(word) and (best is None or len(word) > best[0]):
            best = (len(word), value)
    return best[1] if best else None


def _merge(raw: list[Facet], problems: list[ParseProblem], vocab: Vocabulary) -> list[Facet]:
    """One include and one exclude facet per dimension at most; contradictions are reported."""
    merged: dict[tuple[str, FacetKind], Facet] = {}
    for f in raw:
        key = (f.dimension, f.kind)
        if key not in merged:
            merged[key] = f
            continue
        old = merged[key]
        values = old.values & f.values if f.kind is FacetKind.INCLUDE else old.values | f.values
        if not values:
            label = vocab.dimension(f.dimension).label
            problems.append(
                ParseProblem(
                    "scope_contradiction",
                    old.wording + f.wording,
                    f"“{old.wording}”与“{f.wording}”对{label}的限定互相矛盾，没有同时满足的取值。",
                )
            )
        merged[key] = Facet(f.dimension, f.kind, values, old.wording + f.wording, old.partial | f.partial)
    for dim in {d for d, _ in merged}:
        inc, exc = merged.get((dim, FacetKind.INCLUDE)), merged.get((dim, FacetKind.EXCLUDE))
        if inc and exc and not (inc.values - exc.values):
            problems.append(
                ParseProblem(
                    "scope_contradiction",
                    inc.wording + exc.wording,
                    f"“{inc.wording}”限定的{vocab.dimension(dim).label}全部被“{exc.wording}”排除，事项范围为空。",
                )
            )
    return list(merged.values())


# -- an application's facets ---------------------------------------------------------------------------------


def application_facets(
    raw: Mapping[str, Any], vocabulary: Vocabulary | None = None
) -> dict[str, frozenset[str]]:
    """Check and normalise what the applicant says about the application: {dimension: values}.

    A value may be a string or a list of strings. Unknown dimensions and (for closed dimensions) unknown
    values are refused; two values for a single-valued dimension contradict each other (one application
    is, for instance, either 设立 or 注销).
    """
    vocab = vocabulary or default_vocabulary()
    if not isinstance(raw, Mapping):
        raise LicensingError("facets_invalid", "申请情况应为“范围项: 取值”的映射。", field="facets")
    out: dict[str, frozenset[str]] = {}
    for key, value in raw.items():
        dim = vocab.dimension(str(key))
        values = [value] if isinstance(value, str) else value
        if (
            not isinstance(values, list | tuple | set | frozenset)
            or not values
            or not all(isinstance(v, str) and v.strip() for v in values)
        ):
            raise LicensingError(
                "facet_value_invalid", f"{dim.label}：应填写一个或多个非空的取值。", field=dim.key
            )
        cleaned = frozenset(v.strip() for v in values)
        if not dim.open:
            unknown = sorted(cleaned - set(dim.values))
            if unknown:
                raise LicensingError(
                    "unknown_facet_value",
                    f"{dim.label}：“{'、'.join(unknown)}”不是可选取值（可选：{'、'.join(dim.values)}）。",
                    field=dim.key,
                )
        if dim.single and len(cleaned) > 1:
            raise LicensingError(
                "facets_contradict",
                f"{dim.label}：一项申请只能有一个{dim.label}，所填“{'、'.join(sorted(cleaned))}”互相矛盾。",
                field=dim.key,
            )
        out[dim.key] = cleaned
    return out
