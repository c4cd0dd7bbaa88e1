"""The security page (/security/): open alerts and what the security administrator acts on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ezhou_platform.common import clock, scopes
from ezhou_platform.common.permissions import view_requires
from ezhou_platform.common.roles import Role

from .models import Alert, StoredUpload

# The security administrator acts on alerts; the auditor reads them (三员分立: not the system administrator).
ALERT_READERS = (Role.SECURITY_ADMIN, Role.AUDITOR)


@never_cache
@view_requires(*ALERT_READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    from axes.models import AccessAttempt

    alerts = Alert.objects.select_related("acknowledged_by")[:100]
    context: dict[str, Any] = {
        "alerts": alerts,
        "open_count": Alert.objects.filter(acknowledged_at__isnull=True).count(),
        "locked": AccessAttempt.objects.order_by("-attempt_time")[:20],
        "can_ack": request.user.role == Role.SECURITY_ADMIN,  # type: ignore[union-attr]
    }
    return render(request, "security/dashboard.html", context)


@require_POST
@view_requires(Role.SECURITY_ADMIN)
def acknowledge_alert(request: HttpRequest, pk: int) -> HttpResponse:
    from ezhou_platform.common.audit.services import record

    with transaction.atomic():
        alert = get_object_or_404(Alert.objects.select_for_update(), pk=pk)
        if alert.acknowledged_at is None:
            alert.acknowledged_at = clock.now()
            alert.acknowledged_by = request.user  # type: ignore[assignment]
            alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
            record("security.alert.ack", actor=request.user, obj=alert, label="确认安全告警", request=request)
    messages.success(request, "已确认告警。")
    return redirect("security:dashboard")


@never_cache
@view_requires(*Role, department=scopes.UPLOADS)
def download_upload(request: HttpRequest, pk: Any) -> Any:
    """Serve a stored upload as an attachment to whoever its purpose allows (uploads.may_download)."""
    from . import uploads

    upload = StoredUpload.objects.filter(pk=pk).first()
    if upload is None or not uploads.may_download(request.user, upload):
        raise Http404
    return uploads.attachment_response(upload, request=request)


@never_cache
@view_requires(*ALERT_READERS)
def inventory(request: HttpRequest) -> HttpResponse:
    """The personal-data inventory (C25): every PI field, its basis, purpose, department, retention."""
    from . import consent, retention
    from .inventory import INVENTORY, RETENTION, department_names
    from .models import ConsentNotice

    names = department_names()
    rows = [{"r": r, "department": names.get(r.department, r.department)} for r in INVENTORY]
    context: dict[str, Any] = {
        "rows": rows,
        "sensitive_count": sum(r.sensitivity == "敏感" for r in INVENTORY),
        "rules": list(RETENTION.values()),
        "overdue": retention.overdue(),
        "notices": ConsentNotice.objects.order_by("key", "-version"),
        "notice_keys": (consent.RENTAL_APPLICATION, consent.CAR_TRADE_IN),
    }
    return render(request, "security/inventory.html", context)
