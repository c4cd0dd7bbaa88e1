"""What every procedure module of 非常规水资源管理 shares: the document, the department, the parameters with the
administrators' values, date checks, who may see and act on what, and the organisations register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from ezhou_platform.common import clock
from ezhou_platform.common.models import Organisation
from ezhou_platform.common.parameters import configured
from ezhou_platform.common.roles import Role
from ezhou_platform.registers.organisations import OrganisationNotFound, RegisterError, resolve_organisation
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc
from ezhou_rules.core.params import ParameterTree
from ezhou_rules.unconventional_water import DOCUMENT, parameters
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

DOC = DOCUMENT
DEPARTMENT = "water"
DOCUMENT_START = dt.date(2022, 7, 11)  # 第二十七条: 自发布之日起施行
STAFF_ROLES = (Role.CLERK, Role.DEPARTMENT_HEAD)


class UWError(UnconventionalWaterError):
    """A refusal of the platform layer (same shape as the rules' errors: code, field, Chinese message)."""


def refuse(code: str, field: str, label: str, text: str) -> UWError:
    """'开工日期：不能晚于今天（2026年6月15日）。' — the field's Chinese label first, then the rule."""
    return UWError(code, f"{label}：{text}", field=field)


def rules_parameters() -> ParameterTree:
    """The rules' parameters with what administrators entered (prohibited industries, testing interval,
    handling laws) merged in."""
    return configured(parameters())


def expiry_warning(day: dt.date) -> str:
    """第二十七条: valid for 5 years from 2022-07-11; a rule applied after that says so."""
    return parameters().expiry_warning(day)


def check_day(
    day: Any,
    *,
    field: str,
    label: str,
    not_after: dt.date | None = None,
    not_after_why: str = "今天",
    not_before: dt.date | None = DOCUMENT_START,
    not_before_why: str = "本办法施行（2022年7月11日，第二十七条）",
) -> dt.date:
    """A date a step records: a real date, not in the future (default: today), not before the document."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise refuse("date_format", field, label, "应为日期（YYYY-MM-DD）。")
    limit = clock.today() if not_after is None else not_after
    if day > limit:
        raise refuse("date_future", field, label, f"{cn_date(day)}晚于{not_after_why}（{cn_date(limit)}）。")
    if not_before is not None and day < not_before:
        raise refuse("date_too_early", field, label, f"{cn_date(day)}早于{not_before_why}。")
    return day


def require_text(value: Any, *, field: str, label: str, rule: str, max_length: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise refuse(f"{field}_required", field, label, f"不能为空（{rule}）。")
    if len(text) > max_length:
        raise refuse(f"{field}_too_long", field, label, f"不超过{max_length}个字。")
    return text


# -- who sees what -----------------------------------------------------------------------------------------------


def is_water_staff(user: Any) -> bool:
    """A clerk or head of 水利和湖泊局 (who may act); auditors only read."""
    return (
        getattr(user, "role", None) in STAFF_ROLES
        and getattr(user, "department", None) is not None
        and user.department.code == DEPARTMENT
    )


def reads_everything(user: Any) -> bool:
    return is_water_staff(user) or getattr(user, "role", None) == Role.AUDITOR


def user_uscc(user: Any) -> str:
    return getattr(user, "enterprise_uscc", "") if getattr(user, "role", None) == Role.ENTERPRISE else ""


def projects_for(user: Any) -> QuerySet[Any]:
    from ..models import Project

    qs = Project.objects.select_related("developer", "jurisdiction")
    if reads_everything(user):
        return qs
    uscc = user_uscc(user)
    return qs.filter(developer_uscc=uscc) if uscc else qs.none()


def facilities_for(user: Any) -> QuerySet[Any]:
    """Staff: all; an enterprise: the facilities it runs and those that supply it (its water unit)."""
    from ..models import Facility

    qs = Facility.objects.select_related("operator", "jurisdiction", "water_unit")
    if reads_everything(user):
        return qs
    uscc = user_uscc(user)
    return qs.filter(Q(operator_uscc=uscc) | Q(water_unit__uscc=uscc)) if uscc else qs.none()


def may_operate(user: Any, facility: Any) -> bool:
    """Files reports, usage and stop notices for the facility: its operator, or a water clerk (paper)."""
    return is_water_staff(user) or (bool(user_uscc(user)) and facility.operator_uscc == user_uscc(user))


def may_develop(user: Any, project: Any) -> bool:
    return is_water_staff(user) or (bool(user_uscc(user)) and project.developer_uscc == user_uscc(user))


# -- organisations -------------------------------------------------------------------------------------------------


def organisation_for(name: str, uscc: str, *, field: str, label: str, on: dt.date) -> Organisation:
    """The register's record of a company by its USCC (created with the name given if it is not there yet);
    a USCC registered under another name, or a name registered with another USCC, is refused."""
    name = require_text(name, field=field, label=label, rule="单位名录", max_length=100)
    try:
        code = validate_uscc(uscc)
    except InvalidIdentifier as exc:
        raise refuse("uscc_invalid", f"{field}_uscc", f"{label}统一社会信用代码", str(exc)) from None
    org = Organisation.objects.filter(uscc=code).first()
    if org is not None:
        return org
    try:
        other = resolve_organisation(name, on)
    except OrganisationNotFound:
        other = None
    except RegisterError as exc:
        raise refuse("organisation_ambiguous", field, label, exc.message) from None
    if other is not None:
        if other.uscc and other.uscc != code:
            raise refuse(
                "organisation_uscc_mismatch",
                f"{field}_uscc",
                f"{label}统一社会信用代码",
                f"单位名录中“{other.name}”的统一社会信用代码为{other.uscc}，与填写的{code}不一致。",
            )
        if not other.uscc:
            other.uscc = code
            other.save(update_fields=["uscc"])
        return other
    return Organisation.objects.create(
        kind=Organisation.Kind.COMPANY,
        name=name,
        uscc=code,
        source=f"{DOC} 非常规水资源管理系统登记（统一社会信用代码{code}）",
    )
