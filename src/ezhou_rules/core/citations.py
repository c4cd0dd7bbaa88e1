"""Citations: where in the gazette a rule comes from.

A Citation names a document by its number (文号) and a place inside it. The gazette uses two shapes:
regulations numbered by article (第十一条第二款第（一）项) and implementation plans numbered by section
(三（四）1). Annexes (附件1) carry either shape. One document (鄂州政办发〔2022〕27号) holds two plans,
told apart by `part`.

Every citation renders in the gazette's own words and maps to one anchor in the policy library
(`gazette/*.md`); a test resolves every citation registered in code against those anchors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import total_ordering
from typing import Any, TypeVar

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十, 34 → 三十四 (enough for article and item numbers below 100)."""
    if not 0 < n < 100:
        raise ValueError(f"chinese_number supports 1..99, got {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def parse_chinese_number(text: str) -> int:
    """一 → 1, 十一 → 11, 二十 → 20, 三十四 → 34; also accepts Arabic digits."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS + "十" for ch in text):
        raise ValueError(f"not a Chinese number: {text!r}")
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(f"not a Chinese number: {text!r}")
        return _DIGITS.index(text)
    head, _, tail = text.partition("十")
    tens = _DIGITS.index(head) if head else 1
    ones = _DIGITS.index(tail) if tail else 0
    return tens * 10 + ones


@total_ordering
@dataclass(frozen=True)
class Citation:
    """A place in the gazette. Numbers are 1-based; None means "the whole of the enclosing unit"."""

    document: str  # 文号, e.g. 鄂州政办发〔2022〕34号
    part: int | None = None  # 第N部分 of a document that holds several plans (27号)
    annex: int | None = None  # 附件N
    article: int | None = None  # 第N条
    section: int | None = None  # 一、 (plan style)
    paragraph: int | None = None  # 第N款 (unlabelled paragraph inside an article)
    item: int | None = None  # （一） → 1
    sub_item: int | None = None  # 1. inside an item

    def __post_init__(self) -> None:
        if self.article is not None and self.section is not None:
            raise ValueError("a citation names either an article (第N条) or a section (一、), not both")
        for name in ("part", "annex", "article", "section", "paragraph", "item", "sub_item"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"citation {name} must be >= 1, got {value}")

    def _sort_key(self) -> tuple[str, int, int, int, int, int, int, int]:
        # None ("the whole unit") sorts before any numbered part of it; a generated order=True would
        # compare None with int and raise TypeError.
        def n(v: int | None) -> int:
            return 0 if v is None else v

        return (
            self.document,
            n(self.part),
            n(self.annex),
            n(self.article),
            n(self.section),
            n(self.paragraph),
            n(self.item),
            n(self.sub_item),
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Citation):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    # -- rendering -------------------------------------------------------------------------------------
    def place(self) -> str:
        """The place inside the document in the gazette's words: 第十一条第（一）项, 附件1 三（七）."""
        out: list[str] = []
        if self.part is not None:
            out.append(f"第{chinese_number(self.part)}部分")
        if self.annex is not None:
            out.append(f"附件{self.annex}")
        body = ""
        if self.article is not None:
            body += f"第{chinese_number(self.article)}条"
            if self.paragraph is not None:
                body += f"第{chinese_number(self.paragraph)}款"
            if self.item is not None:
                body += f"第（{chinese_number(self.item)}）项"
            if self.sub_item is not None:
                body += f"第{self.sub_item}目"
        elif self.section is not None:
            body += chinese_number(self.section)
            if self.item is not None:
                body += f"（{chinese_number(self.item)}）"
            if self.sub_item is not None:
                body += str(self.sub_item)
        elif self.item is not None:
            body += f"（{chinese_number(self.item)}）"
        if body:
            out.append(body)
        return " ".join(out)

    def __str__(self) -> str:
        place = self.place()
        return f"{self.document} {place}" if place else self.document

    def anchor(self) -> str:
        """The anchor of the most specific unit this citation names, as in the policy library's HTML ids.

        Items are numbered per article (not per paragraph) in the gazette, so an item anchor does not
        include the paragraph.
        """
        parts: list[str] = []
        if self.part is not None:
            parts.append(f"part{self.part}")
        if self.annex is not None:
            parts.append(f"annex{self.annex}")
        if self.article is not None:
            parts.append(f"art{self.article}")
            if self.paragraph is not None and self.item is None:
                parts.append(f"para{self.paragraph}")
        if self.section is not None:
            parts.append(f"sec{self.section}")
        if self.item is not None:
            parts.append(f"item{self.item}")
        if self.sub_item is not None:
            parts.append(f"sub{self.sub_item}")
        return "-".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "place": self.place(), "anchor": self.anchor(), "text": str(self)}

    # -- parsing ---------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Citation:
        """Parse the rendered form back: '鄂州政办发〔2022〕34号 第十一条第（一）项', '… 附件1 三（七）'."""
        m = _CITATION_RE.fullmatch(text.strip())
        if not m:
            raise ValueError(
                f"cannot read citation {text!r}; expected e.g. '鄂州政办发〔2022〕34号 第十一条第（一）项'"
            )
        g = m.groupdict()

        def num(key: str) -> int | None:
            value = g.get(key)
            return parse_chinese_number(value) if value else None

        return cls(
            document=g["document"],
            part=num("part"),
            annex=int(g["annex"]) if g.get("annex") else None,
            article=num("article"),
            section=num("section"),
            paragraph=num("paragraph"),
            item=num("item") or num("sitem") or num("bitem"),
            sub_item=int(g["sub"]) if g.get("sub") else (int(g["ssub"]) if g.get("ssub") else None),
        )


