from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "ezhou_platform.common"
    label = "common"
    verbose_name = "账户与部门"
