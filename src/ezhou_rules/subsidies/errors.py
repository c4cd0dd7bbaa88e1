"""Errors of the subsidy rules: a Chinese message naming the field (by its Chinese label) and the rule, and an
English machine ``code``. Bad input raises before anything is computed, so nothing is half-done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SubsidyError(ValueError):
    """One bad input or request; ``field`` is the input's name, ``label`` its Chinese label."""

    def __init__(
        self, code: str, message: str, *, field: str | None = None, label: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.label = label

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field, "label": self.label}


@dataclass(frozen=True)
class RowError:
    """One failed check of one row of an imported table (or of one case's facts)."""

    row: int  # the row number as the clerk sees it in the file (first data row = 2 under a header row)
    field: str
    label: str
    code: str
    message: str
    value: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "label": self.label,
            "code": self.code,
            "message": self.message,
            "value": self.value,
        }


class InvalidRows(SubsidyError):
    """Facts or rows that failed validation; ``errors`` lists every failed check, not only the first."""

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        more = f"（另有{len(errors) - 1}项错误）" if len(errors) > 1 else ""
        super().__init__(first.code, first.message + more, field=first.field, label=first.label)
        self.errors = errors
