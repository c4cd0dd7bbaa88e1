"""`GET /api/v1/notices/{key}`: the notice (告知) in force, for API clients to show before they submit personal
data with its `notice_version` (C26). Public: the notice is what anyone is told before applying."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from ezhou_platform.common.api_errors import ApiError

from . import consent
from .models import ConsentNotice

router = Router(tags=["平台"])

NOTICE_KEY = Path(
    ..., pattern=r"^[a-z0-9-]{1,60}$", title="告知事项", description="告知事项，如 rental-housing-application"
)


class ConsentNoticeOut(Schema):
    key: str = Field(..., title="告知事项")
    version: int = Field(..., ge=1, title="版本", description="提交申请时作为 notice_version 发送")
    title: str = Field(..., title="标题")
    text: str = Field(..., title="告知内容")
    sensitive: bool = Field(
        ..., title="涉及敏感个人信息", description="为 true 时提交须带 sensitive_acknowledged=true"
    )
    sensitive_text: str = Field(..., title="敏感个人信息单独告知")
    legal_basis: str = Field(..., title="处理依据")
    valid_from: dt.date = Field(..., title="启用日期")


@router.get("/{key}", response=ConsentNoticeOut, summary="现行的个人信息处理告知", auth=None)
def notice(request: HttpRequest, key: str = NOTICE_KEY) -> dict[str, Any]:
    # A key no submission uses is the client's mistake (404); a used key without a notice stays the
    # deployment error `consent.current` reports (503).
    if not ConsentNotice.objects.filter(key=key).exists():
        raise ApiError("unknown_notice", f"没有名为“{key}”的告知事项。", field="key", status=404)
    n = consent.current(key)
    return {f: getattr(n, f) for f in ConsentNoticeOut.model_fields}
