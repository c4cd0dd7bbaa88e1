"""Who holds the ledger's keys for a subject (USCC, resident ID) or an object (VIN, a bank's loan contract, a
store) — staff of the departments that run the measures, and auditors.

``POST /ledger/search`` takes the term in its body; ``GET /ledger?q=`` still answers any other term but refuses a
whole resident ID: a query string lands in access logs and proxies (SECURITY.md C05)."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query

from ezhou_platform.common import scopes
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.pii_search import has_whole_id
from ezhou_platform.common.roles import Role

from ..models import LedgerKey
from ..models.ledger import subject_token
from ..views.common import applications_for
from .router import router
from .schemas import SubsidySchema


class LedgerQuery(SubsidySchema):
    q: str = Field(
        ..., min_length=3, max_length=120, title="证件号码或对象", description="享受主体证件号码或奖补对象"
    )
    held_only: bool = Field(
        True, title="只看占用中的", description="只列出仍被占用的台账键（false 时包括已释放的）"
    )


class LedgerRowOut(SubsidySchema):
    key: str
    label: str
    application: str
    status: str
    taken_on: dt.date
    released_on: dt.date | None
    release_reason: str


@router.get("/ledger", response=list[LedgerRowOut], summary="台账查询（证件号码请用 POST /ledger/search）")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, department=scopes.SUBSIDIES)
def ledger(request: HttpRequest, query: Query[LedgerQuery]) -> list[dict[str, Any]]:
    if has_whole_id(query.q):
        raise ApiError(
            "id_in_url",
            "查询条件含完整的公民身份号码：请用 POST /api/v1/subsidies/ledger/search 在请求体中提交，"
            "以免号码进入网址和访问日志。",
            field="q",
            status=422,
        )
    return _rows(request, query)


# A POST is a write to the permission layer, so auditors (read-only) search by ID on the ledger page, which posts
# its searches as a read (common.pii_search); here clerks and heads.
@router.post("/ledger/search", response=list[LedgerRowOut], summary="台账查询（请求体提交查询条件）")
@api_requires(Role.CLERK, Role.DEPARTMENT_HEAD, department=scopes.SUBSIDIES)
def ledger_search(request: HttpRequest, query: LedgerQuery) -> list[dict[str, Any]]:
    return _rows(request, query)


def _rows(request: HttpRequest, query: LedgerQuery) -> list[dict[str, Any]]:
    text = query.q.strip().upper()
    qs = LedgerKey.objects.filter(
        # a subject by its token (keys hold no ID in clear, C20); an object (VIN, contract, store) by its text
        Q(key__contains=f"|{subject_token(text)}")
        | Q(key__endswith=f"|{text}")
        | Q(key__contains=f"|{text}|")
        | Q(key__endswith=f":{text}"),
        application__in=applications_for(request.user),
    ).select_related("application")
    if query.held_only:
        qs = qs.filter(released_on__isnull=True)
    return [
        {
            "key": k.shown_key,  # the subject masked, not its token
            "label": k.label,
            "application": k.application.number,
            "status": k.application.get_status_display(),
            "taken_on": k.taken_on,
            "released_on": k.released_on,
            "release_reason": k.release_reason,
        }
        for k in qs.order_by("-id")[:500]
    ]
