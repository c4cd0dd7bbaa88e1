from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "ezhou_platform.procedures"
    label = "procedures"
    verbose_name = "办理程序"

    def ready(self) -> None:
        from ezhou_platform.common.audit.services import register_action

        register_action("procedures.period.recompute", "重新计算期限")
        register_action("procedures.recomputation.run", "节假日安排变更后重算期限")
