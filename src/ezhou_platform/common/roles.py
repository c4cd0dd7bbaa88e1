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
    SECURITY_ADMIN = "security_admin", "安全管理员"


STAFF_ROLES = frozenset({Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN, Role.SECURITY_ADMIN})
PUBLIC_ROLES = frozenset({Role.CITIZEN, Role.ENTERPRISE})

# 三员分立 (MLPS 2.0 level 3, 访问控制 L3-CES1-08/09; SECURITY.md C07): the system administrator runs the
# system (reference data, calendar, configuration, jobs), the security administrator manages accounts, roles
# and passwords, the auditor (审计管理员) reads the audit trail. A user holds exactly one role, so nobody
# holds two of the three; `ezhou_platform.security.duties` says which duty each capability belongs to.
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
