"""Identities (第四条): 医疗保障局 reads them; 民政局 and 乡村振兴局 each recognise the identities 第二十二条 gives
them and end them under 动态管理 (第四条第八款), on a page of their own (M25)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ezhou_platform.common import clock
from ezhou_platform.common.models import Department
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_rules.core import ids
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import RECOGNISED_BY, IdentityKind, recognised_by

from .. import services
from ..cites import CITE_RECOGNITION, CIVIL_AFFAIRS, RURAL
from ..models import Identity, Person
from .common import (
    DEPARTMENT,
    STAFF,
    anchor,
    district_by_code,
    districts,
    link_query,
    may_write,
    page_of,
    parse_date,
    pii_search,
)

DEPARTMENT_STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


def _kinds(department: str | None = None) -> list[tuple[str, str]]:
    return [
        (k.value, k.label)  # type: ignore[attr-defined]
        for k in IdentityKind
        if department is None or RECOGNISED_BY[k].department == department
    ]


def _listed(request: HttpRequest, department: str | None) -> tuple[Any, dict[str, str], list[dict[str, Any]]]:
    """The identities (of one recognising department, or all), filtered by exact ID, name or document number
    (no browsing by fragments of personal data), kind, source and status; a page of rows."""
    qs = Identity.objects.select_related("person", "person__jurisdiction", "source_department").order_by(
        "-recorded_at", "-id"
    )
    if department:
        qs = qs.filter(source_department__code=department)
    f = {k: (request.GET.get(k) or "").strip() for k in ("q", "kind", "source", "status")}
    if f["q"]:
        try:
            qs = qs.filter(person__resident_id=ids.validate_resident_id(f["q"]))  # exact ID only
        except ids.InvalidIdentifier:
            qs = qs.filter(Q(person__name=f["q"]) | Q(evidence=f["q"]))  # exact name or document number
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["source"] in (CIVIL_AFFAIRS, RURAL):
        qs = qs.filter(source_department__code=f["source"])
    today = clock.today()
    if f["status"] == "valid":
        qs = qs.filter(valid_from__lte=today).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    elif f["status"] == "expired":
        qs = qs.filter(valid_until__lt=today)
    else:
        f["status"] = ""
    page = page_of(request, qs)
    rows = []
    for i in page:
        if i.status == Identity.Status.ENDED:
            state = "已终止"
        elif i.valid_from > today:
            state = "尚未生效"
        else:
            state = "已失效" if i.valid_until and i.valid_until < today else "有效"
        rows.append({"i": i, "state": state, "class": CLASS_LABELS.get(i.recipient_class or 0, "—")})
    return page, f, rows


def _context(request: HttpRequest, department: str | None) -> dict[str, Any]:
    page, f, rows = _listed(request, department)
    return {
        "page": page,
        "rows": rows,
        "f": f,
        "query": link_query(request, f),
        "kinds": _kinds(department),
        "sources": [(CIVIL_AFFAIRS, "民政局"), (RURAL, "乡村振兴局")],
        "today": clock.today(),
        "recognition_anchor": anchor(CITE_RECOGNITION),
    }


@pii_search
@view_requires(*STAFF, department=DEPARTMENT)
def identities(request: HttpRequest) -> HttpResponse:
    """医疗保障局: the identities recognised by 民政 and 乡村振兴, read (they are recorded by those departments)."""
    context = _context(request, None)
    context["kind_departments"] = [
        (k.value, k.label, recognised_by(k).label)  # type: ignore[attr-defined]
        for k in IdentityKind
    ]
    return render(request, "medical_assistance/identities.html", context)


def _department_page(request: HttpRequest, department: str, url_name: str) -> HttpResponse:
    can_write = may_write(request)
    posted: Any = {}
    if request.method == "POST":
        if not can_write:
            return HttpResponse("审计员只读。", status=403)
        posted = request.POST
        action = posted.get("action") or "recognise"
        done = _end(request, department) if action == "end" else _recognise(request, department)
        if done:
            return redirect(request.get_full_path())
    context = _context(request, department)
    dept = Department.objects.get(code=department)
    context.update(
        department=dept,
        can_write=can_write,
        posted=posted,
        districts=districts(clock.today()),
        url_name=url_name,
        article_anchor=anchor(recognised_by(context["kinds"][0][0]).cite) if context["kinds"] else "",
    )
    return render(request, "medical_assistance/identities_department.html", context)


@pii_search
@view_requires(*DEPARTMENT_STAFF, department=CIVIL_AFFAIRS)
def identities_civil_affairs(request: HttpRequest) -> HttpResponse:
    """民政局 recognises 城乡特困人员、孤儿、低保对象、低保边缘家庭成员、因病致贫重病患者 and others (第二十二条第三款)."""
    return _department_page(request, CIVIL_AFFAIRS, "medical_assistance:identities_civil_affairs")


@pii_search
@view_requires(*DEPARTMENT_STAFF, department=RURAL)
def identities_rural(request: HttpRequest) -> HttpResponse:
    """乡村振兴局 recognises the rural persons at risk of returning to poverty and their monitoring (第二十二条第八款)."""
    return _department_page(request, RURAL, "medical_assistance:identities_rural")


def _recognise(request: HttpRequest, department: str) -> bool:
    post = request.POST
    errors: list[str] = []
    try:
        number = ids.validate_resident_id(post.get("resident_id") or "")
    except ids.InvalidIdentifier as exc:
        errors.append(f"“公民身份号码”无效：{exc}")
        number = ""
    valid_from = parse_date(post.get("valid_from"), "有效期起", errors)
    valid_until: dt.date | None = None
    if (post.get("valid_until") or "").strip():
        valid_until = parse_date(post.get("valid_until"), "有效期止", errors)
    kind = post.get("kind") or ""
    if kind not in {v for v, _ in _kinds(department)}:
        errors.append("请选择“身份”：本部门认定的身份之一（第二十二条）。")
    if not errors:
        assert valid_from is not None
        try:
            with transaction.atomic():  # a refused identity leaves no newly registered person behind
                person = Person.objects.filter(resident_id=number).first()
                if person is None:
                    place = district_by_code(post.get("district"), clock.today())
                    if place is None:
                        raise services.ApiError(
                            "invalid_district",
                            "该人员尚未登记：请填写“姓名”并选择“所属区”。",
                            field="district",
                        )
                    person = services.register_person(
                        resident_id=number,
                        name=post.get("name") or "",
                        jurisdiction=place,
                        acting_user=request.user,
                    )
                identity = services.record_identity(
                    person,
                    kind=kind,
                    source_department=Department.objects.get(code=department),
                    valid_from=valid_from,
                    valid_until=valid_until,
                    evidence=post.get("evidence") or "",
                    acting_user=request.user,
                )
        except services.ApiError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, f"已认定登记：{person} {identity.get_kind_display()}。")
            return True
    for e in errors:
        messages.error(request, e)
    return False


def _end(request: HttpRequest, department: str) -> bool:
    post = request.POST
    identity = get_object_or_404(Identity, pk=post.get("identity") or 0, source_department__code=department)
    errors: list[str] = []
    ended_on = parse_date(post.get("ended_on"), "终止日期", errors)
    if ended_on is not None:
        try:
            services.end_identity(
                identity, ended_on=ended_on, reason=post.get("reason") or "", acting_user=request.user
            )
        except services.ApiError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, f"已终止：{identity.person} {identity.get_kind_display()}。")
            return True
    for e in errors:
        messages.error(request, e)
    return False
