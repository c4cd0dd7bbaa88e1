"""双随机、一公开 (第一部分 三（三）): plan a draw (snapshots and hashes recorded, the seed's hash committed),
run it (the seed and the result published), verify it, enter and publish the inspection results.

The population is the department's licence holders on the day of the draw: one line per enterprise (USCC)
holding a licence it issued that is not revoked, with its credit-risk class on that day (未分类 when none is
recorded) and whether any of its items is a special industry under the item's scheme (全覆盖重点监管).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import weakref
from typing import Any

from django.db import connections, transaction
from django.db.models import Q, QuerySet

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Department
from ezhou_platform.procedures import engine
from ezhou_rules.licensing import CITE_SUPERVISION
from ezhou_rules.licensing.draw import (
    DrawCommitment,
    DrawResult,
    Inspectors,
    Population,
    Verification,
    commit_draw,
    inspectors_from_snapshot,
    new_seed,
    population_from_snapshot,
    run_draw,
    seed_from_hex,
    spec_from_dict,
    verify_draw,
)
from ezhou_rules.licensing.errors import LicensingError

from ..models import Draw, DrawSelection, Inspector, Licence, RiskClassification, Scheme

UNCLASSIFIED = "未分类"
PACKAGE_FORMAT = "ezhou-licensing-draw-package/1"


def special_items(on: dt.date) -> set[str]:
    """Items whose scheme in force on ``on`` marks a special industry (全覆盖重点监管)."""
    out: dict[str, tuple[dt.date, bool]] = {}
    for s in Scheme.objects.filter(valid_from__lte=on).values("item_code", "valid_from", "data"):
        flag = bool((s["data"].get("supervision") or {}).get("special_industry", False))
        prev = out.get(s["item_code"])
        if prev is None or s["valid_from"] >= prev[0]:
            out[s["item_code"]] = (s["valid_from"], flag)
    return {code for code, (_, flag) in out.items() if flag}


def _rows(qs: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query in one fetch: the ORM writes the query, the cursor returns plain
    tuples (no model instances, no per-row iteration through the ORM — 200,000 licences in a draw)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def risk_classes(on: dt.date) -> dict[str, str]:
    """Each enterprise's credit-risk class in force on ``on`` (the latest dated row; a correction wins)."""
    rows = (
        RiskClassification.objects.filter(valid_from__lte=on)
        .order_by("valid_from", "entered_at", "id")
        .values_list("uscc", "risk_class")
    )
    return dict(_rows(rows))  # in that order: the latest row of each enterprise is the one kept


def population(department: Department, on: dt.date) -> Population:
    """The holders to draw from on ``on``: one query for the licences, one for the risk classes (200,000
    holders are read as plain rows, never as model instances)."""
    live = Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    rows = _rows(
        Licence.objects.filter(live, department=department, issued_on__lte=on)
        .order_by("holder_uscc")  # sorted by the database: the canonical sort then runs over sorted ids
        .values_list("holder_uscc", "item_code")
    )
    special = special_items(on)
    classes = risk_classes(on)
    ids = list(dict.fromkeys(uscc for uscc, _ in rows))  # one per holder, in that order
    flagged = {uscc for uscc, item in rows if item in special}
    return Population.from_columns(
        ids,
        list(map(classes.get, ids, itertools.repeat(UNCLASSIFIED))),  # 未分类 when none is recorded
        list(map(flagged.__contains__, ids)),
    )


# The population a draw was planned from, kept with the Draw instance ``plan`` returned so that ``run`` on that
# instance need not parse the 200,000-line snapshot again. It is used only when its canonical text is exactly
# the instance's stored snapshot (the record): parsing that text would give this population back.
_KEPT: weakref.WeakKeyDictionary[Draw, Population] = weakref.WeakKeyDictionary()


def _population_of(draw: Draw) -> Population:
    kept = _KEPT.get(draw)
    if kept is not None and kept.snapshot() == draw.population_snapshot:
        return kept
    return population_from_snapshot(draw.population_snapshot)


def inspectors(department: Department) -> Inspectors:
    codes = list(Inspector.objects.filter(department=department, active=True).values_list("code", flat=True))
    if not codes:
        raise LicensingError(
            "inspectors_missing", "检查人员：本部门没有在岗的执法检查人员，请先录入名录。", field="inspectors"
        )
    return Inspectors.from_ids(codes)


def _draw_id(department: Department, on: dt.date) -> str:
    n = Draw.objects.filter(department=department, planned_on__year=on.year).count() + 1
    return f"SSJ-{department.code}-{on.year}-{n:03d}"


