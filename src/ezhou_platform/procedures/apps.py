from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "ezhou_platform.procedures"
    label = "procedures"
    verbose_name = "办理程序"

    def ready(self) -> None:
        from ezhou_platform.common.audit.services import register_action

        register_action("procedures.period.recompute", "重新计算期限")
        register_action("procedures.recomputation.run", "节假日安排变更后重算期限")
        register_action("procedures.document.download", "下载文书")

        from ezhou_platform.common.roles import Role

        from .workspace import Shortcut, register_shortcut

        staff = (Role.ADMIN, Role.AUDITOR, Role.CLERK, Role.DEPARTMENT_HEAD)
        register_shortcut(Shortcut("工作日历与期限重算", "calendar:years", staff))
        register_shortcut(Shortcut("审计日志", "audit:list", (Role.AUDITOR,)))
        register_shortcut(Shortcut("业务管理后台", "admin:index", staff))
