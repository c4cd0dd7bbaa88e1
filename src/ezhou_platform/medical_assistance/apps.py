from django.apps import AppConfig

from ezhou_platform.common.roles import Role


class MedicalAssistanceConfig(AppConfig):
    name = "ezhou_platform.medical_assistance"
    label = "medical_assistance"
    verbose_name = "医疗救助"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    admin_access: dict[str, set[Role]] = {}
