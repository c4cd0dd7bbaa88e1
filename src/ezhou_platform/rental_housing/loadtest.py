"""A load-test scenario for the allocation (第十七条): one project, `units` free units and `applicants`
qualified applicants who applied one second apart, each with a citizen account.

Used by tests/platform/rental_housing/test_allocation_concurrency.py and bench/rental_housing.py through
`ezhou rental-housing loadtest-seed`. It refuses to run twice on one database with the same tag (the certificate
number and the account names carry it); `--rounds N` seeds N independent scenarios at once (SECURITY.md R1: 100
seeded rounds), each its own project, applicants and accounts.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.demo import load_reference_data
from ezhou_platform.common.models import Department, Jurisdiction, User
from ezhou_platform.common.roles import Role

from .models import Application, ApplicationStatus, Operator, Project, Unit

CERTIFICATE = "LOADTEST-0001"


def _resident_id(seq: int, round_no: int = 0) -> str:
    # Round k of a multi-round seed gets its own birthdays (month/day), so no person is an applicant in two
    # rounds: the platform lets one person hold one allocation across all projects (第十七条 and its check).
    month, day = 1 + round_no // 28 % 12, 1 + round_no % 28
    base = f"420704{1980 + seq // 1000 % 20}{month:02d}{day:02d}{seq % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return base + "10X98765432"[sum(int(c) * w for c, w in zip(base, weights, strict=True)) % 11]


@transaction.atomic
def seed(
    *, applicants: int, units: int, sessions: bool = False, tag: str = "", round_no: int = 0
) -> dict[str, Any]:
    """Create the scenario directly (bulk, not through the services: this is test data, not a procedure)."""
    certificate = CERTIFICATE + tag
    if Project.objects.filter(certificate_number=certificate).exists():
        raise RuntimeError(f"压力测试数据已存在（项目认定书 {certificate}）。")
    load_reference_data()
    huarong = Jurisdiction.objects.get(code="huarong")
    housing = Department.objects.get(code="housing")
    clerk, _ = User.objects.get_or_create(
        username="loadtest_clerk",
        defaults={"role": Role.CLERK, "department": housing, "display_name": "压测经办"},
    )
    op, _ = Operator.objects.get_or_create(
        uscc="914207000000LT001X",
        defaults={"name": "压测住房租赁运营公司", "business_scope": "住房租赁", "jurisdiction": huarong},
    )
    project = Project.objects.create(
        name="压力测试项目",
        jurisdiction=huarong,
        owner_name="压测",
        operator=op,
        sourcing_method=1,
        housing_type="rent_then_sell",
        certificate_number=certificate,
        certificate_date=dt.date(2023, 1, 1),
        announced_on=dt.date(2023, 1, 2),
    )
    Unit.objects.bulk_create(
        Unit(
            project=project,
            number=f"{i + 1:04d}",
            layout="两室一厅",
            area_m2=Decimal("80.00"),
            rent_fen=100000,
            market_rent_fen=150000,
            fitted_out=True,
        )
        for i in range(units)
    )
    names = [f"loadtest_{tag}{i:05d}" for i in range(applicants)]
    User.objects.bulk_create(
        User(username=name, role=Role.CITIZEN, display_name=f"压测申请人{i}", password="!")  # noqa: S106 - "!" is Django's unusable password
        for i, name in enumerate(names)
    )
    users = list(User.objects.filter(username__in=names).order_by("username"))
    start = clock.now() - dt.timedelta(days=30)
    apps = Application.objects.bulk_create(
        Application(
            project=project,
            applicant=u,
            entered_by=clerk,
            channel="online",
            name=u.display_name,
            id_number=_resident_id(i, round_no),
            phone="13800000000",
            birth_date=dt.date(1990, 1, 1),
            full_civil_capacity=True,
            status=ApplicationStatus.QUALIFIED,
            submitted_on=start.date(),
            submitted_at=start + dt.timedelta(seconds=i),
            review_deadline=start.date(),
            qualified_on=start.date(),
        )
        for i, u in enumerate(users)
    )
    apps = list(
        Application.objects.filter(project=project).select_related("project").order_by("submitted_at", "id")
    )
    _open_cases(apps, clerk)
    out: dict[str, Any] = {
        "project": project.pk,
        "applications": [a.pk for a in apps],
        "units": list(Unit.objects.filter(project=project).values_list("pk", flat=True)),
    }
    if sessions:
        backend = "django.contrib.auth.backends.ModelBackend"
        keys = []
        for u in users:
            s = SessionStore()
            s["_auth_user_id"] = str(u.pk)
            s["_auth_user_backend"] = backend
            s["_auth_user_hash"] = u.get_session_auth_hash()
            s.create()
            keys.append(s.session_key)
        out["sessions"] = keys
        out["session_cookie"] = settings.SESSION_COOKIE_NAME
        out["csrf_token"] = secrets.token_hex(16)  # 32 characters, the form Django accepts in the cookie
    return out


def _open_cases(apps: list[Any], clerk: Any) -> None:
    """The seeded applications are already qualified: their cases (the procedure layer's) in bulk, in the state
    they were seeded in, as the data migration does for records made before the layer."""
    from django.contrib.contenttypes.models import ContentType

    from ezhou_platform.common.models import Department
    from ezhou_platform.procedures.models import Case

    from .procedures import APPLICATION, application_title

    ct = ContentType.objects.get_for_model(Application)
    housing = Department.objects.get(code=APPLICATION.department)
    now = clock.now()
    Case.objects.bulk_create(
        Case(
            procedure=APPLICATION.slug,
            content_type=ct,
            object_id=a.pk,
            department=housing,
            title=application_title(a)[:200],
            state=a.status,
            applicant_user_id=a.applicant_id,
            opened_on=a.submitted_on,
            opened_by=clerk,
            updated_at=now,
        )
        for a in apps
    )


def check(project_id: int) -> dict[str, Any]:
    """What the tests and the bench assert: nothing let twice, allocation in application order, the queue."""
    from .models import Allocation
    from .services import queue_position

    apps = list(Application.objects.filter(project_id=project_id).order_by("submitted_at", "id"))
    active = list(Allocation.objects.filter(unit__project_id=project_id, active=True))
    units_let = [a.unit_id for a in active]
    holders = {a.application_id for a in active}
    n_units = Unit.objects.filter(project_id=project_id).count()
    allocated_in_order = {a.pk for a in apps[: len(holders)]} == holders
    waiting = [a for a in apps if a.status == ApplicationStatus.QUALIFIED]
    positions = [queue_position(a).queue_position for a in waiting]
    return {
        "units": n_units,
        "units_let": len(units_let),
        "distinct_units_let": len(set(units_let)),
        "holders": len(holders),
        "distinct_people": len({a.id_number for a in active}),
        "allocated_are_the_first": allocated_in_order,
        "queued": len(waiting),
        "queue_positions_in_order": positions == list(range(1, len(waiting) + 1)),
        "units_marked_let": Unit.objects.filter(project_id=project_id, status="let").count(),
    }


def offer_check(project_id: int) -> dict[str, Any]:
    """After releases and answers under load (轮候配租, 第十七条): who holds an offer, who holds a unit, in
    which order (positions in application order, 0-based), and whether any unit is reserved or let twice."""
    from .models import Allocation, OfferStatus, UnitOffer

    order = {
        pk: i
        for i, pk in enumerate(
            Application.objects.filter(project_id=project_id)
            .order_by("submitted_at", "id")
            .values_list("pk", flat=True)
        )
    }
    offers = list(UnitOffer.objects.filter(unit__project_id=project_id))
    open_ = [o for o in offers if o.status == OfferStatus.OPEN]
    active = list(Allocation.objects.filter(unit__project_id=project_id, active=True))
    return {
        "open_offers_to": sorted(order[o.application_id] for o in open_),
        "open_offer_units_distinct": len({o.unit_id for o in open_}) == len(open_),
        "declined_by": sorted(order[o.application_id] for o in offers if o.status == OfferStatus.DECLINED),
        "holders": sorted(order[a.application_id] for a in active),
        "units_let_distinct": len({a.unit_id for a in active}) == len(active),
        "units_offered": Unit.objects.filter(project_id=project_id, status="offered").count(),
        "units_let": Unit.objects.filter(project_id=project_id, status="let").count(),
        "units_free": Unit.objects.filter(project_id=project_id, status="available").count(),
    }
