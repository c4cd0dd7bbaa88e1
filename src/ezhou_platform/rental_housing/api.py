"""JSON API of 保障性租赁住房 (鄂州政发〔2022〕19号), mounted at /api/v1/rental-housing/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["保障性租赁住房"])
