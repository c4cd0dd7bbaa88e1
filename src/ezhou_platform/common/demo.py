"""Demo data for a fresh `make run`: jurisdictions, departments and one account for every role.

Idempotent: a second run updates the same rows (keyed by code/username) and resets demo passwords, so
the printed logins always work. Each domain adds its own demo records through `DEMO_LOADERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from .models import Department, Jurisdiction, Organisation, User
from .roles import Role

DEMO_PASSWORD = "Demo-Pass#2022"  # noqa: S105 - printed for the demo; never used outside demo data

JURISDICTIONS: tuple[tuple[str, str, str, str | None], ...] = (
    # code, name, GB/T 2260 code ("" where there is none), parent code
    ("ezhou", "鄂州市", "420700", None),
    ("echeng", "鄂城区", "420704", "ezhou"),
    ("huarong", "华容区", "420703", "ezhou"),
    ("liangzihu", "梁子湖区", "420702", "ezhou"),
    ("gedian", "葛店经开区", "", "ezhou"),
    ("linkong", "临空经济区", "", "ezhou"),
)
# Where the rows above come from (shown on the register pages and in the import template).
SOURCE_GBT2260 = "GB/T 2260 行政区划代码；统计用区划代码为其6位代码后补6个0"
SOURCE_ZONE = (
    "鄂州市人民政府公报2022年第6号各文件与各区并列（“葛店经开区、临空经济区管委会”），无行政区划代码"
)

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("medical_security", "医疗保障局"),
    ("civil_affairs", "民政局"),
    ("rural_revitalization", "乡村振兴局"),
    ("water", "水利和湖泊局"),
    ("housing", "住房和城乡建设局"),
    ("administrative_approval", "行政审批局"),
    ("market_regulation", "市场监督管理局"),
    ("commerce", "商务局"),
    ("finance", "财政局"),
    ("education", "教育局"),
    ("human_resources", "人力资源和社会保障局"),
    ("postal", "邮政管理局"),
    ("development_reform", "发展和改革委员会"),
    ("natural_resources", "自然资源和规划局"),
    ("ecology_environment", "生态环境局"),
    ("supervision_office", "市政府督查室"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    department: str | None = None
    jurisdiction: str | None = None
    enterprise_uscc: str = ""
    enterprise_name: str = ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "系统管理员", Role.ADMIN),
    DemoAccount("auditor", "审计员王审", Role.AUDITOR),
    DemoAccount("yibao_clerk", "医保经办李敏", Role.CLERK, "medical_security", "echeng"),
    DemoAccount("yibao_head", "医保局负责人陈静", Role.DEPARTMENT_HEAD, "medical_security"),
    DemoAccount("minzheng_clerk", "民政经办刘洋", Role.CLERK, "civil_affairs"),
    # A second 民政 officer: 因病致贫重病患者 recognition is decided by someone other than who received it (M25).
    DemoAccount("minzheng_head", "民政局负责人赵敏", Role.DEPARTMENT_HEAD, "civil_affairs"),
    DemoAccount("xiangcun_clerk", "乡村振兴经办何伟", Role.CLERK, "rural_revitalization"),
    DemoAccount("shuiwu_clerk", "水利经办周强", Role.CLERK, "water"),
    DemoAccount("shuiwu_head", "水利局负责人吴刚", Role.DEPARTMENT_HEAD, "water"),
    DemoAccount("zhujian_clerk", "住建经办郑芳", Role.CLERK, "housing", "huarong"),
    DemoAccount("shenpi_clerk", "审批经办孙丽", Role.CLERK, "administrative_approval"),
    DemoAccount("shangwu_clerk", "商务经办马超", Role.CLERK, "commerce"),
    DemoAccount("jiaoyu_clerk", "教育经办黄磊", Role.CLERK, "education"),
    DemoAccount("youzheng_clerk", "邮政管理经办林峰", Role.CLERK, "postal"),
    DemoAccount("citizen", "张三", Role.CITIZEN, jurisdiction="echeng"),
    DemoAccount(
        "enterprise",
        "鄂州示范制造有限公司经办人",
        Role.ENTERPRISE,
        jurisdiction="gedian",
        enterprise_uscc="91420700MA49XK5L2Y",
        enterprise_name="鄂州示范制造有限公司",
    ),
)

# Domain apps append (label, loader) pairs; each loader is idempotent.
DEMO_LOADERS: list[tuple[str, Callable[[], None]]] = []


@transaction.atomic
def load_reference_data() -> None:
    """Jurisdictions and departments: reference data every installation needs, not only demos."""
    by_code: dict[str, Jurisdiction] = {}
    for code, name, division, parent in JURISDICTIONS:
        j, _ = Jurisdiction.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "division_code": division,
                "stat_code": division.ljust(12, "0") if division else "",
                "level": Jurisdiction.Level.DISTRICT if parent else Jurisdiction.Level.CITY,
                "source": SOURCE_GBT2260 if division else SOURCE_ZONE,
                "parent": by_code.get(parent or ""),
            },
        )
        by_code[code] = j
    for code, name in DEPARTMENTS:
        dept, _ = Department.objects.update_or_create(code=code, defaults={"name": name})
        if dept.organisation_id is None:
            dept.organisation = department_organisation(name)
            dept.save(update_fields=["organisation"])
    from ezhou_platform.registers.organisations import load_sourced_aliases

    load_sourced_aliases()


def department_organisation(name: str) -> Organisation:
    """The organisation record of a department of the city government, named in full (鄂州市医疗保障局)."""
    full = "鄂州" + name if name.startswith("市") else "鄂州市" + name
    org = Organisation.objects.filter(name=full, kind=Organisation.Kind.DEPARTMENT).first()
    if org is None:
        org = Organisation.objects.create(
            kind=Organisation.Kind.DEPARTMENT, name=full, source="平台部门表（鄂州市人民政府工作部门）"
        )
    return org


@transaction.atomic
def load_demo_accounts() -> list[DemoAccount]:
    load_reference_data()
    for acct in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            username=acct.username,
            defaults={
                "display_name": acct.display_name,
                "role": acct.role,
                "department": Department.objects.get(code=acct.department) if acct.department else None,
                "jurisdiction": Jurisdiction.objects.get(code=acct.jurisdiction)
                if acct.jurisdiction
                else None,
                "enterprise_uscc": acct.enterprise_uscc,
                "enterprise_name": acct.enterprise_name,
                # Staff roles work in the Django admin; the admin also manages accounts there.
                "is_staff": acct.role in (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN),
                "is_superuser": acct.role == Role.ADMIN,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return list(DEMO_ACCOUNTS)


def logins_table() -> str:
    """Every account of the demo database (the loaders of the domains add their own, e.g. an operator's)."""
    lines = [f"演示账户（密码均为 {DEMO_PASSWORD}）："]
    for u in User.objects.select_related("department").order_by("id"):
        dept = u.department.name if u.department else ""
        lines.append(f"  {u.username:<16} {Role(u.role).label:<8} {dept:<12} {u}")
    return "\n".join(lines)
