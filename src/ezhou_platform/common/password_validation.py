"""Password rules by role (SECURITY.md C01).

Staff (clerks, heads, auditors, administrators) follow MLPS 2.0 level 3 (身份鉴别: 复杂度): at least 12
characters from at least three of the four classes, and nothing guessable from this installation (the
city's name, department names, the username). Citizens and enterprises follow OWASP ASVS 5.0 (6.2): 8 to
64 characters and no composition rules. Django's common-password and numeric checks apply to everyone.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from .roles import STAFF_ROLES

GUESSABLE = ("ezhou", "鄂州", "password", "admin", "123456", "qwerty")


def _classes(password: str) -> int:
    return sum(
        bool(re.search(pattern, password)) for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
    )


class RolePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        role = getattr(user, "role", None)
        if role in STAFF_ROLES:
            self._staff(password, user)
        elif not 8 <= len(password) <= 64:
            raise ValidationError("密码长度应为8至64个字符。", code="password_length")

    def _staff(self, password: str, user: Any) -> None:
        errors = []
        if len(password) < 12:
            errors.append(ValidationError("工作人员密码至少12个字符。", code="password_too_short"))
        if _classes(password) < 3:
            errors.append(
                ValidationError(
                    "工作人员密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_classes"
                )
            )
        lowered = password.lower()
        words = list(GUESSABLE)
        if user is not None:
            words.append(getattr(user, "username", "") or "")
            department = getattr(user, "department", None)
            if department is not None:
                words += [department.name, department.code]
        hit = next((w for w in words if len(w) >= 2 and w.lower() in lowered), None)
        if hit:
            errors.append(
                ValidationError(f"密码不能包含易猜测的内容（“{hit}”）。", code="password_guessable")
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return "工作人员：至少12个字符，含大写字母、小写字母、数字、符号中的至少三类，不含单位或部门名称；群众和企业：8至64个字符。"
