"""Parameter trees with the values administrators entered (the numbers the gazette leaves to others).

`configured(tree)` returns the rules' tree (from YAML) with every *approved* ConfiguredValue merged in, the
newest approved row per date winning. A domain's services call it for each calculation, so a value takes
effect as soon as it is approved; until then the calculation stops with ParameterNotSet naming the parameter.

Who may enter and approve (SECURITY.md C08, C29; issue 14 failure 2): each tree belongs to one department
(`TREE_DEPARTMENTS`). A clerk or head of that department enters a value (`enter_value`, or the admin page):
it is *pending*. Another clerk or head of the same department approves it (`approve_value`) or sends it back
(`reject_value`); only then does it count. Every step is audited with the value before and after. A
department head of 水利 cannot enter, nor approve, a medical-assistance value.

The demo and the test suite (DEMO_MODE, which production refuses) approve values written by code at once, so
their loaders keep working; the admin page never does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from ezhou_rules.core.params import AdminValue, ParameterTree

from . import clock
from .models import ConfiguredValue
from .roles import Role

# The department (Department.code) that owns each parameter tree: the one whose documents set the numbers
# (鄂州市人民政府公报2022年第6号: 医疗救助 — 医疗保障局; 计划用水 — 水利和湖泊局; 保障性租赁住房 — 住房和城乡
# 建设局; 消费补贴 — 商务局; 非常规水源 — 水利和湖泊局; 告知承诺制 — 行政审批局; 督查 — 市政府督查室).
TREE_DEPARTMENTS: dict[str, str] = {
    "medical_assistance": "medical_security",
    "water_plan": "water",
    "rental_housing": "housing",
    "subsidies": "commerce",
    "unconventional_water": "water",
    "licensing": "administrative_approval",
    "supervision": "supervision_office",
    "rural_delivery": "postal",  # 鄂州政办发〔2022〕28号 农村寄递物流
    "vocational_education": "education",  # 鄂州政发〔2022〕15号 现代职业教育
}

# Where each tree's rules live (module with a `parameters()` function), so the admin page can check an
# entered value against its unit before it is saved.
TREE_MODULES: dict[str, str] = {
    "medical_assistance": "ezhou_rules.medical_assistance.parameters_tree",
    "water_plan": "ezhou_rules.water_plan",
    "rental_housing": "ezhou_rules.rental_housing",
    "subsidies": "ezhou_rules.subsidies",
    "unconventional_water": "ezhou_rules.unconventional_water",
    "licensing": "ezhou_rules.licensing",
    "rural_delivery": "ezhou_rules.supervision.rural_delivery",
    "vocational_education": "ezhou_rules.supervision.vocational_education",
}


def load_tree(tree_name: str) -> ParameterTree | None:
    """The rules' tree named `tree_name`, or None when this installation does not have its rules."""
    import importlib

    module = TREE_MODULES.get(tree_name)
    if module is None:
        return None
    try:
        return importlib.import_module(module).parameters()  # type: ignore[no-any-return]
    except ImportError:
        return None


# Who may enter and approve values of a tree: staff of its department.
PARAMETER_ROLES = (Role.CLERK, Role.DEPARTMENT_HEAD)


class ParameterPermissionError(PermissionError):
    """The actor may not enter or approve this value; the message says why, in Chinese."""

    def __init__(self, message: str, code: str = "forbidden") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def tree_department(tree_name: str) -> str:
    """The department that owns `tree_name`; an unmapped tree is refused (nobody may configure it)."""
    try:
        return TREE_DEPARTMENTS[tree_name]
    except KeyError:
        raise ParameterPermissionError(
            f"参数表“{tree_name}”未登记主管部门，不能录入取值（请在 parameters.TREE_DEPARTMENTS 中登记）。",
            code="tree_unowned",
        ) from None


