"""Entering the configuration the gazette leaves open: each row is checked by the rules layer together with the
rows already entered (a duplicate or inconsistent table is refused), stored, and audited. Rows are never
edited; a correction is a new row for the same date (the newest wins)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Department, Jurisdiction
from ezhou_rules.licensing import CITE_ONE_SCHEME
from ezhou_rules.licensing.credit import policy_from_dict
from ezhou_rules.licensing.departments import issuing_rule_from_dict
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.periods import PeriodTable, period_rule_from_dict
from ezhou_rules.licensing.scheme import scheme_from_dict, validate_scheme
from ezhou_rules.licensing.verification import ITEM_LEVELS

from ..models import (
    CreditPolicySetting,
    InconsistencyDecisionSetting,
    Inspector,
    IssuingBodySetting,
    ItemRiskSetting,
    ItemWithdrawal,
    PartialScopeSetting,
    PeriodSetting,
    RiskClassification,
    Scheme,
)
from . import credit, rules


def _source(source: str) -> str:
    if not (source or "").strip():
        raise LicensingError(
            "source_missing", "依据：配置须注明依据（文件文号、方案版本或决定）。", field="source"
        )
    return source.strip()[:300]


def _item(code: str) -> str:
    return rules.catalogue().item(code).code  # unknown_item names the field


def _audit(obj: Any, actor: Any, after: dict[str, Any], label: str, citation: str | None = None) -> None:
    record("licensing.config.add", actor=actor, obj=obj, after=after, label=label, citation=citation)


@transaction.atomic
def add_period(
    *,
    item: str,
    kind: str,
    length: int,
    unit: str,
    counts_from: str,
    valid_from: dt.date,
    source: str,
    actor: Any,
    material: str = "",
) -> PeriodSetting:
    code = _item(item)
    rule = period_rule_from_dict(
        {
            "item": code,
            "kind": kind,
            "length": length,
            "unit": unit,
            "counts_from": counts_from,
            "valid_from": valid_from,
            "source": _source(source),
            "material": material or None,
        }
    )
    if material:
        known = {m.code for s in rules.scheme_rows(code) for m in rules.rules_scheme(s).materials}
        if material not in known:
            raise LicensingError(
                "unknown_material", f"材料编码：事项 {code} 的方案中没有“{material}”。", field="material"
            )
    existing = [
        r
        for r in rules.period_rules()
        if (r.item, r.kind, r.material, r.valid_from) != (code, rule.kind, rule.material, rule.valid_from)
    ]
    PeriodTable([*existing, rule])  # refuses an event the kind may not count from
    row = PeriodSetting.objects.create(
        item_code=code,
        kind=rule.kind.value,
        material=material,
        length=length,
        unit=rule.unit.value,
        counts_from=rule.counts_from.value,
        valid_from=valid_from,
        source=rule.source,
        entered_by=_user(actor),
    )
    _audit(row, actor, rule.to_dict(), "录入期限配置", rule.kind.citation)
    return row


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def add_issuing_body(
    *,
    department_type: str,
    level: str,
    issuing: str,
    competent: str,
    valid_from: dt.date,
    source: str,
    actor: Any,
    jurisdiction: str = "",
    item: str = "",
) -> IssuingBodySetting:
    depts = {d.code: d for d in Department.objects.filter(code__in=[issuing, competent])}
    for code, label, field in ((issuing, "审批部门", "issuing"), (competent, "主管部门", "competent")):
        if code not in depts:
            raise LicensingError("department_unknown", f"{label}：“{code}”不是平台的部门。", field=field)
    where = Jurisdiction.objects.filter(code=jurisdiction).first() if jurisdiction else None
    if jurisdiction and where is None:
        raise LicensingError("jurisdiction_unknown", f"辖区：“{jurisdiction}”不存在。", field="jurisdiction")
    issuing_rule_from_dict(
        {
            "department_type": department_type,
            "level": level,
            "valid_from": valid_from,
            "source": _source(source),
            "jurisdiction": jurisdiction or None,
            "item": _item(item) if item else None,
            "issuing_body": {"code": issuing, "name": depts[issuing].name, "kind": "city_bureau"},
            "competent_department": {"code": competent, "name": depts[competent].name, "kind": "city_bureau"},
        }
    )
    if department_type not in {i.department_type for i in rules.catalogue().items if i.department_type}:
        raise LicensingError(
            "department_type_unknown",
            f"审批部门类型：清单中没有“{department_type}”。",
            field="department_type",
        )
    row = IssuingBodySetting.objects.create(
        department_type=department_type,
        level=level,
        jurisdiction=where,
        item_code=_item(item) if item else "",
        issuing_department=depts[issuing],
        competent_department=depts[competent],
        valid_from=valid_from,
        source=source.strip(),
        entered_by=_user(actor),
    )
    rules.issuing_table()  # the table as a whole is consistent
    _audit(
        row,
        actor,
        {
            "department_type": department_type,
            "level": level,
            "issuing": issuing,
            "competent": competent,
            "valid_from": valid_from.isoformat(),
        },
        "录入审批部门配置",
    )
    return row


def parse_scheme_text(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LicensingError(
            "scheme_invalid", f"方案内容：不是有效的 YAML（{exc.__class__.__name__}）。", field="data"
        ) from None
    if not isinstance(data, dict):
        raise LicensingError("scheme_invalid", "方案内容：应为“字段: 值”的映射。", field="data")
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


@transaction.atomic
def add_scheme(data: dict[str, Any], *, actor: Any, example: bool = False) -> Scheme:
    """一事项一方案: read, checked against vague conditions and for the five confirmations (四（一）), then stored."""
    data = _jsonable(data)
    scheme = validate_scheme(scheme_from_dict(data))
    code = _item(scheme.item)
    data["item"] = code
    if Scheme.objects.filter(item_code=code, version=scheme.version).exists():
        raise LicensingError(
            "scheme_duplicate", f"方案版本：事项 {code} 已有版本“{scheme.version}”。", field="version"
        )
    if scheme.periods:
        PeriodTable([*rules.period_rules(), *scheme.periods])
        for p in scheme.periods:
            PeriodSetting.objects.create(
                item_code=code,
                kind=p.kind.value,
                material=p.material or "",
                length=p.length,
                unit=p.unit.value,
                counts_from=p.counts_from.value,
                valid_from=p.valid_from,
                source=p.source,
                entered_by=_user(actor),
            )
    stored = {k: v for k, v in data.items() if k != "periods"}
    row = Scheme.objects.create(
        item_code=code,
        version=scheme.version,
        data=stored,
        template_version=scheme.template.version,
        template_sha256=scheme.template.sha256,
        valid_from=scheme.valid_from,
        source=f"一事项一方案 {scheme.version}",
        department=getattr(actor, "department", None),
        entered_by=_user(actor),
        example=example,
    )
    _audit(
        row,
        actor,
        {"item": code, "version": scheme.version, "template_sha256": scheme.template.sha256},
        "发布一事项一方案",
        CITE_ONE_SCHEME,
    )
    return row


@transaction.atomic
def add_decision(
    *, item: str, decision: str, valid_from: dt.date, source: str, actor: Any, note: str = ""
) -> Any:
    code = _item(item)
    flagged = {x.kind for x in rules.catalogue().item(code).inconsistencies}
    if not flagged:
        raise LicensingError("not_flagged", f"事项：{code} 在清单中没有被标记为不一致。", field="item")
    row = InconsistencyDecisionSetting.objects.create(
        item_code=code,
        kind=sorted(flagged)[0],
        decision=decision,
        valid_from=valid_from,
        source=_source(source),
        note=note,
        entered_by=_user(actor),
    )
    rules.decisions()  # checked by the rules' reader
    _audit(
        row,
        actor,
        {"item": code, "decision": decision, "valid_from": valid_from.isoformat()},
        "录入清单不一致事项决定",
    )
    return row


@transaction.atomic
def add_partial_scope(
    *, item: str, value: str, names: list[str], valid_from: dt.date, source: str, actor: Any
) -> Any:
    code = _item(item)
    partial = {v for f in rules.catalogue().item(code).facets for v in f.partial}
    if value not in partial:
        raise LicensingError("not_partial", f"部分范围：事项 {code} 没有“部分{value}”。", field="value")
    cleaned = sorted({n.strip() for n in names if n.strip()})
    if not cleaned:
        raise LicensingError("names_missing", "具体资质名称：至少填写一项。", field="names")
    row = PartialScopeSetting.objects.create(
        item_code=code,
        value=value,
        names=cleaned,
        valid_from=valid_from,
        source=_source(source),
        entered_by=_user(actor),
    )
    _audit(row, actor, {"item": code, "value": value, "names": cleaned}, "录入部分范围配置")
    return row


@transaction.atomic
def add_credit_policy(
    *,
    serious_categories: list[str],
    other_barring_kinds: list[str],
    valid_from: dt.date,
    source: str,
    actor: Any,
) -> CreditPolicySetting:
    policy = policy_from_dict(
        {
            "valid_from": valid_from,
            "serious_categories": serious_categories,
            "other_barring_kinds": other_barring_kinds,
            "source": _source(source),
        }
    )
    row = CreditPolicySetting.objects.create(
        serious_categories=sorted(policy.serious_categories),
        other_barring_kinds=sorted(k.value for k in policy.other_barring_kinds),
        valid_from=valid_from,
        source=policy.source,
        entered_by=_user(actor),
    )
    _audit(
        row, actor, {"serious": row.serious_categories, "other": row.other_barring_kinds}, "录入信用限制政策"
    )
    return row


@transaction.atomic
def add_item_risk(*, item: str, level: str, valid_from: dt.date, source: str, actor: Any) -> ItemRiskSetting:
    if level not in ITEM_LEVELS or not level:
        raise LicensingError("level_invalid", "风险等级：应为高、中、低之一。", field="level")
    row = ItemRiskSetting.objects.create(
        item_code=_item(item),
        level=level,
        valid_from=valid_from,
        source=_source(source),
        entered_by=_user(actor),
    )
    _audit(row, actor, {"item": row.item_code, "level": level}, "录入事项风险等级")
    return row


@transaction.atomic
def add_withdrawal(*, item: str, on: dt.date, source: str, actor: Any) -> ItemWithdrawal:
    code = _item(item)
    rules.catalogue().withdraw(code, on)  # refuses a day not after the item's start
    row = ItemWithdrawal.objects.create(
        code=code, withdrawn_on=on, source=_source(source), entered_by=_user(actor)
    )
    _audit(row, actor, {"item": code, "withdrawn_on": on.isoformat()}, "事项移出清单")
    return row


@transaction.atomic
def add_risk_class(
    *, uscc: str, name: str, risk_class: str, valid_from: dt.date, source: str, actor: Any
) -> RiskClassification:
    if risk_class not in ("A", "B", "C", "D"):
        raise LicensingError("risk_class_invalid", "信用风险分类：应为A、B、C、D之一。", field="risk_class")
    org = credit.enterprise(uscc, name, actor=actor)
    row = RiskClassification.objects.create(
        organisation=org,
        uscc=org.uscc,
        risk_class=risk_class,
        valid_from=valid_from,
        source=_source(source),
        entered_by=_user(actor),
    )
    _audit(row, actor, {"uscc": org.uscc, "risk_class": risk_class}, "录入企业信用风险分类")
    return row


@transaction.atomic
def add_inspector(*, department: str, code: str, name: str, actor: Any) -> Inspector:
    dept = Department.objects.filter(code=department).first()
    if dept is None:
        raise LicensingError(
            "department_unknown", f"所属部门：“{department}”不是平台的部门。", field="department"
        )
    if not code.strip() or not name.strip():
        raise LicensingError("inspector_invalid", "执法证号和姓名：不能为空。", field="code")
    if "\t" in code or "\n" in code:
        raise LicensingError("inspector_invalid", "执法证号：不能含有制表符或换行符。", field="code")
    row, _ = Inspector.objects.update_or_create(
        code=code.strip(), defaults={"department": dept, "name": name.strip(), "active": True}
    )
    _audit(row, actor, {"department": department, "code": row.code, "name": row.name}, "录入执法检查人员")
    return row
