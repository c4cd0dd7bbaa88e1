from __future__ import annotations


class ApiError(Exception):
    """A 4xx answer with a machine code, a Chinese message and the field it concerns."""

    def __init__(self, code: str, message: str, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status
