"""JSON API of 计划用水管理 (鄂州政办发〔2022〕15号), mounted at /api/v1/water-plan/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["计划用水管理"])
