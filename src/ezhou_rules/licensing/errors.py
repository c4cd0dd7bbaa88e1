"""Errors of the licensing rules: a Chinese message naming the field (by its Chinese label) and the rule,
an English machine ``code`` and the field's machine name. Nothing is half-written: every function checks
its whole input before it returns anything."""

from __future__ import annotations

import datetime as dt


class LicensingError(ValueError):
    def __init__(
        self, code: str, message: str, *, field: str | None = None, fields: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field if field is not None else (fields[0] if fields else None)
        self.fields = fields if fields else ((field,) if field else ())

    def to_dict(self) -> dict[str, object]:
        """The JSON body of a 4xx answer."""
        return {"code": self.code, "message": self.message, "field": self.field, "fields": list(self.fields)}


class NotConfigured(LicensingError):
    """Something the gazette leaves to configuration has not been entered (a period, an issuing body, the
    credit policy, a partial scope, an inconsistency decision). Never replaced by a default."""


def parse_day(value: object, *, field: str, label: str, code: str) -> dt.date:
    """A date from request or configuration data (a date, or text YYYY-MM-DD); otherwise ``LicensingError``
    with ``code`` naming the field by its Chinese label. A datetime is refused: these are days, not moments."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise LicensingError(code, f"{label}：“{value}”不是日期（YYYY-MM-DD）。", field=field) from None
