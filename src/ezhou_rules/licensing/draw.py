"""双随机、一公开 (第一部分 三（三）): holders and inspectors drawn at random, stratified by credit-risk class,
special industries inspected in full — and every draw verifiable by anyone.

Procedure:
1. Before the draw the platform records ``commit_draw(...)``: the SHA-256 of the population snapshot, of the
   inspector snapshot, of the draw specification and of the seed (32 random bytes from ``new_seed``).
2. ``run_draw`` draws; the result is published with the seed.
3. ``verify_draw`` (the page, ``ezhou licensing draw --verify``) checks the seed against its recorded hash,
   the snapshots and the specification against theirs, re-runs the draw and compares the result's hash.

Canonical serialisation (``Population.snapshot``): the line ``ezhou-licensing-draw-population/1``, then one line
per holder sorted by holder id (code point order): ``id<TAB>risk class<TAB>1|0`` (1 = special industry), each
ending in LF, UTF-8. Inspectors likewise (``…-inspectors/1``, one id a line).

Randomness (documented so that anyone can re-implement it): the seed bytes, read as one big-endian integer, are
the entropy of numpy's ``SeedSequence``; it seeds a ``PCG64`` bit generator whose ``random_raw`` gives one
64-bit key per holder in canonical order, then one per inspector in canonical order. Both algorithms are fixed
by their specifications (numpy ≥ 1.17), not by numpy's distribution methods, so the keys do not depend on the
numpy version. In each risk class the non-special holders with the smallest keys are drawn (ties by canonical
position); how many is the class's count, or its ratio × the class size rounded half up. Drawn holders are
ordered special first (canonical order), then class by class (classes in code point order) by key; the
inspectors are ordered by key, and holder j (from 0) gets the team of inspectors at positions
j·t, j·t+1, …, j·t+t−1 (mod the number of inspectors), t being the team size.
"""

from __future__ import annotations

import hashlib
import json
import operator
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import round_half_up
from ezhou_rules.core.params import convert_value

from . import CITE_SUPERVISION
from .errors import LicensingError

POPULATION_HEADER = "ezhou-licensing-draw-population/1"
INSPECTORS_HEADER = "ezhou-licensing-draw-inspectors/1"
RESULT_HEADER = "ezhou-licensing-draw-result/1"
SEED_BYTES = 32


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_order(ids: npt.NDArray[np.str_], label: str, field: str) -> npt.NDArray[np.intp]:
    """The positions of ``ids`` in code point order, after checking that they can stand in a snapshot line:
    not empty, no tab or line break, no duplicate. (Python's sort compares by code point, as the snapshot does,
    and is several times faster than numpy's on text.)"""
    values = ids.tolist()
    joined = "".join(values)
    if any(c in joined for c in "\t\n\r"):
        raise LicensingError("draw_input_invalid", f"{label}：编号中不能含有制表符或换行符。", field=field)
    order = sorted(range(len(values)), key=values.__getitem__)
    ranked = [values[i] for i in order]
    if ranked and not ranked[0]:
        raise LicensingError("draw_input_invalid", f"{label}：编号不能为空。", field=field)
    if any(map(operator.eq, ranked, ranked[1:])):  # neighbours in sorted order (map: no Python-level loop)
        raise LicensingError("draw_input_invalid", f"{label}：编号有重复。", field=field)
    return np.asarray(order, dtype=np.intp)


@dataclass(frozen=True)
class Population:
    """The holders to draw from, as columns, kept in canonical order (sorted by id)."""

    holder_ids: npt.NDArray[np.str_]
    risk_class: npt.NDArray[np.str_]
    special: npt.NDArray[np.bool_]

    @classmethod
    def from_columns(cls, holder_ids: Any, risk_class: Any, special: Any) -> Population:
        ids = np.asarray(holder_ids, dtype=str)
        risk = np.asarray(risk_class, dtype=str)
        spec = np.asarray(special, dtype=bool)
        if not (ids.shape == risk.shape == spec.shape) or ids.ndim != 1:
            raise LicensingError(
                "columns_mismatch",
                "抽取对象：编号、信用风险分类、特殊行业三列的行数不一致。",
                field="population",
            )
        order = _canonical_order(ids, "抽取对象", "holder_ids")
        _canonical_order(np.unique(risk), "信用风险分类", "risk_class")
        return cls(ids[order], risk[order], spec[order])

    @cached_property
    def _snapshot(self) -> str:
        # "id<TAB>class<TAB>1|0" per holder, each line ending in LF (str.join over columns: no per-row format)
        flags = np.where(self.special, "1", "0").tolist()
        rows = map("\t".join, zip(self.holder_ids.tolist(), self.risk_class.tolist(), flags, strict=True))
        return "\n".join([POPULATION_HEADER, *rows]) + "\n"

    def snapshot(self) -> str:
        """The canonical text (built once per population)."""
        return self._snapshot

    @cached_property
    def sha256(self) -> str:
        return _sha(self._snapshot)

    def __len__(self) -> int:
        return int(self.holder_ids.size)


