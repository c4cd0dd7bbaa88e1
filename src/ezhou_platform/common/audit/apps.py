from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ezhou_platform.common.audit"
    label = "audit"
    verbose_name = "审计日志"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
