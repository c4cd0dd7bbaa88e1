from django.apps import AppConfig

from ezhou_platform.common.roles import Role

HOUSING_ADMIN = {Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR}


class RentalHousingConfig(AppConfig):
    name = "ezhou_platform.rental_housing"
    label = "rental_housing"
    verbose_name = "保障性租赁住房"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    # The housing department's clerks and heads (and operator staff, who are clerks of that department) and
    # auditors (read-only); not the system administrator (三员分立).
    admin_access: dict[str, set[Role]] = {"": HOUSING_ADMIN}

    def ready(self) -> None:
        from ezhou_platform.common.demo import DEMO_LOADERS

        from . import procedures  # noqa: F401  (registers the procedures, documents and shortcuts)
        from .demo import accounts_line, load_demo

        if not any(loader is load_demo for _, loader in DEMO_LOADERS):
            DEMO_LOADERS.append(
                (f"保障性租赁住房：运营单位、项目、房源、各阶段的申请人账户——{accounts_line()}", load_demo)
            )
