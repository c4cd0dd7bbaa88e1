from django.apps import AppConfig


class ProcedureExampleConfig(AppConfig):
    name = "procedure_example"
    label = "procedure_example"
    verbose_name = "办理程序示例（测试用）"

    def ready(self) -> None:
        from . import procedures  # noqa: F401 - registers the procedure and its document kind
