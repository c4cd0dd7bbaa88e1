"""Errors of the water-plan rules: a machine code, the field concerned and a Chinese message naming the rule."""

from __future__ import annotations


class WaterPlanError(ValueError):
    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message
