from django.apps import AppConfig

from ezhou_platform.common.roles import Role


class WaterPlanConfig(AppConfig):
    name = "ezhou_platform.water_plan"
    label = "water_plan"
    verbose_name = "计划用水管理"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    admin_access: dict[str, set[Role]] = {}
