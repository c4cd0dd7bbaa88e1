"""Who sees what (docs/interpretations.md, rental housing, ADR 1).

- An operator's staff: a user of role 经办人员/部门负责人 of 住房和城乡建设局 linked to an Operator by
  OperatorStaff — sees that operator's projects and applications only.
- The housing department's own staff (no OperatorStaff link): the city (jurisdiction 鄂州市 or none) sees
  every project, a district's staff the projects in their district.
- Auditors read everything; everyone else nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ezhou_platform.common.roles import Role

from .models import Application, Operator, OperatorStaff, Project

HOUSING = "housing"


def _housing_staff(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.role in (Role.CLERK, Role.DEPARTMENT_HEAD)
        and user.department_id
        and user.department.code == HOUSING
    )


def operator_of(user: Any) -> Operator | None:
    if not _housing_staff(user):
        return None
    link = OperatorStaff.objects.filter(user=user).select_related("operator").first()
    return link.operator if link else None


def is_city_staff(user: Any) -> bool:
    """Housing-department staff who are not an operator's staff (may register projects and units)."""
    return _housing_staff(user) and operator_of(user) is None


def _district_staff(user: Any) -> bool:
    return bool(user.jurisdiction_id and user.jurisdiction.code != "ezhou")


def sees_every_project(user: Any) -> bool:
    """Auditors and the city's housing staff (neither an operator's nor a district's) see every project."""
    if not user.is_authenticated:
        return False
    if user.role == Role.AUDITOR:
        return True
    return is_city_staff(user) and not _district_staff(user)


def projects_for(user: Any, qs: QuerySet | None = None) -> QuerySet:
    qs = Project.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.AUDITOR:
        return qs
    if not _housing_staff(user):
        return qs.none()
    op = operator_of(user)
    if op is not None:
        return qs.filter(operator=op)
    if _district_staff(user):
        return qs.filter(jurisdiction_id=user.jurisdiction_id)
    return qs


def operators_for(user: Any, qs: QuerySet | None = None) -> QuerySet:
    qs = Operator.objects.all() if qs is None else qs
    op = operator_of(user)
    if op is not None:
        return qs.filter(pk=op.pk)
    if user.is_authenticated and (user.role == Role.AUDITOR or _housing_staff(user)):
        return qs
    return qs.none()


def applications_for(user: Any, qs: QuerySet | None = None) -> QuerySet:
    qs = Application.objects.all() if qs is None else qs
    return qs.filter(project__in=projects_for(user))


def contracts_for(user: Any, qs: QuerySet | None = None) -> QuerySet:
    from .models import Contract

    qs = Contract.objects.all() if qs is None else qs
    return qs.filter(allocation__application__in=applications_for(user))


def maintenance_for(user: Any, qs: QuerySet | None = None) -> QuerySet:
    from .models import MaintenanceRequest

    qs = MaintenanceRequest.objects.all() if qs is None else qs
    return qs.filter(contract__in=contracts_for(user))


def complaints_for(user: Any, qs: QuerySet | None = None) -> QuerySet:
    """Complaints about a project go to whoever sees the project; those naming no project only to the city's
    housing staff (not an operator's, not a district's) and auditors."""
    from django.db.models import Q

    from .models import Complaint

    qs = Complaint.objects.all() if qs is None else qs
    city = sees_every_project(user)
    cond = Q(project__in=projects_for(user))
    if city:
        cond |= Q(project__isnull=True)
    return qs.filter(cond)
