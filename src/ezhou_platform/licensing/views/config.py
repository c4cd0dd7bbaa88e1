"""Configuration the gazette leaves open, entered by the administrator with its date and source: the catalogue
load (a background job), periods, issuing bodies, schemes, decisions on inconsistent items, partial scopes,
the credit policy, item risk levels, withdrawals, enterprises' credit-risk classes and inspectors. Staff and
auditors read it; every entry is checked by the rules layer and audited; nothing is edited in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.models import Department, Jurisdiction
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.views import start_from_request

from ..jobs import LOAD_JOB
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
from ..models.config import (
    CREDIT_KIND_CHOICES,
    EVENT_CHOICES,
    LEVEL_CHOICES,
    PERIOD_KIND_CHOICES,
    PERIOD_UNIT_CHOICES,
)
from ..services import catalogue, config, rules
from .common import ERRORS, STAFF, day, message_of

VIEWERS = (*STAFF, Role.ADMIN)


def _list(raw: str) -> list[str]:
    return [x.strip() for x in raw.replace("，", "、").replace(",", "、").split("、") if x.strip()]


def _int(raw: Any, label: str, errors: list[str]) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        errors.append(f"{label}：应为整数。")
        return 0


def _handlers(post: Any, user: Any, errors: list[str]) -> dict[str, Callable[[], Any]]:
    """One entry function per form; dates and numbers are read first (errors collected), the services check
    the rest. A handler is called only when ``errors`` is empty."""
    on: Any = day(post.get("valid_from"), "生效日期", []) if post.get("valid_from") else None
    kind = post.get("kind", "")
    if kind not in ("scheme", "inspector", "withdrawal") and on is None:
        day(post.get("valid_from"), "生效日期", errors)
    length = _int(post.get("length"), "期限长度", errors) if kind == "period" else 0
    withdrawn: Any = day(post.get("on"), "移出日期", errors) if kind == "withdrawal" else None
    return {
        "period": lambda: config.add_period(
            item=post.get("item", ""),
            kind=post.get("kind_of_period", ""),
            length=length,
            unit=post.get("unit", ""),
            counts_from=post.get("counts_from", ""),
            valid_from=on,
            source=post.get("source", ""),
            actor=user,
            material=post.get("material", ""),
        ),
        "issuing": lambda: config.add_issuing_body(
            department_type=post.get("department_type", ""),
            level=post.get("level", ""),
            issuing=post.get("issuing", ""),
            competent=post.get("competent", ""),
            valid_from=on,
            source=post.get("source", ""),
            actor=user,
            jurisdiction=post.get("jurisdiction", ""),
            item=post.get("item", ""),
        ),
        "scheme": lambda: config.add_scheme(config.parse_scheme_text(post.get("data", "")), actor=user),
        "decision": lambda: config.add_decision(
            item=post.get("item", ""),
            decision=post.get("decision", ""),
            valid_from=on,
            source=post.get("source", ""),
            actor=user,
            note=post.get("note", ""),
        ),
        "partial": lambda: config.add_partial_scope(
            item=post.get("item", ""),
            value=post.get("value", ""),
            names=_list(post.get("names", "")),
            valid_from=on,
            source=post.get("source", ""),
            actor=user,
        ),
        "policy": lambda: config.add_credit_policy(
            serious_categories=_list(post.get("serious", "")),
            other_barring_kinds=post.getlist("other"),
            valid_from=on,
            source=post.get("source", ""),
            actor=user,
        ),
        "risk": lambda: config.add_item_risk(
            item=post.get("item", ""),
            level=post.get("level", ""),
            valid_from=on,
            source=post.get("source", ""),
            actor=user,
        ),
        "withdrawal": lambda: config.add_withdrawal(
            item=post.get("item", ""), on=withdrawn, source=post.get("source", ""), actor=user
        ),
        "risk_class": lambda: config.add_risk_class(
            uscc=post.get("uscc", ""),
            name=post.get("name", ""),
            risk_class=post.get("risk_class", ""),
            valid_from=on,
            source=post.get("source", ""),
            actor=user,
        ),
        "inspector": lambda: config.add_inspector(
            department=post.get("department", ""),
            code=post.get("code", ""),
            name=post.get("name", ""),
            actor=user,
        ),
    }


@view_requires(*VIEWERS, department=scopes.LICENSING)
def page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        if user.role != Role.ADMIN:
            raise PermissionDenied("只有系统管理员可以录入配置。")
        kind = request.POST.get("kind", "")
        if kind == "load":
            started = start_from_request(request, LOAD_JOB)
            if started is not None:
                return started
        else:
            errors: list[str] = []
            handler = _handlers(request.POST, user, errors).get(kind)
            if handler is None:
                errors.append("配置类型：无法识别。")
            elif not errors:
                try:
                    result = handler()
                except ERRORS as exc:
                    errors.append(message_of(exc))
                else:
                    messages.success(request, f"已录入：{result}")
                    return redirect(f"{request.path}#{kind}")
            for e in errors:
                messages.error(request, e)
    today = clock.today()
    return render(
        request,
        "licensing/config.html",
        {
            "is_admin": user.role == Role.ADMIN,
            "latest": catalogue.latest_version(),
            "today": today,
            "items": rules.catalogue().items_on(today),
            "types": sorted(
                {
                    (i.department_type, i.department_label)
                    for i in rules.catalogue().items
                    if i.department_type
                }
            ),
            "departments": Department.objects.order_by("id"),
            "districts": Jurisdiction.objects.districts(on=today),
            "period_kinds": PERIOD_KIND_CHOICES,
            "period_units": PERIOD_UNIT_CHOICES,
            "events": EVENT_CHOICES,
            "levels": LEVEL_CHOICES,
            "credit_kinds": [c for c in CREDIT_KIND_CHOICES if c[0] != "commitment"],
            "periods": PeriodSetting.objects.order_by("item_code", "kind", "valid_from"),
            "issuing": IssuingBodySetting.objects.select_related(
                "issuing_department", "competent_department", "jurisdiction"
            ),
            "schemes": Scheme.objects.order_by("item_code", "valid_from"),
            "decisions": InconsistencyDecisionSetting.objects.all(),
            "partials": PartialScopeSetting.objects.all(),
            "policies": CreditPolicySetting.objects.all(),
            "risks": ItemRiskSetting.objects.all(),
            "withdrawals": ItemWithdrawal.objects.all(),
            "classes": RiskClassification.objects.order_by("-entered_at")[:50],
            "inspectors": Inspector.objects.select_related("department"),
            "shipped_decisions": rules.decisions(),
        },
    )