_CN = r"[一二三四五六七八九十]+"
_CITATION_RE = re.compile(
    rf"(?P<document>\S+?〔\d{{4}}〕\d+号)"
    rf"(?:\s*第(?P<part>{_CN})部分)?"
    rf"(?:\s*附件\s*(?P<annex>\d+))?"
    r"(?:\s*(?:"
    rf"第(?P<article>{_CN})条(?:第(?P<paragraph>{_CN})款)?(?:第[（(](?P<item>{_CN})[）)]项)?(?:第(?P<sub>\d+)目)?"
    rf"|(?P<section>{_CN})(?:[（(](?P<sitem>{_CN})[）)])?(?P<ssub>\d+)?"
    rf"|[（(](?P<bitem>{_CN})[）)]"
    r"))?"
)


def cite(text: str | Citation) -> Citation:
    return text if isinstance(text, Citation) else Citation.parse(text)


# -- the registry of what in code implements which article ---------------------------------------------------


@dataclass(frozen=True)
class Implementation:
    """One place in the platform that implements a citation: a rule, a parameter, a procedure step."""

    citation: Citation
    name: str  # dotted name in code, e.g. ezhou_rules.medical_assistance.basic_aid
    kind: str  # rule | parameter | procedure | check
    summary: str = ""  # one Chinese sentence for the policy library


@dataclass
class CitationRegistry:
    implementations: list[Implementation] = field(default_factory=list)

    def register(self, citation: str | Citation, name: str, kind: str, summary: str = "") -> Citation:
        c = cite(citation)
        impl = Implementation(c, name, kind, summary)
        if impl not in self.implementations:
            self.implementations.append(impl)
        return c

    def for_document(self, document: str) -> list[Implementation]:
        return [i for i in self.implementations if i.citation.document == document]

    def all(self) -> list[Implementation]:
        return list(self.implementations)


REGISTRY = CitationRegistry()

F = TypeVar("F", bound=Callable[..., Any])


def rule(*, cites: str | Citation | list[str | Citation], summary: str = "") -> Callable[[F], F]:
    """Decorator: mark a formula as implementing one or more articles, and register it.

    The citation objects are attached to the function as ``fn.citations`` so a trace step can quote them.
    """
    items = cites if isinstance(cites, list) else [cites]

    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"
        first_line = (fn.__doc__ or "").strip().split("\n")[0]
        citations = tuple(REGISTRY.register(c, name, "rule", summary or first_line) for c in items)
        fn.citations = citations  # type: ignore[attr-defined]
        return fn

    return decorate
