"""The router of the unconventional-water API and how a refusal becomes a 4xx JSON answer.

No `from __future__ import annotations` in the API modules: the endpoints are wrapped by `api_requires`, and
django-ninja resolves string annotations in the wrapper's module, where the schemas are unknown.
"""

import datetime as dt
from typing import Any

from ninja import Router

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.unconventional_water.errors import UnconventionalWaterError

router = Router(tags=["非常规水资源管理"])

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
OPERATOR_SIDE = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)


def err(exc: Exception) -> ApiError:
    """A refusal as a 4xx naming the field by its Chinese label and the article (the messages already do)."""
    if isinstance(exc, UnconventionalWaterError):
        return ApiError(exc.code, exc.message, field=exc.field, status=422)
    if isinstance(exc, ProcedureError):
        return ApiError(exc.code, exc.message, field=exc.field, status=exc.status)
    if isinstance(exc, ParameterNotSet):
        return ApiError("parameter_not_set", str(exc), field=getattr(exc, "name", None), status=422)
    raise exc


REFUSALS: tuple[type[Exception], ...] = (UnconventionalWaterError, ProcedureError, ParameterNotSet)


def today() -> dt.date:
    return clock.today()


def dump(obj: Any) -> Any:
    return obj.to_dict() if hasattr(obj, "to_dict") else obj
