"""一事项一方案 (第二部分 四（一）): per item, the conditions, the materials with their timing, the periods, the
supervision rule, the consequences and the published commitment template with its version.

The plan demands "可量化可操作、不含模糊表述或兜底条款的经营许可具体条件": ``check_scheme`` refuses a condition
that is not quantified (no measure, standard or proving document) or that uses a vague word (等, 其他, 相关 …) or
a catch-all clause; the word lists are dated parameters (parameters/licensing.yaml, template_check.*). It also
checks that the template carries the five confirmations of 二（二）2 and that supervision and consequences are
stated. A scheme is data the item's department enters (``scheme_from_dict``); none is shipped, because the
document states no item's conditions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ezhou_rules.core.citations import rule

from . import CITE_APPLY, CITE_COMMIT, CITE_NOTIFY, CITE_ONE_SCHEME, parameters
from .errors import LicensingError, parse_day
from .periods import PeriodRule, period_rule_from_dict


class Timing(StrEnum):
    AT_SUBMISSION = "at_submission"  # 在递交告知承诺书时一并提交
    AFTER_DECISION = "after_decision"  # 在许可决定作出后约定期限内提交


TIMING_LABELS = {
    Timing.AT_SUBMISSION: "递交告知承诺书时一并提交",
    Timing.AFTER_DECISION: "许可决定作出后按约定期限提交",
}
OPERATORS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "=": "为"}
SUBMISSION_METHODS = ("当面递交", "在线提交", "邮寄")


@dataclass(frozen=True)
class Measure:
    quantity: str  # 经营场所使用面积
    operator: str  # >=, >, <=, <, =
    value: Decimal
    unit: str  # 平方米

    def describe(self) -> str:
        return f"{self.quantity}{OPERATORS[self.operator]}{self.value}{self.unit}"


@dataclass(frozen=True)
class Condition:
    code: str
    text: str
    measure: Measure | None = None
    standard: str | None = None  # a named standard and clause: GB 31654-2021 第5.1条
    evidence: str | None = None  # the document that proves it: 有效的营业执照

    def describe(self) -> str:
        extra = [
            x
            for x in (
                self.measure.describe() if self.measure else None,
                self.standard and f"标准：{self.standard}",
                self.evidence and f"证明：{self.evidence}",
            )
            if x
        ]
        return self.text + (f"（{'；'.join(extra)}）" if extra else "")


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    timing: Timing
    methods: tuple[str, ...]  # 提交方式

    def describe(self) -> str:
        return f"{self.name}（{TIMING_LABELS[self.timing]}；提交方式：{'、'.join(self.methods)}）"


@dataclass(frozen=True)
class LegalBasis:
    title: str  # 《中华人民共和国食品安全法》
    articles: str  # 第三十五条


@dataclass(frozen=True)
class Supervision:
    rules: str  # 监管规则
    methods: tuple[str, ...]  # 数据共享、现场检查、重点抽查
    special_industry: bool = False  # 直接涉及公共安全和生命健康: 全覆盖重点监管 (第一部分 三（三）)


@dataclass(frozen=True)
class Consequences:
    no_commitment: str  # 逾期不作出承诺
    untrue: str  # 作出不实承诺
    breach: str  # 违反承诺


@dataclass(frozen=True)
class Template:
    version: str
    valid_from: dt.date
    text: str  # the published 告知承诺书格式文本

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Scheme:
    item: str
    version: str
    valid_from: dt.date
    legal_basis: tuple[LegalBasis, ...]
    conditions: tuple[Condition, ...]
    materials: tuple[Material, ...]
    supervision: Supervision
    consequences: Consequences
    template: Template
    differences: Mapping[str, str]  # 适用范围/条件/办理时限/监管措施 → how the two routes differ
    legal_effect: str  # 承诺的法律效力
    other: tuple[str, ...] = ()  # 行政机关应当告知的其他内容
    periods: tuple[PeriodRule, ...] = ()

    def material(self, code: str) -> Material:
        for m in self.materials:
            if m.code == code:
                return m
        raise LicensingError("unknown_material", f"材料：方案中没有编码为“{code}”的材料。", field="material")

    def materials_at(self, timing: Timing) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if m.timing is timing)


@dataclass(frozen=True)
class SchemeProblem:
    code: str
    where: str  # 条件 premises_area, 材料 layout_plan, 格式文本 …
    message: str
    citation: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "where": self.where, "message": self.message, "citation": self.citation}


# -- the template check ------------------------------------------------------------------------------------


def vague_findings(text: str, on: dt.date) -> list[str]:
    """The vague words and catch-all clauses in ``text`` under the lists in force on ``on``."""
    tree = parameters()
    masked = text
    for word in tree.get("template_check.allowed_compounds", on):
        masked = masked.replace(word, "□" * len(word))
    found = [f"模糊用语“{t}”" for t in tree.get("template_check.vague_terms", on) if t in masked]
    for pattern in tree.get("template_check.catch_all_patterns", on):
        m = re.search(pattern, text)
        if m:
            found.append(f"兜底表述“{m.group(0)}”")
    return found


@rule(
    cites=[CITE_ONE_SCHEME, CITE_NOTIFY, CITE_COMMIT],
    summary="一事项一方案：条件须可量化可操作，不含模糊表述或兜底条款",
)
def check_scheme(scheme: Scheme, on: dt.date | None = None) -> list[SchemeProblem]:
    """Every problem of the scheme (empty when it may be published). ``on`` picks the word lists; it defaults
    to the scheme's ``valid_from``."""
    day = on or scheme.valid_from
    out: list[SchemeProblem] = []

    def add(code: str, where: str, message: str, citation: str = CITE_ONE_SCHEME) -> None:
        out.append(SchemeProblem(code, where, message, citation))

    if not scheme.conditions:
        add("conditions_missing", "条件", "方案没有列明经营许可的具体条件。")
    for c in scheme.conditions:
        where = f"条件 {c.code}"
        for finding in vague_findings(c.text + (c.measure.quantity if c.measure else ""), day):
            add("condition_vague", where, f"“{c.text}”含有{finding}，条件应具体明确。")
        if c.measure is None and not c.standard and not c.evidence:
            add(
                "condition_not_quantified",
                where,
                f"“{c.text}”没有量化指标、具体标准条款或证明文件，不可量化、不可操作。",
            )
    if not scheme.materials:
        add("materials_missing", "材料", "方案没有列明申请材料。", CITE_NOTIFY)
    for m in scheme.materials:
        for finding in vague_findings(m.name, day):
            add(
                "material_vague",
                f"材料 {m.code}",
                f"材料名称“{m.name}”含有{finding}，应写明材料的具体名称。",
                CITE_NOTIFY,
            )
    if not scheme.legal_basis:
        add("basis_missing", "依据", "方案没有列明所依据的法律、法规、规章的名称和条款。", CITE_NOTIFY)
    if not scheme.supervision.rules.strip():
        add("supervision_missing", "监管规则", "方案没有明确监管规则。")
    for name, text in (
        ("逾期不作出承诺", scheme.consequences.no_commitment),
        ("作出不实承诺", scheme.consequences.untrue),
        ("违反承诺", scheme.consequences.breach),
    ):
        if not text.strip():
            add("consequence_missing", "后果", f"方案没有明确{name}的后果。")
    for topic in parameters().get("notification.route_differences", day):
        if not str(scheme.differences.get(topic, "")).strip():
            add(
                "difference_missing",
                "区别",
                f"方案没有说明告知承诺制与一般程序在“{topic}”上的区别。",
                CITE_NOTIFY,
            )
    if not scheme.legal_effect.strip():
        add("legal_effect_missing", "法律效力", "方案没有说明承诺的法律效力。", CITE_NOTIFY)
    for n, text in enumerate(parameters().get("commitment.confirmations", day), 1):
        if text not in scheme.template.text:
            add(
                "template_confirmation_missing",
                "格式文本",
                f"告知承诺书格式文本（版本 {scheme.template.version}）缺少第{n}项确认和承诺：“{text}”。",
                CITE_COMMIT,
            )
    if scheme.template.valid_from > scheme.valid_from:
        add("template_later", "格式文本", "格式文本的启用日期晚于方案的生效日期。")
    return out