@transaction.atomic
def plan(
    *,
    department: Department,
    title: str,
    quotas: dict[str, Any],
    team_size: int,
    actor: Any,
    on: dt.date,
    pop: Population | None = None,
) -> Draw:
    """Record the draw before it runs: snapshots, specification, their hashes and the seed's hash."""
    if not title.strip():
        raise LicensingError("title_missing", "抽查名称：不能为空。", field="title")
    if pop is None:
        pop = population(department, on)
    if len(pop) == 0:
        raise LicensingError("population_empty", "抽取对象：本部门在该日没有持证企业。", field="population")
    ins = inspectors(department)
    spec = spec_from_dict({"draw_id": _draw_id(department, on), "quotas": quotas, "team_size": team_size})
    seed = new_seed()
    run_draw(
        pop, ins, spec, seed
    )  # a quota missing or too large, too few inspectors: refused before recording
    c = commit_draw(pop, ins, spec, seed)
    draw = Draw.objects.create(
        draw_id=spec.draw_id,
        title=title.strip()[:100],
        department=department,
        planned_on=on,
        population_on=on,
        spec=json.loads(spec.canonical_json()),
        spec_json=spec.canonical_json(),
        spec_sha256=c.spec_sha256,
        population_snapshot=pop.snapshot(),
        population_sha256=c.population_sha256,
        population_size=c.population_size,
        inspectors_snapshot=ins.snapshot(),
        inspectors_sha256=c.inspectors_sha256,
        inspector_count=c.inspector_count,
        seed_sha256=c.seed_sha256,
        seed_hex=seed.hex(),
    )
    _KEPT[draw] = pop
    engine.start(draw, actor=actor, on=on, label="登记抽查方案并承诺随机种子", cites=CITE_SUPERVISION)
    record(
        "licensing.draw.plan",
        actor=actor,
        obj=draw,
        after=c.to_dict(),
        label="登记双随机抽查",
        citation=CITE_SUPERVISION,
    )
    return draw


def commitment_of(draw: Draw) -> DrawCommitment:
    return DrawCommitment(
        draw.draw_id,
        draw.population_sha256,
        draw.inspectors_sha256,
        draw.spec_sha256,
        draw.seed_sha256,
        draw.population_size,
        draw.inspector_count,
    )


@transaction.atomic
def run(
    draw: Draw, *, actor: Any, on: dt.date, pop: Population | None = None, names: dict[str, str] | None = None
) -> DrawResult:
    """Draw from the committed snapshots with the committed seed; publish seed and result; store selections."""
    pop = pop or _population_of(draw)
    ins = inspectors_from_snapshot(draw.inspectors_snapshot)
    spec = spec_from_dict(json.loads(draw.spec_json))
    result = run_draw(pop, ins, spec, seed_from_hex(draw.seed_hex))
    engine.take(
        draw,
        "run",
        actor=actor,
        on=on,
        data={
            "result_sha256": result.sha256,
            "result_text": result.text(),
            "counts": {k: {"size": s, "drawn": d} for k, (s, d) in result.counts.items()},
        },
    )
    if names is None:
        names = {}
        drawn = result.holders.tolist()
        for first in range(0, len(drawn), 500):
            names.update(
                _rows(
                    Licence.objects.filter(holder_uscc__in=drawn[first : first + 500])
                    .order_by("id")  # a holder's latest licence gives its name
                    .values_list("holder_uscc", "holder_name")
                )
            )
    _store_selections(draw, result, names)
    return result


# Every column of a DrawSelection, in the order _store_selections writes them (a test checks it against the
# model, so that a field added to the model is not left out of the insert).
SELECTION_COLUMNS = (
    "draw",
    "position",
    "holder_uscc",
    "holder_name",
    "risk_class",
    "special",
    "inspectors",
    "result",
    "result_note",
    "inspected_on",
)


