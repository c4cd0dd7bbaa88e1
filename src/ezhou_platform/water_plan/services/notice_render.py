"""Rendering a year's surcharge notices (第十四条) fast, with the same HTML as the template.

A year's settlement issues tens of thousands of notices from one template whose text differs between notices
only in a few values (number, unit, the figures, the computation's sentences); the template engine walking its
nodes for each notice cost more than the rest of the settlement together. So the template is rendered once per
*shape* (how many bands and steps, which steps cite an article, the values every notice of the batch shares)
with a marker in place of each varying value, and each notice is that skeleton with its own values escaped
into the markers, exactly as the template engine escapes them.

Safety: the first notice of every shape, and every ``CHECK_EVERY``-th notice, is also rendered by the template
engine and must be identical; a first notice that differs sends its whole shape back to the template engine,
a later one stops the batch (``RenderMismatch``, the chunk's transaction rolls back) — a notice is never issued
with HTML the template would not have produced.
"""

from __future__ import annotations

import html
import re
from typing import Any

CHECK_EVERY = 500
_MARK = re.compile("\x00(\\d+)\x00")


class RenderMismatch(RuntimeError):
    """A notice rendered by substitution differs from the template's rendering."""


def _varying(ctx: dict[str, Any]) -> list[Any]:
    """The values that differ between the notices of a batch, in a fixed order."""
    doc = ctx["document"]
    values = [doc["number"], doc["title"], doc["recipient"]]
    values += [ctx[k] for k in ("actual", "plan", "excess", "amount", "capital")]
    values += [r["amount"] for r in ctx["rows"]]
    for s in ctx["trace"]:
        values.append(s["explanation"])
        if s.get("citation"):
            values.append(s["citation"])
    return values


def _shape(ctx: dict[str, Any]) -> tuple[Any, ...]:
    """Everything else the template reads: a notice whose shape differs gets its own skeleton."""
    doc, notice = ctx["document"], ctx["notice"]
    return (
        tuple((r["band"], r["span"], r["multiplier"]) for r in ctx["rows"]),
        tuple(bool(s.get("citation")) for s in ctx["trace"]),
        tuple(sorted((k, str(v)) for k, v in doc.items() if k not in ("number", "title", "recipient"))),
        bool(doc["recipient"]),
        ctx["price"],
        ctx["warning"],
        notice.year,
        notice.payment_due,
        ctx["department"].pk,
        ctx["department"].name,
    )


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


class NoticeRenderer:
    """``render(template, ctx)`` for ``documents.issue_many``: the notices of one batch."""

    def __init__(self) -> None:
        self.skeletons: dict[tuple[Any, ...], list[str | int] | None] = {}
        self.count = 0

    def __call__(self, template: Any, ctx: dict[str, Any]) -> str:
        self.count += 1
        key = _shape(ctx)
        if key not in self.skeletons:
            skeleton = self._skeleton(template, ctx)
            expected = template.render(ctx)
            if skeleton is not None and self._fill(skeleton, ctx) != expected:
                skeleton = None  # this shape goes through the template engine
            self.skeletons[key] = skeleton
            return expected
        skeleton = self.skeletons[key]
        if skeleton is None:
            return str(template.render(ctx))
        out = self._fill(skeleton, ctx)
        if self.count % CHECK_EVERY == 0 and out != template.render(ctx):
            raise RenderMismatch(
                f"{ctx['document']['number']}：通知单按模板替换生成的内容与模板渲染结果不一致。"
            )
        return out

    @staticmethod
    def _skeleton(template: Any, ctx: dict[str, Any]) -> list[str | int] | None:
        text = str(template.render(_marked(ctx)))
        if "\x00" in "".join(str(v) for v in _varying(ctx)):
            return None
        parts: list[str | int] = []
        for i, piece in enumerate(_MARK.split(text)):
            parts.append(int(piece) if i % 2 else piece)
        if "\x00" in "".join(p for p in parts if isinstance(p, str)):
            return None  # a marker went through a filter that changed it
        return parts

    @staticmethod
    def _fill(skeleton: list[str | int], ctx: dict[str, Any]) -> str:
        # as the template engine's conditional_escape: a value marked safe as it is, any other escaped
        values = [v.__html__() if hasattr(v, "__html__") else html.escape(str(v)) for v in _varying(ctx)]
        return "".join(p if isinstance(p, str) else values[p] for p in skeleton)
