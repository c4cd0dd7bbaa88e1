"""The rules' and the procedure's refusals as API errors: a code, the Chinese message, the field."""

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.procedures.engine import ProcedureError
from ezhou_rules.subsidies.errors import InvalidRows, SubsidyError


def subsidy_error(exc: SubsidyError) -> ApiError:
    status = 409 if exc.code in ("duplicate_award", "bad_state", "cap_exhausted") else 422
    field = exc.field
    if isinstance(exc, InvalidRows) and exc.errors:
        field = (
            f"facts.{exc.errors[0].field}"
            if exc.errors[0].field not in ("payee_name", "payee_bank", "payee_account")
            else exc.errors[0].field
        )
    return ApiError(exc.code, exc.message, field=field, status=status)


def procedure_error(exc: ProcedureError) -> ApiError:
    return ApiError(exc.code, exc.message, field=exc.field, status=exc.status)
