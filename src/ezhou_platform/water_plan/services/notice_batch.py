"""A chunk's surcharge notices (第十四条) written as rows: each notice, its collection case with the first event,
and its numbered document, straight from the settlement's columns — no model instance, no template context per
notice, no second pass over the rows.

The ids are known before anything is written (the notices' and the documents' reserved, the documents'
numbers taken under the counter's lock), so each notice is inserted complete: its number, its document and
its amounts' MAC (C21, which covers the id). The rows go in parents first — the cases (which name their
notice by id, not by a foreign key), their first events, the documents (which point at the cases), the
notices (which point at the documents): with no foreign key waiting for its parent, SQLite's deferred check
has no outstanding violation, so it does not look for the children of every new document in each table that
refers to documents (inserting the notices first made the documents' insert three times slower).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from django.template.loader import get_template

from ezhou_platform.common import bulk
from ezhou_platform.common.audit import money
from ezhou_platform.procedures import documents, engine
from ezhou_rules.core.money import format_capital
from ezhou_rules.water_plan import settlement as settlement_rules

from .. import steps
from ..models import SurchargeNotice, WaterUnit
from .common import cite
from .notice_render import NoticeRenderer, notice_values, shape_of


@dataclass(frozen=True)
class Assessed:
    """The units of a chunk above their plans, as columns in plan order (``settlement.settle_chunk``)."""

    unit_ids: list[int]
    names: list[str]
    usccs: list[str]
    supplier: list[int]
    construction: list[int]
    actual: list[int]
    plan: list[int]
    excess: list[int]
    bands: list[list[int]]  # each band's amount, fen
    amounts: list[int]  # fen
    traces: list[list[dict[str, Any]]]  # the construction deduction's months (附件2 （三）)


class _Unit(NamedTuple):
    name: str
    uscc: str


class _Record(NamedTuple):
    """What the notice procedure reads from a record to open its case (``engine.open_cases``)."""

    pk: int
    state: str
    unit: _Unit
    year: int
    number: str


def write_notices(
    a: Assessed,
    *,
    year: int,
    bounds: tuple[Fraction, ...],
    multipliers: tuple[Fraction, ...],
    price: int,
    template: str,
    actor: Any,
    issued_on: dt.date,
) -> int:
    """Insert the notices of ``a`` with their cases and documents (in the caller's transaction)."""
    from .settlement import notice_context

    n = len(a.unit_ids)
    if not n:
        return 0
    ids = bulk.reserve_ids(SurchargeNotice, n)
    numbered = documents.number_many(steps.SURCHARGE_NOTICE, n, year=year)
    numbers = numbered.numbers
    head = {
        "bounds": [str(b) for b in bounds],
        "multipliers": [str(m) for m in multipliers],
        "price": price,
    }
    # The numbers are taken before anything is written, so the case is titled with the notice's own number
    # (the clerk's case list shows what the unit received).
    opened = engine.open_cases(
        SurchargeNotice,
        [
            _Record(pk, SurchargeNotice.State.ISSUED, _Unit(name, uscc), year, number)
            for pk, name, uscc, number in zip(ids, a.names, a.usccs, numbers, strict=True)
        ],
        actor=actor,
        on=issued_on,
        label="开具超计划用水加价收费通知单",
        cites=cite("第十四条"),
    )
    citation = cite("第十四条")
    titles = [f"{name}{year}年度超计划用水加价收费通知单" for name in a.names]
    recipients = [f"{name}（统一社会信用代码 {uscc}）" for name, uscc in zip(a.names, a.usccs, strict=True)]

    def context(i: int) -> dict[str, Any]:
        """Notice i's template context as the per-unit path makes it (the renderer's checks)."""
        notice = SurchargeNotice(
            pk=ids[i],
            unit=WaterUnit(pk=a.unit_ids[i], name=a.names[i], uscc=a.usccs[i]),
            year=year,
            number=numbers[i],
            version=1,
            actual_m3x100=a.actual[i],
            plan_m3x100=a.plan[i],
            excess_m3x100=a.excess[i],
            bands={
                **head,
                "amounts": a.bands[i],
                "supplier": a.supplier[i],
                "construction": a.construction[i],
            },
            amount_fen=a.amounts[i],
            trace=a.traces[i],
            issued_on=issued_on,
        )
        return numbered.context(
            i,
            title=titles[i],
            recipient=recipients[i],
            citation=citation,
            remedy=steps.NOTICE_REMEDY,
            on=issued_on,
            extra=notice_context(notice),
        )

    texts = settlement_rules.notice_texts(a.supplier, a.construction, a.plan, bounds, multipliers, price)
    cites = [html.escape(c) for c in texts.citations]
    renderer = NoticeRenderer(get_template(template), context)
    htmls = [
        renderer.render(
            i,
            shape_of(a.traces[i]),
            notice_values(
                numbers[i],
                titles[i],
                recipients[i],
                (
                    texts.actual[i],
                    texts.plan[i],
                    texts.excess[i],
                    texts.total[i],
                    format_capital(a.amounts[i]),
                ),
                texts.bands[i],
                a.traces[i],
                texts.steps[i],
                cites,
            ),
        )
        for i in range(n)
    ]
    documents.write_many(
        numbered,
        titles=titles,
        recipients=recipients,
        case_ids=list(opened.ids),
        htmls=htmls,
        on=issued_on,
        actor=actor,
        citation=citation,
        remedy=steps.NOTICE_REMEDY,
    )
    macs = money.macs_for(
        SurchargeNotice._meta.label_lower,
        ids,
        {
            "unit_id": a.unit_ids,
            "year": [year] * n,
            "version": [1] * n,
            "actual_m3x100": a.actual,
            "plan_m3x100": a.plan,
            "excess_m3x100": a.excess,
            "amount_fen": a.amounts,
        },
    )
    # JSON columns as the fields write them (JSONField: json.dumps with its default encoder); the bands' own
    # figures are integers, which json.dumps writes as str() does, after the tiers' part written once
    lead = json.dumps(head)[:-1] + ', "amounts": ['
    bands_json = [
        f'{lead}{", ".join(map(str, amounts))}], "supplier": {s}, "construction": {c}}}'
        for amounts, s, c in zip(a.bands, a.supplier, a.construction, strict=True)
    ]
    bulk.insert(
        SurchargeNotice,
        n,
        {
            "id": ids,
            "unit_id": a.unit_ids,
            "number": numbers,
            "actual_m3x100": a.actual,
            "plan_m3x100": a.plan,
            "excess_m3x100": a.excess,
            "bands": bands_json,
            "amount_fen": a.amounts,
            "trace": [json.dumps(t) if t else "[]" for t in a.traces],
            "document_id": numbered.ids,
            "money_mac": macs,
        },
        same={"year": year, "version": 1, "issued_on": issued_on},
    )
    return n
