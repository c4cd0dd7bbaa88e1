"""One address per record for the procedure layer's links (case pages, the workspace): it sends each person to
the page where they work with the record — staff to the record's page, the applicant to their own page — and
nobody else anywhere (404)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from ezhou_platform.common import scopes
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role

from .. import selectors
from ..models import Complaint, Contract, Finding, MaintenanceRequest, RentToOwnRequest


def _staff(user: Any) -> bool:
    return user.role == Role.AUDITOR or (
        user.role in (Role.CLERK, Role.DEPARTMENT_HEAD)
        and user.department_id
        and user.department.code == "housing"
    )


def _staff_url(kind: str, pk: int, user: Any) -> str | None:
    if kind == "application" and selectors.applications_for(user).filter(pk=pk).exists():
        return reverse("rental_housing:detail", args=[pk])
    if kind == "contract":
        c = selectors.contracts_for(user).filter(pk=pk).select_related("allocation").first()
        return reverse("rental_housing:detail", args=[c.allocation.application_id]) if c else None
    if (
        kind == "rent_to_own"
        and RentToOwnRequest.objects.filter(pk=pk, contract__in=selectors.contracts_for(user)).exists()
    ):
        return reverse("rental_housing:rent_to_own_detail", args=[pk])
    if kind == "maintenance" and selectors.maintenance_for(user).filter(pk=pk).exists():
        return reverse("rental_housing:maintenance")
    if kind == "complaint" and selectors.complaints_for(user).filter(pk=pk).exists():
        return reverse("rental_housing:complaints")
    if (
        kind == "finding"
        and Finding.objects.filter(pk=pk, inspection__project__in=selectors.projects_for(user)).exists()
    ):
        return reverse("rental_housing:finding", args=[pk])
    return None


def _own_url(kind: str, pk: int, user: Any) -> str | None:
    mine = {"allocation__application__applicant": user}
    if kind == "application" and user.rental_applications.filter(pk=pk).exists():
        return reverse("rental_housing:my")
    if kind == "contract" and Contract.objects.filter(pk=pk, **mine).exists():
        return reverse("rental_housing:my_contract", args=[pk])
    if (
        kind == "rent_to_own"
        and RentToOwnRequest.objects.filter(pk=pk, contract__allocation__application__applicant=user).exists()
    ):
        return reverse("rental_housing:my_rent_to_own")
    if (
        kind == "maintenance"
        and MaintenanceRequest.objects.filter(
            pk=pk, contract__allocation__application__applicant=user
        ).exists()
    ):
        return reverse("rental_housing:my_service")
    if kind == "complaint" and Complaint.objects.filter(pk=pk, submitted_by=user).exists():
        return reverse(
            "rental_housing:my_service" if user.role == Role.CITIZEN else "rental_housing:complaint_new"
        )
    return None


@view_requires(*Role, department=scopes.RENTAL_RECORD_LINKS)
def record(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user: Any = request.user
    url = _staff_url(kind, pk, user) if _staff(user) else _own_url(kind, pk, user)
    if url is None:
        raise Http404("没有找到该记录。")
    return redirect(url)