def _snapshot_rows(text: str, header: str, label: str, field: str) -> list[str]:
    lines = text.split("\n")
    if not lines or lines[0] != header or lines[-1] != "":
        raise LicensingError(
            "snapshot_invalid", f"{label}快照：应以“{header}”开头、以换行结束。", field=field
        )
    return lines[1:-1]


def _same_text(snapshot: str, text: str, label: str, field: str) -> None:
    if snapshot != text:
        raise LicensingError("snapshot_invalid", f"{label}快照：行未按编号排序，不是规范格式。", field=field)


def population_from_snapshot(text: str) -> Population:
    """Read a published population snapshot back (the exact text ``snapshot`` wrote)."""
    ids, risk, special = [], [], []
    for n, line in enumerate(_snapshot_rows(text, POPULATION_HEADER, "抽取对象", "population"), 2):
        parts = line.split("\t")
        if len(parts) != 3 or parts[2] not in ("0", "1"):
            raise LicensingError(
                "snapshot_invalid",
                f"抽取对象快照第{n}行：应为“编号<TAB>风险分类<TAB>0或1”。",
                field="population",
            )
        ids.append(parts[0])
        risk.append(parts[1])
        special.append(parts[2] == "1")
    pop = Population.from_columns(ids, risk, special)
    _same_text(pop.snapshot(), text, "抽取对象", "population")
    return pop


@dataclass(frozen=True)
class Inspectors:
    ids: npt.NDArray[np.str_]  # canonical order

    @classmethod
    def from_ids(cls, ids: Any) -> Inspectors:
        arr = np.asarray(ids, dtype=str)
        if arr.ndim != 1:
            raise LicensingError("draw_input_invalid", "检查人员：应为编号列表。", field="inspectors")
        return cls(arr[_canonical_order(arr, "检查人员", "inspectors")])

    def snapshot(self) -> str:
        return INSPECTORS_HEADER + "\n" + "".join(f"{i}\n" for i in self.ids.tolist())

    @property
    def sha256(self) -> str:
        return _sha(self.snapshot())


def inspectors_from_snapshot(text: str) -> Inspectors:
    ins = Inspectors.from_ids(_snapshot_rows(text, INSPECTORS_HEADER, "检查人员", "inspectors"))
    _same_text(ins.snapshot(), text, "检查人员", "inspectors")
    return ins