def validate_scheme(scheme: Scheme, on: dt.date | None = None) -> Scheme:
    """The scheme if it passes ``check_scheme``; else LicensingError ``scheme_rejected`` listing every problem."""
    problems = check_scheme(scheme, on)
    if problems:
        raise LicensingError(
            "scheme_rejected",
            f"事项 {scheme.item} 的方案（版本 {scheme.version}）未通过检查（{CITE_ONE_SCHEME}）：\n"
            + "\n".join(f"- {p.where}：{p.message}" for p in problems),
            field="scheme",
        )
    return scheme


# -- from configuration data ---------------------------------------------------------------------------------


def _date(value: Any, field: str, label: str) -> dt.date:
    return parse_day(value, field=field, label=label, code="scheme_invalid")


def _text(data: Mapping[str, Any], key: str, label: str, where: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LicensingError("scheme_invalid", f"{where}{label}：不能为空。", field=key)
    return value.strip()


def _unique(codes: Iterable[str], label: str) -> None:
    seen: set[str] = set()
    for c in codes:
        if c in seen:
            raise LicensingError("scheme_invalid", f"{label}编码“{c}”重复。", field="code")
        seen.add(c)


def _measure(data: Any, where: str) -> Measure | None:
    if data is None:
        return None
    if not isinstance(data, Mapping) or data.get("operator") not in OPERATORS:
        raise LicensingError(
            "scheme_invalid", f"{where}量化指标：运算符应为 {' '.join(OPERATORS)} 之一。", field="measure"
        )
    if isinstance(data.get("value"), float):
        raise LicensingError(
            "scheme_invalid", f'{where}量化指标：数值请写成字符串（如 "20"），不接受浮点数。', field="measure"
        )
    try:
        value = Decimal(str(data.get("value")))
    except InvalidOperation:
        raise LicensingError(
            "scheme_invalid", f"{where}量化指标：“{data.get('value')}”不是数值。", field="measure"
        ) from None
    return Measure(
        _text(data, "quantity", "指标名称", where),
        str(data["operator"]),
        value,
        _text(data, "unit", "单位", where),
    )


@rule(
    cites=[CITE_ONE_SCHEME, CITE_APPLY],
    summary="读取一事项一方案（条件、材料及提交时点、期限、监管、后果、格式文本）",
)
def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    """A scheme from configuration data (YAML or a database export). Shape errors raise ``scheme_invalid``;
    the content check is ``check_scheme``/``validate_scheme``."""
    item = _text(data, "item", "事项")
    conditions = []
    for c in data.get("conditions") or ():
        where = f"条件 {c.get('code', '')}："
        conditions.append(
            Condition(
                _text(c, "code", "编码", where),
                _text(c, "text", "内容", where),
                _measure(c.get("measure"), where),
                c.get("standard") or None,
                c.get("evidence") or None,
            )
        )
    materials = []
    for m in data.get("materials") or ():
        where = f"材料 {m.get('code', '')}："
        try:
            timing = Timing(str(m.get("timing")))
        except ValueError:
            raise LicensingError(
                "scheme_invalid", f"{where}提交时点：应为 at_submission 或 after_decision。", field="timing"
            ) from None
        methods = tuple(m.get("methods") or ())
        if not methods or any(x not in SUBMISSION_METHODS for x in methods):
            raise LicensingError(
                "scheme_invalid",
                f"{where}提交方式：应为 {'、'.join(SUBMISSION_METHODS)} 中的一种或几种。",
                field="methods",
            )
        materials.append(
            Material(_text(m, "code", "编码", where), _text(m, "name", "名称", where), timing, methods)
        )
    _unique((c.code for c in conditions), "条件")
    _unique((m.code for m in materials), "材料")
    sup = data.get("supervision") or {}
    cons = data.get("consequences") or {}
    tpl = data.get("template") or {}
    scheme = Scheme(
        item=item,
        version=_text(data, "version", "方案版本"),
        valid_from=_date(data.get("valid_from"), "valid_from", "方案生效日期"),
        legal_basis=tuple(
            LegalBasis(_text(b, "title", "法规名称"), _text(b, "articles", "条款"))
            for b in data.get("legal_basis") or ()
        ),
        conditions=tuple(conditions),
        materials=tuple(materials),
        supervision=Supervision(
            str(sup.get("rules") or ""),
            tuple(sup.get("methods") or ()),
            bool(sup.get("special_industry", False)),
        ),
        consequences=Consequences(
            str(cons.get("no_commitment") or ""), str(cons.get("untrue") or ""), str(cons.get("breach") or "")
        ),
        template=Template(
            _text(tpl, "version", "格式文本版本"),
            _date(tpl.get("valid_from"), "template", "格式文本启用日期"),
            _text(tpl, "text", "格式文本"),
        ),
        differences={str(k): str(v) for k, v in (data.get("differences") or {}).items()},
        legal_effect=str(data.get("legal_effect") or ""),
        other=tuple(str(x) for x in data.get("other") or ()),
        periods=tuple(period_rule_from_dict(p, item) for p in data.get("periods") or ()),
    )
    for p in scheme.periods:
        if p.material is not None:
            scheme.material(p.material)
    return scheme


class SchemeBook:
    """The published schemes of all items, by version; ``scheme_on`` picks the one in force on a date."""

    def __init__(self, schemes: Sequence[Scheme] = ()) -> None:
        self._by_item: dict[str, list[Scheme]] = {}
        for s in schemes:
            same = self._by_item.setdefault(s.item, [])
            if any(x.valid_from == s.valid_from or x.version == s.version for x in same):
                raise LicensingError(
                    "scheme_duplicate",
                    f"事项 {s.item} 的方案版本或生效日期重复（{s.version}）。",
                    field="version",
                )
            same.append(s)
            same.sort(key=lambda x: x.valid_from)

    def scheme_on(self, item: str, on: dt.date) -> Scheme:
        found = None
        for s in self._by_item.get(item, ()):
            if s.valid_from <= on:
                found = s
        if found is None:
            raise LicensingError(
                "scheme_not_published",
                f"事项 {item} 在 {on.isoformat()} 没有已发布的一事项一方案，不能按告知承诺制受理（{CITE_ONE_SCHEME}）。",
                field="item",
            )
        return found

    def periods(self) -> list[PeriodRule]:
        return [p for ss in self._by_item.values() for s in ss for p in s.periods]
