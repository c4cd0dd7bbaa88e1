"""Errors of the supervision rules: an English machine code, the field by its Chinese label, the rule."""

from __future__ import annotations

from collections.abc import Sequence


class SupervisionError(ValueError):
    """Bad input to a supervision rule.

    ``message`` is Chinese and names the field (by its Chinese label) and the rule; ``code`` is the English
    machine code; ``row`` is the 0-based position of the offending record in a batch (None for one record);
    ``problems`` lists every further problem of the same batch, so one answer shows them all and nothing is
    taken from a batch that has any.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        row: int | None = None,
        problems: Sequence[SupervisionError] = (),
    ) -> None:
        more = len(problems) - 1 if problems else 0
        super().__init__(message + (f"（另有{more}处同类或其他问题，见 problems）" if more > 0 else ""))
        self.code = code
        self.message = message
        self.field = field
        self.rule = rule
        self.row = row
        self.problems: tuple[SupervisionError, ...] = tuple(problems)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "rule": self.rule,
            "row": self.row,
            "problems": [
                {"code": p.code, "message": p.message, "field": p.field, "rule": p.rule, "row": p.row}
                for p in self.problems
            ],
        }


def raise_all(problems: Sequence[SupervisionError]) -> None:
    """Raise the first problem carrying the whole list; nothing when the list is empty."""
    if problems:
        first = problems[0]
        raise SupervisionError(
            first.code,
            first.message,
            field=first.field,
            rule=first.rule,
            row=first.row,
            problems=problems,
        )
