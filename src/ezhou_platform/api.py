"""The JSON API under /api/v1/: one NinjaAPI, each domain adding its router.

Errors are JSON {"code", "message" (Chinese), "field"} with a 4xx status, whatever raised them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.workdays import CalendarYearUnknown

logger = logging.getLogger(__name__)


class PlatformSession(SessionAuth):
    """Session login (the same as the pages, with CSRF on writes). Each endpoint then checks role and
    department with `ezhou_platform.common.permissions.api_requires`; public endpoints say `auth=None`."""


api = NinjaAPI(
    auth=PlatformSession(),
    title="鄂州市政策平台 API",
    version="1.0.0",
    description="鄂州市人民政府公报2022年第6号各项制度的业务接口。所有金额以分为单位的整数表示，日期为 ISO 8601。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


def error_response(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "field": field}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """The first error, in Chinese, naming the field by its label in the API documentation (api_labels)."""
    from ezhou_platform.common.api_labels import chinese_reason, field_label

    first: dict[str, Any] = exc.errors[0] if exc.errors else {}
    raw_loc = list(first.get("loc", []))
    loc = [str(p) for p in raw_loc if p not in ("body", "query", "path", "payload", "form", "file")]
    field = ".".join(loc) or None
    label = field_label(request, raw_loc) or "请求内容"
    return error_response(request, 422, "invalid_input", f"{label}：{chinese_reason(first)}。", field)


@api.exception_handler(ValidationError)
def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        return error_response(request, 422, "invalid_input", "；".join(e.messages[0] for e in errors), field)
    return error_response(request, 422, "invalid_input", "；".join(exc.messages), None)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    from ezhou_platform.common.audit.services import record_access_denied

    record_access_denied(request)
    return error_response(request, 403, "forbidden", str(exc) or "您没有权限执行此操作。")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "not_authenticated", "请先登录。")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "请求的记录不存在。")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(CalendarYearUnknown)
def _calendar_unknown(request: HttpRequest, exc: CalendarYearUnknown) -> HttpResponse:
    return error_response(request, 503, exc.code, str(exc), None)


@api.exception_handler(OverflowError)
def _overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # The last net behind common/api_guard.py: a number the database cannot hold is the client's error.
    return error_response(request, 422, "invalid_input", "请求中的数值超出允许范围。", None)


OUTCOME_UNKNOWN = (
    "与数据库的连接中断，本次操作是否已经保存无法确定（不是被拒绝）。请稍后用相同的内容重试："
    "已保存的操作不会重复办理，例如结算按结算单号只办理一次，重试将返回已保存的结果。"
)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Issue 14, failure 12: with PostgreSQL stopping, a settlement whose COMMIT had gone through answered 400,
    # telling the hospital the claim was rejected. The connection may drop after the server committed, so the
    # outcome is unknown to us too: 503 with Retry-After, and the client retries (the writes are idempotent).
    logger.exception("database unavailable in %s %s", request.method, request.path)
    response = error_response(request, 503, "outcome_unknown", OUTCOME_UNKNOWN, None)
    response["Retry-After"] = "5"
    return response


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Never an HTML 500 page for a JSON client: a Chinese message saying the outcome, logged in full.
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return error_response(
        request, 500, "internal_error", "服务器内部错误，操作未完成，已保存的数据不受影响。请稍后重试。", None
    )


class HealthOut(Schema):
    status: str
    database: str


@api.get("/health", response=HealthOut, tags=["平台"], summary="健康检查", auth=None)
def health(request: HttpRequest) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "database": connection.vendor}


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    department: str | None
    jurisdiction: str | None


@api.get("/me", response=MeOut, tags=["平台"], summary="当前登录用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "display_name": str(user),
        "role": user.role,
        "role_label": user.role_label(),
        "department": user.department.name if user.department else None,
        "jurisdiction": user.jurisdiction.name if user.jurisdiction else None,
    }


me.any_authenticated_user = True  # type: ignore[attr-defined]


def _add_routers() -> None:
    from ezhou_platform.common.calendar_api import router as calendar_router
    from ezhou_platform.gazette.api import router as gazette_router
    from ezhou_platform.licensing.api import router as licensing_router
    from ezhou_platform.medical_assistance.api import router as medical_assistance_router
    from ezhou_platform.rental_housing.api import router as rental_housing_router
    from ezhou_platform.security.api import router as notices_router
    from ezhou_platform.subsidies.api import router as subsidies_router
    from ezhou_platform.supervision.api import delivery_router, supervision_router, vocational_router
    from ezhou_platform.unconventional_water.api import router as unconventional_water_router
    from ezhou_platform.water_plan.api import router as water_plan_router

    api.add_router("/calendar", calendar_router)
    api.add_router("/policies", gazette_router)
    api.add_router("/medical-assistance", medical_assistance_router)
    api.add_router("/water-plan", water_plan_router)
    api.add_router("/rental-housing", rental_housing_router)
    api.add_router("/unconventional-water", unconventional_water_router)
    api.add_router("/subsidies", subsidies_router)
    api.add_router("/supervision", supervision_router)
    api.add_router("/vocational-education", vocational_router)
    api.add_router("/rural-delivery", delivery_router)
    api.add_router("/licensing", licensing_router)
    api.add_router("/notices", notices_router)


_add_routers()
