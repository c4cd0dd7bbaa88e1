from django.apps import AppConfig

from ezhou_platform.common.roles import Role

_STAFF = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


class SubsidiesConfig(AppConfig):
    name = "ezhou_platform.subsidies"
    label = "subsidies"
    verbose_name = "惠企政策兑现"
    # Who may see this app's admin pages; the role × URL walk reads it. The departments that run the
    # measures (商务局, 财政局, 交通运输局, 医保局, 发改委) and auditors; each admin page scopes its rows.
    admin_access: dict[str, set[Role]] = {"": _STAFF}

    def ready(self) -> None:
        from ezhou_platform.common.demo import DEMO_LOADERS

        from . import procedures  # noqa: F401 - registers the procedure, document kinds and shortcuts
        from .demo import load_demo

        if not any(loader is load_demo for _, loader in DEMO_LOADERS):
            DEMO_LOADERS.append(("惠企政策兑现：申请、公示、决定、支付、报送数据", load_demo))
