"""Who issues and who supervises: department type → issuing body by level (configuration), and the supervisor
by reform mode (第一部分 三（三）: 谁审批、谁监管，谁主管、谁监管).

The annex names the approving department only by type (公安部门, 市场监督管理部门 …). Which body decides at each
level — the city bureau, the 市行政审批局, a district office — is not in the document, so it is configuration
an administrator enters (``IssuingBodyRule``, dated, with its source); until then a lookup refuses with a
clear message. Supervision follows the mode:

- 直接取消审批、审批改为备案 → 由原审批部门依法承担监管职责: the competent (original approving) department;
- 实行告知承诺、优化审批服务 → 由审批部门负责依法监管持证经营企业: the body that approves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ezhou_rules.core.citations import rule

from . import CITE_REFORM_LIST, CITE_SUPERVISION
from .catalogue import CatalogueItem, ReformMode
from .errors import LicensingError, NotConfigured, parse_day


class Level(StrEnum):
    CITY = "city"  # 市级
    DISTRICT = "district"  # 区级 (事权在区级的事项, 第一部分 三（一）)


LEVEL_LABELS = {Level.CITY: "市级", Level.DISTRICT: "区级"}


class BodyKind(StrEnum):
    CITY_BUREAU = "city_bureau"  # 市直主管部门
    APPROVAL_BUREAU = "approval_bureau"  # 市行政审批局
    DISTRICT_OFFICE = "district_office"  # 区（开发区）部门或政务服务机构


BODY_KIND_LABELS = {
    BodyKind.CITY_BUREAU: "市直主管部门",
    BodyKind.APPROVAL_BUREAU: "行政审批局",
    BodyKind.DISTRICT_OFFICE: "区级部门",
}


@dataclass(frozen=True)
class Body:
    code: str  # the platform's department code
    name: str  # 鄂州市市场监督管理局 …
    kind: BodyKind

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind.value,
            "kind_label": BODY_KIND_LABELS[self.kind],
        }


@dataclass(frozen=True)
class IssuingBodyRule:
    """From ``valid_from``, applications of this department type (or of one item) at this level (and, for a
    district, in this jurisdiction) are decided by ``issuing_body``; ``competent_department`` is the
    主管部门 (原审批部门) that supervises items whose approval was cancelled or turned into a filing."""

    department_type: str
    level: Level
    issuing_body: Body
    competent_department: Body
    valid_from: dt.date
    source: str
    jurisdiction: str | None = None  # district code; None: every jurisdiction of the level
    item: str | None = None  # an item code; None: every item of the department type

    def specificity(self) -> tuple[int, int]:
        return (self.item is not None, self.jurisdiction is not None)


def _body(data: Any, field: str, label: str) -> Body:
    if not isinstance(data, Mapping) or not data.get("code") or not data.get("name"):
        raise LicensingError("issuing_body_invalid", f"{label}：应有部门编码 code 和名称 name。", field=field)
    try:
        kind = BodyKind(str(data.get("kind")))
    except ValueError:
        allowed = "、".join(k.value for k in BodyKind)
        raise LicensingError(
            "issuing_body_invalid", f"{label}：部门层级类型应为 {allowed} 之一。", field=field
        ) from None
    return Body(str(data["code"]), str(data["name"]), kind)


def issuing_rule_from_dict(data: Mapping[str, Any]) -> IssuingBodyRule:
    """An issuing-body rule from configuration data (a database row, a YAML list)."""
    try:
        level = Level(str(data.get("level")))
    except ValueError:
        raise LicensingError("issuing_body_invalid", "层级：应为 city 或 district。", field="level") from None
    valid_from = parse_day(
        data.get("valid_from"), field="valid_from", label="生效日期", code="issuing_body_invalid"
    )
    if not str(data.get("department_type") or "").strip():
        raise LicensingError("issuing_body_invalid", "部门类型：不能为空。", field="department_type")
    if not str(data.get("source") or "").strip():
        raise LicensingError("issuing_body_invalid", "来源：配置须注明来源（文件或决定）。", field="source")
    if level is Level.CITY and data.get("jurisdiction"):
        raise LicensingError("issuing_body_invalid", "辖区：市级配置不按辖区区分。", field="jurisdiction")
    return IssuingBodyRule(
        department_type=str(data["department_type"]),
        level=level,
        issuing_body=_body(data.get("issuing_body"), "issuing_body", "审批部门"),
        competent_department=_body(data.get("competent_department"), "competent_department", "主管部门"),
        valid_from=valid_from,
        source=str(data["source"]),
        jurisdiction=data.get("jurisdiction") or None,
        item=data.get("item") or None,
    )


class IssuingBodyTable:
    def __init__(self, rules: Iterable[IssuingBodyRule] = ()) -> None:
        self._rules = list(rules)
        seen = set()
        for r in self._rules:
            key = (r.department_type, r.level, r.jurisdiction, r.item, r.valid_from)
            if key in seen:
                raise LicensingError(
                    "issuing_body_duplicate",
                    f"部门类型 {r.department_type}（{LEVEL_LABELS[r.level]}）在 {r.valid_from.isoformat()} 有两条配置。",
                    field="valid_from",
                )
            seen.add(key)

    @rule(cites=[CITE_REFORM_LIST], summary="按部门类型和层级确定审批部门（配置）")
    def lookup(
        self, item: CatalogueItem, level: Level, on: dt.date, jurisdiction: str | None = None
    ) -> IssuingBodyRule:
        """The most specific rule in force on ``on`` (item before type, jurisdiction before the whole level;
        among equals the latest ``valid_from``). ``NotConfigured`` (code ``issuing_body_not_configured``)."""
        if level is Level.DISTRICT and not jurisdiction:
            raise LicensingError("jurisdiction_missing", "辖区：区级事项须指明辖区。", field="jurisdiction")
        if item.department_type is None:
            raise NotConfigured(
                "department_type_unknown",
                f"{item.title}的审批部门“{item.department_label}”没有对应的部门类型（{item.citation}）。",
                field="item",
            )
        candidates = [
            r
            for r in self._rules
            if r.department_type == item.department_type
            and r.level is level
            and r.valid_from <= on
            and r.item in (None, item.code)
            and (level is Level.CITY or r.jurisdiction in (None, jurisdiction))
        ]
        if not candidates:
            where = LEVEL_LABELS[level] + (f"（{jurisdiction}）" if jurisdiction else "")
            raise NotConfigured(
                "issuing_body_not_configured",
                f"审批部门：{item.title}（审批部门类型“{item.department_label}”）在{where}由哪个部门审批尚未配置"
                f"（{on.isoformat()}）；请管理员录入。",
                field="issuing_body",
            )
        return max(candidates, key=lambda r: (r.specificity(), r.valid_from))


@dataclass(frozen=True)
class Supervisor:
    body: Body
    reason: str
    citation: str

    def to_dict(self) -> dict[str, Any]:
        return {"body": self.body.to_dict(), "reason": self.reason, "citation": self.citation}


@rule(
    cites=[CITE_SUPERVISION],
    summary="直接取消审批、审批改为备案的由原审批部门监管；实行告知承诺、优化审批服务的由审批部门监管",
)
def supervisor(
    item: CatalogueItem,
    mode: ReformMode,
    *,
    level: Level,
    on: dt.date,
    table: IssuingBodyTable,
    jurisdiction: str | None = None,
) -> Supervisor:
    """The body that supervises holders of the item under ``mode`` (谁审批、谁监管，谁主管、谁监管)."""
    if mode not in item.modes:
        modes = "、".join(m.label for m in ReformMode if m in item.modes)
        raise LicensingError(
            "mode_not_in_item",
            f"改革方式：{item.title}的改革方式为“{modes}”，不是“{mode.label}”（{item.citation}）。",
            field="mode",
        )
    r = table.lookup(item, level, on, jurisdiction)
    if mode in (ReformMode.CANCEL, ReformMode.RECORD):
        return Supervisor(
            r.competent_department,
            f"{mode.label}的，由原审批部门依法承担监管职责：{r.competent_department.name}。",
            CITE_SUPERVISION,
        )
    return Supervisor(
        r.issuing_body,
        f"{mode.label}的，由审批部门负责依法监管持证经营企业、查处无证经营行为（谁审批、谁监管）："
        f"{r.issuing_body.name}。",
        CITE_SUPERVISION,
    )
