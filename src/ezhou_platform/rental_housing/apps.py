from django.apps import AppConfig

from ezhou_platform.common.roles import Role


class RentalHousingConfig(AppConfig):
    name = "ezhou_platform.rental_housing"
    label = "rental_housing"
    verbose_name = "保障性租赁住房"
    # Who may see this app's admin pages ("" = the app index, else a model name); the role × URL walk reads it.
    admin_access: dict[str, set[Role]] = {}