def _store_selections(draw: Draw, result: DrawResult, names: dict[str, str]) -> None:
    """The drawn holders as DrawSelection rows, in one prepared statement run over all of them (a draw stores
    some 11,000: model instances and the ORM's per-value preparation would take most of the run)."""
    connection = connections[DrawSelection.objects.db]
    field = DrawSelection._meta.get_field("inspectors")
    teams: dict[tuple[str, ...], Any] = {}  # teams repeat (at most one per inspector): each written once

    def team(ids: list[str]) -> Any:
        key = tuple(ids)
        if key not in teams:
            teams[key] = field.get_db_prep_save(ids, connection)
        return teams[key]

    rows = [
        (draw.pk, n, h, names.get(h, ""), r, bool(s), team(t), DrawSelection.Result.PENDING.value, "", None)
        for n, (h, r, s, t) in enumerate(
            zip(
                result.holders.tolist(),
                result.risk_class.tolist(),
                result.special.tolist(),
                result.teams.tolist(),
                strict=True,
            ),
            1,
        )
    ]
    quote = connection.ops.quote_name
    column = {f.name: str(f.column) for f in DrawSelection._meta.concrete_fields}
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model's own metadata)  # nosec B608
        quote(DrawSelection._meta.db_table),
        ", ".join(quote(column[c]) for c in SELECTION_COLUMNS),
        ", ".join(["%s"] * len(SELECTION_COLUMNS)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def verify(draw: Draw) -> Verification:
    """Re-run a published draw from what was published and compare (anyone may)."""
    if not draw.published:
        raise LicensingError(
            "draw_not_published", "该抽查尚未抽取，随机种子尚未公布，无法核验。", field="draw"
        )
    return verify_draw(
        commitment_of(draw),
        population_from_snapshot(draw.population_snapshot),
        inspectors_from_snapshot(draw.inspectors_snapshot),
        spec_from_dict(json.loads(draw.spec_json)),
        seed_from_hex(draw.seed_hex),
        draw.result_sha256,
    )


def package(draw: Draw) -> dict[str, Any]:
    """Everything published about a draw, for offline verification (`ezhou licensing draw --verify-file`)."""
    if not draw.published:
        raise LicensingError("draw_not_published", "该抽查尚未抽取，不能下载核验包。", field="draw")
    return {
        "format": PACKAGE_FORMAT,
        "commitment": commitment_of(draw).to_dict(),
        "spec": json.loads(draw.spec_json),
        "seed": draw.seed_hex,
        "result_sha256": draw.result_sha256,
        "population": draw.population_snapshot,
        "inspectors": draw.inspectors_snapshot,
    }


def verify_package(data: dict[str, Any]) -> Verification:
    if data.get("format") != PACKAGE_FORMAT:
        raise LicensingError("package_invalid", f"核验包：格式应为 {PACKAGE_FORMAT}。", field="format")
    try:
        commitment = DrawCommitment(**data["commitment"])
        return verify_draw(
            commitment,
            population_from_snapshot(data["population"]),
            inspectors_from_snapshot(data["inspectors"]),
            spec_from_dict(data["spec"]),
            seed_from_hex(data["seed"]),
            str(data["result_sha256"]),
        )
    except (KeyError, TypeError) as exc:
        raise LicensingError("package_invalid", f"核验包：缺少或无法读取“{exc}”。", field="package") from None


@transaction.atomic
def record_result(
    selection: DrawSelection, *, actor: Any, result: str, note: str, on: dt.date
) -> DrawSelection:
    if selection.draw.status != Draw.Status.PUBLISHED:
        raise LicensingError("draw_not_open", "只能在抽取公布后、结果公布前录入检查结果。", field="result")
    if result not in {c for c, _ in DrawSelection.Result.choices if c}:
        raise LicensingError("result_invalid", "检查结果：请选择一项。", field="result")
    if result == DrawSelection.Result.FOUND and not note.strip():
        raise LicensingError("note_missing", "检查情况：发现问题的，应写明问题和处理。", field="note")
    before = {"result": selection.result, "note": selection.result_note}
    selection.result, selection.result_note, selection.inspected_on = result, note.strip()[:300], on
    selection.save(update_fields=["result", "result_note", "inspected_on"])
    record(
        "licensing.draw.result",
        actor=actor,
        obj=selection,
        before=before,
        after={"result": result, "note": selection.result_note},
        label="录入抽查结果",
        citation=CITE_SUPERVISION,
    )
    return selection


def complete(draw: Draw, *, actor: Any, on: dt.date) -> None:
    engine.take(draw, "complete", actor=actor, on=on)


def quotas_from_text(text: str) -> dict[str, Any]:
    """ "A=3%, B=5%, C=10, 未分类=5%" → {"A": "3%", …, "C": 10}: ratios as text (exact), counts as integers."""
    out: dict[str, Any] = {}
    for part in text.replace("，", ",").replace("；", ",").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise LicensingError(
                "draw_spec_invalid", f"抽查比例：“{part.strip()}”应写成“分类=比例”，如 A=3%。", field="quotas"
            )
        key, value = (x.strip() for x in part.split("=", 1))
        out[key] = int(value) if value.isdigit() else value
    if not out:
        raise LicensingError(
            "draw_spec_invalid", "抽查比例：应按信用风险分类给出比例或户数。", field="quotas"
        )
    return out
