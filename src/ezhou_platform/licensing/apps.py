from django.apps import AppConfig

from ezhou_platform.common.roles import Role

_STAFF = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN}


class LicensingConfig(AppConfig):
    name = "ezhou_platform.licensing"
    label = "licensing"
    verbose_name = "证照分离与告知承诺"
    # Who may see this app's admin pages: configuration is the administrator's; clerks, heads and auditors
    # read the records (the role × URL walk reads this).
    admin_access: dict[str, set[Role]] = {"": _STAFF}

    def ready(self) -> None:
        from ezhou_platform.common.audit.services import register_action
        from ezhou_platform.common.demo import DEMO_LOADERS

        from . import procedures  # noqa: F401 - registers the procedures, document kinds and shortcuts
        from .demo import load_demo

        for code, label in (
            ("licensing.catalogue.load", "载入告知承诺事项清单"),
            ("licensing.config.add", "录入告知承诺制配置"),
            ("licensing.material.download", "下载申请材料"),
            ("licensing.draw.plan", "登记双随机抽查"),
            ("licensing.draw.result", "录入抽查结果"),
            ("licensing.sweep.run", "逾期检查"),
            ("licensing.credit.export", "导出信用记录"),
        ):
            register_action(code, label)
        if not any(label == "告知承诺制演示数据" for label, _ in DEMO_LOADERS):
            DEMO_LOADERS.append(("告知承诺制演示数据", load_demo))
