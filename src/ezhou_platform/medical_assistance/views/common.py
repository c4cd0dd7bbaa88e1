"""What the pages of 医疗救助 share: who sees them, dates typed into forms, paging, the demo's example values,
the panel of a case (its progress, steps with their articles, timeline and documents), and the search by a whole
ID (``common.pii_search``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.paginator import Paginator
from django.http import HttpRequest

from ezhou_platform.common.models import Jurisdiction, User

# The search by a whole ID without a URL (C05) is shared with the other domains; re-exported here because the
# pages of 医疗救助 take their helpers from this module.
from ezhou_platform.common.pii_search import ID_IN_URL as ID_IN_URL
from ezhou_platform.common.pii_search import link_query as link_query
from ezhou_platform.common.pii_search import pii_search as pii_search
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import engine
from ezhou_platform.procedures import workspace as ws
from ezhou_rules.core.citations import Citation

from .. import services
from ..cites import MEDICAL

STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)
DEPARTMENT = MEDICAL
# The configured values a page uses; the demo's examples of them are marked 示例数据（非官方统计） on the page.
INCOME = ("income.per_capita_disposable",)
RURAL_INCOME = ("income.rural_per_capita_disposable",)
PREMIUM = ("premium_subsidy.individual_premium",)


def examples(*groups: tuple[str, ...]) -> list[str]:
    return services.example_values(tuple(name for group in groups for name in group))


def parse_date(raw: str | None, label: str, errors: list[str]) -> dt.date | None:
    """A date typed into a form (2024-03-15), or an error naming the field by its label once."""
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        errors.append(f"“{label}”应为日期，如 2024-03-15。")
        return None


def page_of(request: HttpRequest, qs: Any, per_page: int = 25) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def may_write(request: HttpRequest) -> bool:
    """Auditors read; everyone else who reached the page (its decorator checked role and department) acts."""
    return cast(User, request.user).role != Role.AUDITOR


def districts(on: dt.date | None = None) -> Any:
    return Jurisdiction.objects.districts(on=on).order_by("id")


def district_by_code(code: str | None, on: dt.date | None = None) -> Jurisdiction | None:
    return districts(on).filter(code=code or "").first()


def anchor(cites: str) -> str:
    return Citation.parse(cites).anchor()


def case_panel(record: Any, user: Any) -> dict[str, Any]:
    """The case of ``record`` for its page: progress bar, the steps ``user`` may take now (each with its
    article and the gazette anchor), the timeline and the documents issued."""
    case = engine.case_of(record)
    if case is None:
        return {"case": None, "steps": []}
    steps = [
        {"name": name, "label": st.label, "cites": st.cites, "anchor": anchor(st.cites)}
        for name, st in engine.available_steps(record, user)
    ]
    return {
        "case": case,
        "progress": ws.progress(case),
        "steps": steps,
        "events": case.events.select_related("actor", "document"),
        "documents": case.documents.order_by("-issued_at"),
    }