def may_configure(user: Any, tree_name: str) -> bool:
    """May `user` enter or approve values of `tree_name`? Staff of the owning department only."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role not in PARAMETER_ROLES or user.department is None:
        return False
    return user.department.code == TREE_DEPARTMENTS.get(tree_name)


def check_may_configure(user: Any, tree_name: str) -> None:
    department = tree_department(tree_name)
    if not may_configure(user, tree_name):
        from .models import Department

        owner = Department.objects.filter(code=department).values_list("name", flat=True).first()
        raise ParameterPermissionError(
            f"参数表“{tree_name}”由{owner or department}管理：只有该部门的经办人员或负责人可以录入和复核取值。"
        )


def configured(tree: ParameterTree) -> ParameterTree:
    rows = ConfiguredValue.objects.filter(tree=tree.name, status=ConfiguredValue.Status.APPROVED).order_by(
        "name", "valid_from", "id"
    )
    latest: dict[tuple[str, object], ConfiguredValue] = {}
    for row in rows:
        latest[(row.name, row.valid_from)] = row
    if not latest:
        return tree
    return tree.with_values(
        AdminValue(name=r.name, valid_from=r.valid_from, value=r.value, source=r.source, note=r.note)
        for r in latest.values()
    )


def _snapshot(row: ConfiguredValue) -> dict[str, Any]:
    return {
        "tree": row.tree,
        "name": row.name,
        "valid_from": row.valid_from.isoformat(),
        "value": row.value,
        "source": row.source,
        "status": row.status,
    }


def in_force(tree_name: str, name: str, valid_from: dt.date) -> ConfiguredValue | None:
    """The approved row now in force for (parameter, date), if any: the `before` of an approval."""
    return (
        ConfiguredValue.objects.filter(
            tree=tree_name, name=name, valid_from=valid_from, status=ConfiguredValue.Status.APPROVED
        )
        .order_by("-id")
        .first()
    )


def validate_value(
    tree: ParameterTree, name: str, valid_from: dt.date, value: Any, source: str, note: str
) -> None:
    """Wrong unit, unknown or fixed parameter → a clear error (raised by the rules' tree), nothing saved."""
    tree.with_values([AdminValue(name=name, valid_from=valid_from, value=value, source=source, note=note)])


def enter_value(
    tree: ParameterTree,
    name: str,
    valid_from: dt.date,
    value: Any,
    *,
    source: str,
    actor: Any,
    note: str = "",
    approver: Any = None,
) -> ConfiguredValue:
    """Record a configured value after checking it against the parameter's unit; audited.

    The value is pending until a second person of the owning department approves it — pass `approver` to
    record that approval in the same call (a different clerk or head of the same department). `actor=None`
    (a console operator) is allowed only for a pending value.
    """
    from ezhou_platform.common.audit.services import record

    department_code = tree_department(tree.name)
    if actor is not None:
        check_may_configure(actor, tree.name)
    validate_value(tree, name, valid_from, value, source, note)
    demo = bool(getattr(settings, "DEMO_MODE", False)) and approver is None
    with transaction.atomic():
        from .models import Department

        row = ConfiguredValue.objects.create(
            tree=tree.name,
            name=name,
            valid_from=valid_from,
            value=value,
            source=source,
            note=note,
            department=Department.objects.filter(code=department_code).first(),
            entered_by=actor if getattr(actor, "pk", None) else None,
            status=ConfiguredValue.Status.APPROVED if demo else ConfiguredValue.Status.PENDING,
            review_note="演示模式：代码写入的取值自动生效（生产环境不允许演示模式）" if demo else "",
        )
        record(
            "platform.parameter.enter",
            actor=actor,
            obj=row,
            before=None,
            after=_snapshot(row),
            label="录入政策参数",
        )
        if approver is not None:
            approve_value(row, actor=approver)
            row.refresh_from_db()
    return row


def _review(row: ConfiguredValue, *, actor: Any, approve: bool, note: str = "") -> ConfiguredValue:
    from ezhou_platform.common.audit.services import record

    check_may_configure(actor, row.tree)
    with transaction.atomic():
        locked = ConfiguredValue.objects.select_for_update().get(pk=row.pk)
        if locked.status != ConfiguredValue.Status.PENDING:
            raise ParameterPermissionError(
                f"该取值状态为“{locked.get_status_display()}”，不能再复核。", code="not_pending"
            )
        if locked.entered_by_id is not None and locked.entered_by_id == actor.pk:
            raise ParameterPermissionError(
                "录入人不能复核自己录入的取值：须由本部门另一名工作人员复核（双人复核）。",
                code="second_person_required",
            )
        previous = in_force(locked.tree, locked.name, locked.valid_from)
        before = {"pending": _snapshot(locked), "in_force": _snapshot(previous) if previous else None}
        locked.status = ConfiguredValue.Status.APPROVED if approve else ConfiguredValue.Status.REJECTED
        locked.reviewed_by = actor
        locked.reviewed_at = clock.now()
        locked.review_note = note[:300]
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        record(
            "platform.parameter.approve" if approve else "platform.parameter.reject",
            actor=actor,
            obj=locked,
            before=before,
            after={**_snapshot(locked), "note": locked.review_note},
            label="批准政策参数取值" if approve else "退回政策参数取值",
        )
    return locked


def approve_value(row: ConfiguredValue, *, actor: Any, note: str = "") -> ConfiguredValue:
    """A second person of the owning department approves a pending value: from now on it counts."""
    return _review(row, actor=actor, approve=True, note=note)


def reject_value(row: ConfiguredValue, *, actor: Any, note: str = "") -> ConfiguredValue:
    """A second person sends a pending value back; it never counts (a corrected value is a new entry)."""
    return _review(row, actor=actor, approve=False, note=note)
