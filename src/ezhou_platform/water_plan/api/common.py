"""What the water-plan API's endpoints share: who may call them, refusals as Chinese 422s, the outputs.

No `from __future__ import annotations` here (see ``api/__init__``).
"""

import datetime as dt
from fractions import Fraction
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Router

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.roles import Role
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan import breakdown, deadlines
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.labels import with_label
from ezhou_rules.water_plan.volumes import format_volume

from .. import services
from ..models import (
    EvidenceFile,
    PlanChange,
    SupplementRequest,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)

router = Router(tags=["计划用水管理"])

UNIT_SIDE = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)

CLERK_SIDE = (Role.CLERK, Role.DEPARTMENT_HEAD)


def _err(exc: Exception) -> ApiError:
    """A rule's refusal as a 422 naming the field by its Chinese label (or the missing parameter); a step the
    procedure layer refused with its status (403 not yours or four eyes, 409 the state, 422 a check)."""
    if isinstance(exc, WaterPlanError):
        status = getattr(exc, "status", 422)
        return ApiError(exc.code, with_label(exc.field, exc.message), field=exc.field, status=status)
    if isinstance(exc, ParameterNotSet):
        return ApiError("parameter_not_set", str(exc), field=exc.name, status=422)
    raise exc


def _today() -> dt.date:
    return clock.today()


def _pct(value: int) -> str:
    return f"{value / 100:+.2f}"


def _num(value: Fraction) -> str:
    """An exact number without trailing zeros: 30, 12.5, 0.05."""
    text = breakdown.exact_text(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _units(request: HttpRequest):  # type: ignore[no-untyped-def]
    user: Any = request.user
    if user.role == Role.ENTERPRISE:
        return services.units_for(user)
    return WaterUnit.objects.all()


def _change_out(c: PlanChange) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.get_kind_display(),
        "volume": format_volume(c.delta_m3x100),
        "coefficient": _pct(c.coefficient_pct) if c.coefficient_pct is not None else None,
        "reason": c.reason,
        "citation": c.citation,
        "decided_on": c.decided_on,
        "notice_url": reverse("water_plan:change_notice", args=[c.pk]),
        "pdf_url": reverse("water_plan:change_notice_pdf", args=[c.pk]),
    }


def _plan_out(p: YearlyPlan, with_trace: bool) -> dict[str, Any]:
    trace = Trace()
    if with_trace:
        services.compute_plan(p.inputs, p.year, trace=trace)
    changes = sorted(p.changes.all(), key=lambda c: c.pk)
    coefs = [c.coefficient_pct for c in changes if c.coefficient_pct is not None]
    return {
        "id": p.pk,
        "unit": p.unit.name,
        "year": p.year,
        "method": p.method,
        "issued_volume": format_volume(p.volume_m3x100),
        "effective_volume": format_volume(p.effective_m3x100),
        "coefficient": _pct(coefs[-1] if coefs else p.coefficient_pct),
        "explanation": p.explanation,
        "issued_on": p.issued_on,
        "adjustment_due": deadlines.adjustment_filing_due(p.issued_on, platform_calendar()).due,
        "changes": [_change_out(c) for c in changes],
        "expiry_warning": services.expiry_warning(p.issued_on),
        "trace": trace.to_list(),
    }


def _plan(request: HttpRequest, plan_id: int) -> YearlyPlan:
    return get_object_or_404(YearlyPlan.objects.select_related("unit"), pk=plan_id, unit__in=_units(request))


PLAN_ID = Path(..., title="计划编号", description="年度计划编号")


def _evidence(request: HttpRequest, ids: list[int]) -> list[EvidenceFile]:
    found = {
        ev.pk: ev
        for ev in EvidenceFile.objects.filter(pk__in=ids, unit__in=_units(request)).select_related("unit")
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise WaterPlanError(
            "evidence_unknown",
            f"证明材料编号：{'、'.join(map(str, missing))}不存在或不属于本单位。",
            field="evidence_ids",
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _request_volume(req: SupplementRequest) -> str | None:
    volume = req.approved_m3x100 if req.approved_m3x100 is not None else req.computed_m3x100
    return format_volume(volume) if volume is not None else None


def _notice_out(n: SurchargeNotice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "number": n.number,
        "version": n.version,
        "unit": n.unit.name,
        "year": n.year,
        "state": n.get_state_display(),
        "actual_volume": format_volume(n.actual_m3x100),
        "plan_volume": format_volume(n.plan_m3x100),
        "excess_volume": format_volume(n.excess_m3x100),
        "amount_fen": n.amount_fen,
        "issued_on": n.issued_on,
        "received_on": n.received_on,
        "payment_due": n.payment_due,
        "appeal_due": n.appeal_due,
        "pdf_url": reverse("water_plan:notice_pdf", args=[n.pk]),
        "expiry_warning": services.expiry_warning(n.issued_on),
    }


def _notice(request: HttpRequest, notice_id: int) -> SurchargeNotice:
    return get_object_or_404(
        SurchargeNotice.objects.select_related("unit"), pk=notice_id, unit__in=_units(request)
    )


NOTICE_ID = Path(..., title="通知单编号", description="通知单记录编号")

REQ_ID = Path(..., title="申请编号", description="申请编号")


def _clerk_notice(notice_id: int) -> SurchargeNotice:
    return get_object_or_404(SurchargeNotice.objects.select_related("unit"), pk=notice_id)


UNIT_ID = Path(..., title="单位编号", description="用水单位编号")
