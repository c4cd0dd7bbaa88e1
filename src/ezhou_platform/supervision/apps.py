from django.apps import AppConfig

from ezhou_platform.common.roles import Role

STAFF = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


class SupervisionConfig(AppConfig):
    name = "ezhou_platform.supervision"
    label = "supervision"
    verbose_name = "任务督办"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    # Government staff of every department read the plans and reports; changes go through the services.
    admin_access: dict[str, set[Role]] = {"": STAFF}

    def ready(self) -> None:
        from ezhou_platform.common.audit.services import register_action
        from ezhou_platform.common.demo import DEMO_LOADERS
        from ezhou_platform.procedures.workspace import Shortcut, register_shortcut

        from . import procedures  # noqa: F401 - registers the procedures
        from .demo import load_demo

        for code, label in (
            ("supervision.plan.load", "载入督办任务"),
            ("supervision.plan.roll", "设置截止日顺延开关"),
            ("supervision.report.file", "报送任务进展或完成情况"),
            ("supervision.report.accept", "确认报送"),
            ("supervision.report.return_report", "退回报送"),
            ("supervision.report.attachment", "下载报送证明文件"),
            ("supervision.recognition.record", "登记十四五目标认定材料"),
            ("supervision.progression.record", "登记中职升学情况"),
            ("supervision.funding.record", "登记生均拨款情况"),
            ("supervision.site.register", "登记寄递物流站点"),
            ("supervision.site.start_building", "站点开工建设"),
            ("supervision.site.open_site", "站点投入运营"),
            ("supervision.site.suspend", "站点暂停运营"),
            ("supervision.site.close_site", "撤销站点"),
            ("supervision.dispersed.record", "认定居住分散的建制村"),
            ("supervision.dispersed.end", "终止居住分散认定"),
            ("supervision.export", "导出督办数据"),
        ):
            register_action(code, label)
        clerks = (Role.CLERK, Role.DEPARTMENT_HEAD)
        for shortcut in (
            Shortcut("本单位督办任务", "supervision:my_board", clerks),
            Shortcut("职业教育任务督办", "supervision:vocational_education", (*clerks, Role.AUDITOR)),
            Shortcut("农村寄递物流任务督办", "supervision:rural_delivery", (*clerks, Role.AUDITOR)),
            Shortcut("待确认的报送", "supervision:reports", clerks),
            Shortcut("寄递物流站点", "supervision:sites", clerks, "postal"),
            Shortcut("覆盖情况", "supervision:coverage", clerks, "postal"),
            Shortcut("职业教育目标", "supervision:targets", clerks, "education"),
            Shortcut("领导视图", "supervision:leadership_index", clerks, "supervision_office"),
        ):
            register_shortcut(shortcut)
        if not any(loader is load_demo for _, loader in DEMO_LOADERS):
            DEMO_LOADERS.append(("任务督办：职业教育、农村寄递物流的任务、报送、站点", load_demo))
