"""Roles of the platform's users and what each may see.

Roles are a closed list (not free Django groups) because permissions follow from the role *and* the user's
department: a clerk of 医疗保障局 may change medical-assistance records and nothing else.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CITIZEN = "citizen", "群众"
    ENTERPRISE = "enterprise", "企业"
    CLERK = "clerk", "经办人员"
    DEPARTMENT_HEAD = "head", "部门负责人"
    AUDITOR = "auditor", "审计监督人员"
    ADMIN = "admin", "系统管理员"


STAFF_ROLES = frozenset({Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN})
PUBLIC_ROLES = frozenset({Role.CITIZEN, Role.ENTERPRISE})
