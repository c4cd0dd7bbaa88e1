"""A real process for the import-job tests: `python import_harness.py seed` puts the reference data, a housing
clerk and an announced project in the database; any other arguments are `ezhou jobs …` (start, worker)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "src"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ezhou_platform.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if sys.argv[1:] == ["seed"]:
        from ezhou_platform.common.demo import load_reference_data
        from ezhou_platform.common.models import Department, Jurisdiction, User
        from ezhou_platform.common.roles import Role
        from ezhou_platform.rental_housing import services
        from ezhou_platform.rental_housing.models import Operator

        load_reference_data()
        huarong = Jurisdiction.objects.get(code="huarong")
        clerk = User.objects.create(
            username="zhujian_clerk",
            role=Role.CLERK,
            department=Department.objects.get(code="housing"),
            jurisdiction=huarong,
        )
        op = Operator.objects.create(
            name="测试运营公司", uscc="91420700MA4F000015", business_scope="住房租赁", jurisdiction=huarong
        )
        services.register_project(
            acting_user=clerk,
            operator=op,
            name="导入测试项目",
            jurisdiction=huarong,
            owner_name="x",
            sourcing_method=1,
            certificate_number="IMPORT-1",
            certificate_date=dt.date(2023, 1, 5),
            announced_on=dt.date(2023, 1, 6),
        )
        print("seeded")
    else:
        call_command("jobs", *sys.argv[1:])
