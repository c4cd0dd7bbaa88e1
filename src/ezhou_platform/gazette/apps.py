from django.apps import AppConfig


class GazetteConfig(AppConfig):
    name = "ezhou_platform.gazette"
    label = "gazette"
    verbose_name = "政策文件库"
