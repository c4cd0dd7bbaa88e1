from django.apps import AppConfig

from ezhou_platform.common.roles import Role

_MEDICAL = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


class MedicalAssistanceConfig(AppConfig):
    name = "ezhou_platform.medical_assistance"
    label = "medical_assistance"
    verbose_name = "医疗救助"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    # Medical data: 医疗保障局 clerks and heads, auditors read-only; not the system administrator.
    admin_access: dict[str, set[Role]] = {"": _MEDICAL}

    def ready(self) -> None:
        from ezhou_platform.common.audit.services import register_action
        from ezhou_platform.common.demo import DEMO_LOADERS

        from . import procedures  # noqa: F401 - registers the procedures, their documents and shortcuts
        from .demo import load_demo

        for code, label in (
            ("medical_assistance.person.register", "登记参保人员"),
            ("medical_assistance.identity.record", "登记救助身份"),
            ("medical_assistance.application.submit", "受理救助申请"),
            ("medical_assistance.claim.receive", "接收结算单"),
            ("medical_assistance.claim.settle", "医疗救助结算"),
            ("medical_assistance.class_4.submit", "受理因病致贫重病患者认定申请"),
            ("medical_assistance.settlement.adjust", "重新结算调整"),
            ("medical_assistance.recovery.open", "多付救助应追回"),
            ("medical_assistance.slip.issue", "出具医疗救助结算单"),
            ("medical_assistance.fund.contribution", "录入医疗救助基金筹集"),
            ("medical_assistance.warning.run", "生成因病致贫返贫预警名单"),
            ("medical_assistance.warning.export", "导出因病致贫返贫预警名单"),
        ):
            register_action(code, label)
        if not any(label == "医疗救助演示数据" for label, _ in DEMO_LOADERS):
            DEMO_LOADERS.append(("医疗救助演示数据", load_demo))
