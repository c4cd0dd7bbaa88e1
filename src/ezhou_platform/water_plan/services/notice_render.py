"""Rendering a year's surcharge notices (第十四条) fast, with the same HTML as the template.

A year's settlement issues tens of thousands of notices from one template whose text differs between notices
only in a few values (number, unit, the figures, the computation's sentences); the template engine walking its
nodes for each notice cost more than the rest of the settlement together. So the template is rendered once per
*shape* (how many steps the stored construction trace has and which cite an article; a renderer serves one
batch, whose tiers, day of issue and department every notice shares) with a marker in place of each varying
value, and cut at the markers; each notice is those pieces joined with its own values, which the batch
writes out once (``notice_values``) without building a template context per notice.

Safety: the first notice of every shape, and every ``CHECK_EVERY``-th notice, is also rendered by the template
engine from the per-unit context (``notice_context``: the traced computation, not the batch's columns) and must
be identical, or the batch stops (``RenderMismatch``, the chunk's transaction rolls back) — a notice is never
issued with HTML the template would not have produced. A shape whose markers a filter changed goes through the
template engine.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

CHECK_EVERY = 500
_MARK = re.compile("\x00(\\d+)\x00")


class RenderMismatch(RuntimeError):
    """A notice rendered by substitution differs from the template's rendering."""


def _varying(ctx: dict[str, Any]) -> list[Any]:
    """The values that differ between the notices of a batch, in a fixed order (``notice_values``'s)."""
    doc = ctx["document"]
    values = [doc["number"], doc["title"], doc["recipient"]]
    values += [ctx[k] for k in ("actual", "plan", "excess", "amount", "capital")]
    values += [r["amount"] for r in ctx["rows"]]
    for s in ctx["trace"]:
        values.append(s["explanation"])
        if s.get("citation"):
            values.append(s["citation"])
    return values


def notice_values(
    number: str,
    title: str,
    recipient: str,
    figures: Sequence[str],
    bands: Sequence[str],
    stored: Sequence[dict[str, Any]],
    steps: Sequence[str],
    citations: Sequence[str],
) -> list[str]:
    """One notice's values in ``_varying``'s order, escaped as the template engine escapes them.

    ``figures``: actual, plan, excess, total, total in words; ``bands``: each band's amount; ``stored``: the
    construction trace the notice keeps; ``steps`` and ``citations``: the computation's sentences (citations
    already escaped: one per step position for the whole batch). The figures and sentences are digits, fixed
    Chinese words and the tiers' spans — no character the engine would escape, and the words around the digits
    are the same in every notice of the batch, which the shape's first notice checks against the engine —
    so only the unit's name, the number and the stored trace are escaped here."""
    esc = html.escape
    values = [esc(number), esc(title), esc(recipient), *figures, *bands]
    for s in stored:
        values.append(esc(str(s["explanation"])))
        if s.get("citation"):
            values.append(esc(str(s["citation"])))
    for sentence, citation in zip(steps, citations, strict=True):
        values.append(sentence)
        values.append(citation)
    return values


def shape_of(stored: Sequence[dict[str, Any]]) -> tuple[bool, ...]:
    """What differs in the template's structure between notices of one batch: which stored steps cite."""
    return tuple(bool(s.get("citation")) for s in stored)


def _marked(ctx: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``ctx`` with marker i in place of varying value i (same order as ``_varying``)."""
    n = iter(range(1 << 30))

    def mark() -> str:
        return f"\x00{next(n)}\x00"

    doc = dict(ctx["document"])
    for k in ("number", "title", "recipient"):
        doc[k] = mark()
    out = {**ctx, "document": doc}
    for k in ("actual", "plan", "excess", "amount", "capital"):
        out[k] = mark()
    out["rows"] = [{**r, "amount": mark()} for r in ctx["rows"]]
    trace = []
    for s in ctx["trace"]:
        step = {**s, "explanation": mark()}
        if s.get("citation"):
            step["citation"] = mark()
        trace.append(step)
    out["trace"] = trace
    return out


class _Skeleton:
    """The template's text between the markers and which value goes in each gap: a notice is the pieces joined
    with its values (``str.format`` on a 4 KB template parsed it again for every notice, ~10× slower)."""

    def __init__(self, pieces: list[str], slots: list[int]) -> None:
        self.head = pieces[0]
        self.tails = pieces[1:]
        self.slots = slots

    def fill(self, values: Sequence[str]) -> str:
        out = [self.head]
        for slot, tail in zip(self.slots, self.tails, strict=True):
            out.append(values[slot])
            out.append(tail)
        return "".join(out)


class NoticeRenderer:
    """The notices of one batch: ``render(i, shape, values)``; ``context(i)`` gives notice i's full template
    context from the per-unit path, for the checks and for a shape the engine renders."""

    def __init__(self, template: Any, context: Callable[[int], dict[str, Any]]) -> None:
        self.template = template
        self.context = context
        self.skeletons: dict[tuple[bool, ...], _Skeleton | None] = {}
        self.count = 0

    def render(self, i: int, shape: tuple[bool, ...], values: list[str]) -> str:
        self.count += 1
        if shape not in self.skeletons:
            ctx = self.context(i)
            expected = str(self.template.render(ctx))
            skeleton = self._skeleton(ctx)
            self.skeletons[shape] = skeleton
            if skeleton is not None:
                self._check(skeleton.fill(values), expected, ctx)
            return expected
        skeleton = self.skeletons[shape]
        if skeleton is None:
            return str(self.template.render(self.context(i)))
        out = skeleton.fill(values)
        if self.count % CHECK_EVERY == 0:
            ctx = self.context(i)
            self._check(out, str(self.template.render(ctx)), ctx)
        return out

    @staticmethod
    def _check(out: str, expected: str, ctx: dict[str, Any]) -> None:
        if out != expected:
            raise RenderMismatch(
                f"{ctx['document']['number']}：通知单按模板替换生成的内容与模板渲染结果不一致。"
            )

    def _skeleton(self, ctx: dict[str, Any]) -> _Skeleton | None:
        """The template rendered with markers, cut at them; None if a value contains a marker's character or
        a filter changed a marker."""
        if "\x00" in "".join(str(v) for v in _varying(ctx)):
            return None
        split = _MARK.split(str(self.template.render(_marked(ctx))))
        pieces, slots = split[0::2], [int(k) for k in split[1::2]]
        if any("\x00" in piece for piece in pieces):
            return None  # a marker went through a filter that changed it
        return _Skeleton(pieces, slots)