@dataclass(frozen=True)
class DrawSpec:
    """What to draw: per risk class a ratio (Fraction, e.g. 5%) or a count; the team size."""

    draw_id: str
    quotas: Mapping[str, Fraction | int]
    team_size: int
    special_in_full: bool = True

    def __post_init__(self) -> None:
        if not self.draw_id.strip():
            raise LicensingError("draw_spec_invalid", "抽查编号：不能为空。", field="draw_id")
        if isinstance(self.team_size, bool) or not isinstance(self.team_size, int) or self.team_size < 1:
            raise LicensingError(
                "draw_spec_invalid", "每组检查人员数：应为不小于1的整数。", field="team_size"
            )
        for cls_, q in self.quotas.items():
            if isinstance(q, bool) or isinstance(q, float) or not isinstance(q, int | Fraction):
                raise LicensingError(
                    "draw_spec_invalid",
                    f"抽查比例（{cls_}）：应为整数户数或精确比例（如 5%），不接受浮点数。",
                    field="quotas",
                )
            if q < 0 or (isinstance(q, Fraction) and q > 1):
                raise LicensingError(
                    "draw_spec_invalid", f"抽查比例（{cls_}）：应在0至100%之间。", field="quotas"
                )

    def canonical_json(self) -> str:
        quotas = {
            k: (f"{v.numerator}/{v.denominator}" if isinstance(v, Fraction) else int(v))
            for k, v in self.quotas.items()
        }
        return json.dumps(
            {
                "draw_id": self.draw_id,
                "quotas": quotas,
                "team_size": self.team_size,
                "special_in_full": self.special_in_full,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )

    @property
    def sha256(self) -> str:
        return _sha(self.canonical_json())


def spec_from_dict(data: Mapping[str, Any]) -> DrawSpec:
    """A draw specification from request or CLI data: quotas as counts (integers) or exact ratios written
    "5%", "1/20" or "0.05" (parsed as the kernel parses ratio parameters; a float is refused)."""
    quotas: dict[str, Fraction | int] = {}
    raw = data.get("quotas")
    if not isinstance(raw, Mapping) or not raw:
        raise LicensingError(
            "draw_spec_invalid", "抽查比例：应按信用风险分类给出比例或户数。", field="quotas"
        )
    for cls_, value in raw.items():
        if isinstance(value, int) and not isinstance(value, bool):
            quotas[str(cls_)] = value
            continue
        try:
            quotas[str(cls_)] = convert_value("ratio", value)
        except ValueError as exc:
            raise LicensingError("draw_spec_invalid", f"抽查比例（{cls_}）：{exc}", field="quotas") from None
    return DrawSpec(
        str(data.get("draw_id") or ""),
        quotas,
        data.get("team_size"),  # type: ignore[arg-type]
        bool(data.get("special_in_full", True)),
    )


@dataclass(frozen=True)
class DrawCommitment:
    """Recorded before the draw; the seed itself stays secret until the result is published."""

    draw_id: str
    population_sha256: str
    inspectors_sha256: str
    spec_sha256: str
    seed_sha256: str
    population_size: int
    inspector_count: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def new_seed() -> bytes:
    """32 bytes from the operating system's cryptographic generator."""
    return secrets.token_bytes(SEED_BYTES)


def _seed(seed: bytes) -> bytes:
    if not isinstance(seed, bytes) or len(seed) != SEED_BYTES:
        raise LicensingError(
            "seed_invalid", f"随机种子：应为{SEED_BYTES}字节（{SEED_BYTES * 2}位十六进制）。", field="seed"
        )
    return seed


def seed_from_hex(text: str) -> bytes:
    try:
        return _seed(bytes.fromhex(text.strip()))
    except ValueError:
        raise LicensingError("seed_invalid", "随机种子：不是十六进制文本。", field="seed") from None


def commit_draw(
    population: Population, inspectors: Inspectors, spec: DrawSpec, seed: bytes
) -> DrawCommitment:
    return DrawCommitment(
        spec.draw_id,
        population.sha256,
        inspectors.sha256,
        spec.sha256,
        hashlib.sha256(_seed(seed)).hexdigest(),
        len(population),
        int(inspectors.ids.size),
    )


@dataclass(frozen=True)
class DrawResult:
    draw_id: str
    holders: npt.NDArray[np.str_]  # drawn holder ids, in draw order
    risk_class: npt.NDArray[np.str_]
    special: npt.NDArray[np.bool_]  # drawn because of a special industry (全覆盖)
    teams: npt.NDArray[np.str_]  # shape (drawn, team size): inspector ids
    counts: Mapping[str, tuple[int, int]]  # risk class → (class size without special, drawn at random)

    def text(self) -> str:
        lines = [RESULT_HEADER, f"draw_id\t{self.draw_id}"]
        for n, (h, r, s, team) in enumerate(
            zip(
                self.holders.tolist(),
                self.risk_class.tolist(),
                self.special.tolist(),
                self.teams.tolist(),
                strict=True,
            ),
            1,
        ):
            lines.append(f"{n}\t{h}\t{r}\t{'special' if s else 'random'}\t{','.join(team)}")
        return "\n".join(lines) + "\n"

    @property
    def sha256(self) -> str:
        return _sha(self.text())

    def to_dict(self) -> dict[str, Any]:
        """The published result (一公开): each drawn holder with its class, why it was drawn and its team."""
        return {
            "draw_id": self.draw_id,
            "sha256": self.sha256,
            "counts": {k: {"size": size, "drawn": drawn} for k, (size, drawn) in self.counts.items()},
            "holders": [
                {"holder": h, "risk_class": r, "reason": "special" if s else "random", "inspectors": list(t)}
                for h, r, s, t in zip(
                    self.holders.tolist(),
                    self.risk_class.tolist(),
                    self.special.tolist(),
                    self.teams.tolist(),
                    strict=True,
                )
            ],
        }


@rule(
    cites=[CITE_SUPERVISION],
    summary="双随机、一公开：按信用风险分类分层随机抽取对象和检查人员，特殊行业全覆盖",
)
def run_draw(population: Population, inspectors: Inspectors, spec: DrawSpec, seed: bytes) -> DrawResult:
    seed = _seed(seed)
    n = len(population)
    bitgen = np.random.PCG64(np.random.SeedSequence(int.from_bytes(seed, "big")))
    keys = bitgen.random_raw(n)
    ikeys = bitgen.random_raw(int(inspectors.ids.size))
    special = population.special if spec.special_in_full else np.zeros(n, dtype=bool)
    classes = sorted(set(np.unique(population.risk_class[~special]).tolist()))
    missing = [c for c in classes if c not in spec.quotas]
    if missing:
        raise LicensingError(
            "quota_missing",
            f"抽查比例：信用风险分类“{'、'.join(missing)}”没有设定抽查比例或户数。",
            field="quotas",
        )
    chosen = [np.flatnonzero(special)]
    counts: dict[str, tuple[int, int]] = {}
    for c in classes:
        members = np.flatnonzero((population.risk_class == c) & ~special)
        q = spec.quotas[c]
        k = (
            int(round_half_up(members.size * q.numerator, q.denominator))
            if isinstance(q, Fraction)
            else int(q)
        )
        if k > members.size:
            raise LicensingError(
                "quota_too_large",
                f"抽查户数：信用风险分类“{c}”只有{members.size}户，不能抽取{k}户。",
                field="quotas",
            )
        order = np.lexsort((members, keys[members]))[:k]
        chosen.append(members[order])
        counts[c] = (int(members.size), k)
    drawn = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
    t, m = spec.team_size, int(inspectors.ids.size)
    if drawn.size and t > m:
        raise LicensingError(
            "inspectors_too_few", f"检查人员：只有{m}人，不足每组{t}人。", field="inspectors"
        )
    perm = np.lexsort((np.arange(m), ikeys))
    slots = (np.arange(drawn.size)[:, None] * t + np.arange(t)[None, :]) % max(m, 1)
    teams = inspectors.ids[perm][slots] if m else np.empty((drawn.size, t), dtype=str)
    return DrawResult(
        spec.draw_id,
        population.holder_ids[drawn],
        population.risk_class[drawn],
        special[drawn],
        teams,
        counts,
    )


@dataclass(frozen=True)
class Verification:
    ok: bool
    checks: tuple[tuple[str, bool, str], ...]  # (name, passed, Chinese message)
    result: DrawResult | None = None

    def explain(self) -> str:
        return "\n".join(f"{'✓' if ok else '✗'} {msg}" for _, ok, msg in self.checks)


@rule(cites=[CITE_SUPERVISION], summary="任何人可用公布的快照和种子重新抽取并核对结果")
def verify_draw(
    commitment: DrawCommitment,
    population: Population,
    inspectors: Inspectors,
    spec: DrawSpec,
    seed: bytes,
    published_sha256: str,
) -> Verification:
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, ok: bool, yes: str, no: str) -> None:
        checks.append((name, ok, yes if ok else no))

    seed = _seed(seed)
    check(
        "seed",
        hashlib.sha256(seed).hexdigest() == commitment.seed_sha256,
        "公布的随机种子与抽取前登记的种子哈希值一致。",
        "公布的随机种子与抽取前登记的种子哈希值不一致。",
    )
    check(
        "population",
        population.sha256 == commitment.population_sha256,
        "抽取对象快照与抽取前登记的哈希值一致。",
        "抽取对象快照与抽取前登记的哈希值不一致。",
    )
    check(
        "inspectors",
        inspectors.sha256 == commitment.inspectors_sha256,
        "检查人员快照与抽取前登记的哈希值一致。",
        "检查人员快照与抽取前登记的哈希值不一致。",
    )
    check(
        "spec",
        spec.sha256 == commitment.spec_sha256 and spec.draw_id == commitment.draw_id,
        "抽查方案与抽取前登记的一致。",
        "抽查方案与抽取前登记的不一致。",
    )
    try:
        result: DrawResult | None = run_draw(population, inspectors, spec, seed)
    except LicensingError as exc:
        result = None
        checks.append(("result", False, f"无法按公布的数据重新抽取：{exc.message}"))
    if result is not None:
        check(
            "result",
            result.sha256 == published_sha256.strip().lower(),
            f"重新抽取的结果与公布的结果一致（{result.sha256}）。",
            f"重新抽取的结果（{result.sha256}）与公布的结果不一致。",
        )
    return Verification(all(ok for _, ok, _ in checks), tuple(checks), result)
