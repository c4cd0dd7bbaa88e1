"""`ezhou bootstrap`: the first accounts of a production installation (SECURITY.md C06, C07).

Creates the three separated administrators (三员: 系统管理员, 安全管理员, 审计管理员), asking for each user name
and name at the terminal, each with a generated one-time password printed once and to be changed at the
first login (and, in production, a TOTP device enrolled then). Refuses when any of the three roles already
has an account: later accounts are created by the security administrator in the admin. Loads the reference
data (departments, districts) every installation needs, never demo data.

    ezhou bootstrap                                   # asks at the terminal
    ezhou bootstrap --noinput --admin sysadm --security secadm --auditor audadm   # scripted
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ezhou_platform.common.roles import Role

ROLES = (
    ("admin", Role.ADMIN, "系统管理员"),
    ("security", Role.SECURITY_ADMIN, "安全管理员"),
    ("auditor", Role.AUDITOR, "审计管理员"),
)


class Command(BaseCommand):
    help = "创建生产环境的首批账户（系统管理员、安全管理员、审计管理员），一次性密码须在首次登录时修改。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--noinput", action="store_true", help="不询问，用参数给出的用户名")
        for option, _role, label in ROLES:
            parser.add_argument(f"--{option}", help=f"{label}的用户名")
            parser.add_argument(f"--{option}-name", help=f"{label}的姓名")

    def _ask(self, prompt: str, default: str | None) -> str:
        answer = input(f"{prompt}{f'（默认 {default}）' if default else ''}：").strip()
        return answer or (default or "")

    def handle(self, *args: Any, **options: Any) -> None:
        from ezhou_platform.common.audit.services import record
        from ezhou_platform.common.demo import load_reference_data
        from ezhou_platform.common.models import User
        from ezhou_platform.security.accounts import flags_for_role, generate_password

        taken = list(
            User.objects.filter(role__in=[r for _, r, _ in ROLES]).values_list("username", flat=True)
        )
        if taken:
            raise CommandError(
                f"已有管理员账户（{'、'.join(taken)}）：其余账户请由安全管理员在业务管理后台创建。"
            )
        plan: list[tuple[Role, str, str, str]] = []
        for option, role, label in ROLES:
            username = options.get(option) or ""
            name = options.get(f"{option}_name") or label
            if not options["noinput"]:
                username = self._ask(f"{label}的用户名", username or None)
                name = self._ask(f"{label}的姓名", name)
            if not username:
                raise CommandError(f"请给出{label}的用户名（--{option}）。")
            plan.append((role, username, name, label))
        if len({u.lower() for _, u, _, _ in plan}) != len(plan):
            raise CommandError("三名管理员须使用不同的用户名（三员分立，不得兼任）。")

        load_reference_data()
        printed: list[str] = []
        with transaction.atomic():
            for role, username, name, label in plan:
                if User.objects.filter(username__iexact=username).exists():
                    raise CommandError(f"用户名“{username}”已被使用。")
                user = User(username=username, display_name=name, role=role, **flags_for_role(role))
                password = generate_password()
                user.set_password(password)
                user.must_change_password = True
                user.full_clean(exclude=["password"])
                user.save()
                record(
                    "platform.user.bootstrap",
                    actor=None,
                    obj=user,
                    after={"username": username, "role": role, "must_change_password": True},
                    label=f"初始化{label}账户",
                )
                printed.append(f"  {label:<6} {username:<20} 一次性密码：{password}")
        self.stdout.write("已创建以下账户（密码只显示这一次，首次登录时须修改并绑定动态口令）：")
        for line in printed:
            self.stdout.write(line)
