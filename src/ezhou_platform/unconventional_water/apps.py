from django.apps import AppConfig

from ezhou_platform.common.roles import Role

_WATER = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


class UnconventionalWaterConfig(AppConfig):
    name = "ezhou_platform.unconventional_water"
    label = "unconventional_water"
    verbose_name = "非常规水资源管理"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    # The water department's clerks and heads, auditors read-only; standards tables also the administrator.
    admin_access: dict[str, set[Role]] = {
        "": _WATER | {Role.ADMIN},
        "project": _WATER,
        "facility": _WATER,
        "labreport": _WATER,
        "stopnotice": _WATER,
        "violation": _WATER,
        "waterplanlink": _WATER,
        "capabilityfinding": _WATER,
        "usagerecord": _WATER,
        "inspection": _WATER,
        "standardtable": _WATER | {Role.ADMIN},
        "indicatorentry": _WATER | {Role.ADMIN},
    }

    def ready(self) -> None:
        from ezhou_platform.common.demo import DEMO_LOADERS
        from ezhou_platform.water_plan import event_sources

        from . import procedures  # noqa: F401 - registers the procedures, document kinds and shortcuts
        from .demo import load_demo
        from .services.interlock import links_for_events

        # The water plan's pages show this system's record behind the coefficient events it recorded (第八条).
        event_sources.register(links_for_events)

        if not any(loader is load_demo for _, loader in DEMO_LOADERS):
            DEMO_LOADERS.append(("非常规水资源管理：建设项目、设施登记、水质检测、停水报告、联动", load_demo))
