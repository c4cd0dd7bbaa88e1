"""Demo data for a fresh `make run`: jurisdictions, departments and one account for every role.

Idempotent: a second run updates the same rows (keyed by code/username) and resets demo passwords, so
the printed logins always work. Each domain adds its own demo records through `DEMO_LOADERS`.

Demo data exists only under the demo setting (EZHOU_DEMO=1, which `make run` sets and production refuses,
SECURITY.md C06): `load_demo_accounts` refuses otherwise, and a production server refuses to start on a
database the demo was ever loaded into (ezhou_platform.security.checks). A production installation creates
its first accounts with `ezhou bootstrap` instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from . import clock
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
    ("transport", "交通运输局"),
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
    DemoAccount("anquan_admin", "安全管理员赵安", Role.SECURITY_ADMIN),
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
    # 证照分离与告知承诺 (鄂州政办发〔2022〕27号): a second person for the decisions that need one, the market
    # regulator as an approving department, the credit office (信用办, at 发展和改革委员会).
    DemoAccount("shenpi_head", "审批局负责人赵磊", Role.DEPARTMENT_HEAD, "administrative_approval"),
    DemoAccount("shijian_clerk", "市场监管经办钱进", Role.CLERK, "market_regulation"),
    DemoAccount("shijian_head", "市场监管局负责人冯涛", Role.DEPARTMENT_HEAD, "market_regulation"),
    DemoAccount("xinyong_clerk", "信用办经办韩雪", Role.CLERK, "development_reform"),
    DemoAccount("xinyong_head", "信用办负责人曹阳", Role.DEPARTMENT_HEAD, "development_reform"),
    DemoAccount("shangwu_clerk", "商务经办马超", Role.CLERK, "commerce"),
    DemoAccount("jiaoyu_clerk", "教育经办黄磊", Role.CLERK, "education"),
    DemoAccount("youzheng_clerk", "邮政管理经办林峰", Role.CLERK, "postal"),
    # 惠企政策兑现（鄂州政办发〔2022〕32号）: reviewers, deciders (four eyes), payers, the 发改委's progress.
    DemoAccount("shangwu_head", "商务局负责人许文", Role.DEPARTMENT_HEAD, "commerce"),
    DemoAccount("caizheng_clerk", "财政经办韩梅", Role.CLERK, "finance"),
    DemoAccount("caizheng_head", "财政局负责人邓军", Role.DEPARTMENT_HEAD, "finance"),
    DemoAccount("caizheng_echeng", "鄂城区财政经办彭涛", Role.CLERK, "finance", "echeng"),
    DemoAccount("jiaotong_clerk", "交通运输经办曹阳", Role.CLERK, "transport"),
    DemoAccount("jiaotong_head", "交通运输局负责人袁博", Role.DEPARTMENT_HEAD, "transport"),
    DemoAccount("fagai_clerk", "发改委经办蒋宁", Role.CLERK, "development_reform"),
    DemoAccount("car_buyer", "李四", Role.CITIZEN, jurisdiction="echeng"),
    DemoAccount(
        "shangmao",
        "鄂州示范商贸有限公司经办人",
        Role.ENTERPRISE,
        jurisdiction="echeng",
        enterprise_uscc="91420700MA49QM3K17",
        enterprise_name="鄂州示范商贸有限公司",
    ),
    DemoAccount(
        "huoyun",
        "鄂州示范物流有限公司经办人",
        Role.ENTERPRISE,
        jurisdiction="huarong",
        enterprise_uscc="91420700MA49HY7T23",
        enterprise_name="鄂州示范物流有限公司",
    ),
    DemoAccount("ducha_clerk", "督查室经办赵敏", Role.CLERK, "supervision_office"),
    DemoAccount("citizen", "张三", Role.CITIZEN, jurisdiction="echeng"),
    DemoAccount(
        "enterprise",
        "鄂州示范制造有限公司经办人",
        Role.ENTERPRISE,
        jurisdiction="gedian",
        enterprise_uscc="91420700MA49XK5L2Y",
        enterprise_name="鄂州示范制造有限公司",
    ),
    # 非常规水资源管理 (鄂州政办发〔2022〕14号): a developer filing projects, an operator of reclaimed-water facilities
    DemoAccount(
        "developer",
        "鄂州示范置业有限公司经办人",
        Role.ENTERPRISE,
        jurisdiction="huarong",
        enterprise_uscc="91420700MA4D3K001U",
        enterprise_name="鄂州示范置业有限公司",
    ),
    DemoAccount(
        "water_operator",
        "鄂州示范水务运营有限公司经办人",
        Role.ENTERPRISE,
        jurisdiction="gedian",
        enterprise_uscc="91420700MA4QPR002H",
        enterprise_name="鄂州示范水务运营有限公司",
    ),
    # 证照分离与告知承诺 (鄂州政办发〔2022〕27号): a second enterprise (a restaurant applying under the commitment route)
    DemoAccount(
        "enterprise2",
        "鄂州好味餐饮有限公司经办人",
        Role.ENTERPRISE,
        jurisdiction="echeng",
        enterprise_uscc="91420704MA4A8Y2Q18",
        enterprise_name="鄂州好味餐饮有限公司",
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
    _seed_consent_notices()


def _seed_consent_notices() -> None:
    """The first versions of the citizens' notices (C26), as migration 0003_consent_notices seeds them.

    A database emptied after migrating (`flush`, and every transactional test on PostgreSQL) loses what data
    migrations wrote; without a notice no citizen can submit (503 notice_missing). Seeding here again is
    idempotent: get_or_create by key and version, never an edit of a published version."""
    from django.apps import apps

    seeding = importlib.import_module("ezhou_platform.security.migrations.0003_consent_notices")
    seeding.seed(apps, None)


def department_organisation(name: str) -> Organisation:
    """The organisation record of a department of the city government, named in full (鄂州市医疗保障局)."""
    full = "鄂州" + name if name.startswith("市") else "鄂州市" + name
    org = Organisation.objects.filter(name=full, kind=Organisation.Kind.DEPARTMENT).first()
    if org is None:
        org = Organisation.objects.create(
            kind=Organisation.Kind.DEPARTMENT, name=full, source="平台部门表（鄂州市人民政府工作部门）"
        )
    return org


class DemoRefused(ImproperlyConfigured):
    """Demo data outside the demo setting."""


def require_demo_mode() -> None:
    if not getattr(settings, "DEMO_MODE", False):
        raise DemoRefused(
            "演示数据只能在演示模式下载入（设置环境变量 EZHOU_DEMO=1；生产环境不允许）。"
            "生产环境请用 `ezhou bootstrap` 创建首批管理员账户。"
        )


@transaction.atomic
def load_demo_accounts() -> list[DemoAccount]:
    from ezhou_platform.security.accounts import flags_for_role

    require_demo_mode()
    load_reference_data()
    # Every demo account has the published password: hash it once, and stamp the change time as a change of
    # password would (C01 expiry counts from it). No password history is kept for the demo's own password.
    hashed = make_password(DEMO_PASSWORD)
    now = clock.now()
    departments = {d.code: d for d in Department.objects.all()}
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    for acct in DEMO_ACCOUNTS:
        User.objects.update_or_create(
            username=acct.username,
            defaults={
                "display_name": acct.display_name,
                "role": acct.role,
                "department": departments[acct.department] if acct.department else None,
                "jurisdiction": jurisdictions[acct.jurisdiction] if acct.jurisdiction else None,
                "enterprise_uscc": acct.enterprise_uscc,
                "enterprise_name": acct.enterprise_name,
                # Staff roles work in the Django admin; only the system administrator is a superuser.
                **flags_for_role(acct.role),
                "is_active": True,
                "must_change_password": False,
                "password": hashed,
                "password_changed_at": now,
            },
        )
    return list(DEMO_ACCOUNTS)


def logins_table() -> str:
    """Every account of the demo database (the loaders of the domains add their own, e.g. an operator's)."""
    lines = [f"演示账户（密码均为 {DEMO_PASSWORD}）："]
    for u in User.objects.select_related("department").order_by("id"):
        dept = u.department.name if u.department else ""
        lines.append(f"  {u.username:<16} {Role(u.role).label:<8} {dept:<12} {u}")
    return "\n".join(lines)
