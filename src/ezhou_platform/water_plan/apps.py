from django.apps import AppConfig

from ezhou_platform.common.roles import Role

WATER_ADMIN = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


class WaterPlanConfig(AppConfig):
    name = "ezhou_platform.water_plan"
    label = "water_plan"
    verbose_name = "计划用水管理"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    # The water department's clerks and heads, and auditors (read-only); not the system administrator.
    admin_access: dict[str, set[Role]] = {"": WATER_ADMIN}

    def ready(self) -> None:
        from ezhou_platform.common.demo import DEMO_LOADERS

        from . import procedures  # noqa: F401 - registers the procedures, document kinds and shortcuts
        from .demo import load_demo

        if not any(loader is load_demo for _, loader in DEMO_LOADERS):
            DEMO_LOADERS.append(("计划用水管理：用水单位、抄表、计划、申请、通知单", load_demo))
