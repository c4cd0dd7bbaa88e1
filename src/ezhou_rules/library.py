"""The policy library: the gazette documents (gazette/*.md + gazette/index.yaml) as data.

Framework-free (no Django). The Markdown convention is described in gazette/README.md; in short, every
citable unit of a document opens with one or more HTML anchors at the start of a block::

    <a id="art11"></a><a id="art11-para1"></a>第十一条 医疗救助包括……
    <a id="art11-item1"></a>（一）住院医疗救助。……
    ## <a id="sec3"></a>三、主要任务

A block without an anchor continues the unit opened last. The anchor ids are exactly those of
``Citation.anchor()``, so ``resolve(citation)`` is a dictionary lookup.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ezhou_rules.core.citations import Citation, chinese_number

__all__ = [
    "Document",
    "GazetteFormatError",
    "Library",
    "Unit",
    "UnknownCitation",
    "default_gazette_dir",
    "document_by_number",
    "load_library",
    "resolve",
]


class GazetteFormatError(ValueError):
    """The Markdown or the index of the policy library does not follow the convention."""


class UnknownCitation(LookupError):
    """A citation names a document or a unit that is not in the policy library."""


# -- units -------------------------------------------------------------------------------------------------

KINDS = (
    "notice",  # the covering notice (通知): number, addressees, signer, date
    "preamble",  # the opening paragraph of a plan (为…制定本方案。)
    "part",  # 第N部分 of a document holding several plans (27号)
    "chapter",  # 第N章
    "article",  # 第N条
    "paragraph",  # 第N款 (and the N-th own paragraph of a section: secN-paraK)
    "section",  # 一、
    "item",  # （一）; also a numbered row of an annex table
    "sub_item",  # 1.
    "annex",  # 附件N
    "table",  # a table of an annex
    "note",  # 注：… under an annex table
    "annex_list",  # 附件：1.… 2.… at the end of the body
    "closing",  # a closing paragraph after the last section
)

_SINGLE = {
    "notice": "notice",
    "preamble": "preamble",
    "closing": "closing",
    "annexes": "annex_list",
    "note": "note",
}
_COMPONENT = re.compile(r"^(part|chap|art|para|sec|item|sub|annex|table)(\d+)$")
_KIND_OF = {
    "part": "part",
    "chap": "chapter",
    "art": "article",
    "para": "paragraph",
    "sec": "section",
    "item": "item",
    "sub": "sub_item",
    "annex": "annex",
    "table": "table",
}
_ANCHOR_RE = re.compile(r'<a id="([a-z0-9-]+)"(?:\s+data-header-rows="(\d+)")?\s*></a>')
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$", re.DOTALL)
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Unit:
    """One anchored place of a document: an article, a paragraph, an item, a section, an annex, a table…

    ``text`` is the unit's own text (blocks that belong to no child unit), verbatim from the gazette
    (Markdown bold ``**…**`` kept); ``plain_text`` drops the markup. Lines are separated by "\\n".
    """

    anchor: str
    kind: str
    label: str  # 第十一条, 第十一条第（一）项, 三（七）, 附件1 三（七）, 第一章 …
    heading: str | None  # a printed heading line: 第一章 总 则, 三、主要任务, 附件1　计划用水核定方法
    text: str
    parent: str | None  # anchor of the enclosing unit
    order: int  # position in the document
    citation: Citation | None  # the citation whose anchor() is this unit, where one exists
    cells: tuple[str, ...] = ()  # for a table row: its cells
    rows: tuple[tuple[str, ...], ...] = ()  # for a table: all rows (header rows first)
    row_anchors: tuple[str | None, ...] = ()  # for a table: the anchor of each row (None if none)
    header_rows: int = 0  # for a table: how many of ``rows`` are header rows

    @property
    def plain_text(self) -> str:
        return _BOLD_RE.sub(r"\1", self.text)

    @property
    def title(self) -> str:
        """A short name for a table of contents: the heading, else the first sentence of the text."""
        if self.heading:
            return self.heading
        first = self.plain_text.split("\n", 1)[0]
        m = re.match(r"^(.{2,40}?[。：；])", first)
        return m.group(1).rstrip("。：；") if m else first[:40]

    @property
    def in_table(self) -> bool:
        return bool(self.cells)


@dataclass
class Document:
    slug: str
    number: str  # 文号
    title: str
    notice_title: str
    issuer: str
    issued: dt.date
    effective: dt.date | None
    valid_until: dt.date | None
    interpreted_by: str | None
    module: str | None
    parts: dict[int, str] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    path: Path | None = None
    _by_anchor: dict[str, Unit] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_anchor = {u.anchor: u for u in self.units}

    def unit(self, anchor: str) -> Unit:
        try:
            return self._by_anchor[anchor]
        except KeyError:
            raise UnknownCitation(f"{self.number}（{self.slug}.md）没有锚点 #{anchor}") from None

    def has(self, anchor: str) -> bool:
        return anchor in self._by_anchor

    def children(self, anchor: str | None) -> list[Unit]:
        return [u for u in self.units if u.parent == anchor]

    def descendants(self, anchor: str) -> Iterator[Unit]:
        for child in self.children(anchor):
            yield child
            yield from self.descendants(child.anchor)

    def full_text(self, anchor: str) -> str:
        """The text of a unit with everything under it, in document order."""
        unit = self.unit(anchor)
        parts = [unit.heading or "", unit.plain_text] + [
            (d.heading or "") + "\n" + d.plain_text for d in self.descendants(anchor)
        ]
        return "\n".join(p for p in parts if p.strip()).strip()

    def of_kind(self, *kinds: str) -> list[Unit]:
        return [u for u in self.units if u.kind in kinds]

    @property
    def articles(self) -> list[Unit]:
        return self.of_kind("article")

    @property
    def style(self) -> str:
        """'articles' for regulations numbered 第N条, 'plan' for plans numbered 一、（一）1."""
        return "articles" if self.articles else "plan"

    @property
    def text(self) -> str:
        return "\n".join(filter(None, ((u.heading or "") + "\n" + u.plain_text for u in self.units)))


@dataclass
class Library:
    documents: dict[str, Document]  # by slug, in index order
    path: Path

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents.values())

    def __len__(self) -> int:
        return len(self.documents)

    def document(self, slug: str) -> Document:
        try:
            return self.documents[slug]
        except KeyError:
            raise UnknownCitation(f"政策文件库中没有文件 {slug!r}") from None

    def document_by_number(self, number: str) -> Document:
        for doc in self.documents.values():
            if doc.number == number:
                return doc
        known = "、".join(d.number for d in self.documents.values())
        raise UnknownCitation(f"政策文件库中没有文号为 {number} 的文件（已收录：{known}）")

    def resolve(self, citation: str | Citation) -> Unit:
        """The unit a citation names; UnknownCitation if the document or the place does not exist."""
        c = citation if isinstance(citation, Citation) else Citation.parse(citation)
        doc = self.document_by_number(c.document)
        anchor = c.anchor() or "notice"  # a citation of the whole document resolves to its notice
        if not doc.has(anchor):
            raise UnknownCitation(
                f"引用“{c}”无法解析：{c.document}（gazette/{doc.slug}.md）中没有 #{anchor}"
                + (f"；该文件共有 {len(doc.articles)} 条" if c.article and doc.articles else "")
            )
        return doc.unit(anchor)


# -- parsing -----------------------------------------------------------------------------------------------


def default_gazette_dir() -> Path:
    """EZHOU_GAZETTE_DIR, else the gazette/ folder of the project (two levels above src/ezhou_rules)."""
    env = os.environ.get("EZHOU_GAZETTE_DIR")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2] / "gazette"


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise GazetteFormatError(f"{where}: not a date: {value!r}") from exc


def _components(anchor: str) -> list[tuple[str, int]]:
    out = []
    for comp in anchor.split("-"):
        m = _COMPONENT.match(comp)
        if not m:
            raise GazetteFormatError(f"anchor {anchor!r}: unknown component {comp!r}")
        out.append((m.group(1), int(m.group(2))))
    return out


def _kind(anchor: str) -> str:
    last = anchor.rsplit("-", 1)[-1]
    if last in _SINGLE:
        return _SINGLE[last]
    return _KIND_OF[_components(anchor)[-1][0]]


def _citation_and_label(number: str, anchor: str) -> tuple[Citation | None, str]:
    prefix, _, last = anchor.rpartition("-")
    if last in _SINGLE:
        names = {
            "notice": "通知",
            "preamble": "序言",
            "closing": "结束语",
            "annexes": "附件目录",
            "note": "注",
        }
        base = _citation_and_label(number, prefix)[1] + " " if prefix else ""
        return None, base + names[last]
    comps = dict(_components(anchor))
    if len(comps) != len(anchor.split("-")):
        raise GazetteFormatError(f"anchor {anchor!r}: a component appears twice")
    if "chap" in comps:
        return None, f"第{chinese_number(comps['chap'])}章"
    if "table" in comps:
        base = _citation_and_label(number, anchor.rsplit("-", 1)[0])[1]
        return None, f"{base} 表{comps['table']}"
    kwargs = {
        "part": comps.get("part"),
        "annex": comps.get("annex"),
        "article": comps.get("art"),
        "section": comps.get("sec"),
        "paragraph": comps.get("para"),
        "item": comps.get("item"),
        "sub_item": comps.get("sub"),
    }
    try:
        c = Citation(document=number, **kwargs)
    except ValueError as exc:
        raise GazetteFormatError(f"anchor {anchor!r}: {exc}") from exc
    if c.anchor() == anchor:
        return c, c.place()
    # a section's own paragraph (secN-paraK): not citable as such, labelled for display
    if "para" in comps and "art" not in comps:
        base = Citation(document=number, **{**kwargs, "paragraph": None}).place()
        return None, f"{base} 第{chinese_number(comps['para'])}段"
    raise GazetteFormatError(f"anchor {anchor!r} is not in the order of Citation.anchor() ({c.anchor()!r})")


def _split_cells(line: str) -> list[str]:
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")):
        raise GazetteFormatError(f"table row must start and end with '|': {line[:40]!r}")
    cells = re.split(r"(?<!\\)\|", line[1:-1])
    return [c.strip().replace("\\|", "|") for c in cells]


def _cell_text(cell: str) -> str:
    return re.sub(r"<br\s*/?>", "\n", cell).strip()


@dataclass
class _Draft:
    anchor: str
    kind: str
    parent: str | None
    heading: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    cells: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    row_anchors: tuple[str | None, ...] = ()
    header_rows: int = 0


def parse_document(markdown: str, meta: dict[str, Any], slug: str, path: Path | None = None) -> Document:
    """Parse one gazette Markdown file (with its index.yaml entry) into a Document."""
    number = meta["number"]
    where = f"gazette/{slug}.md"
    blocks = [b.strip("\n") for b in re.split(r"\n[ \t]*\n", markdown.replace("\r\n", "\n")) if b.strip()]
    drafts: dict[str, _Draft] = {}
    current: _Draft | None = None
    title: str | None = None
    last_chapter: str | None = None
    pending_header_rows: dict[str, int] = {}

    def open_unit(anchor: str) -> _Draft:
        nonlocal last_chapter
        if anchor in drafts:
            raise GazetteFormatError(f"{where}: anchor #{anchor} appears twice")
        kind = _kind(anchor)
        parts = anchor.split("-")
        parent = None
        for k in range(len(parts) - 1, 0, -1):
            candidate = "-".join(parts[:k])
            if candidate in drafts:
                parent = candidate
                break
        if parent is None and kind == "article":
            parent = last_chapter
        if kind == "chapter":
            last_chapter = anchor
        d = _Draft(anchor=anchor, kind=kind, parent=parent)
        drafts[anchor] = d
        return d

    for block in blocks:
        heading_level = 0
        m = _HEADING_RE.match(block)
        body = block
        if m:
            heading_level, body = len(m.group(1)), m.group(2).strip()
            if heading_level == 1:
                if title is not None or drafts:
                    raise GazetteFormatError(f"{where}: the title (# …) must come first and only once")
                title = body
                continue
        anchors: list[str] = []
        while True:
            am = _ANCHOR_RE.match(body)
            if not am:
                break
            anchors.append(am.group(1))
            if am.group(2):
                pending_header_rows[am.group(1)] = int(am.group(2))
            body = body[am.end() :]
        if _ANCHOR_RE.search(body) and not body.startswith("|"):
            raise GazetteFormatError(f"{where}: an anchor must start its block: {body[:40]!r}")
        for anchor in anchors:
            current = open_unit(anchor)
        if current is None:
            raise GazetteFormatError(f"{where}: text before the first anchor: {body[:40]!r}")
        if heading_level:
            if not anchors:
                raise GazetteFormatError(f"{where}: heading without an anchor: {body[:40]!r}")
            current.heading = body
            continue
        if not body:
            continue
        if body.startswith("|"):
            if current.kind != "table":
                raise GazetteFormatError(f"{where}: a table must follow its own anchor (#annexN-tableK)")
            lines = [ln for ln in body.split("\n") if ln.strip()]
            header = _split_cells(lines[0])
            if not re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", lines[1].replace(" ", "")):
                raise GazetteFormatError(f"{where}: table #{current.anchor} lacks the |---| line")
            raw_rows = [header] + [_split_cells(ln) for ln in lines[2:]]
            header_rows = pending_header_rows.get(current.anchor, 1)
            if all(not c for c in header):  # a table printed without a header row
                raw_rows = raw_rows[1:]
                header_rows = 0
            rows: list[tuple[str, ...]] = []
            row_anchors: list[str | None] = []
            own: list[str] = []
            table = current
            for i, raw in enumerate(raw_rows):
                first_anchors = []
                first = raw[0]
                while am := _ANCHOR_RE.match(first):
                    first_anchors.append(am.group(1))
                    first = first[am.end() :]
                cells = tuple(_cell_text(c) for c in [first, *raw[1:]])
                rows.append(cells)
                if len(first_anchors) > 1:
                    raise GazetteFormatError(f"{where}: one anchor per table row")
                if first_anchors and i >= header_rows:
                    row = open_unit(first_anchors[0])
                    row.parent = table.anchor
                    row.cells = cells
                    row.paragraphs = ["　".join(c for c in cells if c)]
                    row_anchors.append(row.anchor)
                else:
                    row_anchors.append(None)
                    own.append("　".join(c for c in cells if c))
            table.rows = tuple(rows)
            table.row_anchors = tuple(row_anchors)
            table.header_rows = header_rows
            table.paragraphs.extend(own)
            current = table
            continue
        current.paragraphs.append(body.replace("\n", ""))

    if title is None:
        raise GazetteFormatError(f"{where}: missing the title line (# …)")
    if title != meta["title"]:
        raise GazetteFormatError(f"{where}: title {title!r} differs from index.yaml {meta['title']!r}")
    units = []
    for order, d in enumerate(drafts.values()):
        citation, label = _citation_and_label(number, d.anchor)
        units.append(
            Unit(
                anchor=d.anchor,
                kind=d.kind,
                label=label,
                heading=d.heading,
                text="\n".join(d.paragraphs),
                parent=d.parent,
                order=order,
                citation=citation,
                cells=d.cells,
                rows=d.rows,
                row_anchors=d.row_anchors,
                header_rows=d.header_rows,
            )
        )
    return Document(
        slug=slug,
        number=number,
        title=title,
        notice_title=meta["notice_title"],
        issuer=meta["issuer"],
        issued=_date(meta["issued"], f"index.yaml {slug}.issued"),  # type: ignore[arg-type]
        effective=_date(meta.get("effective"), f"index.yaml {slug}.effective"),
        valid_until=_date(meta.get("valid_until"), f"index.yaml {slug}.valid_until"),
        interpreted_by=meta.get("interpreted_by"),
        module=meta.get("module"),
        parts={int(k): v for k, v in (meta.get("parts") or {}).items()},
        units=units,
        path=path,
    )


def load_library(path: str | Path | None = None) -> Library:
    """Read gazette/index.yaml and every gazette/<slug>.md it lists."""
    folder = Path(path).resolve() if path is not None else default_gazette_dir()
    index_path = folder / "index.yaml"
    if not index_path.exists():
        raise GazetteFormatError(f"no policy library at {folder} (index.yaml missing)")
    index = yaml.safe_load(index_path.read_text(encoding="utf-8")) or {}
    required = ("number", "title", "notice_title", "issuer", "issued")
    documents: dict[str, Document] = {}
    for slug, meta in index.items():
        missing = [k for k in required if not (meta or {}).get(k)]
        if missing:
            raise GazetteFormatError(f"index.yaml {slug}: missing {', '.join(missing)}")
        md_path = folder / f"{slug}.md"
        if not md_path.exists():
            raise GazetteFormatError(f"index.yaml lists {slug} but {md_path.name} does not exist")
        documents[slug] = parse_document(md_path.read_text(encoding="utf-8"), meta, slug, md_path)
    numbers = [d.number for d in documents.values()]
    if len(set(numbers)) != len(numbers):
        raise GazetteFormatError("index.yaml: two documents share a number")
    return Library(documents=documents, path=folder)


@lru_cache(maxsize=4)
def _cached(path: str) -> Library:
    return load_library(path)


def default_library() -> Library:
    """The library at the default path, parsed once per process (per path)."""
    return _cached(str(default_gazette_dir()))


def resolve(citation: str | Citation, library: Library | None = None) -> Unit:
    """The unit a citation names; raises UnknownCitation with the document and the missing anchor."""
    return (library or default_library()).resolve(citation)


def document_by_number(number: str, library: Library | None = None) -> Document:
    return (library or default_library()).document_by_number(number)
