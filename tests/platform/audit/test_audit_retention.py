"""C14: audit records outlive every retention job (time travel).

SECURITY.md C14 asks for logs kept at least 6 months (网络安全法 第二十一条第（三）项) and records of personal-data
processing at least 3 years (个人信息保护法 第五十六条 and the checklist's P56). The platform purges no audit row at
all: this test writes records on the frozen day (2026年6月15日), moves the clock 10 years on — past every period
of the inventory (the longest, 医疗救助 persons, ends 2032-01-01) — runs all daily security jobs, the retention
job among them, and counts the records of 2026 again.

Figure (printed with -s): oldest retained age in days — 2026-06-15 → 2036-06-15 is 3,653 days (10 × 365 plus
the leap days of 2028 and 2032 and 2036: 29 February 2036 falls before 15 June).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from ezhou_platform.common import clock
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.audit.verify import verify

pytestmark = pytest.mark.django_db


def test_no_audit_record_is_purged_ten_years_on(clock_at: Any, demo_users: dict[str, Any]) -> None:
    written_on = clock.today()
    assert written_on == dt.date(2026, 6, 15)  # the suite's frozen day
    clerk = demo_users["yibao_clerk"]
    ours = [
        record(
            "security.pii.view",
            actor=clerk,
            object_type="medical_assistance.person",
            object_id=i,
            object_repr=f"测试人员{i}",
        ).seq
        for i in range(5)
    ]
    total_before = AuditRecord.objects.count()

    clock_at(dt.date(2036, 6, 15))
    call_command("security", "daily", verbosity=0)

    kept = AuditRecord.objects.filter(seq__in=ours).count()
    oldest = AuditRecord.objects.order_by("created_at").values_list("created_at", flat=True).first()
    assert oldest is not None
    age_days = (clock.today() - oldest.astimezone(dt.UTC).date()).days
    print(
        f"\nC14 records of 2026 kept {kept}/5; all records before {total_before}, after ≥ {total_before}; oldest age {age_days} days"
    )
    assert kept == 5
    # the retention job (the one job that removes personal data) did run, and recorded itself
    assert AuditRecord.objects.filter(action="security.retention.run").exists()
    assert AuditRecord.objects.count() >= total_before  # the jobs add their own records, delete none
    assert age_days >= 3_653 - 1  # the oldest record may be from the evening before in UTC
    assert age_days >= 3 * 365  # PI processing records: at least 3 years
    assert verify().ok  # and the chain across ten years still verifies
