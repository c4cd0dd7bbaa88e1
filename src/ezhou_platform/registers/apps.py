from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """Registers every system shares: organisations (with aliases) and dated jurisdictions.

    The tables are in `common` (common.Jurisdiction, common.Organisation, …) because users, departments
    and every domain's records point at them and Department links to its Organisation; this app holds what
    is done with them: resolving names, dated look-ups, the file import (a background job) and the pages.
    """

    name = "ezhou_platform.registers"
    label = "registers"
    verbose_name = "共享名录"

    def ready(self) -> None:
        from ezhou_platform.common.audit.services import register_action

        register_action("registers.jurisdictions.import", "导入辖区名录")
        register_action("registers.organisation.load", "载入单位名录")
        register_action("registers.organisation.alias", "登记单位别名")
        register_action("registers.organisation.alias_delete", "删除单位别名")
